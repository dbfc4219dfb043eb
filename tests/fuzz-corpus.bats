#!/usr/bin/env bats
# The fuzz target's corpus, replayed without libFuzzer: an input that once
# crashed the configuration parser can never return unnoticed.

load helper

# replay_corpus COMMAND...: replays every corpus input with COMMAND (a build
# of the replayer, e.g. through sanitized).
replay_corpus()
{
	local corpus
	corpus=$(cd "$BATS_TEST_DIRNAME/fuzz-corpus" && pwd)
	run "$@" "$corpus"/*
	[ "$status" -eq 0 ]
	[ "$output" = "replayed $(ls "$corpus" | wc -l) inputs" ]
}

@test "the configuration parser survives every input of the fuzz corpus" {
	replay_corpus "$BUILDDIR/tests/fuzz/replay"
}

@test "the corpus under AddressSanitizer and UndefinedBehaviorSanitizer" {
	replay_corpus sanitized "$BUILDDIR/tests/fuzz/replay_sanitized"
}
