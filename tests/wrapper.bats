#!/usr/bin/env bats
# The atexit-shim command (contract section 7): every option, every exit
# status, LD_PRELOAD handling, and an installed copy.

load helper

@test "--help prints the usage and exits 0" {
	run shim --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Usage: atexit-shim [OPTIONS] [--] COMMAND [ARG...]" ]
	printf '%s\n' "$output" | grep -q -- '--print-env'
}

@test "--version prints the version and exits 0" {
	run shim --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^atexit-shim\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--lib prints the absolute path of the built library" {
	run shim --lib
	[ "$status" -eq 0 ]
	[ "$output" = "$(realpath "$SHIM_LIB")" ]
}

@test "--print-env prints every variable it would set, quoted for the shell, and runs nothing" {
	run shim --print-env --run="echo 'it''s'" --fn=f --skip='a*' --skip=b --trace="$BATS_TEST_TMPDIR/t" --json \
		--signals=TERM,INT --timeout=1.5 --follow -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	local lib
	lib=$(realpath "$SHIM_LIB")
	# in a subshell running builtins only: eval'ed, the shim is loaded by every command run after
	(
		eval "$output"
		[ "$LD_PRELOAD" = "$lib" ]
		[ "$ATEXIT_SHIM_HANDLERS" = "$(printf '%s\n' "cmd:echo 'it''s'" fn:f)" ]
		[ "$ATEXIT_SHIM_SKIP" = 'a*,b' ]
		[ "$ATEXIT_SHIM_TRACE" = "$BATS_TEST_TMPDIR/t" ]
		[ "$ATEXIT_SHIM_TRACE_FORMAT" = json ]
		[ "$ATEXIT_SHIM_SIGNALS" = TERM,INT ]
		[ "$ATEXIT_SHIM_TIMEOUT" = 1.5 ]
		[ "$ATEXIT_SHIM_FOLLOW" = 1 ]
		[ -z "${ATEXIT_SHIM_ROOT_PID+set}" ]
	)
}

@test "--print-env output works as printed: a POSIX shell's next commands run under the shim, each its own root" {
	[ "$(shim --print-env --run='echo X' | grep -vc '^export [A-Z_]*=')" -eq 1 ] # and "unset ATEXIT_SHIM_ROOT_PID"
	local sh
	for sh in bash dash sh; do
		# a root pid left in the shell (of a process gone) is removed too
		run env ATEXIT_SHIM_ROOT_PID=1 "$sh" -c 'eval "$("$WRAPPER" --print-env --run="echo X")"; /bin/true; echo "status $?"; /bin/true'
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf '%s\n' X 'status 0' X)" ]
	done
}

@test "--trace without a file means stderr" {
	run shim --print-env --trace
	printf '%s\n' "$output" | grep -qx "export ATEXIT_SHIM_TRACE='stderr'"
}

@test "bad options and values: one line naming them, exit 2, nothing run" {
	local args
	while IFS='|' read -r args expected; do
		# shellcheck disable=SC2086
		run shim $args -- touch "$BATS_TEST_TMPDIR/ran"
		[ "$status" -eq 2 ]
		[ "$output" = "atexit-shim: $expected" ]
		[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	done <<'CASES'
--timeout=abc|--timeout='abc': expected seconds, a number > 0 (decimals allowed)
--timeout=0|--timeout='0': expected seconds, a number > 0 (decimals allowed)
--timeout=-1|--timeout='-1': expected seconds, a number > 0 (decimals allowed)
--timeout=1000000000.5|--timeout='1000000000.5': expected seconds, at most 1000000000
--signals=TERM,NOPE|--signals='TERM,NOPE': expected signal names (TERM or SIGTERM, RTMIN+n, RTMAX-n) or numbers 1-31 and 34-64, separated by commas
--signals=32|--signals='32': expected signal names (TERM or SIGTERM, RTMIN+n, RTMAX-n) or numbers 1-31 and 34-64, separated by commas
--signals=RTMAX+1|--signals='RTMAX+1': expected signal names (TERM or SIGTERM, RTMIN+n, RTMAX-n) or numbers 1-31 and 34-64, separated by commas
--signals=SIGSTOP|--signals='SIGSTOP': expected signals that can be caught (not KILL or STOP)
--signals=KILL|--signals='KILL': expected signals that can be caught (not KILL or STOP)
--skip=a,,b|--skip='a,,b': expected shell globs over handler names, separated by commas
--fn=lib:|--fn='lib:': expected [LIBRARY:]SYMBOL
--bogus|--bogus: unknown option or missing value (see atexit-shim --help)
CASES
}

@test "an option missing its value at the end: exit 2" {
	run shim --timeout
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --timeout: unknown option or missing value (see atexit-shim --help)" ]
}

@test "an empty --run is refused" {
	run shim --run= -- true
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --run='': expected a shell command on one line" ]
}

@test "a bad setting already in the environment is refused too, before anything runs" {
	run env ATEXIT_SHIM_TIMEOUT=soon "$WRAPPER" -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	# one line, one decision
	[ "$output" = "atexit-shim: ATEXIT_SHIM_TIMEOUT='soon': expected seconds, a number > 0 (decimals allowed); not running the command" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a bad value with a newline or control characters is still reported on one line" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_TRACE_FORMAT=$'js\non\x01' "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "atexit-shim: ATEXIT_SHIM_TRACE_FORMAT='js\\non\\x01': expected text or json; ignored" ]
}

@test "no command: exit 2" {
	run shim --run=true
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: no command given (see atexit-shim --help)" ]
}

@test "a command that does not exist: exit 127" {
	run shim -- no-such-command-anywhere
	[ "$status" -eq 127 ]
	[ "$output" = "atexit-shim: no-such-command-anywhere: command not found" ]
}

@test "a command that is not executable: exit 126" {
	printf 'echo hi\n' >"$BATS_TEST_TMPDIR/script"
	chmod 644 "$BATS_TEST_TMPDIR/script"
	run shim -- "$BATS_TEST_TMPDIR/script"
	[ "$status" -eq 126 ]
	[ "$output" = "atexit-shim: $BATS_TEST_TMPDIR/script: not executable" ]
}

@test "the command's exit status and signal are the caller's" {
	run shim -- "$FIXTURES/exitprobe" exit=42
	[ "$status" -eq 42 ]
	run shim -- "$FIXTURES/exitprobe" crash=abort
	[ "$status" -eq 134 ]
}

@test "the command keeps the wrapper's pid: kill \$! reaches the real program" {
	"$WRAPPER" -- sleep 30 &
	local pid=$! i
	# the wrapper execs the command when it is ready: however long that takes
	for i in $(seq 300); do
		[ "$(cat /proc/$pid/comm)" = sleep ] && break
		sleep 0.1
	done
	[ "$(cat /proc/$pid/comm)" = sleep ]
	kill "$pid"
	wait "$pid" || [ $? -eq 143 ]
}

@test "an existing LD_PRELOAD is kept, after the shim; the shim is not added twice" {
	local other=$FIXTURES/.libs/libfn.so lib
	lib=$(realpath "$SHIM_LIB")
	run env LD_PRELOAD="$other" "$WRAPPER" --print-env
	printf '%s\n' "$output" | grep -qx "export LD_PRELOAD='$lib:$other'"
	run env LD_PRELOAD="$lib:$other" "$WRAPPER" --print-env
	printf '%s\n' "$output" | grep -qx "export LD_PRELOAD='$lib:$other'"
	run env LD_PRELOAD="$other" "$WRAPPER" -- sh -c 'echo "$LD_PRELOAD"'
	[ "$output" = "$lib:$other" ]
}

@test "a statically linked command: one line of warning, and it still runs" {
	run shim --run='echo never' -- "$FIXTURES/static_hello"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "atexit-shim: warning: $FIXTURES/static_hello is statically linked: the shim cannot be loaded into it; its exit checks will not run (atexit-shim --supervise runs them after it)" 'static hello')" ]
	# with nothing asked of its exit, nothing is said of it
	run shim --trace="$BATS_TEST_TMPDIR/t" -- "$FIXTURES/static_hello"
	[ "${lines[0]}" = "atexit-shim: warning: $FIXTURES/static_hello is statically linked: the shim cannot be loaded into it" ]
}

@test "make install DESTDIR: the installed wrapper finds the installed library and works" {
	local stage=$BATS_TEST_TMPDIR/stage
	make -C "$BUILDDIR" install DESTDIR="$stage" >/dev/null 2>&1
	local wrapper lib
	wrapper=$(find "$stage" -path '*/bin/atexit-shim')
	lib=$(find "$stage" -name libatexit-shim.so)
	[ -x "$wrapper" ] && [ -f "$lib" ]
	[ -n "$(find "$stage" -name atexit-shim.1)" ] && [ -n "$(find "$stage" -name libatexit-shim.7)" ]
	[ -n "$(find "$stage" -name atexit_shim.h)" ] && [ -n "$(find "$stage" -name atexit-shim.pc)" ]
	run "$wrapper" --lib
	[ "$output" = "$lib" ]
	run "$wrapper" --run='echo done' -- "$FIXTURES/exitprobe" print=main exit=0
	[ "$output" = "$(printf '%s\n' main done)" ]
}

@test "installed in a multiarch libdir: LD_PRELOAD names the library with \$LIB, which ld.so expands; --lib prints the real path" {
	[ -n "$MULTIARCH" ] || skip "the compiler knows no multiarch triplet"
	# the wrapper built as if installed in /usr, staged as under DESTDIR
	local root=$BATS_TEST_TMPDIR/root
	local dir=$root/usr/lib/$MULTIARCH/atexit-shim wrapper=$root/usr/bin/atexit-shim
	mkdir -p "$root/usr/bin" "$dir"
	cp "$FIXTURES/atexit-shim-multiarch" "$wrapper"
	cp "$SHIM_LIB" "$dir/"
	run "$wrapper" --lib
	[ "$output" = "$dir/libatexit-shim.so" ]
	local preload="$root/usr/\$LIB/atexit-shim/libatexit-shim.so" other=$FIXTURES/.libs/libfn.so
	run "$wrapper" --print-env
	printf '%s\n' "$output" | grep -qxF "export LD_PRELOAD='$preload'"
	# recognised as the shim by its name: not added twice
	run env LD_PRELOAD="$preload:$other" "$wrapper" --print-env
	printf '%s\n' "$output" | grep -qxF "export LD_PRELOAD='$preload:$other'"
	# the loader expands $LIB for this process's class: the shim is loaded from the real path and acts
	run env LD_PRELOAD="$other" "$wrapper" --run='echo done' -- grep -m 1 -o '/.*/libatexit-shim\.so' /proc/self/maps
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "$dir/libatexit-shim.so" done)" ]
	# and a child of the root strips that entry, as any other spelling of the path
	run env LD_PRELOAD="$other" "$wrapper" --run=true -- bash -c "bash -c 'echo \"[\$LD_PRELOAD]\"'; exit 0"
	[ "$output" = "[$other]" ]
}

@test "a script without #! runs with /bin/sh, as execvp, env and the shells run it" {
	local script=$BATS_TEST_TMPDIR/script
	printf 'echo "$0 $1 $2"\nexit 3\n' >"$script"
	chmod 755 "$script"
	run shim -- "$script" a 'b c'
	[ "$status" -eq 3 ]
	[ "$output" = "$script a b c" ]
	PATH=$BATS_TEST_TMPDIR:$PATH run shim -- script a
	[ "$status" -eq 3 ]
	[ "$output" = "$script a " ]
}

@test "--trace FILE (a space, not =) makes FILE the command: its failure says did you mean --trace=FILE" {
	cd "$BATS_TEST_TMPDIR"
	run shim --trace trace.log -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 127 ]
	[ "$output" = "atexit-shim: trace.log: command not found (did you mean --trace=trace.log?)" ]
	touch existing.log
	run shim --trace ./existing.log "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 126 ]
	[ "$output" = "atexit-shim: ./existing.log: not executable (did you mean --trace=./existing.log?)" ]
	run shim --trace -- no-such-command-anywhere
	[ "$status" -eq 127 ]
	[ "$output" = "atexit-shim: no-such-command-anywhere: command not found" ]
}

@test "--json without a trace is refused, nothing run; with ATEXIT_SHIM_TRACE set it formats that trace" {
	run shim --json -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --json: there is no trace to format (add --trace or --trace=FILE)" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	run env ATEXIT_SHIM_TRACE="$BATS_TEST_TMPDIR/trace" "$WRAPPER" --json -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$(head -c 7 "$BATS_TEST_TMPDIR/trace")" = '{"pid":' ]
}

@test "a trace file that cannot take the trace is refused before anything runs: one line, exit 2" {
	local dir=$BATS_TEST_TMPDIR
	ln -s "$dir/elsewhere" "$dir/link"
	while IFS='|' read -r value expected; do
		run shim --trace="$value" -- touch "$dir/ran"
		[ "$status" -eq 2 ]
		[ "$output" = "atexit-shim: --trace='$value': $expected" ]
		[ ! -e "$dir/ran" ]
	done <<CASES
/dev/full|not a file, a pipe, a terminal or /dev/null: trace lines written there would be lost
$dir|cannot open it for appending: Is a directory
$dir/no/such/dir/trace|cannot open it for appending: No such file or directory
$dir/link|cannot open it for appending: a symbolic link, which is never followed (for standard error: --trace without FILE)
CASES
	run env ATEXIT_SHIM_TRACE=/dev/full "$WRAPPER" -- touch "$dir/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: ATEXIT_SHIM_TRACE='/dev/full': not a file, a pipe, a terminal or /dev/null: trace lines written there would be lost" ]
	if [ "$(id -u)" -ne 0 ]; then
		touch "$dir/readonly" && chmod 444 "$dir/readonly"
		run shim --trace="$dir/readonly" -- true
		[ "$output" = "atexit-shim: --trace='$dir/readonly': cannot open it for appending: Permission denied" ]
	fi
}

@test "a trace file the wrapper checks: /dev/null is fine; a new one is left to the library to create" {
	run shim --trace=/dev/null -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	run shim --trace="$BATS_TEST_TMPDIR/new" -- no-such-command-anywhere
	[ "$status" -eq 127 ]
	[ ! -e "$BATS_TEST_TMPDIR/new" ]
	run shim --trace="$BATS_TEST_TMPDIR/new" -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/new")" = 600 ]
	grep -q ' init' "$BATS_TEST_TMPDIR/new"
}

@test "a value or command name with a newline is still reported on one line" {
	run shim --run=$'echo a\necho b' -- true
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --run='echo a\\necho b': expected a shell command on one line" ]
	run shim --trace=$'/no/such\ndir' -- true
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --trace='/no/such\\ndir': cannot open it for appending: No such file or directory" ]
	run shim -- $'no-such\ncommand'
	[ "$status" -eq 127 ]
	[ "$output" = "atexit-shim: no-such\\ncommand: command not found" ]
	run shim --report=$'/no/such\nfile'
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --report='/no/such\\nfile': cannot read it: No such file or directory" ]
}

@test "a named pipe as the trace file is left to its reader: the wrapper does not open it" {
	local fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	# a reader holds it open before the program starts (no race with one
	# still starting); what the program wrote is in the pipe once it ends
	exec 4<>"$fifo"
	run timeout 20 "$WRAPPER" --trace="$fifo" -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	python3 -c 'import os; os.set_blocking(4, False); print(os.read(4, 1 << 16).decode())' >"$BATS_TEST_TMPDIR/read"
	exec 4>&-
	grep -q ' init' "$BATS_TEST_TMPDIR/read"
}

@test "an option's value given on its own never starts with --: --run -- ./app is a forgotten value, status 2, nothing run" {
	run shim --run -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --run: missing value ('--' is not one: write --run=-- for a value that starts with --)" ]
	run shim --timeout --follow -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --timeout: missing value ('--follow' is not one: write --timeout=--follow for a value that starts with --)" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	# given with "=", it is the value
	run shim --run='echo ran' -- true
	[ "$output" = ran ]
}

@test "the command acts on none of the settings a shell exported for the commands it runs: its output is its own, the settings go on" {
	# shellcheck disable=SC2016
	run sh -c 'eval "$("$1" --print-env --run="echo X")"; "$1" --lib; again=$("$1" --print-env); echo "$again"; /bin/true' _ "$WRAPPER"
	[ "$status" -eq 0 ]
	# the second --print-env, clean too, still carries the first one's settings
	[ "$output" = "$(printf '%s\n' "$(realpath "$SHIM_LIB")" "export LD_PRELOAD='$(realpath "$SHIM_LIB")'" \
		"export ATEXIT_SHIM_HANDLERS='cmd:echo X'" "export ATEXIT_SHIM_SYMBOLIZER='$(realpath "$WRAPPER")'" \
		'unset ATEXIT_SHIM_ROOT_PID' X)" ]
}

@test "a huge value: the line keeps its reason, the middle of the value elided; a huge --timeout names the limit" {
	local long
	long=$(printf '%0100000d' 0)
	run shim --trace="$BATS_TEST_TMPDIR/$long" -- true
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${#output}" -le 1020 ]
	[[ "$output" == "atexit-shim: --trace='$BATS_TEST_TMPDIR/0"*"[...]"*"0': cannot open it for appending: File name too long" ]]
	run shim --timeout="1$(printf '%0400d' 0)" -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"': expected seconds, at most 1000000000" ]]
}

@test "--supervise: the checks run once whatever the program does: by the shim, or after a program whose image left it, with its status" {
	local show='echo "check: status $ATEXIT_SHIM_STATUS"'
	# the shim ran them: not again
	run shim --supervise --run="$show" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "check: status 3" ]
	# env -i drops the shim: the command runs them after, and a failing one sets the status
	run shim --supervise --run="$show; exit 1" -- env -i /bin/sh -c 'exit 4'
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf '%s\n' \
		'atexit-shim: env ended without running its exit checks (the shim was not in its last image): running them here' \
		'check: status 4' 'atexit-shim: exit command (echo "check: status $ATEXIT_SHIM_STATUS"; exit 1) failed with status 1')" ]
	# a statically linked program: said before it runs, run after
	run shim --supervise --run="$show" -- "$FIXTURES/static_hello"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "atexit-shim: warning: $FIXTURES/static_hello is statically linked: the shim cannot be loaded into it; its exit checks run after it, here" ]
	[ "${lines[-1]}" = "check: status 0" ]
	# an fn: entry is the program's: it cannot run after it, and the status says so
	run shim --supervise --fn=exitprobe_fn -- env -i /bin/true
	[ "$status" -eq 127 ]
	[[ "$output" == *"atexit-shim: fn:exitprobe_fn could not run: a function of the program, which has ended" ]]
}

@test "--supervise: every signal the command gets is the program's, and the command ends as the program did" {
	# the program signals its parent, the supervisor, at once: passed on, not lost
	run shim --supervise --run='echo "check: status $ATEXIT_SHIM_STATUS signal $ATEXIT_SHIM_SIGNAL"' -- \
		sh -c 'kill -TERM $PPID; exec sleep 60'
	[ "$status" -eq 143 ]
	[ "${lines[-1]}" = "check: status 143 signal 15" ]
	run ending_under_shim "$WRAPPER" --supervise -- sh -c 'kill -USR1 $PPID; exec sleep 60'
	[ "$output" = "signal 10" ]
}

@test "without --supervise a program out of reach is named, and what becomes of its checks; a set-user-id program the loader runs as is is not" {
	[ "$(id -u)" -eq 0 ] || skip "set-user-id files of other users need root"
	local dir=$BATS_TEST_TMPDIR
	cp /bin/true "$dir/other" && chown 65534 "$dir/other" && chmod 4755 "$dir/other"
	cp /bin/true "$dir/mine" && chmod 4755 "$dir/mine"
	run shim --run=true -- "$dir/other"
	[ "$output" = "atexit-shim: warning: $dir/other is set-user-id: the loader ignores LD_PRELOAD there, the shim is not loaded into it; its exit checks will not run (atexit-shim --supervise runs them after it)" ] ||
		findmnt -n -o OPTIONS --target "$dir" | grep -qw nosuid
	# set-user-id to the user running it: no secure mode, the shim is loaded and the check runs
	run shim --run='echo ran' -- "$dir/mine"
	[ "$output" = ran ]
}

@test "a program built with AddressSanitizer: its runtime goes first in LD_PRELOAD, so it runs, and its checks with it" {
	readelf -d "$FIXTURES/registry_unit_sanitized" | grep -q 'NEEDED.*libasan' || skip "the sanitized fixture does not need libasan"
	run sanitized "$WRAPPER" --run='echo check' -- "$FIXTURES/registry_unit_sanitized"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = check ]
	[[ "$output" != *"ASan runtime does not come first"* ]]
}
