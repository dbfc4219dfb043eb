#!/usr/bin/env bats
# atexit-shim --report: a JSON trace shown as tables.

load helper

known_trace()
{
	cat <<'JSONL'
{"pid":100,"event":"init","t_us":1,"ppid":1,"program":"./app"}
{"pid":100,"event":"register","t_us":2,"seq":1,"flavour":"atexit","symbol":"save_state","library":"/nonexistent/app","offset":"0x1150"}
{"pid":101,"event":"init","t_us":3,"ppid":100,"program":"/usr/bin/helper"}
{"pid":100,"event":"exit","t_us":10,"status":0,"how":"exit()"}
{"pid":100,"event":"run","t_us":11,"seq":2,"flavour":"on_exit","library":"/nonexistent/app","offset":"0x1200"}
{"pid":100,"event":"done","t_us":20,"seq":2,"flavour":"on_exit","library":"/nonexistent/app","offset":"0x1200","duration_us":9,"outcome":"ok"}
{"pid":101,"event":"exit","t_us":21,"status":1,"how":"return from main"}
{"pid":101,"event":"done","t_us":5000,"seq":1,"flavour":"__cxa_atexit","symbol":"_ZN5CacheD1Ev","library":"/nonexistent/libcache.so.1","offset":"0x40","object":"0x55d0c0004010","object_library":"/nonexistent/helper","object_offset":"0x4010","registrar":"/nonexistent/helper","duration_us":4970,"outcome":"timeout","status":124}
{"pid":101,"event":"error","t_us":5001,"error":"timeout in Cache::~Cache"}
{"pid":100,"event":"done","t_us":5100,"seq":1,"flavour":"atexit","symbol":"save_state","library":"/nonexistent/app","offset":"0x1150","duration_us":80,"outcome":"signal","signal":11}
{"pid":101,"event":"final","t_us":5200,"status":124}
{"pid":100,"event":"final","t_us":5300,"signal":11}
JSONL
}

# The files of these traces do not exist: the report names what it can from
# the trace itself (a symbol demangled, else +offset; an object by where it lies).
@test "the report of a known two-process trace, exactly" {
	known_trace >"$BATS_TEST_TMPDIR/trace.jsonl"
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl"
	[ "$status" -eq 0 ]
	diff -u - <(printf '%s\n' "$output") <<'TABLE'
process tree (pid program: how it exited; how it ended)
  100 ./app: exit(), status 0; died by signal 11 (SIGSEGV)
    101 /usr/bin/helper: return from main, status 1; ended with status 124

process 100 (./app), parent 1: exit(), status 0; died by signal 11 (SIGSEGV)
    exit: exit(), status 0 (its phases are not marked in this trace)
        #   seq  handler          object         library        registered by  flavour         duration  outcome
        1     2  +0x1200                         app                           on_exit             9 us  ok
        2     1  save_state                      app                           atexit             80 us  signal 11

process 101 (/usr/bin/helper), parent 100: return from main, status 1; ended with status 124
    exit: return from main, status 1 (its phases are not marked in this trace)
        #   seq  handler          object         library        registered by  flavour         duration  outcome
        1     1  Cache::~Cache()  helper+0x4010  libcache.so.1  helper         __cxa_atexit     4970 us  timeout 124

slowest handlers (1 ms or more)
       pid   seq  handler          object         library        registered by    duration  outcome
       101     1  Cache::~Cache()  helper+0x4010  libcache.so.1  helper            4970 us  timeout 124

failures
       101     1  Cache::~Cache()  helper+0x4010  libcache.so.1  helper         timeout 124
       100     1  save_state                      app                           signal 11
TABLE
}

@test "the report of a real trace names the failing handler" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json --run='exit 3' -- "$FIXTURES/exitprobe" exported exit=0
	run shim --report="$trace"
	[ "$status" -eq 0 ]
	# the program's handler in phase 1; the --run entry, registered at start-up, in phase 3
	printf '%s\n' "$output" | sed -n '/phase 1/,/phase 2/p' | grep -q '^        1  *[0-9]*  exitprobe_exported  *exitprobe  *exitprobe  *atexit  *[0-9]* us  ok  *[^ ]*/exitprobe\.c:[0-9]*$'
	printf '%s\n' "$output" | sed -n '/phase 3/,$p' | grep -q '^        1  *[0-9]*  cmd:exit 3  *libatexit-shim.so  *ATEXIT_SHIM_HANDLERS  *[0-9]* us  exit 3$'
}

@test "a file that is not a JSON trace: one line, exit 2" {
	printf 'atexit-shim[1] 0.000001 init\n' >"$BATS_TEST_TMPDIR/text"
	run shim --report="$BATS_TEST_TMPDIR/text"
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --report='$BATS_TEST_TMPDIR/text': line 1 is not a JSON trace event (trace with --json)" ]
	run shim --report=/nonexistent
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --report='/nonexistent': cannot read it: No such file or directory" ]
}

@test "a directory, a device, an empty file, blank lines, an endless line: one line each, exit 2, no tables" {
	local dir=$BATS_TEST_TMPDIR
	: >"$dir/empty"
	printf '\n \n' >"$dir/blank"
	head -c 100000 /dev/zero >"$dir/zeros"
	{ known_trace | head -n 1; head -c 5000 /dev/zero | tr '\0' x; } >"$dir/long"
	while IFS='|' read -r file expected; do
		run timeout 10 "$WRAPPER" --report="$file"
		[ "$status" -eq 2 ]
		[ "$output" = "atexit-shim: --report='$file': $expected" ]
	done <<CASES
$dir|not a regular file or a pipe
/dev/zero|not a regular file or a pipe
$dir/empty|it is empty
$dir/blank|no trace events in it
$dir/zeros|line 1 is longer than 4096 bytes: not a trace event
$dir/long|line 2 is longer than 4096 bytes: not a trace event
CASES
}

@test "a trace through a pipe is read like a file" {
	run shim --report=<(known_trace)
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "process tree (pid program: how it exited; how it ended)" ]
}

# A tree: the root dlcloses a plugin (whose handler dlcloses another from
# inside its pass), exits, and its handlers are quick; a child ends with
# _exit, another dies by a signal, a fourth's end is not traced.
tree_trace()
{
	cat <<'JSONL'
{"pid":200,"event":"init","t_us":1,"ppid":1,"program":"./server"}
{"pid":201,"event":"init","t_us":2,"ppid":200,"program":"./worker"}
{"pid":202,"event":"init","t_us":3,"ppid":201,"program":"./crasher"}
{"pid":203,"event":"init","t_us":4,"ppid":200,"program":"./lost"}
{"pid":200,"event":"finalize","t_us":10,"library":"/nonexistent/plugins/libp.so"}
{"pid":200,"event":"run","t_us":11,"seq":7,"flavour":"__cxa_atexit","symbol":"P::~P","library":"/nonexistent/plugins/libp.so","offset":"0x10"}
{"pid":200,"event":"finalize","t_us":12,"library":"/nonexistent/plugins/libq.so"}
{"pid":200,"event":"run","t_us":13,"seq":8,"flavour":"atexit","library":"/nonexistent/plugins/libq.so","offset":"0x20"}
{"pid":200,"event":"done","t_us":14,"seq":8,"flavour":"atexit","library":"/nonexistent/plugins/libq.so","offset":"0x20","duration_us":1,"outcome":"ok"}
{"pid":200,"event":"done","t_us":15,"seq":7,"flavour":"__cxa_atexit","symbol":"P::~P","library":"/nonexistent/plugins/libp.so","offset":"0x10","duration_us":4,"outcome":"ok"}
{"pid":200,"event":"finalize","t_us":16,"library":"/nonexistent/plugins/libr.so"}
{"pid":200,"event":"exit","t_us":20,"status":0,"how":"return from main"}
{"pid":200,"event":"run","t_us":21,"seq":2,"flavour":"atexit","symbol":"flush","library":"/nonexistent/server","offset":"0x30"}
{"pid":200,"event":"done","t_us":23,"seq":2,"flavour":"atexit","symbol":"flush","library":"/nonexistent/server","offset":"0x30","duration_us":2,"outcome":"ok"}
{"pid":200,"event":"run","t_us":24,"seq":1,"flavour":"__cxa_atexit","library":"/nonexistent/libstdc++.so.6","offset":"0x40"}
{"pid":200,"event":"done","t_us":25,"seq":1,"flavour":"__cxa_atexit","library":"/nonexistent/libstdc++.so.6","offset":"0x40","duration_us":1,"outcome":"ok"}
{"pid":200,"event":"final","t_us":26,"status":0}
{"pid":201,"event":"exit","t_us":30,"status":3,"how":"_exit"}
{"pid":201,"event":"final","t_us":31,"status":3}
{"pid":202,"event":"exit","t_us":40,"status":0,"how":"exit()"}
{"pid":202,"event":"run","t_us":41,"seq":1,"flavour":"atexit","symbol":"boom","library":"/nonexistent/crasher","offset":"0x50"}
{"pid":202,"event":"done","t_us":42,"seq":1,"flavour":"atexit","symbol":"boom","library":"/nonexistent/crasher","offset":"0x50","duration_us":1,"outcome":"signal","signal":11}
{"pid":202,"event":"final","t_us":43,"signal":11}
JSONL
}

@test "the report: seq, dlclose passes as sections, the tree, _exit, death by signal, quick handlers left out" {
	tree_trace >"$BATS_TEST_TMPDIR/trace.jsonl"
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl"
	[ "$status" -eq 0 ]
	diff -u - <(printf '%s\n' "$output") <<'TABLE'
process tree (pid program: how it exited; how it ended)
  200 ./server: return from main, status 0; ended with status 0
    201 ./worker: _exit(3): ended at once, without running exit handlers; ended with status 3
      202 ./crasher: exit(), status 0; died by signal 11 (SIGSEGV)
    203 ./lost: no exit traced; its end not traced (killed by a signal the shim does not handle, such as SIGKILL, or the trace is cut)

process 200 (./server), parent 1: return from main, status 0; ended with status 0
    dlclose of libq.so, from the handler seq 7
        #   seq  handler  library         flavour         duration  outcome
        1     8  +0x20    libq.so         atexit              1 us  ok
    dlclose of libp.so
        #   seq  handler  library         flavour         duration  outcome
        1     7  P::~P    libp.so         __cxa_atexit        4 us  ok
    dlclose of libr.so: no handler ran
    exit: return from main, status 0 (its phases are not marked in this trace)
        #   seq  handler  library         flavour         duration  outcome
        1     2  flush    server          atexit              2 us  ok
        2     1  +0x40    libstdc++.so.6  __cxa_atexit        1 us  ok

process 201 (./worker), parent 200: _exit(3): ended at once, without running exit handlers; ended with status 3

process 202 (./crasher), parent 201: exit(), status 0; died by signal 11 (SIGSEGV)
    exit: exit(), status 0 (its phases are not marked in this trace)
        #   seq  handler  library         flavour         duration  outcome
        1     1  boom     crasher         atexit              1 us  signal 11

process 203 (./lost), parent 200: no exit traced; its end not traced (killed by a signal the shim does not handle, such as SIGKILL, or the trace is cut)

slowest handlers (none took 1 ms or more)
       pid   seq  handler  library           duration  outcome
       200     7  P::~P    libp.so               4 us  ok
       200     2  flush    server                2 us  ok
       200     8  +0x20    libq.so               1 us  ok
       200     1  +0x40    libstdc++.so.6        1 us  ok
       202     1  boom     crasher               1 us  signal 11

failures
       202     1  boom     crasher         signal 11
TABLE
}

@test "--format=chrome: the Chrome Trace Event format, one X event per handler run, a track per process" {
	tree_trace >"$BATS_TEST_TMPDIR/trace.jsonl"
	known_trace >>"$BATS_TEST_TMPDIR/trace.jsonl"
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl" --format=chrome
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/chrome.json"
	python3 -m json.tool "$BATS_TEST_TMPDIR/chrome.json" >/dev/null
	python3 - "$BATS_TEST_TMPDIR/trace.jsonl" "$BATS_TEST_TMPDIR/chrome.json" <<'PY'
import json, sys
trace = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
events = json.load(open(sys.argv[2]))["traceEvents"]
runs = [e for e in trace if e["event"] == "run"]
# a done without a run (known_trace's 101) is a handler that ran too
runs += [e for e in trace if e["event"] == "done" and e["outcome"] != "skipped"
         and not any(r["pid"] == e["pid"] and r["seq"] == e["seq"] for r in runs)]
slices = [e for e in events if e["ph"] == "X"]
assert len(slices) == len(runs), (len(slices), len(runs))
for e in slices:
    for key in ("name", "ts", "dur", "pid", "tid"):
        assert key in e, (key, e)
    assert isinstance(e["ts"], int) and isinstance(e["dur"], int) and e["dur"] >= 0, e
    assert {"seq", "flavour", "outcome"} <= set(e["args"]), e
names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
assert names == {"./server (pid 200)", "./worker (pid 201)", "./crasher (pid 202)", "./lost (pid 203)",
                 "./app (pid 100)", "/usr/bin/helper (pid 101)"}, names
assert any(e["ph"] == "X" and e["name"] == "libq.so+0x20" and e["args"]["seq"] == 8 for e in events)
assert any(e["ph"] == "i" and e["cat"] == "register" and e["name"] == "register save_state" for e in events)
assert any(e["ph"] == "i" and e["cat"] == "failure" and e["pid"] == 202 for e in events)
PY
}

@test "--format: text is the tables, anything else one line and status 2, and only with --report" {
	known_trace >"$BATS_TEST_TMPDIR/trace.jsonl"
	run shim --format=text --report="$BATS_TEST_TMPDIR/trace.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "process tree (pid program: how it exited; how it ended)" ]
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl" --format=svg
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --format='svg': expected text or chrome" ]
	run shim --format=chrome -- true
	[ "$status" -eq 2 ]
	[ "$output" = "atexit-shim: --format='chrome': only with --report=FILE" ]
}

@test "a trace that marks the exit's phases (phase events) shows them as sections" {
	cat >"$BATS_TEST_TMPDIR/trace.jsonl" <<'JSONL'
{"pid":300,"event":"init","t_us":1,"ppid":1,"program":"./p"}
{"pid":300,"event":"exit","t_us":2,"status":0,"how":"exit()"}
{"pid":300,"event":"phase","t_us":3,"phase":"program"}
{"pid":300,"event":"done","t_us":4,"seq":3,"flavour":"atexit","symbol":"mine","library":"/p","offset":"0x1","duration_us":1,"outcome":"ok"}
{"pid":300,"event":"phase","t_us":5,"phase":"destructors"}
{"pid":300,"event":"phase","t_us":6,"phase":"constructors"}
{"pid":300,"event":"done","t_us":7,"seq":1,"flavour":"__cxa_atexit","symbol":"theirs","library":"/l.so","offset":"0x2","duration_us":1,"outcome":"ok","early":true}
{"pid":300,"event":"final","t_us":8,"status":0}
JSONL
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^    exit: ')" -eq 0 ] # the phases show the exit: no empty heading before them
	printf '%s\n' "$output" | grep -qx "    exit, phase 1: the program's handlers"
	printf '%s\n' "$output" | grep -qx '    exit, phase 2: library destructors (_dl_fini), with the handlers of their libraries: no handler ran'
	printf '%s\n' "$output" | grep -qx '    exit, phase 3: what library constructors registered'
	printf '%s\n' "$output" | grep -q '^        1     1  theirs '
}

@test "a real exit's trace marks its phases: program handlers, library destructors, what constructors registered" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	env ATEXIT_SHIM_TRACE="$trace" ATEXIT_SHIM_TRACE_FORMAT=json LD_PRELOAD="$SHIM_LIB" "$FIXTURES/early_main" >/dev/null
	run shim --report="$trace"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^    exit, phase [123]: ')" -eq 3 ]
	# libearly's constructor registered seq 2 (on_exit, no handle): it runs in phase 3
	printf '%s\n' "$output" | sed -n '/phase 3/,$p' | grep -q '^        1     2  .*libearly.so  *on_exit'
	[ "$(printf '%s\n' "$output" | grep -c 'its phases are not marked')" -eq 0 ]
}
