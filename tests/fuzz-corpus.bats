#!/usr/bin/env bats
# The fuzz target's corpus, replayed without libFuzzer: an input that once
# crashed the configuration parser can never return unnoticed.

load helper

# Replays every corpus input with the given build of the replayer.
replay_corpus()
{
	local corpus
	corpus=$(cd "$BATS_TEST_DIRNAME/fuzz-corpus" && pwd)
	run "$BUILDDIR/tests/fuzz/$1" "$corpus"/*
	[ "$status" -eq 0 ]
	[ "$output" = "replayed $(ls "$corpus" | wc -l) inputs" ]
}

@test "the configuration parser survives every input of the fuzz corpus" {
	replay_corpus replay
}

@test "the corpus under AddressSanitizer and UndefinedBehaviorSanitizer" {
	skip_under_emulation "AddressSanitizer's shadow memory cannot be mapped"
	replay_corpus replay_sanitized
}
