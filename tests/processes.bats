#!/usr/bin/env bats
# Processes and threads: fork, concurrent registration, concurrent exit.

load helper

@test "fork: child and parent each run the handlers registered before the fork" {
	assert_transparent probe on_exit=before fork on_exit=after exit=2
	[ "$(native_out)" = "$(printf '%s\n' 'on_exit after status=2' 'on_exit before status=2' \
		'child ended with 2' 'on_exit after status=2' 'on_exit before status=2')" ]
}

@test "8 threads x 10,000 registrations: every handler runs" {
	assert_transparent probe threads=8,10000 exit=0
	[ "$(native_out)" = "counted 80000 handlers, status=0" ]
}

@test "fork while other threads register: every child can register and exit, its work bounded" {
	# Natively glibc 2.36 can deadlock here (its lock is not reset in the child).
	run timeout 60 env LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" forkrace=1000 exit=0
	[ "$status" -eq 0 ]
	assert_forkrace 1000
}

@test "exit from several threads at once: handlers run once each, one status" {
	# glibc 2.36 crashes here; the shim follows glibc 2.41: the first caller
	# runs the handlers, the others wait for the process to end.
	local i
	for i in $(seq 1 20); do
		run timeout 60 env LD_PRELOAD="$SHIM_LIB" "$FIXTURES/exitprobe" exitrace=8
		[ "$status" -ge 1 ] && [ "$status" -le 8 ]
		[ "$output" = "slow handler ran 16 times, status is the running thread's" ]
	done
}

@test "exit() in a vfork child runs the program's handlers there, as natively, and leaves the exit to the parent" {
	skip_under_emulation "qemu-user runs vfork as fork (no memory shared)"
	# The child shares the parent's memory: natively its exit runs (and so
	# uses up) the handlers and flushes stdio; the parent's exit then has
	# none left.  (Another thread of the parent that exits afterwards waits
	# for good from glibc 2.41 on, natively too: the child took glibc's exit
	# lock.  The shim's own lock stays the parent's.)
	assert_transparent probe on_exit=a atexit=1 vfork_exit=3 exit=0
	[ "$(native_out)" = "$(printf '%s\n' 'atexit() = 0' 'atexit 1' 'on_exit a status=3' 'vfork child ended with 3')" ]
	assert_transparent probe on_exit=a vfork_exit=3 on_exit=b/exit:5 exit=0
	[ "$(native_status)" -eq 0 ]
}
