#!/usr/bin/env bats
# The ordering rules of the registry (contract section 3), native vs shim.

load helper

@test "the shim really is loaded into test processes" {
	assert_shim_loads
}

@test "handlers run last in, first out" {
	assert_transparent probe atexit=1 atexit=2 atexit=3
	[ "$(native_out)" = "$(printf 'atexit() = 0\natexit() = 0\natexit() = 0\natexit 3\natexit 2\natexit 1')" ]
}

@test "atexit, __cxa_atexit and on_exit share one LIFO order" {
	assert_transparent probe atexit=1 on_exit=a cxa=b atexit=2 on_exit=c cxa=d
	[ "$(native_out | grep -v '= 0')" = "$(printf 'cxa d status=0\non_exit c status=0\natexit 2\ncxa b status=0\non_exit a status=0\natexit 1')" ]
}

@test "the same handler registered many times runs each time" {
	assert_transparent probe atexit=5 atexit=5 atexit=5 on_exit=x on_exit=x
	[ "$(native_out | grep -c 'atexit 5')" -eq 3 ]
	[ "$(native_out | grep -c 'on_exit x')" -eq 2 ]
}

@test "more handlers than glibc's first block of 32 all run, in order" {
	local args=() i
	for i in $(seq 1 100); do args+=("on_exit=h$i"); done
	assert_transparent probe "${args[@]}"
	[ "$(native_out | head -n 1)" = "on_exit h100 status=0" ]
	[ "$(native_out | tail -n 1)" = "on_exit h1 status=0" ]
	[ "$(native_out | wc -l)" -eq 100 ]
}

@test "a handler registered during exit runs next, before older ones" {
	assert_transparent probe on_exit=old cxa=a/on_exit:new atexit=1
	[ "$(native_out | grep -v '= 0')" = "$(printf 'atexit 1\ncxa a status=0\non_exit new status=0\non_exit old status=0')" ]
}

@test "handlers registered by handlers during exit, several levels deep" {
	assert_transparent probe on_exit=x cxa=a/cxa:b/cxa:c on_exit=y
	[ "$(native_out)" = "$(printf 'on_exit y status=0\ncxa a status=0\ncxa b status=0\ncxa c status=0\non_exit x status=0')" ]
}

@test "on_exit and __cxa_atexit handlers receive the exit status" {
	assert_transparent probe on_exit=a cxa=b exit=42
	[ "$(native_out)" = "$(printf 'cxa b status=42\non_exit a status=42')" ]
	[ "$(native_status)" = 42 ]
}

@test "registering a NULL function aborts with the running glibc's own assertion, as natively" {
	# glibc's words differ between versions (2.41: "Fatal glibc error: ...
	# assertion failed: func != NULL"): the native run says what they are
	local flavour
	for flavour in atexit on_exit cxa; do
		run_both probe null=$flavour
		local words
		words=$(grep 'func != NULL' "$BATS_TEST_TMPDIR/native.err")
		[ -n "$words" ]
		[ "$(grep 'func != NULL' "$BATS_TEST_TMPDIR/shim.err")" = "$words" ]
		[ "$(native_status)" = 134 ]
		[ "$(shim_status)" = 134 ]
	done
}

@test "errno is kept across registrations of every flavour" {
	assert_transparent probe errno exit=0
	[ "$(native_out | grep -c kept)" -eq 3 ]
}
