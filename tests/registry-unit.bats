#!/usr/bin/env bats
# The registry on its own (no preloading): tests/fixtures/registry_unit.c.

load helper

@test "registry unit checks: order, fields, mangling, growth, sealing, DSO table reuse" {
	run "$FIXTURES/registry_unit"
	[ "$status" -eq 0 ]
	[ "$output" = "registry: all checks passed" ]
}

@test "registry unit checks under AddressSanitizer and UndefinedBehaviorSanitizer" {
	run "$FIXTURES/registry_unit_sanitized"
	[ "$status" -eq 0 ]
	[ "$output" = "registry: all checks passed" ]
}
