#!/usr/bin/env bats
# Secure execution (AT_SECURE) as a system-wide install meets it: the library
# named in /etc/ld.so.preload, which the loader honours for set-user-id and
# set-group-id programs too (LD_PRELOAD paths it ignores there), inside a
# private mount namespace of the test's own: /etc/ld.so.preload is an overlay
# there, a tmpfs on /mnt holds the library and set-id copies of exitprobe, and
# the programs run as nobody.  The machine's /etc is never touched.  A signal
# sent by another process is tested in a plain process too.

load helper

# The tmpfs, its files, the overlaid /etc; then $1, as root, in the namespace.
# /mnt/suid is set-user-id root, /mnt/sgid set-group-id 42, /mnt/plain
# neither; /mnt/evil records that it ran and how; /mnt/out is nobody's.
in_namespace()
{
	local upper=$BATS_TEST_TMPDIR/etc-upper work=$BATS_TEST_TMPDIR/etc-work
	mkdir -p "$upper" "$work"
	echo /mnt/libatexit-shim.so >"$upper/ld.so.preload"
	SHIM_LIB=$SHIM_LIB FIXTURES=$FIXTURES UPPER=$upper WORK=$work unshare -m bash -euc '
		mount -t tmpfs -o mode=755 tmpfs /mnt
		install -m 644 "$SHIM_LIB" /mnt/libatexit-shim.so
		install -m 755 "$FIXTURES/exitprobe" /mnt/plain
		install -m 4755 "$FIXTURES/exitprobe" /mnt/suid
		install -m 2755 -g 42 "$FIXTURES/exitprobe" /mnt/sgid
		printf "#!/bin/sh\nid -u >/mnt/out/evil-ran\n" >/mnt/evil
		chmod 755 /mnt/evil
		install -d -m 1777 /mnt/out
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$UPPER,workdir=$WORK" /etc
		'"$1"
}

# As nobody, with no supplementary groups.
as_nobody='setpriv --reuid=65534 --regid=65534 --clear-groups'

setup_namespace()
{
	[ "$(id -u)" -eq 0 ] || skip "set-id programs and a mount namespace need root"
	# (the kernel runs qemu, which is not set-user-id, and qemu passes its own
	# AT_SECURE on: binfmt_misc's C flag would change that, and check-release
	# registers qemu-aarch64 and qemu-i386 without it)
	skip_under_emulation "set-user-id programs get no AT_SECURE"
	command -v unshare >/dev/null && command -v setpriv >/dev/null || skip "util-linux's unshare and setpriv are needed"
	unshare -m true || skip "no private mount namespace here (unshare -m needs / to be a mount point)"
}

@test "secure: the library in /etc/ld.so.preload is loaded into a set-user-id program (it catches the crash), and no setting applies" {
	setup_namespace
	run in_namespace "
		$as_nobody bash -c \"ATEXIT_SHIM_HANDLERS='cmd:id -u >/mnt/out/cmd-ran' ATEXIT_SHIM_SYMBOLIZER=/mnt/evil \
			ATEXIT_SHIM_TRACE=/mnt/out/trace ATEXIT_SHIM_TIMEOUT=bogus \
			/mnt/suid settings on_exit=a on_exit=b/crash:segv exit=0 >/mnt/out/log 2>&1; echo status \\\$?\" 2>/dev/null
		cat /mnt/out/log
		ls /mnt/out"
	# loaded: a, registered before the crashing b, still ran (natively the
	# crash ends the process at b); the report is the raw one (no symbolizer)
	printf '%s\n' "$output" | grep -qx 'settings: none'
	printf '%s\n' "$output" | grep -q '^atexit-shim: exit handler /mnt/suid+0x[0-9a-f]* (on_exit, registration 2) was killed by SIGSEGV'
	printf '%s\n' "$output" | grep -qx 'on_exit a status=0'
	printf '%s\n' "$output" | grep -qx 'status 139'
	[ "${output##*$'\n'}" = log ] # the only file in /mnt/out: nothing run, no trace
	# nothing was complained about (ATEXIT_SHIM_TIMEOUT's bad value)
	[ "$(printf '%s\n' "$output" | grep -c ATEXIT_SHIM)" -eq 0 ]
}

@test "secure: a set-group-id program reads no setting either" {
	setup_namespace
	run in_namespace "
		$as_nobody bash -c \"ATEXIT_SHIM_HANDLERS='cmd:id -u >/mnt/out/cmd-ran' ATEXIT_SHIM_SYMBOLIZER=/mnt/evil \
			/mnt/sgid settings on_exit=a on_exit=b/crash:abort exit=0 >/mnt/out/log 2>&1; echo status \\\$?\" 2>/dev/null
		cat /mnt/out/log
		ls /mnt/out"
	printf '%s\n' "$output" | grep -qx 'settings: none'
	printf '%s\n' "$output" | grep -q '^atexit-shim: exit handler /mnt/sgid+0x[0-9a-f]* (on_exit, registration 2) was killed by SIGABRT'
	printf '%s\n' "$output" | grep -qx 'on_exit a status=0'
	printf '%s\n' "$output" | grep -qx 'status 134'
	[ "${output##*$'\n'}" = log ]
}

@test "secure: SIGSEGV sent by the user to a set-user-id program in a handler kills it as natively; no symbolizer runs" {
	setup_namespace
	run in_namespace "
		$as_nobody bash -c '
			ATEXIT_SHIM_SYMBOLIZER=/mnt/evil /mnt/suid on_exit=a on_exit=b/crash:hang exit=0 >/mnt/out/log 2>&1 &
			for _ in \$(seq 600); do grep -q \"on_exit b\" /mnt/out/log && break; sleep 0.1; done
			kill -SEGV \$!
			wait \$!; echo \"status \$?\"' 2>/dev/null
		cat /mnt/out/log
		ls /mnt/out"
	[ "$output" = "$(printf '%s\n' 'status 139' 'on_exit b status=0' log)" ]
}

@test "secure: nothing of the settings reaches the program a set-user-id launcher execs as root" {
	setup_namespace
	run in_namespace "
		$as_nobody env ATEXIT_SHIM_FOLLOW=1 ATEXIT_SHIM_HANDLERS='cmd:id -u >/mnt/out/cmd-ran' \
			/mnt/suid setuid=0 exec=/mnt/plain pid settings exit=0
		ls /mnt/out"
	# the new image is a root of its own: its own pid, nothing else
	local pid=${output%%$'\n'*}
	[ "$output" = "$(printf '%s\n' "$pid" "setting ATEXIT_SHIM_ROOT_PID=${pid#pid }")" ]
}

@test "a SIGSEGV sent by another process during a handler is no handler's crash: the process dies by it at once, unreported" {
	local dir=$BATS_TEST_TMPDIR
	printf '#!/bin/sh\ntouch %s/evil-ran\n' "$dir" >"$dir/evil"
	chmod 755 "$dir/evil"
	ATEXIT_SHIM_SYMBOLIZER=$dir/evil LD_PRELOAD=$SHIM_LIB "$FIXTURES/exitprobe" on_exit=a on_exit=b/crash:hang exit=0 \
		>"$dir/out" 2>"$dir/err" &
	local pid=$! _
	for _ in $(seq 600); do grep -q 'on_exit b' "$dir/out" && break; sleep 0.1; done
	kill -SEGV "$pid"
	status=0
	wait "$pid" 2>/dev/null || status=$?
	[ "$status" -eq 139 ]
	[ "$(cat "$dir/out")" = 'on_exit b status=0' ]
	[ "$(grep -cv '^qemu: uncaught target signal' "$dir/err")" -eq 0 ] # qemu-user's word for any such death
	[ ! -e "$dir/evil-ran" ]
}

@test "the timer's signal sent by another process is no time-out either" {
	local dir=$BATS_TEST_TMPDIR
	ATEXIT_SHIM_TIMEOUT=3600 ATEXIT_SHIM_TRACE=$dir/trace LD_PRELOAD=$SHIM_LIB "$FIXTURES/exitprobe" \
		on_exit=a on_exit=b/crash:hang exit=0 >"$dir/out" 2>"$dir/err" &
	local pid=$! _ sig
	for _ in $(seq 600); do grep -q 'on_exit b' "$dir/out" && break; sleep 0.1; done
	# the spare real-time signal, from SIGRTMAX-2 down: the first one with a handler
	for sig in $(seq "$(kill -l RTMAX-2)" -1 "$(kill -l RTMIN)"); do
		grep -q "^SigCgt:" "/proc/$pid/status" || break
		if (( 0x$(awk '/^SigCgt:/ {print $2}' "/proc/$pid/status") >> (sig - 1) & 1 )); then
			kill -s "$sig" "$pid"
			break
		fi
	done
	status=0
	wait "$pid" 2>/dev/null || status=$?
	[ "$status" -eq $((128 + sig)) ]
	[ ! -s "$dir/err" ]
	[ "$(grep -c timeout "$dir/trace")" -eq 0 ]
}
