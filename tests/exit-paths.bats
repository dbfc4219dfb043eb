#!/usr/bin/env bats
# Every way a process can end, native vs shim: the handlers that run, the
# output, and the status.

load helper

@test "return from main: handlers run and on_exit sees main's status" {
	assert_transparent probe on_exit=a atexit=1 print=main return=7
	[ "$(native_out)" = "$(printf 'atexit() = 0\nmain\natexit 1\non_exit a status=7')" ]
	[ "$(native_status)" = 7 ]
}

@test "explicit exit(): handlers run with its status" {
	assert_transparent probe on_exit=a cxa=b exit=3
	[ "$(native_status)" = 3 ]
}

@test "exit(n) inside a handler: the others still run, later ones see n, status n" {
	assert_transparent probe on_exit=first on_exit=second/exit:9 on_exit=third exit=3
	[ "$(native_out)" = "$(printf 'on_exit third status=3\non_exit second status=3\non_exit first status=9')" ]
	[ "$(native_status)" = 9 ]
}

@test "exit(n) inside a handler after return from main" {
	assert_transparent probe on_exit=a cxa=b/exit:11 atexit=1 return=2
	[ "$(native_status)" = 11 ]
}

@test "exit(n) in two handlers: the last one wins" {
	assert_transparent probe on_exit=a/exit:5 on_exit=b/exit:4 return=0
	[ "$(native_status)" = 5 ]
}

@test "_exit runs no handlers" {
	assert_transparent probe on_exit=a atexit=1 print=buffered _exit=4
	[ "$(native_status)" = 4 ]
	[ -z "$(native_out)" ]
}

@test "_Exit runs no handlers" {
	assert_transparent probe on_exit=a _Exit=5
	[ "$(native_status)" = 5 ]
	[ -z "$(native_out)" ]
}

@test "quick_exit runs at_quick_exit handlers only" {
	assert_transparent probe on_exit=a atexit=1 quick=q quick_exit=6
	[ "$(native_status)" = 6 ]
	[ "$(native_out)" = "$(printf 'atexit() = 0\nquick handler')" ]
}

@test "error() ends through libc's hidden exit: handlers still run with its status" {
	assert_transparent probe on_exit=a cxa=b error=3
	[ "$(native_status)" = 3 ]
	[ "$(native_out)" = "$(printf 'cxa b status=3\non_exit a status=3')" ]
}

@test "errx() ends through libc's hidden exit: handlers still run with its status" {
	assert_transparent probe on_exit=a errx=4
	[ "$(native_status)" = 4 ]
	[ "$(native_out)" = "on_exit a status=4" ]
}

@test "pthread_exit in main: handlers run when the last thread ends" {
	assert_transparent probe on_exit=a atexit=1 pthread_exit
	[ "$(native_status)" = 0 ]
	[ "$(native_out)" = "$(printf 'atexit() = 0\nlast thread returns\natexit 1\non_exit a status=0')" ]
}

@test "buffered output written in main and in handlers is all flushed" {
	STDOUT= assert_transparent probe print=one on_exit=a print=two exit=0
	[ "$(native_out)" = "$(printf 'one\ntwo\non_exit a status=0')" ]
}

@test "output to stdout and stderr keeps its interleaving" {
	assert_transparent probe err=e1 print=p1 on_exit=a err=e2 exit=1
	[ "$(native_err)" = "$(printf 'e1\ne2')" ]
}

@test "registration after the exit run has finished fails with -1" {
	# libc flushes stdio after every handler and library destructor has run;
	# a stream's write function is the last user code to run.
	assert_transparent probe on_exit=a late exit=0
	[ "$(native_err)" = "atexit() after the exit run = -1" ]
}

@test "quick_exit: the entries run after the program's at_quick_exit handlers, with its status, and a failing one sets it" {
	# shellcheck disable=SC2016
	run shim --run='echo "entry: status $ATEXIT_SHIM_STATUS"' -- "$FIXTURES/exitprobe" on_exit=a quick=q quick_exit=6
	[ "$status" -eq 6 ]
	[ "$output" = "$(printf '%s\n' 'quick handler' 'entry: status 6')" ]
	run shim --run='exit 4' -- "$FIXTURES/exitprobe" quick=q quick_exit=6
	[ "$status" -eq 4 ]
	local trace=$BATS_TEST_TMPDIR/trace
	run shim --trace="$trace" --json --run=true -- "$FIXTURES/exitprobe" quick_exit=6
	[ "$status" -eq 6 ]
	run python3 -c '
import json, sys
print(" ".join(e["event"] for e in map(json.loads, open(sys.argv[1])) if e["event"] != "register"))' "$trace"
	[ "$output" = "init quick_exit run done final" ]
}

@test "daemon(): its caller's end runs the entries, with status 0, traced as _exit; the daemon keeps none of them" {
	local trace=$BATS_TEST_TMPDIR/trace ran=$BATS_TEST_TMPDIR/ran
	# the daemon holds stdout: run returns once it has ended too
	run shim --trace="$trace" --json --run="echo \$ATEXIT_SHIM_PID \$ATEXIT_SHIM_STATUS >>$ran" -- \
		"$FIXTURES/exitprobe" pid on_exit=a daemon exit=0
	[ "$status" -eq 0 ]
	local pid=${lines[0]#pid }
	[ "$(cat "$ran")" = "$pid 0" ]
	[ "${lines[1]}" = "on_exit a status=0" ] # the daemon's, at its own exit
	run python3 -c '
import json, sys
root = int(sys.argv[2])
for mine in (True, False):
    print(" ".join(e["event"] + ("=" + e["how"] if "how" in e else "") for e in map(json.loads, open(sys.argv[1]))
                   if (e["pid"] == root) == mine and e["event"] not in ("register", "phase")))' "$trace" "$pid"
	[ "$output" = "$(printf '%s\n' 'init exit=_exit run done final' 'exit=exit() run done final')" ]
}
