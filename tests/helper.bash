# Shared by the bats files: run a command natively and under the shim, and
# compare what a user could see.

: "${SHIM_LIB:?SHIM_LIB must name the built libatexit-shim.so (make check sets it)}"
: "${FIXTURES:?FIXTURES must name the built fixture directory (make check sets it)}"
: "${BUILDDIR:?BUILDDIR must name the build tree (make check sets it)}"

# A directory of the test's own: bats 1.4 and later make one; older ones
# (Debian 11 ships 1.2) do not, and the tests would share "/".  Made before
# each test (bats runs setup then), removed after it.
if [ -z "${BATS_TEST_TMPDIR:-}" ]; then
	setup() { BATS_TEST_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/atexit-shim-test.XXXXXX"); }
	teardown() { rm -rf "$BATS_TEST_TMPDIR"; }
fi

# scripts/check-release sets CHECK_RELEASE_EMULATOR (qemu-aarch64, qemu-i386)
# when the programs run under qemu-user: what qemu cannot do is skipped there,
# by name, under the emulators that cannot do it.
#
# skip_under_emulation REASON [EMULATOR...]: skips the test under any of the
# EMULATORs named (under any emulator if none is named).  Called by the test
# itself: a skip inside `run` does not skip the test.
skip_under_emulation()
{
	local reason=$1 emulator
	[ -n "${CHECK_RELEASE_EMULATOR:-}" ] || return 0
	shift
	[ $# -gt 0 ] || skip "$reason under $CHECK_RELEASE_EMULATOR"
	for emulator in "$@"; do
		[ "$emulator" != "$CHECK_RELEASE_EMULATOR" ] || skip "$reason under $CHECK_RELEASE_EMULATOR"
	done
}

# Runs a program built with -fsanitize=address.  Under qemu-user,
# LeakSanitizer cannot work (it ends with "LeakSanitizer has encountered a
# fatal error" under qemu-aarch64 and hangs under qemu-i386), AddressSanitizer
# and UndefinedBehaviorSanitizer can: there detect_leaks=0 is added to
# whatever ASAN_OPTIONS holds.
sanitized()
{
	if [ -n "${CHECK_RELEASE_EMULATOR:-}" ]; then
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$@"
	else
		"$@"
	fi
}

# Runs "$@" once without and once with the shim preloaded, four times in all:
# stdout and stderr to separate files (exact bytes per stream), then both to
# one file (their interleaving).  $STDOUT, when set, replaces the separate
# stdout file (e.g. /dev/full).  Leaves the results in $BATS_TEST_TMPDIR.
run_both()
{
	local dir=$BATS_TEST_TMPDIR mode
	for mode in native shim; do
		local preload=
		[ "$mode" = shim ] && preload=$SHIM_LIB
		local separate=0 together=0 # bats stops at the first failing command
		LD_PRELOAD=$preload "$@" >"${STDOUT:-$dir/$mode.out}" 2>"$dir/$mode.err" </dev/null || separate=$?
		LD_PRELOAD=$preload "$@" >"$dir/$mode.both" 2>&1 </dev/null || together=$?
		printf '%s\n' "$separate" "$together" >"$dir/$mode.status"
	done
}

# Fails, showing the difference, unless the shim changed nothing.
assert_transparent()
{
	run_both "$@"
	local dir=$BATS_TEST_TMPDIR what
	for what in out err both status; do
		[ "$what" = out ] && [ -n "${STDOUT:-}" ] && continue
		if ! diff -u "$dir/native.$what" "$dir/shim.$what" >"$dir/diff.$what"; then
			echo "native and shim differ in $what for: $*" >&2
			cat "$dir/diff.$what" >&2
			return 1
		fi
	done
}

# The native run's stdout/stderr/status, for asserting what the case is about.
native_out() { cat "$BATS_TEST_TMPDIR/native.out"; }
native_err() { cat "$BATS_TEST_TMPDIR/native.err"; }
native_status() { head -n 1 "$BATS_TEST_TMPDIR/native.status"; }
shim_out() { cat "$BATS_TEST_TMPDIR/shim.out"; }
shim_err() { cat "$BATS_TEST_TMPDIR/shim.err"; }
shim_status() { head -n 1 "$BATS_TEST_TMPDIR/shim.status"; }

probe() { "$FIXTURES/exitprobe" "$@"; }

# Runs under the shim only (for behaviour glibc does not have).
with_shim() { LD_PRELOAD=$SHIM_LIB "$@"; }

# Fails unless the shim is really loaded into the process (guards against a
# test that passes because nothing was preloaded).
assert_shim_loads()
{
	LD_PRELOAD=$SHIM_LIB grep -q libatexit-shim /proc/self/maps
}

# Runs "$@" under the shim with stdout and stderr to files, and prints how
# it ended as wait(2) sees it: "exit N" or "signal N" (no shell in between
# to turn a signal into 128+N).  Output: $BATS_TEST_TMPDIR/out and err.
ending_under_shim()
{
	perl -e '
		my ($lib, $out, $err) = splice(@ARGV, 0, 3);
		# a shell without job control starts its background jobs with
		# SIGINT and SIGQUIT ignored: the program gets them at their default
		$SIG{INT} = $SIG{QUIT} = "DEFAULT";
		my $pid = fork // die "fork: $!";
		if ($pid == 0) {
			open(STDOUT, ">", $out) or die; open(STDERR, ">", $err) or die;
			$ENV{LD_PRELOAD} = $lib;
			exec { $ARGV[0] } @ARGV or exit 127;
		}
		# bounded: a program that hangs for good is killed (the test then fails on it)
		$SIG{ALRM} = sub { kill "KILL", $pid };
		alarm 600;
		waitpid($pid, 0);
		print(($? & 127) ? "signal " . ($? & 127) . "\n" : "exit " . ($? >> 8) . "\n");' \
		"$SHIM_LIB" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" "$@"
}

# ending_under_shim with VAR=VALUE settings first.
ending_with() { ending_under_shim env "$@"; }

# Runs "$@" with SIGINT and SIGQUIT at their default, as in a terminal (a
# shell without job control starts its background jobs with them ignored).
with_default_signals() { perl -e '$SIG{INT} = $SIG{QUIT} = "DEFAULT"; exec { $ARGV[0] } @ARGV or exit 127' "$@"; }

out() { cat "$BATS_TEST_TMPDIR/out"; }
err() { cat "$BATS_TEST_TMPDIR/err"; }

# The stderr lines that are not backtrace frames, nor qemu-user's own line
# about the signal a process died of.  A frame starts with a path, or ends
# with its address: one in the kernel's vDSO (the signal trampoline on i386
# and arm64) names it, linux-gate.so.1(...)[0x...], and under qemu-user,
# whose trampoline is in no object, it is the bare [0x...] (glibc 2.41 puts a
# space before the address).
err_reports() { grep -Ev '^[./]|^([^ ]*\(.*\) ?)?\[0x[0-9a-f]+\]$|^qemu: uncaught target signal ' "$BATS_TEST_TMPDIR/err" || true; }

: "${WRAPPER:?WRAPPER must name the built atexit-shim command (make check sets it)}"
shim() { "$WRAPPER" "$@"; }

# $output of exitprobe forkrace=N, checked: every child exited 0, and none
# inherited more than the registering threads' bursts (2 x 50), so that a
# child's exit, and the run, is bounded whatever the machine's speed.
assert_forkrace()
{
	local n=$1 pattern
	pattern="^forkrace: $n of $n children exited 0; the most a child inherited: ([0-9]+) handlers$"
	[[ "$output" =~ $pattern ]] || { echo "unexpected: $output" >&2; return 1; }
	[ "${BASH_REMATCH[1]}" -le 100 ]
}
