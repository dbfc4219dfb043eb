#!/usr/bin/env bats
# Handlers and libraries: C++ statics, dlopen/dlclose, constructors and
# destructors of shared libraries, native vs shim.

load helper

@test "g++ static destructors interleave with atexit in one reverse order" {
	assert_transparent "$FIXTURES/cxx_statics"
	[ "$(native_out)" = "$(printf '%s\n' 'construct global a' 'construct global b' \
		'construct function-local static' 'construct static in main' main \
		'destroy static in main' 'destroy function-local static' 'atexit second' \
		'destroy global b' 'atexit first' 'destroy global a')" ]
}

@test "g++ program exiting with a status keeps it" {
	assert_transparent "$FIXTURES/cxx_statics" fail
	[ "$(native_status)" = 3 ]
}

@test "a dlopened plugin's atexit handlers and C++ statics run at dlclose" {
	assert_transparent probe on_exit=main dlopen="$FIXTURES/.libs/libplugin.so" print=loaded dlclose print=after exit=0
	# crtbegin's __cxa_finalize call is the last of the library's finalizers
	[ "$(native_out)" = "$(printf '%s\n' 'plugin: started (0)' loaded \
		'plugin: library destructor' 'plugin: destroy function-local static' \
		'plugin: atexit handler' 'plugin: atexit handler from load' \
		'plugin: destroy static object' 'dlclose done' after 'on_exit main status=0')" ]
}

@test "a plugin's handlers never run again at exit after dlclose" {
	assert_transparent probe dlopen="$FIXTURES/.libs/libplugin.so" dlclose exit=4
	[ "$(native_out | grep -c 'plugin: atexit handler')" -eq 2 ]
	[ "$(native_status)" = 4 ]
}

@test "a plugin still loaded at exit: handlers registered from main run before library destructors" {
	assert_transparent probe on_exit=main dlopen="$FIXTURES/.libs/libplugin.so" exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'plugin: started (0)' 'plugin: destroy function-local static' \
		'plugin: atexit handler' 'plugin: atexit handler from load' \
		'plugin: destroy static object' 'on_exit main status=0' 'plugin: library destructor')" ]
}

@test "fork after dlclose: the plugin's pthread_atfork handler was dropped" {
	assert_transparent probe dlopen="$FIXTURES/.libs/libplugin.so" dlclose fork on_exit=x exit=0
	[ "$(native_out | grep -c 'on_exit x')" -eq 2 ]
}

@test "the fixture library's constructor does run before the shim's" {
	# What the next tests rely on: registrations that reach the shim before
	# its own constructor has run.
	run env LD_DEBUG=files LD_PRELOAD="$SHIM_LIB" "$FIXTURES/early_main"
	local order
	order=$(printf '%s\n' "$output" | sed -n 's/.*calling init: .*\/\(lib[a-z-]*\)\.so.*/\1/p' | grep -E 'libearly|libatexit-shim' | tr '\n' ' ')
	[ "$order" = "libearly libatexit-shim " ]
}

@test "handlers from library constructors, the program's constructor and main keep their places around library destructors" {
	assert_transparent "$FIXTURES/early_main"
	[ "$(native_out)" = "$(printf '%s\n' 'main: returns' 'early: atexit from constructor' \
		'main: on_exit from main status=0' 'main: atexit from program constructor' \
		'main: program destructor' 'early: library destructor' \
		'early: atexit from constructor' 'early: on_exit from constructor status=0')" ]
}

@test "library constructor handlers see the status of exit" {
	assert_transparent "$FIXTURES/early_main" status
	[ "$(native_status)" = 6 ]
	native_out | grep -q 'early: on_exit from constructor status=6'
}

@test "shim only: on_exit handler in a dlclosed library runs at dlclose, not at exit" {
	# glibc keeps on_exit and NULL-handle entries to exit time, after the
	# library's code is gone: natively this process crashes at exit.
	run probe dlopen="$FIXTURES/.libs/libplugin_on_exit.so" dlclose exit=0
	[ "$status" -ne 0 ]
	run with_shim "$FIXTURES/exitprobe" dlopen="$FIXTURES/.libs/libplugin_on_exit.so" dlclose print=after exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'plugin: started' 'plugin: cxa handler with a NULL handle, arg=y' \
		'plugin: on_exit handler status=0 arg=x' 'dlclose done' after)" ]
}

@test "exit() from a library constructor that runs before the shim's" {
	EARLY_EXIT=4 assert_transparent "$FIXTURES/early_main"
	[ "$(native_status)" = 4 ]
	# _dl_fini is not registered yet: natively no library destructor runs
	[ "$(native_out)" = "$(printf '%s\n' 'early: constructor calls exit' \
		'early: on_exit from constructor status=4' 'early: atexit from constructor')" ]
}

@test "a handler registered by a library destructor during exit runs" {
	EARLY_DTOR_REGISTERS=1 assert_transparent "$FIXTURES/early_main"
	native_out | grep -q 'early: atexit from destructor = 0'
	native_out | grep -q 'early: handler registered by the library destructor'
}

@test "exit(n) from a library destructor during the exit: the older handlers still run, status n" {
	EARLY_DTOR_EXIT=8 assert_transparent "$FIXTURES/early_main"
	[ "$(native_status)" = 8 ]
	[ "$(native_out)" = "$(printf '%s\n' 'main: returns' 'early: atexit from constructor' \
		'main: on_exit from main status=0' 'main: atexit from program constructor' \
		'main: program destructor' 'early: library destructor' 'early: destructor calls exit' \
		'early: on_exit from constructor status=8' 'early: atexit from constructor')" ]
}

@test "shim only: a library a handler dlcloses during the exit runs its on_exit handlers then" {
	# glibc would call them later, from unmapped code; the shim runs them
	# while the code is still there, also during the exit.
	run with_shim "$FIXTURES/exitprobe" on_exit=a "on_exit=b/dlclose:$FIXTURES/.libs/libplugin_on_exit.so" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'on_exit b status=0' 'plugin: started' 'plugin: cxa handler with a NULL handle, arg=y' \
		'plugin: on_exit handler status=0 arg=x' "handler's dlclose done" 'on_exit a status=0')" ]
}

@test "exit while another thread's dlclose waits for an exit handler: the handler runs at once, as natively" {
	# glibc's exit takes no loader lock before the handlers run; dlclose
	# holds it while the library's destructor waits (glibc BZ 22180).
	assert_transparent "$FIXTURES/dlclose_exit" "$FIXTURES/.libs/libwaiter.so"
	[ "$(native_out)" = "$(printf '%s\n' 'exit handler ran' 'destructor: the exit handler ran')" ]
	[ "$(native_status)" = 0 ]
}
