#!/usr/bin/env bats
# atexit-shim --report: a JSON trace shown as tables.

load helper

known_trace()
{
	cat <<'JSONL'
{"pid":100,"event":"init","t_us":1,"ppid":1,"program":"./app"}
{"pid":100,"event":"register","t_us":2,"seq":1,"flavour":"atexit","symbol":"save_state","library":"/opt/app","offset":"0x1150"}
{"pid":101,"event":"init","t_us":3,"ppid":100,"program":"/usr/bin/helper"}
{"pid":100,"event":"exit","t_us":10,"status":0,"how":"exit()"}
{"pid":100,"event":"run","t_us":11,"seq":2,"flavour":"on_exit","library":"/opt/app","offset":"0x1200"}
{"pid":100,"event":"done","t_us":20,"seq":2,"flavour":"on_exit","library":"/opt/app","offset":"0x1200","duration_us":9,"outcome":"ok"}
{"pid":101,"event":"exit","t_us":21,"status":1,"how":"return from main"}
{"pid":101,"event":"done","t_us":5000,"seq":1,"flavour":"__cxa_atexit","symbol":"Cache::~Cache","library":"/usr/lib/libcache.so.1","offset":"0x40","duration_us":4970,"outcome":"timeout","status":124}
{"pid":101,"event":"error","t_us":5001,"error":"timeout in Cache::~Cache"}
{"pid":100,"event":"done","t_us":5100,"seq":1,"flavour":"atexit","symbol":"save_state","library":"/opt/app","offset":"0x1150","duration_us":80,"outcome":"signal","signal":11}
{"pid":101,"event":"final","t_us":5200,"status":124}
{"pid":100,"event":"final","t_us":5300,"signal":11}
JSONL
}

@test "the report of a known two-process trace, exactly" {
	known_trace >"$BATS_TEST_TMPDIR/trace.jsonl"
	run shim --report="$BATS_TEST_TMPDIR/trace.jsonl"
	[ "$status" -eq 0 ]
	diff -u - <(printf '%s\n' "$output") <<'TABLE'
process 100 (./app): exit(), status 0; ended with signal 11
    #  handler                      library              flavour                  duration  outcome
    1  +0x1200                      app                  on_exit                      9 us  ok
    2  save_state                   app                  atexit                      80 us  signal 11

process 101 (/usr/bin/helper): return from main, status 1; ended with status 124
    #  handler                      library              flavour                  duration  outcome
    1  Cache::~Cache                libcache.so.1        __cxa_atexit              4970 us  timeout 124

slowest handlers
       pid  handler                      library                duration  outcome
       101  Cache::~Cache                libcache.so.1           4970 us  timeout 124
       100  save_state                   app                       80 us  signal 11
       100  +0x1200                      app                        9 us  ok

failures
       100  save_state                   app                  signal 11
       101  Cache::~Cache                libcache.so.1        timeout 124
TABLE
}

@test "the report of a real trace names the failing handler" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json --run='exit 3' -- "$FIXTURES/exitprobe" exported exit=0
	run shim --report="$trace"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -q '^    2  cmd:exit 3  *libatexit-shim.so  *ATEXIT_SHIM_HANDLERS  *[0-9]* us  exit 3$'
	printf '%s\n' "$output" | grep -q '^    1  exitprobe_exported  *exitprobe  *atexit  *[0-9]* us  ok$'
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
	[ "${lines[0]}" = "process 100 (./app): exit(), status 0; ended with signal 11" ]
}
