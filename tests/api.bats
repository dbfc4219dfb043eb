#!/usr/bin/env bats
# The C API (contract section 5), through include/atexit_shim.h: with the
# shim preloaded, and without it (every call fails with ENOSYS).

load helper

@test "register with an argument: the handler gets it, in LIFO order with the others" {
	run with_shim "$FIXTURES/exitprobe" api=one on_exit=two api=three exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'register = 0' 'register = 0' api\ three 'on_exit two status=0' api\ one)" ]
}

@test "unregister removes every occurrence, of any argument, and counts them" {
	run with_shim "$FIXTURES/exitprobe" api=a on_exit=x api=b api=a on_exit=y unregister=api exit=0
	[ "$output" = "$(printf '%s\n' 'register = 0' 'register = 0' 'register = 0' 'unregister = 3' \
		'on_exit y status=0' 'on_exit x status=0')" ]
}

@test "unregister of a function never registered removes nothing" {
	run with_shim "$FIXTURES/exitprobe" on_exit=x unregister=cxa exit=0
	[ "$output" = "$(printf '%s\n' 'unregister = 0' 'on_exit x status=0')" ]
}

@test "unregister_arg removes only the entries with that argument" {
	run with_shim "$FIXTURES/exitprobe" on_exit=x on_exit=y on_exit=x unregister_arg=on_exit:x exit=0
	[ "$output" = "$(printf '%s\n' 'unregister_arg = 2' 'on_exit y status=0')" ]
}

@test "count counts the handlers waiting, of every flavour" {
	run with_shim "$FIXTURES/exitprobe" count atexit=1 on_exit=x cxa=y api=z count unregister=on_exit count clear count exit=0
	[ "$(printf '%s\n' "$output" | grep count | tr '\n' ' ')" = "count = 0 count = 4 count = 3 count = 0 " ]
}

@test "clear drops every handler without running it" {
	run with_shim "$FIXTURES/exitprobe" on_exit=x api=y clear print=cleared exit=0
	[ "$output" = "$(printf '%s\n' 'register = 0' cleared)" ]
}

@test "run runs every handler now, once; 0 when all succeed" {
	run with_shim "$FIXTURES/exitprobe" on_exit=x api=y run count print=after exit=0
	[ "$output" = "$(printf '%s\n' 'register = 0' 'api y' 'on_exit x status=0' 'run = 0' 'count = 0' after)" ]
}

@test "run returns the last failure as a shell status, and does not re-raise it" {
	run with_shim "$FIXTURES/exitprobe" on_exit=a/exit:4 on_exit=b/crash:segv run on_exit=c/exit:5 run print=alive exit=0
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -v '^[./]' | grep -v '^atexit-shim')" = "$(printf '%s\n' \
		'on_exit b status=0' 'on_exit a status=0' 'run = 4' 'on_exit c status=0' 'run = 5' alive)" ]
}

@test "run returns 128 + the signal of the last failure" {
	run with_shim "$FIXTURES/exitprobe" on_exit=a/crash:abort run exit=0
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx 'run = 134'
}

@test "unregistering during the exit run stops a pending handler" {
	run with_shim "$FIXTURES/exitprobe" on_exit=x on_exit=y api=first/unregister:on_exit exit=0
	[ "$output" = "$(printf '%s\n' 'register = 0' 'api first' 'unregister = 2')" ]
}

@test "without the shim every call fails with ENOSYS and the program runs on" {
	run "$FIXTURES/exitprobe" api=a unregister=api unregister_arg=api:a count run clear on_exit=x exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'register = -1 (Function not implemented)' \
		'unregister = -1 (Function not implemented)' 'unregister_arg = -1 (Function not implemented)' \
		'count = 0' 'run = -1 (Function not implemented)' 'on_exit x status=0')" ]
}

@test "pkg-config finds the installed header, and a program built with it runs with and without the shim" {
	local stage=$BATS_TEST_TMPDIR/stage pc lib
	make -C "$BUILDDIR" install DESTDIR="$stage" >/dev/null 2>&1
	pc=$(find "$stage" -name atexit-shim.pc)
	lib=$(find "$stage" -name libatexit-shim.so)
	[ -n "$pc" ] && [ -n "$lib" ]
	[ -z "$(find "$stage" -name '*.la')" ]
	local cflags
	cflags=$(PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs atexit-shim)
	cat >"$BATS_TEST_TMPDIR/user.c" <<'C'
#include <stdio.h>
#include <atexit_shim.h>
static void bye(void *arg) { printf("bye %s\n", (const char *)arg); }
int main(void) { printf("%d\n", atexit_shim_register(bye, "world")); return 0; }
C
	# shellcheck disable=SC2086
	cc -o "$BATS_TEST_TMPDIR/user" "$BATS_TEST_TMPDIR/user.c" $cflags
	run "$BATS_TEST_TMPDIR/user"
	[ "$output" = "-1" ]
	run env LD_PRELOAD="$lib" "$BATS_TEST_TMPDIR/user"
	[ "$output" = "$(printf '0\nbye world')" ]
}
