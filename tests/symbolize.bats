#!/usr/bin/env bats
# Names for addresses (issue 11): atexit-shim --symbolize, offline, as
# addr2line -C -f and nm -C give them, and the names in failure reports.

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
	! grep -q 'libatexit-shim' "$BATS_TEST_TMPDIR/err"
}

@test "a crashing static object's destructor is named demangled, with file:line" {
	CRASH_IN=obj crash_under_wrapper "$WRAPPER"
	local d
	d=$(address_of 'Obj::~Obj()')
	grep -qF "atexit-shim: exit handler $(addr2line_says "$d") in $(prog)+$d (__cxa_atexit, registration " \
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
		! grep -q '^    #' "$BATS_TEST_TMPDIR/err"
		grep -q 'state saved' "$BATS_TEST_TMPDIR/out"
	done
}

@test "the wrapper names itself as the symbolizer in ATEXIT_SHIM_SYMBOLIZER" {
	run "$WRAPPER" --print-env
	[[ "$output" == *"export ATEXIT_SHIM_SYMBOLIZER='$(readlink -f "$WRAPPER")'"* ]]
	run "$WRAPPER" -- env
	[[ "$output" == *"ATEXIT_SHIM_SYMBOLIZER=$(readlink -f "$WRAPPER")"* ]]
}
