#!/usr/bin/env bats
# Real, unmodified Debian programs: native vs shim.

load helper

@test "ls >/dev/full: coreutils' close_stdout handler still reports the write error, status 2" {
	STDOUT=/dev/full assert_transparent ls /
	[ "$(native_status)" = 2 ]
	grep -q 'write error' "$BATS_TEST_TMPDIR/shim.err"
}

@test "cat >/dev/full reports the write error as natively" {
	STDOUT=/dev/full assert_transparent cat /etc/hostname /etc/os-release
	[ "$(native_status)" = 1 ]
	grep -q 'write error' "$BATS_TEST_TMPDIR/shim.err"
}

@test "sort >/dev/full reports the write error as natively" {
	STDOUT=/dev/full assert_transparent sort /etc/os-release
	[ "$(native_status)" = 2 ]
}

@test "true --help >/dev/full fails as natively" {
	STDOUT=/dev/full assert_transparent /bin/true --help
	[ "$(native_status)" = 1 ]
}

@test "ls, sort and env behave the same to a pipe" {
	assert_transparent ls -la /usr/share/doc/coreutils
	assert_transparent sort -r /etc/os-release
	assert_transparent env -u LD_PRELOAD printenv HOME
}

@test "perl END blocks run in order" {
	assert_transparent perl -e 'END { print "end 1\n" } END { print "end 2\n" } print "main\n"; exit 3'
	[ "$(native_out)" = "$(printf 'main\nend 2\nend 1')" ]
	[ "$(native_status)" = 3 ]
}

@test "python3 atexit handlers run, with their output and status" {
	assert_transparent python3 -c 'import atexit, sys
atexit.register(print, "first registered")
atexit.register(print, "second registered")
print("main"); sys.exit(4)'
	[ "$(native_out)" = "$(printf 'main\nsecond registered\nfirst registered')" ]
	[ "$(native_status)" = 4 ]
}

@test "bash EXIT trap runs and keeps the status" {
	assert_transparent bash -c 'trap "echo trapped; echo to stderr >&2" EXIT; echo main; exit 5'
	[ "$(native_out)" = "$(printf 'main\ntrapped')" ]
	[ "$(native_status)" = 5 ]
}

@test "gcc -c leaves no temporary files behind" {
	local src=$BATS_TEST_TMPDIR/t.c
	printf 'int f(void) { return 1; }\n' >"$src"
	mkdir "$BATS_TEST_TMPDIR/tmp-native" "$BATS_TEST_TMPDIR/tmp-shim"
	TMPDIR=$BATS_TEST_TMPDIR/tmp-native gcc -c -o "$BATS_TEST_TMPDIR/native.o" "$src"
	TMPDIR=$BATS_TEST_TMPDIR/tmp-shim LD_PRELOAD=$SHIM_LIB gcc -c -o "$BATS_TEST_TMPDIR/shim.o" "$src"
	[ -s "$BATS_TEST_TMPDIR/shim.o" ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp-shim")" ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp-native")" ]
}

@test "gcc -c with an error: status and diagnostics as natively, no temporary files" {
	printf 'int f(void) { return }\n' >"$BATS_TEST_TMPDIR/bad.c"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	TMPDIR=$BATS_TEST_TMPDIR/tmp assert_transparent gcc -c -o /dev/null "$BATS_TEST_TMPDIR/bad.c"
	[ "$(native_status)" = 1 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
}
