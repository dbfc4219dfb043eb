#!/usr/bin/env bats
# Stress: `make check-stress`, not part of `make check`.  Every run has a
# timeout; a hang fails with the scenario's name.

load helper

# Runs "$@" under the shim with a time limit; on a hang, names the scenario.
bounded()
{
	local scenario=$1 seconds=$2
	shift 2
	local rc=0
	timeout -s KILL "$seconds" env LD_PRELOAD="$SHIM_LIB" "$@" || rc=$?
	if [ "$rc" -eq 137 ]; then
		echo "HANG in scenario '$scenario': $*" >&2
		return 1
	fi
	return "$rc"
}

@test "stress: 1,000,000 handlers registered and run" {
	run bounded "a million handlers" 60 "$FIXTURES/exitprobe" threads=1,1000000 exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "counted 1000000 handlers, status=0" ]
}

@test "stress: exit() racing with registrations from 8 threads, 200 runs" {
	local i
	for i in $(seq 200); do
		bounded "exit racing registrations, run $i" 20 "$FIXTURES/exitprobe" exitreg=8,2000
	done
}

@test "stress: fork from a threaded program while others register, 200 runs, no deadlock" {
	local i
	for i in $(seq 200); do
		run bounded "fork while registering, run $i" 20 "$FIXTURES/exitprobe" forkrace=5 exit=0
		[ "$status" -eq 0 ]
		assert_forkrace 5
	done
}

@test "stress: 10,000 dlopen/dlclose cycles: the registry count returns to its baseline, memory stays flat" {
	local lib
	for lib in libplugin.so libplugin_on_exit.so; do
		run bounded "dlopen/dlclose cycles of $lib" 120 "$FIXTURES/exitprobe" dlcycle=10000:"$FIXTURES/.libs/$lib" exit=0
		[ "$status" -eq 0 ]
		[ "$(printf '%s\n' "$output" | tail -n 1)" = "count back to baseline; memory grew under 1 MB" ]
	done
}

@test "stress: SIGTERM arriving while handlers run, with SIGNALS=TERM, 50 runs" {
	local i pid status
	for i in $(seq 50); do
		ATEXIT_SHIM_SIGNALS=TERM LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" slow=20,5 exit=0 >/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -TERM "$pid" 2>/dev/null || true
		status=0
		timeout 20 tail --pid="$pid" -f /dev/null || { echo "HANG in scenario 'SIGTERM during handlers', run $i" >&2; kill -KILL "$pid"; return 1; }
		wait "$pid" || status=$?
		# killed by TERM (143), or finished before the signal came (0)
		[ "$status" -eq 143 ] || [ "$status" -eq 0 ]
	done
}
