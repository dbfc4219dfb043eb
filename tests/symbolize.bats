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
