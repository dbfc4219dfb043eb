#!/usr/bin/env bats
# ATEXIT_SHIM_TRACE and ATEXIT_SHIM_TRACE_FORMAT: every event, both formats.

load helper

# Every line of FILE as JSON, checked: pid, event, t_us always; the fields
# each event must have; prints "event field=value ..." lines for asserting.
json_events()
{
	python3 - "$1" <<'PY'
import json, sys
need = {"init": ["program"], "register": ["seq", "flavour", "library", "offset"],
        "unregister": ["removed"], "exit": ["status", "how"], "run": ["seq", "flavour"],
        "done": ["seq", "duration_us", "outcome"], "error": ["error"], "finalize": ["library"],
        "final": [], "quick_exit": ["status"], "phase": ["phase"], "signal": ["signal", "left"]}
for number, line in enumerate(open(sys.argv[1]), 1):
    e = json.loads(line)
    for key in ["pid", "event", "t_us"] + need[e["event"]]:
        assert key in e, f"line {number}: {key} missing: {line}"
    assert isinstance(e["pid"], int) and isinstance(e["t_us"], int)
    shown = {k: v for k, v in e.items() if k in ("seq", "flavour", "symbol", "status", "signal", "outcome", "how", "removed", "phase")}
    print(e["event"], " ".join(f"{k}={v}" for k, v in shown.items()))
PY
}

@test "JSON: the events of a normal run, in order, every line valid with its fields" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$FIXTURES/exitprobe" exported on_exit=a exit=5
	[ "$status" -eq 5 ]
	run json_events "$trace"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'init ' 'register seq=1 flavour=atexit symbol=exitprobe_exported' \
		'register seq=2 flavour=on_exit' 'exit status=5 how=exit()' 'phase phase=program' \
		'run seq=2 flavour=on_exit' 'done seq=2 flavour=on_exit outcome=ok' \
		'run seq=1 flavour=atexit symbol=exitprobe_exported' 'done seq=1 flavour=atexit symbol=exitprobe_exported outcome=ok' \
		'phase phase=destructors' 'phase phase=constructors' 'final status=5')" ]
}

@test "JSON: failures, unregister, a command, return from main" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json --run='exit 3' -- "$FIXTURES/exitprobe" api=x unregister=api on_exit=a/crash:abort on_exit=b/exit:4 return=0
	run json_events "$trace"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx 'unregister removed=1'
	printf '%s\n' "$output" | grep -qx 'exit status=0 how=return from main'
	# seq 2 was the unregistered one
	printf '%s\n' "$output" | grep -qx 'done seq=4 flavour=on_exit outcome=exit status=4'
	printf '%s\n' "$output" | grep -qx 'done seq=3 flavour=on_exit outcome=signal signal=6'
	printf '%s\n' "$output" | grep -qx 'done seq=1 flavour=ATEXIT_SHIM_HANDLERS symbol=cmd:exit 3 outcome=exit status=3'
	[ "$(printf '%s\n' "$output" | grep -c '^error')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = 'final status=3' ]
}

@test "JSON: a crash as the last failure ends with a final signal event; skipped and timed-out handlers" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json --skip='exitprobe_exp*' --timeout=0.2 -- "$FIXTURES/exitprobe" exported on_exit=a/crash:hang on_exit=b/crash:segv exit=0
	run json_events "$trace"
	printf '%s\n' "$output" | grep -qx 'done seq=1 flavour=atexit symbol=exitprobe_exported outcome=skipped'
	printf '%s\n' "$output" | grep -qx 'done seq=2 flavour=on_exit outcome=timeout status=124'
	[ "$(printf '%s\n' "$output" | tail -n 1)" = 'final status=124' ]
}

# Checks a JSON trace: every run and done event has a register event with
# its seq and the same handler fields; prints the early seqs, one line.
every_run_registered()
{
	python3 - "$1" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
registered = {e["seq"]: e for e in events if e["event"] == "register"}
runs = [e for e in events if e["event"] in ("run", "done")]
assert runs, "nothing ran"
for e in runs:
    r = registered.get(e["seq"])
    assert r is not None, f"seq {e['seq']} ran but was never registered"
    for key in ("flavour", "symbol", "library", "offset", "object", "object_library", "object_offset", "registrar"):
        assert r.get(key) == e.get(key), (key, r, e)
for e in events:
    assert e.get("early", True) is True, e
print(" ".join(str(s) for s, e in sorted(registered.items()) if e.get("early")))
PY
}

@test "JSON: registrations made before tracing started are traced when it starts, marked early" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	# libearly's constructor registers seq 1 and 2 before the shim's reads its settings
	run shim --trace="$trace" --json -- "$FIXTURES/early_main"
	[ "$status" -eq 0 ]
	run every_run_registered "$trace"
	[ "$status" -eq 0 ]
	[ "$output" = "1 2" ]
	# they come right after init, before the registrations traced as they happen
	[ "$(sed -n 2p "$trace" | grep -c '"event":"register".*"seq":1,.*"early":true}$')" -eq 1 ]
	# libstdc++'s registrations come before the shim's constructor too
	rm "$trace"
	run shim --trace="$trace" --json -- "$FIXTURES/cxx_statics"
	[ "$status" -eq 0 ]
	run every_run_registered "$trace"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$(grep -c '"early":true' "$trace")" -eq "$(wc -w <<<"$output")" ]
}

@test "JSON: a program with two libraries and a dlopen'ed plugin: every run has its register event" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$FIXTURES/cxx_names" "$FIXTURES/.libs/libnames_plugin.so" at-exit
	[ "$status" -eq 0 ]
	run every_run_registered "$trace"
	[ "$status" -eq 0 ]
	# libstdc++'s registrations at least came before tracing started
	[ -n "$output" ]
	# and every handler ran: the program's, both libraries', the plugin's, libstdc++'s
	[ "$(grep -c '"event":"run"' "$trace")" -eq "$(grep -c '"event":"register"' "$trace")" ]
	[ "$(grep -c '"event":"run".*"object_library":"[^"]*/libnames_plugin.so"' "$trace")" -eq 1 ]
}

@test "the registering library and a __cxa_atexit entry's object: every JSON event, text where useful" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$FIXTURES/exitprobe" cxa=b on_exit=a exit=0
	[ "$status" -eq 0 ]
	run python3 - "$trace" <<'PY'
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["event"] in ("register", "run", "done"):
        # cxa: the registrar from the DSO handle, the argument as object; on_exit has neither
        print(e["event"], e["seq"], e["registrar"].endswith("/exitprobe") if "registrar" in e else "-",
              int(e["object"], 16) != 0 if "object" in e else "-")
PY
	[ "$output" = "$(printf '%s\n' 'register 1 True True' 'register 2 - -' 'run 2 - -' 'done 2 - -' 'run 1 True True' 'done 1 True True')" ]
	# text: the object; the registrar only where it is not the code's library
	run shim --trace -- "$FIXTURES/exitprobe" cxa=b exit=0
	printf '%s\n' "$output" | grep -q ' register seq=1 flavour=__cxa_atexit library=exitprobe offset=0x[0-9a-f]* object=0x[0-9a-f]*$'
	printf '%s\n' "$output" | grep -q ' done seq=1 library=exitprobe offset=0x[0-9a-f]* object=0x[0-9a-f]* duration_us=[0-9]* outcome=ok$'
	run shim --trace -- "$FIXTURES/early_main"
	printf '%s\n' "$output" | grep -q ' register seq=1 flavour=atexit library=libearly.so offset=0x[0-9a-f]* early$'
}

@test "JSON: a C++ static's object is located, file and offset, for the report to name it; one outside every file is not" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl prog=$FIXTURES/cxx_crash
	run shim --trace="$trace" --json -- "$prog"
	[ "$status" -eq 0 ]
	# nm's address of liba::a1 in the PIE is its offset from the load base
	local a1
	a1=$(nm -C "$prog" | grep ' liba::a1$' | cut -d' ' -f1 | sed 's/^0*/0x/')
	[ -n "$a1" ]
	run python3 - "$trace" "$prog" "$a1" <<'PY'
import json, sys
trace, prog, a1 = sys.argv[1:]
located = [e for e in map(json.loads, open(trace)) if e["event"] in ("register", "run", "done")
           and e.get("object_library") == prog]
assert [e["event"] for e in located] == ["register", "run", "done"], located
for e in located:
    assert int(e["object_offset"], 16) == int(a1, 16), (e, a1)
    assert e["library"] == prog and e["flavour"] == "__cxa_atexit", e
PY
	[ "$status" -eq 0 ]
	# exitprobe's cxa argument is a string of argv, on the stack: an address only
	rm "$trace"
	run shim --trace="$trace" --json -- "$FIXTURES/exitprobe" cxa=b exit=0
	[ "$status" -eq 0 ]
	[ "$(grep -c '"object":"0x' "$trace")" -eq 3 ]
	[ "$(grep -c '"object_library"\|"object_offset"' "$trace")" -eq 0 ]
}

@test "JSON: dlclose is a finalize event naming the library; quick_exit is traced" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run env ATEXIT_SHIM_TRACE="$trace" ATEXIT_SHIM_TRACE_FORMAT=json LD_PRELOAD="$SHIM_LIB" \
		"$FIXTURES/exitprobe" dlopen="$FIXTURES/.libs/libplugin.so" dlclose quick_exit=7
	[ "$status" -eq 7 ]
	grep -q '"event":"finalize","t_us":[0-9]*,"library":"[^"]*libplugin.so"' "$trace"
	grep -q '"event":"quick_exit","t_us":[0-9]*,"status":7' "$trace"
	run json_events "$trace"
	[ "$status" -eq 0 ]
}

@test "text: one readable line per event, pid first" {
	run shim --trace -- "$FIXTURES/exitprobe" exported exit=0
	[ "$status" -eq 0 ]
	local pid=${lines[0]#atexit-shim\[}
	pid=${pid%%]*}
	printf '%s\n' "${lines[@]}" | grep -v "^atexit-shim\[$pid\] [0-9]*\.[0-9]\{6\} [a-z_]*" | grep -qv 'exitprobe_exported ran' && return 1
	printf '%s\n' "$output" | grep -q "^atexit-shim\[$pid\] [0-9.]* register seq=1 flavour=atexit symbol=exitprobe_exported library=exitprobe offset=0x[0-9a-f]*$"
	# one line per handler, when it ends: no run line, the name and no path
	printf '%s\n' "$output" | grep -q "^atexit-shim\[$pid\] [0-9.]* done seq=1 symbol=exitprobe_exported library=exitprobe offset=0x[0-9a-f]* duration_us=[0-9]* outcome=ok$"
	[ "$(printf '%s\n' "$output" | grep -c ' run seq=\|^atexit-shim.* library=/')" -eq 0 ]
	printf '%s\n' "$output" | grep -q "^atexit-shim\[$pid\] [0-9.]* final status=0$"
}

@test "tracing changes nothing the program does" {
	run_both "$FIXTURES/exitprobe" on_exit=a cxa=b/on_exit:c print=main exit=3
	run env ATEXIT_SHIM_TRACE="$BATS_TEST_TMPDIR/t" LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" on_exit=a cxa=b/on_exit:c print=main exit=3
	[ "$status" -eq 3 ]
	[ "$output" = "$(native_out)" ]
}

@test "a trace file that cannot be opened: one line, the program runs on untraced" {
	run env ATEXIT_SHIM_TRACE=/nonexistent/dir/trace LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "atexit-shim: ATEXIT_SHIM_TRACE='/nonexistent/dir/trace': cannot open it: No such file or directory; not tracing" main)" ]
}

@test "a trace file behind a symbolic link is refused" {
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$BATS_TEST_TMPDIR/link"
	run env ATEXIT_SHIM_TRACE="$BATS_TEST_TMPDIR/link" LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[[ "$output" == *"cannot open it: Too many levels of symbolic links; not tracing" ]]
	[ ! -e "$BATS_TEST_TMPDIR/elsewhere" ]
}

@test "a 50-process tree shares one trace file: every line parses, every pid has its final event" {
	local trace=$BATS_TEST_TMPDIR/tree.jsonl
	run shim --follow --trace="$trace" --json -- bash -c \
		"for i in {1..50}; do $FIXTURES/exitprobe on_exit=x cxa=y exported exit=0 & done; wait; exit 0"
	[ "$status" -eq 0 ]
	run python3 - "$trace" <<'PY'
import json, sys, collections
events = collections.defaultdict(list)
for line in open(sys.argv[1]):
    e = json.loads(line)
    events[e["pid"]].append(e["event"])
assert len(events) == 51, len(events)
for pid, seen in events.items():
    assert seen[0] == "init" and seen[-1] == "final", (pid, seen)
print("ok")
PY
	[ "$output" = ok ]
}

# Runs a copy of exitprobe from directory NAME (bytes) with a JSON trace,
# checks with Python that every line is valid UTF-8 and valid JSON, and that
# the program's path comes out as expected: valid UTF-8 as it is, every byte
# of an invalid sequence as the character of that value (\u00XX); a value
# too long for a line may be cut, the object not.
json_path_check()
{
	local dir=$BATS_TEST_TMPDIR/$1 trace=$BATS_TEST_TMPDIR/trace.jsonl
	mkdir "$dir" && cp "$FIXTURES/exitprobe" "$dir/"
	rm -f "$trace"
	env ATEXIT_SHIM_TRACE="$trace" ATEXIT_SHIM_TRACE_FORMAT=json LD_PRELOAD="$SHIM_LIB" \
		"$dir/exitprobe" exported exit=0 >/dev/null
	# the path in hex: Python 3.9 cannot even start with some such bytes in argv
	python3 - "$trace" "$(printf '%s' "$dir/exitprobe" | od -An -v -tx1 | tr -d ' \n')" <<'PY'
import codecs, json, sys
codecs.register_error("bytes_as_latin1", lambda e: ("".join(map(chr, e.object[e.start:e.end])), e.end))
path = bytes.fromhex(sys.argv[2]).decode("utf-8", "bytes_as_latin1")
events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8", newline="\n")]
assert [e["event"] for e in events] == ["init", "register", "exit", "phase", "run", "done", "phase", "phase", "final"], events
for e in events:
    for key in ("program", "library"):
        if key in e:
            assert e[key] and path.startswith(e[key]), (key, e[key], path)
            assert e[key] == path or len(json.dumps(path)) > 800, (key, e[key], path)
print("ok")
PY
}

@test "JSON: a name that is not valid UTF-8 keeps every line valid UTF-8 JSON; valid UTF-8 passes unchanged" {
	run json_path_check $'caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x99\x82'
	[ "$output" = ok ]
	grep -q $'caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x99\x82/exitprobe' "$BATS_TEST_TMPDIR/trace.jsonl"
	# a bad lead, overlong, surrogate, beyond U+10FFFF, truncated, DEL
	run json_path_check $'a\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82z\x7f'
	[ "$output" = ok ]
	grep -qF 'a\u00ff\u00c0\u00af\u00ed\u00a0\u0080\u00f4\u0090\u0080\u0080\u00e2\u0082z\u007f/exitprobe' "$BATS_TEST_TMPDIR/trace.jsonl"
	# each escaped byte takes six: the value is cut, the line stays whole
	run json_path_check "$(printf '\xff%.0s' {1..250})"
	[ "$output" = ok ]
}

@test "text: a path or command holding a newline or control characters still gives one line per event" {
	local dir=$BATS_TEST_TMPDIR/$'new\nline\tand\x1besc' trace=$BATS_TEST_TMPDIR/trace.txt
	mkdir "$dir" && cp "$FIXTURES/exitprobe" "$dir/"$'exit\nprobe'
	run shim --trace="$trace" --run=$'true #\r\x7f' -- "$dir/"$'exit\nprobe' exported on_exit=a exit=0
	[ "$status" -eq 0 ]
	# init; 3 registrations; exit; 3 phases; one line for each of the 3 handlers; final
	[ "$(wc -l <"$trace")" -eq 12 ]
	[ "$(grep -c '^atexit-shim\[[0-9]*\] [0-9]*\.[0-9]\{6\} [a-z_]* ' "$trace")" -eq 12 ]
	grep -qF ' init ppid=' "$trace"
	grep -q ' program=.*/new\\nline\\tand\\x1besc/exit\\nprobe$' "$trace"
	# the library by its base name
	grep -q ' register seq=3 flavour=on_exit library=exit\\nprobe offset=' "$trace"
	grep -q ' done seq=3 library=exit\\nprobe offset=' "$trace"
	grep -q ' register seq=1 flavour=ATEXIT_SHIM_HANDLERS symbol=cmd:true #\\x0d\\x7f library=' "$trace"
}

@test "ATEXIT_SHIM_TRACE=0 or empty means off: no trace, no file named 0; --trace=0 is refused" {
	cd "$BATS_TEST_TMPDIR"
	local value
	for value in 0 ''; do
		run env ATEXIT_SHIM_TRACE="$value" LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" print=main exit=0
		[ "$status" -eq 0 ]
		[ "$output" = main ]
		[ ! -e 0 ]
	done
	run shim --trace=0 -- "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --trace='0': expected a file name (empty and 0 mean no trace; write ./0 for a file named 0)" ]
}

@test "JSON: a program run by a name found in PATH is traced under its file's whole path (for --report from anywhere)" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run env PATH="$FIXTURES:$PATH" "$WRAPPER" --trace="$trace" --json -- exitprobe exported exit=0
	[ "$status" -eq 0 ]
	python3 - "$trace" "$(readlink -f "$FIXTURES/exitprobe")" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
mine = [e for e in events if e["event"] == "register" and e.get("symbol") == "exitprobe_exported"]
assert len(mine) == 1 and mine[0]["library"] == sys.argv[2], mine
init = [e for e in events if e["event"] == "init"]
assert init and init[0]["program"] == "exitprobe", init  # the name as it was run
PY
}

@test "a named pipe that no process reads never blocks the program: refused in one line, not tracing" {
	local fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	run timeout -s KILL 60 env ATEXIT_SHIM_TRACE="$fifo" LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "atexit-shim: ATEXIT_SHIM_TRACE='$fifo': cannot open it: it is a named pipe that no process reads; not tracing" main)" ]
}

@test "a named pipe with a reader takes the trace; one swapped in for the trace file later, without a reader, stops it in one line" {
	local fifo=$BATS_TEST_TMPDIR/fifo trace=$BATS_TEST_TMPDIR/trace
	mkfifo "$fifo"
	# the reader opens its end before the program starts, and reads after it ended
	python3 - "$fifo" "$SHIM_LIB" "$FIXTURES/exitprobe" >"$BATS_TEST_TMPDIR/read" <<'PY'
import os, subprocess, sys
reader = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
subprocess.run([sys.argv[3], "exit=0"], env=dict(os.environ, ATEXIT_SHIM_TRACE=sys.argv[1], LD_PRELOAD=sys.argv[2]), check=True)
sys.stdout.write(os.read(reader, 65536).decode())
PY
	grep -q ' final status=0$' "$BATS_TEST_TMPDIR/read"
	# the program closes the trace's descriptor, and the file becomes a pipe
	run timeout -s KILL 60 env ATEXIT_SHIM_TRACE="$trace" LD_PRELOAD="$SHIM_LIB" python3 -c '
import os, sys
os.closerange(3, 65536)
os.unlink(sys.argv[1]); os.mkfifo(sys.argv[1])
sys.exit(3)' "$trace"
	[ "$status" -eq 3 ]
	[ "$output" = "atexit-shim: tracing to '$trace' stopped: it is a named pipe that no process reads" ]
}

@test "--follow: a descendant that changed user, or has no descriptor to spare, traces through the tree's descriptor, and says nothing on stderr" {
	[ "$(id -u)" -eq 0 ] || skip "changing user needs root"
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$SHIM_LIB" ||
		skip "the build tree is not readable by nobody (a package build's private directory)"
	local dir=$BATS_TEST_TMPDIR
	# the trace file is root's, 0600: the descendant as nobody cannot open it
	run shim --follow --trace="$dir/trace" --json -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups bash -c 'id -u
			for n in {3..99}; do eval "exec $n>&-"; done # bats'"'"'s, not the trace'"'"'s (1020)
			ulimit -n 4; exec sh -c "exec 3</dev/null && echo opened 3"'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 65534 'opened 3')" ]
	# every program of the tree is in it, each process to its end (setpriv
	# execs bash, which execs sh: one process)
	run python3 -c '
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(e["program"] for e in events if e["event"] == "init"), sum(e["event"] == "final" for e in events))' "$dir/trace"
	[ "$output" = "setpriv bash id sh 2" ]
	# and a setting that names no descriptor of the trace's is not used
	run env ATEXIT_SHIM_TRACE="$dir/other" ATEXIT_SHIM_TRACE_FD=1 LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "atexit-shim: ATEXIT_SHIM_TRACE_FD='1': expected a descriptor number above 2; ignored" ]
	grep -q '"event":"init"\| init ' "$dir/other"
	run env ATEXIT_SHIM_TRACE="$dir/other" ATEXIT_SHIM_TRACE_FD=5 LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" print=mine exit=0 5>"$dir/five"
	[ "$output" = "mine" ]
	[ ! -s "$dir/five" ]
}
