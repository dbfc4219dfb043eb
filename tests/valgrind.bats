#!/usr/bin/env bats
# The shim under valgrind's memcheck, in real processes: no invalid access,
# no use of uninitialised memory, no definite leak.

load helper

# Skips the test where memcheck cannot run (called by the test itself: a skip
# inside `run` would not skip it).
needs_memcheck()
{
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	# (under qemu-aarch64 it runs)
	skip_under_emulation "valgrind cannot run" qemu-i386
}

memcheck()
{
	LD_PRELOAD=$SHIM_LIB valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite "$@" >/dev/null 2>"$BATS_TEST_TMPDIR/memcheck"
}

@test "memcheck: mixed flavours, a handler's exit(n)" {
	needs_memcheck
	run memcheck "$FIXTURES/exitprobe" atexit=1 on_exit=a cxa=b/exit:3 exit=1
	[ "$status" -eq 3 ]
	[ ! -s "$BATS_TEST_TMPDIR/memcheck" ]
}

@test "memcheck: threads registering at once" {
	needs_memcheck
	run memcheck "$FIXTURES/exitprobe" threads=4,1000 exit=0
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/memcheck" ]
}

@test "memcheck: dlopen and dlclose of libraries with handlers" {
	needs_memcheck
	run memcheck "$FIXTURES/exitprobe" on_exit=m dlopen="$FIXTURES/.libs/libplugin.so" dlclose \
		dlopen="$FIXTURES/.libs/libplugin_on_exit.so" dlclose exit=0
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/memcheck" ]
}

@test "memcheck: a g++ program's static destructors" {
	needs_memcheck
	run memcheck "$FIXTURES/cxx_statics"
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/memcheck" ]
}

@test "memcheck: environment handlers, the C API's run, tracing" {
	needs_memcheck
	# (no fn: entry: valgrind's launcher, a shell script, would resolve it too)
	ATEXIT_SHIM_HANDLERS=$'cmd:true\ncmd:exit 0' ATEXIT_SHIM_TRACE="$BATS_TEST_TMPDIR/trace" \
		ATEXIT_SHIM_TRACE_FORMAT=json run memcheck "$FIXTURES/exitprobe" api=a run on_exit=b/exit:3 exit=0
	[ "$status" -eq 3 ]
	[ ! -s "$BATS_TEST_TMPDIR/memcheck" ]
}
