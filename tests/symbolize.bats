#!/usr/bin/env bats
# Names for addresses (issue 11): atexit-shim --symbolize, offline, as
# addr2line -C -f and nm -C give them, and the names in failure reports and
# in --report.

load helper

prog() { echo "$FIXTURES/cxx_crash"; }

# The address nm gives a symbol of the fixture (a PIE: its load base is 0,
# so the address is the offset from the load base the reports carry).
address_of()
{
	nm -C "$(prog)" | grep -F " $1" | head -n 1 | cut -d' ' -f1 | sed 's/^0*/0x/'
}

# What addr2line -C -f says, in --symbolize's form "FUNCTION (FILE:LINE)".
addr2line_says()
{
	addr2line -C -f -e "$(prog)" "$1" | paste -sd'\t' | awk -F'\t' '{ printf "%s (%s)\n", $1, $2 }'
}

@test "--symbolize names a static function as addr2line -C -f does, with file:line" {
	local a
	a=$(address_of 'save_state()')
	[ -n "$a" ]
	run "$WRAPPER" --symbolize <<<"$(prog) $a"
	[ "$status" -eq 0 ]
	[ "$output" = "$(addr2line_says "$a")" ]
	[[ "$output" == "save_state() ("*"cxx_crash.cc:"[0-9]*")" ]]
}

@test "--symbolize names a C++ destructor demangled, and a static object as nm -C does" {
	local d o
	d=$(address_of 'Obj::~Obj()')
	o=$(address_of 'liba::a1')
	run "$WRAPPER" --symbolize <<<"$(prog) $d
$(prog) $o"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(addr2line_says "$d")" ]
	[[ "${lines[0]}" == "Obj::~Obj() ("*"cxx_crash.cc:"[0-9]*")" ]]
	[ "${lines[1]}" = "liba::a1" ]
}

@test "--symbolize: one answer a line, ? for what it cannot name" {
	run "$WRAPPER" --symbolize <<<"nonsense
/nonexistent/file 0x10
$FIXTURES/../../README.md 0x10
$(prog) 0xfffffff0
$(prog) 12"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '?\n?\n?\n?\n?')" ]
}

@test "--symbolize takes paths with spaces (everything before the last space)" {
	cp "$(prog)" "$BATS_TEST_TMPDIR/with space"
	local a
	a=$(address_of 'save_state()')
	run "$WRAPPER" --symbolize <<<"$BATS_TEST_TMPDIR/with space $a"
	[[ "$output" == "save_state() ("* ]]
}

# The fixture under the wrapper (which names itself in ATEXIT_SHIM_SYMBOLIZER);
# its stderr in $BATS_TEST_TMPDIR/err.
crash_under_wrapper()
{
	(cd "$BATS_TEST_TMPDIR" && "$@" "$(prog)" "$CRASH_IN" >out 2>err) || true
}

@test "a crashing atexit handler is named as addr2line -C -f names it, with file:line" {
	CRASH_IN=save crash_under_wrapper "$WRAPPER"
	local a
	a=$(address_of 'save_state()')
	grep -qF "atexit-shim: exit handler $(addr2line_says "$a") in $(prog)+$a (atexit, registration " \
		"$BATS_TEST_TMPDIR/err"
	# the backtrace, named, from the fault: the shim's own frames left out
	grep -q '^    #0 ' "$BATS_TEST_TMPDIR/err"
	grep -q '^    #[0-9]* save_state() (.*cxx_crash.cc:[0-9]*) in ' "$BATS_TEST_TMPDIR/err"
	[ "$(grep -c 'libatexit-shim' "$BATS_TEST_TMPDIR/err")" -eq 0 ]
}

@test "a crashing static object's destructor is named demangled, with file:line" {
	CRASH_IN=obj crash_under_wrapper "$WRAPPER"
	local d
	d=$(address_of 'Obj::~Obj()')
	grep -qF "atexit-shim: exit handler $(addr2line_says "$d") for object liba::a1 in $(prog)+$d (__cxa_atexit, registration " \
		"$BATS_TEST_TMPDIR/err"
	grep -q 'state saved' "$BATS_TEST_TMPDIR/out" # the others still ran
}

@test "without a symbolizer (LD_PRELOAD by hand, or a missing one): the raw form" {
	local d
	d=$(address_of 'Obj::~Obj()')
	for how in by_hand missing; do
		if [ $how = by_hand ]; then
			CRASH_IN=obj crash_under_wrapper env LD_PRELOAD="$SHIM_LIB"
		else
			CRASH_IN=obj crash_under_wrapper env ATEXIT_SHIM_SYMBOLIZER=/nonexistent/atexit-shim "$WRAPPER"
		fi
		grep -qF "atexit-shim: exit handler $(prog)+$d (__cxa_atexit, registration " "$BATS_TEST_TMPDIR/err"
		[ "$(grep -c '^[./].*\[0x[0-9a-f]*\]$' "$BATS_TEST_TMPDIR/err")" -ge 3 ]
		[ "$(grep -c '^    #\|for object' "$BATS_TEST_TMPDIR/err")" -eq 0 ]
		grep -q 'state saved' "$BATS_TEST_TMPDIR/out"
	done
}

@test "the wrapper names itself as the symbolizer in ATEXIT_SHIM_SYMBOLIZER" {
	run "$WRAPPER" --print-env
	[[ "$output" == *"export ATEXIT_SHIM_SYMBOLIZER='$(readlink -f "$WRAPPER")'"* ]]
	run "$WRAPPER" -- env
	[[ "$output" == *"ATEXIT_SHIM_SYMBOLIZER=$(readlink -f "$WRAPPER")"* ]]
}

# --- a program, two libraries and a plugin: tests/fixtures/cxx_names ------

names() { echo "$FIXTURES/cxx_names"; }
plugin() { echo "$FIXTURES/.libs/libnames_plugin.so"; }

# For each handler of the trace FILE whose code lies in the fixtures (not
# libstdc++'s), what addr2line -C -f and nm -C say, one line each:
#   seq|function|file:line|object|library|registrar|flavour|library path|offset
# object: nm's name of the symbol at the object's offset ("" for none);
# library and registrar by their base names, as the report shows them.
names_expected()
{
	python3 - "$1" "$FIXTURES" <<'PY'
import json, os, subprocess, sys
trace, fixtures = sys.argv[1:]
def addr2line(path, offset):
    out = subprocess.run(["addr2line", "-C", "-f", "-e", path, offset], capture_output=True, text=True, check=True)
    function, where = out.stdout.splitlines()[:2]
    return function, where.split(" (discriminator")[0]
def nm(path, offset):
    for line in subprocess.run(["nm", "-C", "--defined-only", path], capture_output=True, text=True).stdout.splitlines():
        address, kind, name = line.split(" ", 2)
        if kind in "bBdDrR" and int(address, 16) == int(offset, 16):
            return name
    return ""
for e in map(json.loads, open(trace)):
    if e["event"] != "done" or not e["library"].startswith(fixtures):
        continue
    function, where = addr2line(e["library"], e["offset"])
    obj = nm(e["object_library"], e["object_offset"]) if "object_library" in e else ""
    print("|".join([str(e["seq"]), function, where, obj, os.path.basename(e["library"]),
                    os.path.basename(e.get("registrar", "")), e["flavour"], e["library"], e["offset"]]))
PY
}

# The rows of a report's exit sequences (before "slowest handlers"), cut at
# the columns its headings start: "seq|handler|object|library|registered by|source"
# (a column the report left out: empty).
report_rows()
{
	python3 -c '
import re, sys
columns = ["handler", "object", "library", "registered by", "source"]
starts = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("slowest handlers"):
        break
    if re.match(r"^ +# +seq  handler", line):
        # the columns this report has, each up to the next heading
        headings = ["handler", "object", "library", "registered by", "flavour", "source"]
        starts = sorted((line.index(h), h) for h in headings if h in line)
        continue
    m = re.match(r"^ +[0-9]+ +([0-9]+)  ", line)
    if m and starts:
        bounds = [s for s, _ in starts[1:]] + [len(line)]
        cells = {h: line[s:e].strip() for (s, h), e in zip(starts, bounds)}
        print("|".join([m.group(1)] + [cells.get(c, "") for c in columns]))'
}

@test "--report names each handler and object of a program, two libraries and a plugin as addr2line -C -f and nm -C do" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$(names)" "$(plugin)"
	[ "$status" -eq 0 ]
	run shim --report="$trace"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report"
	report_rows <"$BATS_TEST_TMPDIR/report" >"$BATS_TEST_TMPDIR/rows"
	names_expected "$trace" >"$BATS_TEST_TMPDIR/expected"
	# every handler of the fixture's files: seven, each row as addr2line and nm name it
	[ "$(wc -l <"$BATS_TEST_TMPDIR/expected")" -eq 7 ]
	local seq function where object library registrar rest
	while IFS='|' read -r seq function where object library registrar rest; do
		grep -qxF "$seq|$function|$object|$library|$registrar|$where" "$BATS_TEST_TMPDIR/rows" ||
			{ echo "no row $seq|$function|$object|$library|$registrar|$where in:" >&2; cat "$BATS_TEST_TMPDIR/report" >&2; return 1; }
	done <"$BATS_TEST_TMPDIR/expected"
	# the names known by heart: a static function of the program, a static
	# function and a type of libb, and Obj (its code in liba) for the objects
	# of the program, liba, libb and the plugin, each with its registrar
	# (the fixture's rows only: libstdc++ registers handlers of its own, named
	# in some releases, such as trixie's std::ios_base::Init::~Init())
	cut -d'|' -f2-5 "$BATS_TEST_TMPDIR/rows" |
		awk -F'|' '$3 ~ /^(liba\.so|libb\.so|cxx_names|libnames_plugin\.so)$/' >"$BATS_TEST_TMPDIR/known"
	diff -u - <(sort "$BATS_TEST_TMPDIR/known") <<'ROWS'
Obj::~Obj()|app::m1|liba.so|cxx_names
Obj::~Obj()|liba::a1|liba.so|liba.so
Obj::~Obj()|libb::b1|liba.so|libb.so
Obj::~Obj()|plugin::p|liba.so|libnames_plugin.so
flush_b()||libb.so|libb.so
libb::Cache::~Cache()|libb::cache|libb.so|libb.so
save_state()||cxx_names|cxx_names
ROWS
	# with file:line from the debug information, in the last column
	grep -q '^ *[0-9]* *[0-9]*  save_state() .* ok  *[^ ]*/cxx_names\.cc:[0-9]*$' "$BATS_TEST_TMPDIR/report"
	# the plugin's object under its dlclose
	sed -n '/^    dlclose of libnames_plugin\.so$/,/^    exit/p' "$BATS_TEST_TMPDIR/report" | grep -q ' Obj::~Obj()  *plugin::p  '
}

@test "--report --format=chrome: valid JSON, one X event per handler run, named as the text report names them" {
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$(names)" "$(plugin)"
	[ "$status" -eq 0 ]
	shim --report="$trace" --format=chrome >"$BATS_TEST_TMPDIR/chrome.json"
	python3 -m json.tool "$BATS_TEST_TMPDIR/chrome.json" >/dev/null
	names_expected "$trace" >"$BATS_TEST_TMPDIR/expected"
	python3 - "$trace" "$BATS_TEST_TMPDIR/chrome.json" "$BATS_TEST_TMPDIR/expected" <<'PY'
import json, sys
trace = [json.loads(line) for line in open(sys.argv[1])]
events = json.load(open(sys.argv[2]))["traceEvents"]
runs = [e for e in trace if e["event"] == "run"]
slices = [e for e in events if e["ph"] == "X"]
assert len(slices) == len(runs) > 7, (len(slices), len(runs))
assert sorted(e["args"]["seq"] for e in slices) == sorted(e["seq"] for e in runs)
by_seq = {e["args"]["seq"]: e for e in slices}
for line in open(sys.argv[3]):
    seq, function, where, obj, library, registrar, flavour, path, offset = line.rstrip("\n").split("|")
    e = by_seq[int(seq)]
    assert e["name"] == (f"{function} for {obj}" if obj else function), e
    args = e["args"]
    assert (args["function"], args["source"], args.get("object_name", "")) == (function, where, obj), e
    assert args["registrar"].endswith("/" + registrar) and args["library"] == path, e
PY
}

@test "a crashing handler's report names its object and the library that registered it, as nm -C and addr2line -C -f do" {
	local target trace=$BATS_TEST_TMPDIR/trace.jsonl
	for target in app::m1 liba::a1 libb::b1 plugin::p libb::cache save_state flush_b; do
		rm -f "$trace"
		NAMES_CRASH=$target run shim --trace="$trace" --json -- "$(names)" "$(plugin)" at-exit
		[ "$status" -eq 139 ] # died by SIGSEGV, after every other handler ran
		[ "$(printf '%s\n' "$output" | grep -c '^~Obj \|^flush_b$\|^~Cache$\|^state saved$')" -eq 6 ]
		# the expected line, from the handler that failed in the trace
		local expected
		expected=$(python3 - "$trace" "$FIXTURES" <<'PY'
import json, subprocess, sys
trace, fixtures = sys.argv[1:]
failed = [e for e in map(json.loads, open(trace)) if e["event"] == "done" and e["outcome"] == "signal"]
assert len(failed) == 1, failed
e = failed[0]
out = subprocess.run(["addr2line", "-C", "-f", "-e", e["library"], e["offset"]], capture_output=True, text=True)
function, where = out.stdout.splitlines()[:2]
line = f"atexit-shim: exit handler {function} ({where.split(' (discriminator')[0]})"
if "object_library" in e:
    names = [l.split(" ", 2)[2] for l in subprocess.run(["nm", "-C", e["object_library"]], capture_output=True,
             text=True).stdout.splitlines() if l[:1] != " " and int(l.split(" ")[0], 16) == int(e["object_offset"], 16)]
    line += f" for object {names[0]}"
line += f" in {e['library']}+{e['offset']} ({e['flavour']}, registration {e['seq']}"
if e["registrar"] != e["library"]:
    line += f", registered by {e['registrar']}"
print(line + ") was killed by SIGSEGV")
PY
)
		printf '%s\n' "$output" | grep -qF "$expected" || { echo "$target: no line $expected" >&2; return 1; }
	done
	# known by heart: the object of libb, its destructor's code in liba
	NAMES_CRASH=libb::b1 run shim -- "$(names)" "$(plugin)" at-exit
	printf '%s\n' "$output" | grep -q "^atexit-shim: exit handler Obj::~Obj() ([^ ]*/names_liba\.cc:[0-9]*) for object libb::b1 in $FIXTURES/.libs/liba\.so+0x[0-9a-f]* (__cxa_atexit, registration [0-9]*, registered by $FIXTURES/.libs/libb\.so) was killed by SIGSEGV"
}

@test "without a symbolizer, or where the files are gone: the raw failure line; the report's own names, +offset, where an object lies" {
	NAMES_CRASH=libb::b1 run env ATEXIT_SHIM_SYMBOLIZER=/nonexistent/atexit-shim "$WRAPPER" "$(names)"
	[ "$status" -eq 139 ]
	# dladdr's exported name as it is, no object, no registrar: the raw form
	printf '%s\n' "$output" | grep -q "^atexit-shim: exit handler _ZN3ObjD[12]Ev in $FIXTURES/.libs/liba\.so+0x[0-9a-f]* (__cxa_atexit, registration [0-9]*) was killed by SIGSEGV"
	[ "$(printf '%s\n' "$output" | grep -c 'for object\|registered by\|^    #')" -eq 0 ]
	# a trace whose files are no longer there
	local trace=$BATS_TEST_TMPDIR/trace.jsonl
	run shim --trace="$trace" --json -- "$(names)" "$(plugin)"
	[ "$status" -eq 0 ]
	sed "s|$FIXTURES/|/nonexistent/|g" "$trace" >"$BATS_TEST_TMPDIR/moved.jsonl"
	run shim --report="$BATS_TEST_TMPDIR/moved.jsonl"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | report_rows | cut -d'|' -f2-6 | sort -u >"$BATS_TEST_TMPDIR/rows"
	# Obj's destructor is exported: the trace's symbol, demangled; the static
	# functions by offset; the objects by where they lie; no source position
	grep -qx 'Obj::~Obj()|cxx_names+0x[0-9a-f]*|liba.so|cxx_names|' "$BATS_TEST_TMPDIR/rows"
	grep -qx 'Obj::~Obj()|libb.so+0x[0-9a-f]*|liba.so|libb.so|' "$BATS_TEST_TMPDIR/rows"
	grep -qx '+0x[0-9a-f]*||cxx_names|cxx_names|' "$BATS_TEST_TMPDIR/rows"
	grep -qx '+0x[0-9a-f]*||libb.so|libb.so|' "$BATS_TEST_TMPDIR/rows"
	[ "$(grep -c '|[^|]*:[0-9][0-9]*$' "$BATS_TEST_TMPDIR/rows")" -eq 0 ]
}
