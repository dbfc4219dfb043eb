#!/usr/bin/env bats
# The registry on its own (no preloading): tests/fixtures/registry_unit.c.

load helper

@test "registry unit checks: order, fields, mangling, growth, sealing, DSO table reuse" {
	run "$FIXTURES/registry_unit"
	[ "$status" -eq 0 ]
	[ "$output" = "registry: all checks passed" ]
}

@test "registry unit checks under AddressSanitizer and UndefinedBehaviorSanitizer" {
	run sanitized "$FIXTURES/registry_unit_sanitized"
	[ "$status" -eq 0 ]
	[ "$output" = "registry: all checks passed" ]
}

@test "line builder (reports and trace events): numbers, truncation, plain and under ASan+UBSan" {
	run "$FIXTURES/report_unit"
	[ "$status" -eq 0 ]
	[ "$output" = "report: all checks passed" ]
	run sanitized "$FIXTURES/report_unit_sanitized"
	[ "$status" -eq 0 ]
	[ "$output" = "report: all checks passed" ]
}
