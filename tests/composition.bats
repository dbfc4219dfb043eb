#!/usr/bin/env bats
# The shim together with other preloads from Debian, in both orders in
# LD_PRELOAD: programs behave as with those preloads alone.

load helper

find_lib() { find /usr/lib /lib -name "$1" 2>/dev/null | head -n 1; }

# Runs "$@" with LD_PRELOAD=$other alone, then $other:shim and shim:$other;
# every run must print the same and end the same.
assert_composes()
{
	local other=$1
	shift
	local alone both reversed
	alone=$(LD_PRELOAD=$other "$@" 2>&1; echo "status $?")
	both=$(LD_PRELOAD=$other:$SHIM_LIB "$@" 2>&1; echo "status $?")
	reversed=$(LD_PRELOAD=$SHIM_LIB:$other "$@" 2>&1; echo "status $?")
	[ "$both" = "$alone" ] || { diff <(echo "$alone") <(echo "$both") >&2; return 1; }
	[ "$reversed" = "$alone" ] || { diff <(echo "$alone") <(echo "$reversed") >&2; return 1; }
	printf '%s\n' "$alone"
}

@test "libfaketime: the fake time and the exit handlers, in both orders" {
	local lib
	lib=$(find_lib libfaketime.so.1)
	[ -n "$lib" ] || skip "faketime is not installed"
	export FAKETIME='@2020-02-29 12:00:00'
	run assert_composes "$lib" bash -c 'date -u +%F; trap "echo trap" EXIT; exit 3'
	[ "$status" -eq 0 ]
	# the date libfaketime gives alone (on i386, glibc's 64-bit time calls
	# escape libfaketime 0.9.10: the real date), under the shim in both orders
	local faked
	faked=$(LD_PRELOAD=$lib date -u +%F)
	[ "$output" = "$(printf '%s\n' "$faked" trap 'status 3')" ]
	run assert_composes "$lib" "$FIXTURES/exitprobe" on_exit=a cxa=b/exit:4 print=main exit=0
	[ "$output" = "$(printf '%s\n' main 'cxa b status=0' 'on_exit a status=4' 'status 4')" ]
}

@test "libeatmydata: fsync made a no-op, exit handlers intact, in both orders" {
	local lib
	lib=$(find_lib 'libeatmydata.so*')
	[ -n "$lib" ] || skip "eatmydata is not installed"
	run assert_composes "$lib" sh -c "sync; $FIXTURES/exitprobe on_exit=a print=main exit=2"
	[ "$output" = "$(printf '%s\n' main 'on_exit a status=2' 'status 2')" ]
}

@test "fakeroot: root inside, exit handlers and --run commands intact, in both orders" {
	command -v fakeroot >/dev/null || skip "fakeroot is not installed"
	run fakeroot -- bash -c '
		alone=$(id -u; '"$FIXTURES"'/exitprobe on_exit=a exit=0)
		after=$(LD_PRELOAD="$LD_PRELOAD:'"$SHIM_LIB"'" bash -c "id -u; '"$FIXTURES"'/exitprobe on_exit=a exit=0")
		before=$(LD_PRELOAD="'"$SHIM_LIB"':$LD_PRELOAD" bash -c "id -u; '"$FIXTURES"'/exitprobe on_exit=a exit=0")
		[ "$alone" = "$after" ] && [ "$alone" = "$before" ] && echo "$alone"'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 0 'on_exit a status=0')" ]
	run fakeroot -- "$WRAPPER" --run='id -u' -- "$FIXTURES/exitprobe" on_exit=a exit=0
	[ "$output" = "$(printf '%s\n' 'on_exit a status=0' 0)" ]
}

@test "libjemalloc: both orders behave as jemalloc alone" {
	local lib
	lib=$(find_lib libjemalloc.so.2)
	[ -n "$lib" ] || skip "libjemalloc2 is not installed"
	run assert_composes "$lib" "$FIXTURES/exitprobe" threads=4,1000 on_exit=a exit=0
	[ "$output" = "$(printf '%s\n' 'on_exit a status=0' 'counted 4000 handlers, status=0' 'status 0')" ]
}
