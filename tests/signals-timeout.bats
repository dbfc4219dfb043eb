#!/usr/bin/env bats
# ATEXIT_SHIM_SIGNALS and ATEXIT_SHIM_TIMEOUT.

load helper

@test "TIMEOUT: a handler sleeping for an hour is abandoned with its name, the others run, status 124, within seconds" {
	local start=$SECONDS
	run ending_with ATEXIT_SHIM_TIMEOUT=0.5 "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang on_exit=c exit=0
	[ "$output" = "exit 124" ]
	[ $((SECONDS - start)) -lt 10 ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit c status=0' 'on_exit b status=0' 'on_exit a status=124')" ]
	err_reports | grep -q '^atexit-shim: exit handler .*exitprobe+0x[0-9a-f]* (on_exit, registration 2) ran longer than 500 ms and was abandoned'
	# the backtrace shows where it hung
	err | grep -q 'sleep'
}

@test "TIMEOUT: a busy-looping handler is abandoned too" {
	run ending_with ATEXIT_SHIM_TIMEOUT=0.2 "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:spin exit=0
	[ "$output" = "exit 124" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=124')" ]
}

@test "TIMEOUT: a handler that dlcloses a library (whose handlers run inside it) and then hangs is still abandoned" {
	local start=$SECONDS
	run ending_with ATEXIT_SHIM_TIMEOUT=0.5 "$FIXTURES/exitprobe" on_exit=a "on_exit=b/dlclose-hang:$FIXTURES/.libs/libplugin_on_exit.so" exit=0
	[ "$output" = "exit 124" ]
	[ $((SECONDS - start)) -lt 10 ]
	grep -q 'plugin: on_exit handler' "$BATS_TEST_TMPDIR/out"
	grep -q 'on_exit a status=124' "$BATS_TEST_TMPDIR/out"
}

@test "TIMEOUT: handlers within the limit are untouched, and so is the program's own alarm()" {
	run ending_with ATEXIT_SHIM_TIMEOUT=5 "$FIXTURES/exitprobe" alarm=1 sleep=2 on_exit=a exit=3
	[ "$output" = "exit 3" ]
	[ "$(out)" = "$(printf '%s\n' alarm 'on_exit a status=3')" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "TIMEOUT: the program's own real-time signals stay its own (the timers take one it leaves alone)" {
	# SIGRTMAX-2 was the timers' fixed signal; the highest ones are qemu-user's
	local sig own=()
	for sig in $(kill -l RTMAX-2) $(kill -l RTMAX-1) $(kill -l RTMAX); do
		[ -n "${CHECK_RELEASE_EMULATOR:-}" ] && [ "$sig" != "$(kill -l RTMAX-2)" ] && continue
		own+=("own_signal=$sig" "on_exit=$sig/raise:$sig")
	done
	run ending_with ATEXIT_SHIM_TIMEOUT=5 "$FIXTURES/exitprobe" "${own[@]}" on_exit=a/crash:hang exit=0
	[ "$output" = "exit 124" ]
	# each handler's signal reached the program's handler; the hang was still timed
	for sig in $(kill -l RTMAX-2) $(kill -l RTMAX-1) $(kill -l RTMAX); do
		[ -n "${CHECK_RELEASE_EMULATOR:-}" ] && [ "$sig" != "$(kill -l RTMAX-2)" ] && continue
		grep -qx "program's own signal $sig" "$BATS_TEST_TMPDIR/out"
	done
	grep -q 'exit handler .* ran longer than 5 s' "$BATS_TEST_TMPDIR/err"
}

@test "TIMEOUT: --timeout through the wrapper, and a later failure still wins" {
	run shim --timeout=0.2 -- "$FIXTURES/exitprobe" on_exit=a/exit:5 on_exit=b/crash:hang exit=0
	[ "$status" -eq 5 ]
}

@test "SIGNALS=TERM: a program that never asked for it runs its exit handlers, then dies by SIGTERM" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM ATEXIT_SHIM_HANDLERS='cmd:echo "command saw $ATEXIT_SHIM_STATUS"' \
		"$FIXTURES/exitprobe" on_exit=a print=main raise=15 print=never exit=0
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' main 'on_exit a status=143' 'command saw 143')" ]
}

@test "SIGNALS=SIGINT,TERM: SIGINT too, by name with its prefix" {
	run ending_with ATEXIT_SHIM_SIGNALS=SIGINT,TERM "$FIXTURES/exitprobe" on_exit=a raise=2 exit=0
	[ "$output" = "signal 2" ]
	[ "$(out)" = "on_exit a status=130" ]
}

@test "SIGNALS: a signal arriving while the handlers run lets them finish, then the process dies by it" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM "$FIXTURES/exitprobe" on_exit=a on_exit=b/raise:15 on_exit=c exit=4
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit c status=4' 'on_exit b status=4' 'on_exit a status=4')" ]
}

@test "SIGNALS: a program with its own handler for the signal keeps it" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM "$FIXTURES/exitprobe" on_exit=a own_term raise=15 exit=0
	[ "$output" = "exit 3" ]
	[ "$(out)" = "program's own SIGTERM handler" ]
}

@test "SIGNALS: without it, SIGTERM kills at once, as natively" {
	run ending_under_shim "$FIXTURES/exitprobe" on_exit=a raise=15 exit=0
	[ "$output" = "signal 15" ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "bad SIGNALS and TIMEOUT values are reported and ignored" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_SIGNALS=TERM,KILL ATEXIT_SHIM_TIMEOUT=0x10 "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "atexit-shim: ATEXIT_SHIM_SIGNALS='TERM,KILL': expected signals that can be caught (not KILL or STOP); ignored" \
		"atexit-shim: ATEXIT_SHIM_TIMEOUT='0x10': expected seconds, a number > 0 (decimals allowed); ignored")" ]
}

@test "TIMEOUT: a limit under a millisecond is reported as given, in a unit that shows it" {
	run ending_with ATEXIT_SHIM_TIMEOUT=0.000000001 "$FIXTURES/exitprobe" on_exit=a/crash:hang exit=0
	[ "$output" = "exit 124" ]
	err_reports | grep -q '^atexit-shim: exit handler .* ran longer than 1 ns and was abandoned; '
}

@test "SIGNALS: real-time signals, by number up to SIGRTMAX and as RTMIN+n or RTMAX-n" {
	local value sig values=(RTMIN+1 SIGRTMAX-1 64 rtmin)
	# qemu-user (7.2, Debian 12's) does not deliver a guest's two highest
	# real-time signals, 63 and 64 (qemu-aarch64 and qemu-i386 alike): the
	# highest it delivers instead
	[ -z "${CHECK_RELEASE_EMULATOR:-}" ] || values=(RTMIN+1 SIGRTMAX-2 62 rtmin)
	for value in "${values[@]}"; do
		sig=$value
		[[ "$value" =~ ^[0-9]+$ ]] || sig=$(kill -l "${value#SIG}") # bash names them as glibc counts them
		run ending_with ATEXIT_SHIM_SIGNALS="$value" "$FIXTURES/exitprobe" on_exit=a raise="$sig" exit=0
		[ "$output" = "signal $sig" ]
		[ "$(out)" = "on_exit a status=$((128 + sig))" ]
		[ ! -s "$BATS_TEST_TMPDIR/err" ]
	done
}

@test "SIGNALS: an exit started by the signal catches a handler's crash, reports it, runs the others, then dies by the signal" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:segv on_exit=c raise=15 exit=0
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit c status=143' 'on_exit b status=143' 'on_exit a status=143')" ]
	[ "$(err_reports)" = "$(err_reports | grep -x 'atexit-shim: exit handler .* was killed by SIGSEGV (Segmentation fault); the other handlers still run. Backtrace:')" ]
	[ "$(err_reports | wc -l)" -eq 1 ]
}

@test "SIGNALS with TIMEOUT: an exit started by the signal abandons a hanging handler, runs the others, then dies by the signal" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM ATEXIT_SHIM_TIMEOUT=0.2 "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang raise=15 exit=0
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=143' 'on_exit a status=124')" ]
	[ "$(err_reports | wc -l)" -eq 1 ]
	err_reports | grep -q '^atexit-shim: exit handler .* ran longer than 200 ms and was abandoned'
}

@test "SIGNALS with TIMEOUT: a signal that arrives in a handler that is then abandoned still ends the process (not 124)" {
	run ending_with ATEXIT_SHIM_SIGNALS=TERM ATEXIT_SHIM_TIMEOUT=0.2 "$FIXTURES/exitprobe" on_exit=a on_exit=b/raise-hang:15 exit=0
	[ "$output" = "signal 15" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=124')" ]
}

@test "SIGNALS: a second signal while the exit it started runs ends the process at once (Ctrl-C twice)" {
	local dir=$BATS_TEST_TMPDIR _
	# (perl: a background job of a shell without job control has SIGINT ignored)
	ATEXIT_SHIM_SIGNALS=INT,TERM perl -e '$SIG{INT} = "DEFAULT"; $ENV{LD_PRELOAD} = shift; exec @ARGV' "$SHIM_LIB" \
		"$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang raise=2 exit=0 >"$dir/out" 2>"$dir/err" &
	local pid=$!
	for _ in $(seq 600); do grep -q 'on_exit b' "$dir/out" && break; sleep 0.1; done
	kill -TERM "$pid"
	for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true # (still there: the test fails below)
	status=0
	wait "$pid" 2>/dev/null || status=$?
	[ "$status" -eq 143 ]
	[ "$(cat "$dir/out")" = 'on_exit b status=130' ]
	[ ! -s "$dir/err" ]
}

@test "TIMEOUT: a handler's time ends when it fails: the report (backtrace, symbolizer) is not billed to it, nor timed out" {
	local dir=$BATS_TEST_TMPDIR
	run shim --timeout=0.05 --trace="$dir/t" --json -- "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:segv exit=0
	[ "$status" -eq 139 ]
	[ "$(printf '%s\n' "$output" | grep -c 'was killed by SIGSEGV')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c 'ran longer than')" -eq 0 ]
	python3 - "$dir/t" <<'PY'
import json, sys
done = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "done" and e["outcome"] == "signal"]
assert len(done) == 1 and done[0]["duration_us"] < 50000, done
PY
}

@test "TIMEOUT: an abandoned --run command and what it started are ended before the exit goes on; the report names the entry" {
	run shim --timeout=0.5 --run='sleep 30; echo late' -- "$FIXTURES/exitprobe" on_exit=a exit=0
	[ "$status" -eq 124 ]
	[ "$(printf '%s\n' "$output" | grep -cx late)" -eq 0 ]
	printf '%s\n' "$output" | grep -qx 'on_exit a status=0' # (the entry runs first: registered last)
	printf '%s\n' "$output" | grep -q '^atexit-shim: exit handler cmd:sleep 30; echo late (ATEXIT_SHIM_HANDLERS, registration [0-9]*) ran longer than 500 ms and was abandoned'
}

@test "a library destructor that crashes is reported by name; the process dies by its signal with stdio flushed" {
	LIBDTOR=crash run ending_under_shim "$FIXTURES/exitprobe" "dlopen=$FIXTURES/.libs/libdtor.so" on_exit=a print=main exit=0
	[ "$output" = "signal 11" ]
	[ "$(out)" = "$(printf '%s\n' 'libdtor: destructor' main 'on_exit a status=0')" ]
	[ "$(err_reports)" = "$(err_reports | grep -x "atexit-shim: library destructor $FIXTURES/.libs/libdtor.so+0x[0-9a-f]* was killed by SIGSEGV (Segmentation fault); the library destructors left do not run. Backtrace:")" ]
	[ "$(err_reports | wc -l)" -eq 1 ]
}

@test "TIMEOUT: a library destructor that hangs (joining a thread) is abandoned, named with its backtrace; status 124" {
	LIBDTOR=hang run timeout -s KILL 300 "$WRAPPER" --timeout=0.5 -- "$FIXTURES/exitprobe" "dlopen=$FIXTURES/.libs/libdtor.so" on_exit=a exit=0
	[ "$status" -eq 124 ]
	printf '%s\n' "$output" | grep -q "^atexit-shim: library destructor libdtor_destructor (.*libdtor.c:[0-9]*) in $FIXTURES/.libs/libdtor.so+0x[0-9a-f]* ran longer than 500 ms and was abandoned; the library destructors left do not run. It was here:"
	printf '%s\n' "$output" | grep -q '^    #[0-9]* libdtor_destructor '
	[ "$(printf '%s\n' "$output" | grep -c 'the other destructor ran')" -eq 0 ]
}

@test "library destructors that succeed run as natively, each library's under the whole limit" {
	LIBDTOR=print assert_transparent env ATEXIT_SHIM_TIMEOUT=5 "$FIXTURES/exitprobe" "dlopen=$FIXTURES/.libs/libdtor.so" on_exit=a exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'libdtor: destructor' 'libdtor: the other destructor ran' 'on_exit a status=0')" ]
}

@test "TIMEOUT: a program that blocks every signal before exit still has its hanging handler abandoned" {
	run ending_with ATEXIT_SHIM_TIMEOUT=0.2 "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang block_all exit=0
	[ "$output" = "exit 124" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=124')" ]
	[ "$(err_reports | wc -l)" -eq 1 ]
	err_reports | grep -q '^atexit-shim: exit handler .* ran longer than 200 ms and was abandoned'
}

@test "TIMEOUT: a handler that blocks every signal and hangs is still abandoned, within the limit and a second's grace" {
	skip_under_emulation "qemu-user runs no ptrace"
	run ending_with ATEXIT_SHIM_TIMEOUT=0.2 "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:blocked-hang exit=0
	[ "$output" = "exit 124" ]
	[ "$(out)" = "$(printf '%s\n' 'on_exit b status=0' 'on_exit a status=124')" ]
	[ "$(err_reports | wc -l)" -eq 1 ]
	err_reports | grep -q '^atexit-shim: exit handler .* (on_exit, registration 2) ran longer than 200 ms and was abandoned'
	err | grep -q sleep # where it hung
}

@test "TIMEOUT: a handler that blocks every signal under a tracer (no ptrace for the backstop) ends the process, with one line naming it" {
	skip_under_emulation "qemu-user runs no ptrace"
	# strace holds the process: the backstop cannot seize it, so it ends it.
	run ending_with ATEXIT_SHIM_TIMEOUT=0.2 ATEXIT_SHIM_FOLLOW=1 strace -f -o /dev/null "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:blocked-hang exit=0
	[ "$output" = "signal 9" ]
	[ "$(out)" = "on_exit b status=0" ]
	[ "$(err)" = "atexit-shim: exit handler (registration 2) ran longer than 200 ms with the time limit's signal blocked, and could not be stopped; ending the process (SIGKILL)" ]
}
