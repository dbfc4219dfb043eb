#!/usr/bin/env bats
# The program's own signal handlers, its view of its signal actions and its
# alternate stack stay its own, whatever the shim holds (issue 17): a signal
# is a handler's crash only when natively it would have ended the process,
# and --signals is invisible to the program.

load helper

@test "a handler's fault that the program's own SIGSEGV handler recovers from is the program's: it recovers, as natively" {
	# installed before the exit, and by a handler during it
	assert_transparent probe recover_segv on_exit=a/fault_recover exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit a status=0' 'fault_recover: recovered from SIGSEGV')" ]
	assert_transparent probe on_exit=a/fault_recover on_exit=b/recover_segv exit=3
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit b status=3' 'on_exit a status=3' 'fault_recover: recovered from SIGSEGV')" ]
	[ "$(native_status)" -eq 3 ]
}

@test "a handler's crash that the program's own SIGSEGV handler ends is the program's end, as natively" {
	assert_transparent probe own_segv on_exit=a/crash:segv on_exit=b exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=0' "program's own SIGSEGV handler")" ]
	[ "$(native_status)" -eq 42 ]
}

@test "the program's alternate stack stays its own during the exit; a thread without one sees none" {
	assert_transparent probe altstack on_exit=a/show_altstack exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit a status=0' "alternate stack: the program's")" ]
	assert_transparent probe on_exit=a/show_altstack exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit a status=0' 'alternate stack: none')" ]
	# a handler that crashes still is caught, on the program's stack
	run ending_under_shim "$FIXTURES/exitprobe" altstack on_exit=a on_exit=b/crash:segv exit=0
	[ "$output" = "signal 11" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=0')" ]
	err_reports | grep -q '^atexit-shim: exit handler .* was killed by SIGSEGV'
}

@test "SIGNALS: the program sees the default for the signals the shim holds, before and during the exit, by sigaction and signal" {
	local want
	want=$(printf '%s\n' 'signal 2: default (sigaction), default (signal)' 'signal 15: default (sigaction), default (signal)' \
		'signal 11: default (sigaction), default (signal)')
	assert_transparent with_default_signals env ATEXIT_SHIM_SIGNALS=INT,TERM "$FIXTURES/exitprobe" show_signals=2,15,11 on_exit=a/show_signals:2,15,11 exit=0
	[ "$(native_out)" = "$(printf '%s\n' "$want" 'on_exit a status=0' "$want")" ]
	# and the signal still runs the exit handlers, since the program left it at the default
	run ending_with ATEXIT_SHIM_SIGNALS=TERM "$FIXTURES/exitprobe" show_signals=15 on_exit=a raise=15 exit=0
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' 'signal 15: default (sigaction), default (signal)' 'on_exit a status=143')" ]
}

@test "SIGNALS: a handler the program installs replaces the shim's, by sigaction or signal, and is reported back to it" {
	# own_signal: signal(); own_term: signal() again, and its handler ends with _exit(3)
	run ending_with ATEXIT_SHIM_SIGNALS=TERM,INT "$FIXTURES/exitprobe" on_exit=a show_signals=15 own_signal=15 show_signals=15 raise=15 \
		own_term raise=15 exit=0
	[ "$output" = "exit 3" ]
	[ "$(out)" = "$(printf '%s\n' 'signal 15: default (sigaction), default (signal)' 'signal 15: handled (sigaction), handled (signal)' \
		"program's own signal 15" "program's own SIGTERM handler")" ]
	# by sigaction: CPython's signal.signal()
	run ending_with ATEXIT_SHIM_SIGNALS=TERM /usr/bin/python3 -c '
import atexit, os, signal
atexit.register(print, "atexit ran")
old = signal.signal(signal.SIGTERM, lambda s, f: print("python handler"))
print("was the default:", old == signal.SIG_DFL)
os.kill(os.getpid(), signal.SIGTERM)
print("after")'
	[ "$output" = "exit 0" ]
	[ "$(out)" = "$(printf '%s\n' 'was the default: True' 'python handler' 'after' 'atexit ran')" ]
}

@test "SIGNALS=INT,TERM: CPython finds SIGINT at its default, installs its own, raises KeyboardInterrupt and runs its atexit handlers, as natively" {
	local program=$BATS_TEST_TMPDIR/interrupted.py
	cat >"$program" <<'PY'
import atexit, os, signal, sys
atexit.register(print, "atexit handler ran")
print("SIGINT:", signal.getsignal(signal.SIGINT) is signal.default_int_handler,
      "SIGTERM:", signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGINT)
for _ in range(1000):
    pass
print("not reached")
PY
	assert_transparent with_default_signals env ATEXIT_SHIM_SIGNALS=INT,TERM /usr/bin/python3 "$program"
	[ "$(native_out)" = "$(printf '%s\n' 'SIGINT: True SIGTERM: True' 'atexit handler ran')" ]
	grep -qx KeyboardInterrupt "$BATS_TEST_TMPDIR/native.err"
	[ "$(native_status)" -eq 130 ] # died by SIGINT, as CPython does
}

@test "SIGNALS=INT,TERM: Ruby keeps its own handlers: at_exit blocks run on INT and TERM, with its Interrupt message, as natively" {
	local sig
	for sig in INT TERM; do
		assert_transparent with_default_signals env ATEXIT_SHIM_SIGNALS=INT,TERM ruby -e 'at_exit { puts "at_exit ran" }; $stdout.flush; Process.kill(ARGV[0], Process.pid); sleep 60' "$sig"
		[ "$(native_out)" = "at_exit ran" ]
		[ "$(native_status)" -eq $((128 + $(kill -l "$sig"))) ]
	done
	assert_transparent with_default_signals env ATEXIT_SHIM_SIGNALS=INT,TERM ruby -e 'Process.kill("INT", Process.pid); sleep 60'
	grep -q "Interrupt" "$BATS_TEST_TMPDIR/native.err"
}

@test "SIGNALS: each signal of the set left to the program is traced, at start-up or when it installs its own action" {
	local trace=$BATS_TEST_TMPDIR/trace
	# USR1 ignored by whoever started the program; TERM handled by the program itself
	run env ATEXIT_SHIM_TRACE="$trace" ATEXIT_SHIM_TRACE_FORMAT=json ATEXIT_SHIM_SIGNALS=TERM,USR1 \
		sh -c 'trap "" USR1; exec env LD_PRELOAD="$1" "$0" own_signal=15 exit=0' "$FIXTURES/exitprobe" "$SHIM_LIB"
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["event"] == "signal":
        print(e["signal"], e["left"])' "$trace"
	printf '%s\n' "$output" | grep -qx 'TERM the program installed its own action'
	# (qemu-user does not keep an ignored signal across exec)
	[ -n "${CHECK_RELEASE_EMULATOR:-}" ] ||
		[ "$output" = "$(printf '%s\n' "USR1 its action at start-up is the program's" 'TERM the program installed its own action')" ]
}
