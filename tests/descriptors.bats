#!/usr/bin/env bats
# The shim's own descriptors (contract: ATEXIT_SHIM_TRACE): never 0-2, high,
# close-on-exec, checked before each use, not held by forked children.

load helper

@test "a trace file does not take a closed stdout: ls >&- still fails as natively" {
	run bash -c 'ls / >&-'
	local native_status=$status native_output=$output
	[ "$native_status" -eq 2 ]
	[[ "$native_output" == *"write error"* ]]
	local trace=$BATS_TEST_TMPDIR/trace
	run bash -c '"$0" --trace="$1" -- ls / >&-' "$WRAPPER" "$trace"
	[ "$status" -eq "$native_status" ]
	[ "$output" = "$native_output" ]
	[ "$(grep -c '^bin$\|^usr$' "$trace")" -eq 0 ]
	grep -q ' final status=2$' "$trace"
}

@test "a trace file does not take a closed stderr: the program's errors are not in the trace" {
	local trace=$BATS_TEST_TMPDIR/trace
	run bash -c '"$0" --trace="$1" -- ls /nonexistent-dir 2>&-' "$WRAPPER" "$trace"
	[ "$status" -eq 2 ]
	[ "$(grep -c 'nonexistent-dir' "$trace")" -eq 0 ]
	grep -q ' final status=2$' "$trace"
}

# A program that closes every descriptor above 2 (as daemons do), opens a
# data file, makes every number the shim could have held a copy of it, and
# writes one line: the file must hold that line alone.  It is the root.
closing_program()
{
	cat >"$BATS_TEST_TMPDIR/closing.py" <<'PY'
import os, resource, sys
os.closerange(3, 65536)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
limit = min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 1024)
for n in list(range(fd + 1, 80)) + list(range(limit - 40, limit - 8)):
    os.dup2(fd, n)
os.write(fd, b"data\n")
sys.exit(int(sys.argv[2]))
PY
	echo "$BATS_TEST_TMPDIR/closing.py"
}

@test "a program that closes the trace file and reuses its number finds only its own bytes" {
	local trace=$BATS_TEST_TMPDIR/trace data=$BATS_TEST_TMPDIR/data
	run shim --trace="$trace" -- /usr/bin/python3 "$(closing_program)" "$data" 3
	[ "$status" -eq 3 ]
	[ "$(cat "$data")" = data ]
	# the trace went on in its own file, opened again
	grep -q ' exit status=3 how=' "$trace"
	grep -q ' final status=3$' "$trace"
}

@test "same for a JSON trace to stderr, and for --run's copies of stdout and stderr" {
	local data=$BATS_TEST_TMPDIR/data
	run shim --trace --json --run='echo "run: status $ATEXIT_SHIM_STATUS"' -- /usr/bin/python3 "$(closing_program)" "$data" 4
	[ "$status" -eq 4 ]
	[ "$(cat "$data")" = data ]
	[[ "$output" == *"run: status 4"* ]]
	[[ "$output" == *'"event":"final","t_us":'*'"status":4}'* ]]
}

@test "the shim's descriptors are high and close-on-exec" {
	local trace=$BATS_TEST_TMPDIR/trace
	# the process's own table, and a child's (started with fork and exec)
	local list='ls /proc/$$/fd; echo --; ls /proc/self/fd; true'
	local native shimmed
	native=$(bash -c "$list")
	shimmed=$(shim --trace="$trace" --run=true -- bash -c "$list")
	# the child's tables are the same: nothing of the shim's is inherited
	[ "${shimmed##*--}" = "${native##*--}" ]
	# the process has three more: the trace file, the copies of stdout and stderr
	local extra
	extra=$(comm -13 <(echo "${native%%--*}" | sort) <(echo "${shimmed%%--*}" | sort) | grep .)
	[ "$(echo "$extra" | wc -l)" -eq 3 ]
	local n
	for n in $extra; do
		[ "$n" -gt 255 ]
	done
}

# Starts a daemon the way C programs do, without exec: it forks, the child
# detaches from the caller's stdout and stderr and waits (up to 30 s) for a
# file to appear, then leaves a file "ended"; the parent exits at once.
daemon_program()
{
	cat >"$BATS_TEST_TMPDIR/daemon.py" <<'PY'
import os, sys, time
pid = os.fork()
if pid == 0:
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    for _ in range(300):
        if os.path.exists(sys.argv[1]):
            break
        time.sleep(0.1)
    open(sys.argv[1] + ".ended", "w").close()
    os._exit(0)
PY
	echo "$BATS_TEST_TMPDIR/daemon.py"
}

@test "a daemon forked without exec does not hold the caller's pipe (--run, --trace to stderr)" {
	local daemon options stop=$BATS_TEST_TMPDIR/stop
	daemon=$(daemon_program)
	for options in --run=true --trace "--trace --json" "--run=true --follow"; do
		rm -f "$stop" "$stop.ended"
		# $(...) returns when every writer of its pipe has closed it
		# shellcheck disable=SC2086
		: "$(shim $options -- /usr/bin/python3 "$daemon" "$stop" 2>&1)"
		local alive=yes
		[ -e "$stop.ended" ] && alive=no
		touch "$stop"
		echo "options $options: daemon alive after \$(...) returned: $alive"
		[ "$alive" = yes ]
	done
}

@test "the failure-time symbolizer, a copy of the failing process, holds none of the program's descriptors" {
	# a stand-in symbolizer lists what it holds, then answers "?" to each line
	local symbolizer=$BATS_TEST_TMPDIR/symbolizer
	printf '%s\n' '#!/bin/sh' 'ls -l /proc/$$/fd/ >"$FDS_FILE"' "while read -r line; do echo '?'; done" >"$symbolizer"
	chmod +x "$symbolizer"
	FDS_FILE=$BATS_TEST_TMPDIR/fds ATEXIT_SHIM_SYMBOLIZER=$symbolizer LD_PRELOAD=$SHIM_LIB \
		"$FIXTURES/exitprobe" on_exit=a/crash:segv on_exit=b exit=0 7>"$BATS_TEST_TMPDIR/inherited" \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || true
	grep -q 'on_exit b status=0' "$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/fds"
	# it ran, with the socket as its stdin and stdout
	[ "$(grep -c ' 0 -> socket:' "$BATS_TEST_TMPDIR/fds")" -eq 1 ]
	# and nothing of the program's: not its fd 7, no pipe, no /dev/null but stderr
	[ "$(grep -c 'inherited\|pipe:' "$BATS_TEST_TMPDIR/fds")" -eq 0 ]
	[ "$(grep -c ' -> /dev/null' "$BATS_TEST_TMPDIR/fds")" -eq 1 ]
}

# "$@" with no descriptor above 2 (bats holds some) and RLIMIT_NOFILE 6.
with_six_descriptors()
{
	bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done
		ulimit -n 6; exec "$@"' _ "$@"
}

@test "under a descriptor limit with no room at the top, the shim holds no descriptor: the program opens every file it could natively" {
	local dir=$BATS_TEST_TMPDIR open3='exec 3</dev/null 4</dev/null 5</dev/null && echo opened 3'
	run with_six_descriptors bash -c "$open3"
	[ "$output" = "opened 3" ]
	run with_six_descriptors "$WRAPPER" --trace="$dir/trace" -- bash -c "$open3"
	[ "$status" -eq 0 ]
	# the exit's lines cannot be written while the program holds every slot: said once
	[ "$output" = "$(printf '%s\n' 'opened 3' "atexit-shim: tracing to '$dir/trace' stopped: Too many open files")" ]
	grep -q ' init ' "$dir/trace" # written through a descriptor opened for the line
	run with_six_descriptors "$WRAPPER" --run='echo run $ATEXIT_SHIM_STATUS' -- bash -c "$open3"
	[ "$output" = "$(printf '%s\n' 'opened 3' 'run 0')" ]
}

@test "the shim's descriptors are the last four below 1024: F_DUPFD below them gets the number asked for, as natively" {
	local dir=$BATS_TEST_TMPDIR
	run bash -c 'ulimit -n 4096 2>/dev/null || ulimit -n 1024; exec "$@"' _ "$WRAPPER" --trace="$dir/trace" --run=true -- \
		"$FIXTURES/exitprobe" dupfd=992 dupfd=1000 dupfd=1019 exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'dupfd 992' 'dupfd 1000' 'dupfd 1019')" ]
	# the program's own view of them: where the manual says
	run "$WRAPPER" --trace="$dir/trace" --run=true -- /usr/bin/python3 -c '
import os
def target(fd):
    try:
        return os.readlink("/proc/self/fd/" + fd)
    except OSError:  # the listing itself
        return ""
print(sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) >= 1000 and target(fd) != ""))'
	[ "$output" = "[1020, 1021, 1022]" ] # the trace, the copies of stdout and stderr
}

@test "a program that lowers its RLIMIT_NOFILE: its --run command gets the limits the root started with, and the program keeps its own" {
	local start
	start=$(ulimit -n)
	# shellcheck disable=SC2016
	run "$WRAPPER" --run='echo "run: $(ulimit -n)"' -- "$FIXTURES/exitprobe" nofile=3 on_exit=a exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'on_exit a status=0' "run: $start")" ]
}
