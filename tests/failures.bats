#!/usr/bin/env bats
# The runner with failing handlers (contract section 4): every handler gets
# its chance, a crash is reported with a backtrace, the last failure is
# re-raised at the end.  Under the shim only: natively the first crash ends
# the process.

load helper

# The handler in the middle of three crashes in the way $1 says; the process
# would end with 3.  Checks what every crash kind has in common.
assert_crash_caught()
{
	local kind=$1 signal=$2 name=$3
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:$kind on_exit=c print=main exit=3
	[ "$output" = "signal $signal" ]
	[ "$(out | grep -v '^[0-9]')" = "$(printf '%s\n' main 'on_exit c status=3' 'on_exit b status=3' 'on_exit a status=3')" ]
	err_reports | grep -q "^atexit-shim: exit handler .*exitprobe+0x[0-9a-f]* (on_exit, registration 2) was killed by SIG$name"
	[ "$(err_reports | grep -c '^atexit-shim:')" -eq 1 ]
	# the backtrace: frames, the first one in the program's own code
	[ "$(err | grep -c '^[./].*\[0x[0-9a-f]*\]$')" -ge 3 ]
}

@test "SIGSEGV in a handler: reported, the others run, the process dies by SIGSEGV" {
	assert_crash_caught segv 11 SEGV
}

@test "SIGBUS in a handler: reported, the others run, the process dies by SIGBUS" {
	assert_crash_caught bus 7 BUS
}

@test "SIGILL in a handler: reported, the others run, the process dies by SIGILL" {
	assert_crash_caught ill 4 ILL
}

@test "SIGFPE from a real integer division by zero: reported, the others run" {
	case $(uname -m) in
	aarch64 | arm*) skip "integer division by zero does not trap on ARM" ;;
	esac
	assert_crash_caught fpe 8 FPE
}

@test "abort() in a handler: reported, the others run, the process dies by SIGABRT" {
	assert_crash_caught abort 6 ABRT
}

@test "a failed assert in a handler: glibc's message, the report, the others run" {
	assert_crash_caught assert 6 ABRT
	err_reports | grep -q "Assertion \`zero == 1' failed."
}

@test "a stack overflow in a handler is caught on the alternate stack" {
	skip_under_emulation "a stack overflow is not caught on the alternate stack" qemu-i386
	assert_crash_caught overflow 11 SEGV
}

@test "a C++ exception escaping a static destructor: terminate, reported, the other destructors run" {
	run ending_under_shim "$FIXTURES/cxx_throw"
	[ "$output" = "signal 6" ]
	[ "$(out)" = "$(printf '%s\n' main 'atexit handler registered in main' 'destroy last object' \
		'destroy the object that throws' 'destroy first object')" ]
	err_reports | grep -q "^terminate called after throwing an instance of 'std::runtime_error'"
	err_reports | grep -q "^atexit-shim: exit handler .*cxx_throw+0x[0-9a-f]* (__cxa_atexit, registration [0-9]*) was killed by SIGABRT"
}

@test "natively, the same crash ends the process at once" {
	# (stderr aside: an emulator may say something there as the process dies)
	run bash -c 'exec "$0" on_exit=a on_exit=b/crash:segv on_exit=c exit=3 2>/dev/null' "$FIXTURES/exitprobe"
	[ "$status" -eq 139 ]
	[ "$output" = "$(printf '%s\n' 'on_exit c status=3' 'on_exit b status=3')" ]
}

@test "output written before a crash reaches a redirected stdout" {
	run ending_under_shim "$FIXTURES/exitprobe" print=before on_exit=a on_exit=b/crash:segv on_exit=c exit=0
	[ "$output" = "signal 11" ]
	[ "$(out)" = "$(printf '%s\n' before 'on_exit c status=0' 'on_exit b status=0' 'on_exit a status=0')" ]
}

@test "a handler's exit(n) is silent; the others run; status n" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a on_exit=b/exit:7 on_exit=c exit=3
	[ "$output" = "exit 7" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "several failures: exit(3) then exit(5) gives 5" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/exit:5 on_exit=b/exit:3 exit=0
	[ "$output" = "exit 5" ]
}

@test "several failures: a crash then exit(4) gives 4" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/exit:4 on_exit=b/crash:segv exit=0
	[ "$output" = "exit 4" ]
	[ "$(err_reports | grep -c 'was killed by SIGSEGV')" -eq 1 ]
}

@test "several failures: exit(4) then a crash dies by the signal" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/crash:abort on_exit=b/exit:4 exit=0
	[ "$output" = "signal 6" ]
	grep -q 'on_exit a status=4' "$BATS_TEST_TMPDIR/out"
}

@test "three crashing handlers: three reports, each naming its handler" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/crash:segv cxa=b/crash:bus api=c/crash:abort exit=0
	[ "$output" = "signal 11" ]
	[ "$(err_reports | grep -c '^atexit-shim: exit handler')" -eq 3 ]
	err_reports | grep -q '(atexit_shim_register, registration 3) was killed by SIGABRT'
	err_reports | grep -q '(__cxa_atexit, registration 2) was killed by SIGBUS'
	err_reports | grep -q '(on_exit, registration 1) was killed by SIGSEGV'
}

@test "a crash in a handler after return from main" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:segv return=2
	[ "$output" = "signal 11" ]
	grep -q 'on_exit a status=2' "$BATS_TEST_TMPDIR/out"
}

@test "a handler whose code was unmapped is skipped with a reason; the status is the program's" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a jit on_exit=b exit=3
	[ "$output" = "exit 3" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=3' 'on_exit a status=3')" ]
	[ "$(err)" = "atexit-shim: skipped $(err | sed -n 's/^atexit-shim: skipped \(0x[0-9a-f]*\) .*/\1/p') (atexit, registration 2): its code is no longer mapped" ]
}

@test "outside handlers the default action is back: a crash in main ends the process by its signal, as natively" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/crash:segv run crash=segv
	[ "$output" = "signal 11" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit a status=0' 'run = 139')" ]
	# and a handler the program installs after a pass is its own
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a/crash:segv run own_segv crash=segv
	[ "$output" = "exit 42" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit a status=0' 'run = 139' "program's own SIGSEGV handler")" ]
}

@test "a crash in another thread while handlers run is not caught: the program's action applies" {
	run ending_under_shim "$FIXTURES/exitprobe" own_segv on_exit=a/crash:thread-segv exit=0
	[ "$output" = "exit 42" ]
	[ "$(err_reports | grep -c 'atexit-shim')" -eq 0 ]
}

@test "no failure: nothing on stderr and the program's status" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a cxa=b api=c exit=9
	[ "$output" = "exit 9" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "a crash report stays one line when the program's path holds a newline" {
	local dir=$BATS_TEST_TMPDIR/$'new\nline'
	mkdir "$dir" && cp "$FIXTURES/exitprobe" "$dir/"
	run ending_under_shim "$dir/exitprobe" on_exit=a/crash:segv exit=0
	[ "$output" = "signal 11" ]
	grep -q '^atexit-shim: exit handler .*/new\\nline/exitprobe+0x[0-9a-f]* (on_exit, registration 1) was killed by SIGSEGV (Segmentation fault); the other handlers still run\. Backtrace:$' \
		"$BATS_TEST_TMPDIR/err"
}

@test "under a seccomp filter that kills process creation, a crash gets the raw report and a time limit no helper: nothing is spawned" {
	skip_under_emulation "qemu-user filters its own host system calls, not the program's"
	run shim -- "$FIXTURES/seccomp_exec" "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:segv print=main exit=0
	[ "$status" -eq 139 ]
	printf '%s\n' "$output" | grep -q '^atexit-shim: exit handler .*exitprobe+0x[0-9a-f]* (on_exit, registration 2) was killed by SIGSEGV'
	printf '%s\n' "$output" | grep -qx 'on_exit a status=0'
	printf '%s\n' "$output" | grep -qx 'main'
	run shim --timeout=0.2 -- "$FIXTURES/seccomp_exec" "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang exit=0
	[ "$status" -eq 124 ]
	printf '%s\n' "$output" | grep -qx 'on_exit a status=124'
}
