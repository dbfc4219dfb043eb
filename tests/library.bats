#!/usr/bin/env bats
# The shape of libatexit-shim.so itself: what every process that preloads it
# pays for and can see.

load helper

@test "the library needs libc alone, and libdl before glibc 2.34 (every library it needs is loaded into every process)" {
	# before glibc 2.34, dlsym and dlopen live in libdl: then it is needed too
	local libc expected=libc.so.6
	libc=$(ldd "$SHIM_LIB" | awk '$1 == "libc.so.6" {print $3}')
	[ -n "$libc" ]
	nm -D --defined-only "$libc" | grep -qw dlsym || expected=$(printf '%s\n' libc.so.6 libdl.so.2)
	run readelf -d "$SHIM_LIB"
	[ "$(printf '%s\n' "$output" | grep NEEDED | sed 's/.*\[\(.*\)\]/\1/' | sort)" = "$expected" ]
}

@test "the library exports the interposed symbols and the C API, nothing else" {
	run sh -c "nm -D --defined-only '$SHIM_LIB' | awk '{print \$3}' | sort"
	[ "$output" = "$(printf '%s\n' _Exit __cxa_atexit __cxa_finalize __libc_start_main _exit atexit \
		atexit_shim_clear atexit_shim_count atexit_shim_register atexit_shim_run \
		atexit_shim_unregister atexit_shim_unregister_arg exit on_exit quick_exit)" ]
}

@test "the library's symbols are unversioned, so that they stand in for glibc's versioned ones" {
	run sh -c "objdump -T '$SHIM_LIB' | grep -v UND | grep -c GLIBC || true"
	[ "$output" = 0 ]
}
