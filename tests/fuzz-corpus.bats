#!/usr/bin/env bats
# The fuzz target's corpus, replayed without libFuzzer: an input that once
# crashed the configuration parser can never return unnoticed.

load helper

@test "the configuration parser survives every input of the fuzz corpus" {
	local corpus
	corpus=$(cd "$BATS_TEST_DIRNAME/fuzz-corpus" && pwd)
	run "$BUILDDIR/tests/fuzz/replay" "$corpus"/*
	[ "$status" -eq 0 ]
	[ "$output" = "replayed $(ls "$corpus" | wc -l) inputs" ]
}

@test "the corpus under AddressSanitizer and UndefinedBehaviorSanitizer" {
	local corpus
	corpus=$(cd "$BATS_TEST_DIRNAME/fuzz-corpus" && pwd)
	run "$BUILDDIR/tests/fuzz/replay_sanitized" "$corpus"/*
	[ "$status" -eq 0 ]
	[ "$output" = "replayed $(ls "$corpus" | wc -l) inputs" ]
}
