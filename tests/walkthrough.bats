#!/usr/bin/env bats
# README's "Debugging exit ordering" walk-through, step by step.

load helper

@test "walk-through: natively the program never ends" {
	run timeout 3 "$FIXTURES/cxx_hang"
	[ "$status" -eq 124 ] # timeout(1) had to kill it
}

@test "walk-through: under the watchdog it ends within seconds, the hang located, the other destructors run" {
	local start=$SECONDS
	run shim --timeout=1 --trace="$BATS_TEST_TMPDIR/trace.jsonl" --json -- "$FIXTURES/cxx_hang"
	[ "$status" -eq 124 ]
	[ $((SECONDS - start)) -lt 10 ]
	printf '%s\n' "$output" | grep -q '^atexit-shim: exit handler .*cxx_hang+0x[0-9a-f]* (__cxa_atexit, registration [0-9]*) ran longer than 1 s and was abandoned'
	printf '%s\n' "$output" | grep -q 'nanosleep'
	printf '%s\n' "$output" | grep -qx 'log flushed'
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl"
	# named, object and source line too; at least the limit, how much longer
	# depends on how busy the machine is
	printf '%s\n' "$output" | grep -q '^  *[0-9]*  *[0-9]*  Connection::~Connection()  *connection  *cxx_hang  *cxx_hang  *__cxa_atexit  *[1-9][0-9]\{6,\} us  timeout 124  *[^ ]*/cxx_hang\.cc:[0-9]*$'
	printf '%s\n' "$output" | grep -q '^  *[0-9]*  *[0-9]*  Log::~Log()  *log_file  *cxx_hang  *cxx_hang  *__cxa_atexit  *[0-9]* us  ok  *[^ ]*/cxx_hang\.cc:[0-9]*$'
}
