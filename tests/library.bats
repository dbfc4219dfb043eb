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

@test "the library links no glibc function newer than glibc 2.3 or its architecture's first glibc (each symbol version costs every process)" {
	# the loader checks each version a library needs at every start-up
	# (~350 instructions each): newer functions are found by name (src/lib/libc.c)
	local libc oldest limit version
	libc=$(ldd "$SHIM_LIB" | awk '$1 == "libc.so.6" {print $3}')
	oldest=$(objdump -T "$libc" | grep -o 'GLIBC_2[0-9.]*' | sort -uV | head -n 1)
	limit=$(printf '%s\n' "$oldest" GLIBC_2.3 | sort -V | tail -n 1)
	# what hardening flags add is the builder's choice: _FORTIFY_SOURCE's
	# __*_chk functions, the stack protector's __stack_chk_fail (Debian's
	# package build: GLIBC_2.3.4, 2.4 and 2.11 on x86_64)
	run sh -c "objdump -T '$SHIM_LIB' | grep UND | grep -v -e '_chk\$' -e ' __stack_chk_fail\$' |
		grep -o 'GLIBC_2[0-9.]*' | sort -uV"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	echo "needed: $output; limit: $limit"
	for version in $output; do
		[ "$(printf '%s\n' "$version" "$limit" | sort -V | tail -n 1)" = "$limit" ]
	done
}

@test "the library exports the interposed symbols and the C API, nothing else" {
	run sh -c "nm -D --defined-only '$SHIM_LIB' | awk '{print \$3}' | LC_ALL=C sort"
	[ "$output" = "$(printf '%s\n' _Exit __cxa_atexit __cxa_finalize __libc_start_main __sigaction __sysv_signal _exit \
		atexit_shim_clear atexit_shim_count atexit_shim_register atexit_shim_run \
		atexit_shim_unregister atexit_shim_unregister_arg bsd_signal daemon execl execle execlp execv execve \
		execvp execvpe exit fexecve on_exit quick_exit sigaction sigaltstack signal sigset ssignal sysv_signal)" ]
}

@test "every interposed symbol is one the program finds in glibc too: atexit, a static stub of glibc's, is not found, as natively" {
	# shellcheck disable=SC2016
	assert_transparent /usr/bin/python3 -c 'import ctypes
libc = ctypes.CDLL(None)
for name in ("atexit", "__cxa_atexit", "on_exit", "exit", "_exit", "quick_exit", "sigaction", "signal", "sigset", "sigaltstack", "daemon"):
    print(name, hasattr(libc, name))'
	[ "$(native_out | grep -c ' True$')" -eq 10 ]
	native_out | grep -qx 'atexit False'
	# and each interposed name is glibc's
	local name
	for name in $(nm -D --defined-only "$SHIM_LIB" | awk '{print $3}' | grep -v '^atexit_shim_'); do
		nm -D --defined-only "$(ldd /bin/true | awk '/libc.so/ {print $3}')" | awk '{print $3}' | sed 's/@.*//' | grep -qx "$name" ||
			{ echo "not glibc's: $name" >&2; false; }
	done
}

@test "the library's symbols are unversioned, so that they stand in for glibc's versioned ones" {
	run sh -c "objdump -T '$SHIM_LIB' | grep -v UND | grep -c GLIBC || true"
	[ "$output" = 0 ]
}

@test "the library dlopen'ed by a running program, after glibc, still finds glibc: its handler runs and the status is kept" {
	# the library looks for glibc's functions after itself first, as
	# dlsym(RTLD_NEXT) does, then before itself
	run "$FIXTURES/dlopen_shim" "$SHIM_LIB"
	[ "$status" -eq 3 ]
	[ "$output" = "handler ran" ]
}
