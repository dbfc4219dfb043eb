#!/usr/bin/env bats
# The examples README and the man pages print, run as printed (issue 19,
# part 5): each is extracted from the document, not copied here, so that
# none can drift.  They run in the test's own directory, with atexit-shim
# on PATH and an ./app and a Makefile of the kind they assume.

load helper

# (called by each test: bats 1.2.1's setup is tests/helper.bash's own)
prepare()
{
	cd "$BATS_TEST_TMPDIR"
	mkdir bin
	ln -s "$WRAPPER" bin/atexit-shim
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	# ./app leaves its lock file behind when asked to (APP_LEAVES_LOCK=1)
	printf '%s\n' '#!/bin/sh' 'touch app.lock' '[ -n "$APP_LEAVES_LOCK" ] || rm -f app.lock' 'echo app ran' >app
	chmod +x app
	# make test: a recursive make, into sub/, that runs a few programs
	mkdir sub
	printf 'test:\n\tls >/dev/null\n\t$(MAKE) -s -C sub\n' >Makefile
	printf 'all:\n\techo sorted | sort >/dev/null\n' >sub/Makefile
}

# The first indented block of README.md after the line that holds $1 (up
# to the first line that is neither indented nor empty).
readme_block()
{
	awk -v start="$1" '
		inside && /^    / { sub(/^    /, ""); print; next }
		inside && /^$/ { print; next }
		inside { exit }
		found && /^    / { inside = 1; sub(/^    /, ""); print; next }
		index($0, start) { found = 1 }' "$SRCDIR/README.md"
}

# The .EX/.EE blocks of a man page's EXAMPLES section, as a shell reads
# them (groff's \- and \e undone), one after the other.
man_examples()
{
	awk '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH / { on = 0 } on && /^\.EX/ { ex = 1; next } on && /^\.EE/ { ex = 0; print ""; next } on && ex { print }' "$1" |
		sed 's/\\-/-/g; s/\\e/\\/g'
}

@test "README: the bats example, as printed, passes on an app that cleans up and fails on one that does not" {
	prepare
	readme_block 'A bats test that asserts a program removed its lock file at exit:' >lock.bats
	grep -q '@test' lock.bats
	run bats lock.bats
	[ "$status" -eq 0 ]
	APP_LEAVES_LOCK=1 run bats lock.bats
	[ "$status" -ne 0 ]
}

@test "README and atexit-shim(1): the make example, as printed, records every process of a recursive make in one exits.log" {
	prepare
	readme_block 'A make or CI recipe that records how every process' | sed '/^\$ /,$d' >recipe.sh
	grep -q 'make test' recipe.sh
	run sh recipe.sh
	[ "$status" -eq 0 ]
	[ ! -e sub/exits.log ]
	grep -q '^[0-9]* make exited 0$' exits.log
	grep -q '^[0-9]* ls exited 0$' exits.log
	grep -q '^[0-9]* sort exited 0$' exits.log
	# the man page's, the same recipe
	rm exits.log
	man_examples "$SRCDIR/doc/atexit-shim.1" | awk 'BEGIN { RS = ""; } /make test/ { print; exit }' >man-recipe.sh
	run sh man-recipe.sh
	[ "$status" -eq 0 ]
	[ "$(grep -c ' exited 0$' exits.log)" -ge 3 ]
}

@test "README: cleanup.c as printed compiles, and prints what README shows, natively and under the shim" {
	prepare
	readme_block '$ cat cleanup.c' | sed '/^\$ /,$d' >cleanup.c
	grep -q '#include <stdlib.h>' cleanup.c
	run sh -c "$(readme_block '$ cat cleanup.c' | sed -n 's/^\$ \(cc .*\)/\1/p')"
	[ "$status" -eq 0 ]
	# (the shell's own "Segmentation fault" line aside)
	run sh -c 'exec 2>/dev/null; ./cleanup >out.txt; echo "exit status $?"; cat out.txt'
	[ "$output" = "exit status 139" ]
	# under the shim: README's lines, addresses and the directory aside
	readme_block '$ LD_PRELOAD=$PWD/src/.libs/libatexit-shim.so ./cleanup' >shown
	run sh -c "exec 3>&2 2>/dev/null; LD_PRELOAD='$SHIM_LIB' ./cleanup >out.txt 2>err.txt; echo \"exit status \$?\"; cat out.txt"
	[ "$output" = "$(grep -v '^atexit-shim:\|^[./]' shown)" ]
	[ "$(sed 's/0x[0-9a-f]*/ADDR/g; s|/[^ ]*/cleanup+|DIR/cleanup+|' err.txt | head -n 1)" = \
		"$(sed 's/0x[0-9a-f]*/ADDR/g; s|/[^ ]*/cleanup+|DIR/cleanup+|' shown | head -n 1)" ]
	grep -q '^\./cleanup(+0x[0-9a-f]*) \?\[0x[0-9a-f]*\]$' err.txt # a raw frame, as shown (glibc 2.41 puts a space)
	# named through the wrapper: the line and the frame README quotes
	run atexit-shim ./cleanup
	printf '%s\n' "$output" | grep -q "^atexit-shim: exit handler save_state ($BATS_TEST_TMPDIR/cleanup.c:4) in $BATS_TEST_TMPDIR/cleanup+0x[0-9a-f]* (atexit, registration 2)"
	printf '%s\n' "$output" | grep -q "^    #0 save_state ($BATS_TEST_TMPDIR/cleanup.c:4) in $BATS_TEST_TMPDIR/cleanup+0x[0-9a-f]*$"
	grep -q 'save_state (/src/cleanup.c:4) in /src/cleanup+0x115f' "$SRCDIR/README.md"
}

@test "atexit-shim(1) and libatexit-shim(7): every example of their EXAMPLES sections runs as printed" {
	prepare
	local page
	for page in atexit-shim.1 libatexit-shim.7; do
		man_examples "$SRCDIR/doc/$page" >examples.sh
		[ -s examples.sh ]
		run sh -e examples.sh
		[ "$status" -eq 0 ] || { echo "$page: $output" >&2; false; }
	done
	# what they say they do: the lock checked, the status logged, the tree traced
	[ ! -e app.lock ]
	grep -qx 'exit 0' log
	grep -q '"event":"init"' exits.jsonl
}

@test "README: the first example of the command, as printed, checks the lock and logs the status" {
	prepare
	readme_block 'The command adds checks and cleanups to any program' >first.sh
	grep -q -- '-- ./app' first.sh
	run sh first.sh
	[ "$status" -eq 0 ]
	[ "$output" = "app ran" ]
	grep -qx 'exit 0' log
	APP_LEAVES_LOCK=1 run sh first.sh
	[ "$status" -eq 1 ]
	[ "$(tail -n 1 log)" = "exit 0" ]
}
