#!/usr/bin/env bats
# ATEXIT_SHIM_HANDLERS (cmd: and fn:) and ATEXIT_SHIM_SKIP, through the
# variables and through the wrapper's options.

load helper

@test "cmd: runs after the program's handlers, the last listed first" {
	run shim --run='echo first listed' --run='echo second listed' -- "$FIXTURES/exitprobe" on_exit=a print=main exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' main 'on_exit a status=0' 'second listed' 'first listed')" ]
}

@test "ATEXIT_SHIM_HANDLERS by hand: comments and blank lines, cmd: and fn: entries in order" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS="$(printf '%s\n' '# a comment' 'cmd:echo from cmd' '' \
		"fn:$FIXTURES/.libs/libfn.so:libfn_handler" '   ' 'fn:exitprobe_fn')" "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'exitprobe_fn ran' 'libfn_handler ran' 'from cmd')" ]
}

@test "--fn=SYMBOL finds a function of the program; --fn=LIB:SYMBOL one of a library" {
	run shim --fn=exitprobe_fn --fn="$FIXTURES/.libs/libfn.so:libfn_handler" -- "$FIXTURES/exitprobe" exit=0
	[ "$output" = "$(printf '%s\n' 'libfn_handler ran' 'exitprobe_fn ran')" ]
}

@test "a bad entry: one line naming it and what is expected, that line alone ignored; the good ones run, the program unharmed" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS="$(printf '%s\n' 'cmd:echo fine' 'echo oops' 'cmd:echo also fine' 'bogus')" \
		"$FIXTURES/exitprobe" print=main exit=3
	[ "$status" -eq 3 ]
	[ "$output" = "$(printf '%s\n' "atexit-shim: ATEXIT_SHIM_HANDLERS=line 2 'echo oops': expected cmd:COMMAND or fn:[LIBRARY:]SYMBOL; ignored" \
		"atexit-shim: ATEXIT_SHIM_HANDLERS=line 4 'bogus': expected cmd:COMMAND or fn:[LIBRARY:]SYMBOL; ignored" main 'also fine' fine)" ]
}

@test "bad entries of every kind are refused with a reason" {
	local entry
	for entry in 'cmd:' 'fn:' 'fn:lib:' 'fn::sym' 'run:ls' 'CMD:ls'; do
		run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS="$entry" "$FIXTURES/exitprobe" exit=0
		[ "$status" -eq 0 ]
		[ "$output" = "atexit-shim: ATEXIT_SHIM_HANDLERS=line 1 '$entry': expected cmd:COMMAND or fn:[LIBRARY:]SYMBOL; ignored" ]
	done
}

@test "fn: with a symbol or library that does not exist: reported in its turn at exit, the rest runs" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS="$(printf '%s\n' 'fn:no_such_symbol' \
		'fn:/no/such/lib.so:f' 'cmd:echo still here')" "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = main ]
	[ "${lines[1]}" = "still here" ]
	[[ "${lines[2]}" == "atexit-shim: ATEXIT_SHIM_HANDLERS line 2: /no/such/lib.so: /no/such/lib.so: cannot open shared object file"* ]]
	[ "${lines[3]}" = "atexit-shim: ATEXIT_SHIM_HANDLERS line 1: symbol no_such_symbol: not found in the process; ignored" ]
}

@test "fn: through a launcher that execs the program: no false report from the launcher" {
	run shim --fn=exitprobe_fn -- env X=1 "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' main 'exitprobe_fn ran')" ]
}

@test "--run after coreutils programs that close stdout at exit: output and status 0" {
	local program
	for program in "ls -d /" "cat /etc/hostname" "sort /etc/hostname"; do
		# shellcheck disable=SC2086
		run shim --run='echo done' -- $program
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" = done ]
		[ "${#lines[@]}" -eq 2 ]
	done
}

@test "a command sees the status, the pid and the last error" {
	run shim --run='echo "status=$ATEXIT_SHIM_STATUS pid=$ATEXIT_SHIM_PID error=[$ATEXIT_SHIM_ERROR]"' -- \
		"$FIXTURES/exitprobe" pid exit=7
	[ "$status" -eq 7 ]
	[ "${lines[1]}" = "status=7 pid=${lines[0]#pid } error=[]" ]
	run shim --run='echo "error=[$ATEXIT_SHIM_ERROR]"' -- "$FIXTURES/exitprobe" on_exit=a/crash:segv exit=0
	# registration 1 is the command itself, registered at start-up
	printf '%s\n' "$output" | grep -q '^error=\[SIGSEGV in .*exitprobe+0x[0-9a-f]* (on_exit, registration 2)\]$'
}

@test "a command does not see the shim: no LD_PRELOAD entry, no ATEXIT_SHIM_* setting" {
	local other=$FIXTURES/.libs/libfn.so
	run env LD_PRELOAD="$other:$SHIM_LIB" "$WRAPPER" --skip='nothing*' \
		--run='echo "preload=[$LD_PRELOAD]"; env | grep "^ATEXIT_SHIM_" | grep -vc "^ATEXIT_SHIM_\(STATUS\|PID\|ERROR\)=" || true' -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "preload=[$other]" 0)" ]
}

@test "a failing command makes the status non-zero, with one line naming it" {
	run shim --run='exit 4' -- "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 4 ]
	[ "$output" = "$(printf '%s\n' main 'atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 1, cmd:exit 4) failed with status 4')" ]
}

@test "a report naming a command or a library keeps control characters in them visible, on one line" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS="$(printf '%s\n' $'fn:/no/such\x1blib.so:f' $'cmd:exit 4 #\t\r\x1b')" \
		"$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 4 ]
	# at exit: the command (line 2) first, then the missing library's report
	[ "${lines[0]}" = 'atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 2, cmd:exit 4 #\t\x0d\x1b) failed with status 4' ]
	[[ "${lines[1]}" == 'atexit-shim: ATEXIT_SHIM_HANDLERS line 1: /no/such\x1blib.so: /no/such\x1blib.so: cannot open shared object file'* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "a command killed by a signal: status 128 + the signal" {
	run shim --run='kill -TERM $$' -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 143 ]
	[ "$output" = "atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 1, cmd:kill -TERM \$\$) was killed by SIGTERM (Terminated)" ]
}

@test "commands run in a threaded program" {
	run shim --run='echo done' -- "$FIXTURES/exitprobe" threads=4,100 exit=0
	[ "$output" = "$(printf '%s\n' 'counted 400 handlers, status=0' done)" ]
}

@test "commands run when the program ignores SIGCHLD, and their status still counts" {
	run shim --run='echo done; exit 5' -- "$FIXTURES/exitprobe" ignore_sigchld exit=0
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = done ]
}

@test "commands write to the start-up stdout and stderr after the program closed its own" {
	run shim --run='echo to stdout; echo to stderr >&2; cat' -- "$FIXTURES/exitprobe" close_std exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'to stdout' 'to stderr')" ]
}

@test "commands run when the program's working directory was deleted" {
	run shim --run='echo done' -- "$FIXTURES/exitprobe" deleted_cwd exit=0
	[ "$status" -eq 0 ]
	[ "$output" = done ]
}

@test "SKIP: a handler whose symbol matches a glob is not run, the others are" {
	run shim --skip='exitprobe_exp*' -- "$FIXTURES/exitprobe" exported on_exit=a exit=0
	[ "$output" = "on_exit a status=0" ]
	run shim --skip='nothing*,libfn_*' --fn=exitprobe_fn --fn="$FIXTURES/.libs/libfn.so:libfn_handler" -- "$FIXTURES/exitprobe" exported exit=0
	[ "$output" = "$(printf '%s\n' 'exitprobe_exported ran' 'exitprobe_fn ran')" ]
}

@test "a bad SKIP value is reported and ignored" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_SKIP='a*,,b' "$FIXTURES/exitprobe" exported exit=0
	[ "$output" = "$(printf '%s\n' "atexit-shim: ATEXIT_SHIM_SKIP='a*,,b': expected shell globs over handler names, separated by commas; ignored" 'exitprobe_exported ran')" ]
}

@test "libjemalloc preloaded too, its statistics printed at exit: both work, in either order" {
	local jemalloc
	jemalloc=$(find /usr/lib /lib -name 'libjemalloc.so.2' 2>/dev/null | head -n 1)
	[ -n "$jemalloc" ] || skip "libjemalloc2 is not installed"
	# (not ls: its close_stdout handler closes stderr before jemalloc's prints)
	run env LD_PRELOAD="$jemalloc" MALLOC_CONF=stats_print:true "$WRAPPER" --run='echo done' -- "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q 'Begin jemalloc statistics'
	printf '%s\n' "$output" | grep -qx done
	run env LD_PRELOAD="$SHIM_LIB:$jemalloc" MALLOC_CONF=stats_print:true ATEXIT_SHIM_HANDLERS='cmd:echo done' "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q 'Begin jemalloc statistics'
	printf '%s\n' "$output" | grep -qx done
}

@test "a root that ends with _exit (dash) still runs --run, and a failing check sets the status" {
	cd "$BATS_TEST_TMPDIR"
	run shim --run='test ! -e app.lock' -- sh -c 'touch app.lock; true'
	[ "$status" -eq 1 ]
	[ "$output" = "atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 1, cmd:test ! -e app.lock) failed with status 1" ]
	rm app.lock
	run shim --run='test ! -e app.lock' -- sh -c 'touch app.lock; rm app.lock'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "_exit and _Exit: the environment's entries run with that status; the program's handlers and stdio buffers stay as natively" {
	local how
	for how in _exit _Exit; do
		# stdout is a pipe here: "buffered" is in stdio's buffer, which _exit drops
		run shim --run='echo "run: status $ATEXIT_SHIM_STATUS"' -- "$FIXTURES/exitprobe" on_exit=a atexit=1 print=buffered "$how=3"
		[ "$status" -eq 3 ]
		[ "$output" = "run: status 3" ]
		run shim --run='exit 9' -- "$FIXTURES/exitprobe" "$how=3"
		[ "$status" -eq 9 ]
	done
}

@test "_exit runs the entries in the root only: not in a vfork child, nor a forked one (--follow or not)" {
	local follow ran=$BATS_TEST_TMPDIR/ran root=$BATS_TEST_TMPDIR/root
	for follow in "" --follow; do
		rm -f "$ran"
		# (stdout is lost with _exit: the evidence goes to files)
		# shellcheck disable=SC2016
		run sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$root" "$WRAPPER" $follow --run="echo \$ATEXIT_SHIM_PID >>$ran" -- \
			"$FIXTURES/exitprobe" vfork=5 fork _exit=6
		[ "$status" -eq 6 ]
		[ "$(cat "$ran")" = "$(cat "$root")" ]
	done
}

@test "exit() in a vfork child runs no entry and traces nothing: the entries run at the parent's exit, with its status, traced as its own" {
	skip_under_emulation "qemu-user runs vfork as fork (no memory shared)"
	local trace=$BATS_TEST_TMPDIR/trace
	# shellcheck disable=SC2016
	run shim --trace="$trace" --json --run='echo "entry in $ATEXIT_SHIM_PID, status $ATEXIT_SHIM_STATUS"; exit 7' -- \
		"$FIXTURES/exitprobe" pid on_exit=a vfork_exit=3 exit=0
	[ "$status" -eq 7 ]
	local pid=${lines[0]#pid }
	[ "$(printf '%s\n' "${lines[@]:0:4}")" = "$(printf '%s\n' "pid $pid" 'on_exit a status=3' 'vfork child ended with 3' "entry in $pid, status 0")" ]
	[[ "${lines[4]}" == "atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 1, cmd:"*") failed with status 7" ]]
	[ "${#lines[@]}" -eq 5 ]
	run python3 -c '
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(sorted({str(e["pid"]) for e in events})))
print(" ".join(e["event"] + ("=" + str(e["status"]) if e["event"] in ("exit", "final") else "") for e in events if e["event"] not in ("register", "phase")))' "$trace"
	[ "$output" = "$(printf '%s\n' "$pid" 'init exit=0 run done error final=7')" ]
}

@test "a _exit end is traced as an exit event with how _exit, then final" {
	local trace=$BATS_TEST_TMPDIR/trace
	run shim --trace="$trace" --json --run=true -- sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run python3 -c '
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(e["event"] + ("=" + e["how"] if "how" in e else "") for e in events if e["event"] != "register"))
print(events[-1].get("status"))' "$trace"
	[ "$output" = "$(printf '%s\n' 'init exit=_exit run done final' 4)" ]
}

@test "--fn=LIB:SYM with a library or symbol that does not exist: refused by the wrapper, nothing run" {
	local lib=$FIXTURES/.libs/libfn.so
	run shim --fn=/no/such/lib.so:f -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --fn='/no/such/lib.so:f': /no/such/lib.so: cannot open shared object file: No such file or directory" ]
	run shim --fn="$lib:no_such_symbol" -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --fn='$lib:no_such_symbol': no symbol no_such_symbol in $lib" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	# a symbol without a library can only be looked for in the command: the library reports it
	run shim --fn=no_such_symbol -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "atexit-shim: ATEXIT_SHIM_HANDLERS line 1: symbol no_such_symbol: not found in the process; ignored" ]
}

@test "a command that starts with '-' is a command, not an option of sh" {
	run shim --run='-1' -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 127 ]
	[[ "$output" == *"-1: not found"* ]]
	[[ "$output" != *"llegal option"* ]]
}

@test "a command holds none of the program's descriptors above 2: a pipe's reader is not kept waiting by it" {
	local dir=$BATS_TEST_TMPDIR
	run shim --run='test -e /proc/$$/fd/7 && echo "fd 7 held" || echo "fd 7 closed"' -- \
		bash -c "exec 7>'$dir/file'; exec '$FIXTURES/exitprobe' exit=0"
	[ "$status" -eq 0 ]
	[ "$output" = "fd 7 closed" ]
	# the program's fd 7 is the $(...) pipe: a command left in the background
	# does not hold it (it cannot write there, and $(...) does not wait for it)
	run timeout -s KILL 60 bash -c 'out=$("$0" --run="(sleep 1; echo late >&7) 2>/dev/null &" -- "$1" exit=0 7>&1 >/dev/null); echo "done $out"' \
		"$WRAPPER" "$FIXTURES/exitprobe"
	[ "$output" = "done " ]
}

@test "an entry that cannot be kept for want of memory still has its turn: one line, and the status says it did not run" {
	local pad
	pad=$(printf 'x%.0s' $(seq 990)) # a 1000-byte command: its copy is the one allocation of that size
	# (the status echoed: bats takes a bare 127 for a command not found)
	run bash -c 'FAILMALLOC_MIN=1001 FAILMALLOC_MAX=1040 LD_PRELOAD=$1 ATEXIT_SHIM_HANDLERS=$2 "$3" print=main exit=0; echo "status $?"' \
		_ "$FIXTURES/.libs/libfailmalloc.so:$SHIM_LIB" "cmd:exit 0 # $pad" "$FIXTURES/exitprobe"
	[ "$output" = "$(printf '%s\n' main 'atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line 1) could not be run: no memory was left to keep it when the program started' 'status 127')" ]
}

@test "paths mean what the user meant: --run runs where the root started, --trace and --fn paths are the caller's, after cd, exec and make -C" {
	local dir=$BATS_TEST_TMPDIR
	mkdir -p "$dir/work/sub"
	cp "$FIXTURES/.libs/libfn.so" "$dir/work/"
	cd "$dir/work"
	# the program leaves its lock, cds away and execs: the check still looks here
	run shim --run='pwd; test ! -e app.lock' -- sh -c 'touch app.lock; cd /; exec /bin/true'
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$dir/work" ]
	run shim --follow --trace=t.jsonl --json --fn=./libfn.so:libfn_handler -- sh -c 'cd sub && exec sh -c "cd / && exec /bin/true"'
	[ "$status" -eq 0 ]
	[ "$output" = "libfn_handler ran" ]
	[ ! -e sub/t.jsonl ]
	[ "$(grep -c '"event":"init"' t.jsonl)" -eq 3 ]
	# by hand, a relative trace is the root's: made absolute for the rest of the tree
	rm t.jsonl
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_TRACE=t.jsonl ATEXIT_SHIM_FOLLOW=1 sh -c 'cd sub && sh -c true'
	[ ! -e sub/t.jsonl ]
	[ "$(grep -c ' init ' t.jsonl)" -eq 2 ]
}

@test "a process that will die by a signal gives its command the status its parent will see, and the signal: ATEXIT_SHIM_SIGNAL" {
	local show='echo "status $ATEXIT_SHIM_STATUS signal ${ATEXIT_SHIM_SIGNAL:-none}"'
	# a handler's crash, re-raised once the handlers are done: the shell sees 139
	run shim --run="$show" -- "$FIXTURES/exitprobe" on_exit=a/crash:segv exit=0
	[ "$status" -eq 139 ]
	printf '%s\n' "$output" | grep -qx "status 139 signal 11" # (qemu-user adds a line of its own)
	run shim --signals=TERM --run="$show" -- "$FIXTURES/exitprobe" raise=15 exit=0
	[ "$status" -eq 143 ]
	[ "$output" = "status 143 signal 15" ]
	run shim --run="$show" -- "$FIXTURES/exitprobe" exit=3
	[ "$status" -eq 3 ]
	[ "$output" = "status 3 signal none" ]
}

@test "the root about to exec an image that will not run its checks says so, once, naming it and why; nothing when none were asked for" {
	run shim --run='echo never' -- env -i /bin/sh -c 'exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = "atexit-shim: /bin/sh will not run the exit checks asked for (its environment drops the shim from LD_PRELOAD): they do not run; atexit-shim --supervise runs them whatever the program does" ]
	run shim --run='echo never' -- sh -c "exec '$FIXTURES/static_hello'"
	[ "$output" = "$(printf '%s\n' "atexit-shim: $FIXTURES/static_hello will not run the exit checks asked for (statically linked): they do not run; atexit-shim --supervise runs them whatever the program does" 'static hello')" ]
	# execl, execvp: the same; an image that keeps the shim: nothing said, the check runs
	run shim --run='echo check' -- /usr/bin/python3 -c 'import os; os.execvp("true", ["true"])'
	[ "$output" = check ]
	run shim --trace="$BATS_TEST_TMPDIR/t" -- env -i /bin/true
	[ -z "$output" ]
	# supervised: the supervisor runs them, and says so itself
	run shim --supervise --run='echo check' -- env -i /bin/true
	[ "$output" = "$(printf '%s\n' 'atexit-shim: env ended without running its exit checks (the shim was not in its last image): running them here' check)" ]
}

@test "the list forms of exec, execl, execlp and execle, run as glibc's, and execle's environment is the one looked at" {
	run shim --run='echo check' -- "$FIXTURES/execl_forms" l
	[ "$output" = "$(printf '%s\n' 'via execl' check)" ]
	run shim --run='echo check' -- "$FIXTURES/execl_forms" p
	[ "$output" = "$(printf '%s\n' 'via execlp' check)" ]
	run shim --run='echo check' -- "$FIXTURES/execl_forms" e
	[ "$output" = "$(printf '%s\n' "atexit-shim: /usr/bin/env will not run the exit checks asked for (its environment drops the shim from LD_PRELOAD): they do not run; atexit-shim --supervise runs them whatever the program does" X=1)" ]
}
