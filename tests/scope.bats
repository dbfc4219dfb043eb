#!/usr/bin/env bats
# Which processes the shim acts in (contract section 6, "Scope").

load helper

@test "a launcher that execs (env) keeps the shim: the command runs once, after the program" {
	run shim --run='echo done' -- env X=1 "$FIXTURES/exitprobe" print=main exit=0
	[ "$output" = "$(printf '%s\n' main done)" ]
}

@test "children exec'ed by the root strip the shim and behave natively; only the root runs the command" {
	run shim --run='echo "done in $ATEXIT_SHIM_PID"' -- bash -c "$FIXTURES/exitprobe print=child1 exit=0; $FIXTURES/exitprobe print=child2 exit=0; echo bash \$\$; exit 0"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^done in')" -eq 1 ]
	[ "${lines[-1]}" = "done in ${lines[-2]#bash }" ]
}

@test "a child exec'ed by the root strips the shim's settings and LD_PRELOAD entry from its environment" {
	run shim --run=true -- bash -c "bash -c 'echo \"[\$LD_PRELOAD]\"; env | grep -c ^ATEXIT_SHIM_ || true'; exit 0"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' '[]' 0)" ]
}

@test "a grandchild started through a stripped child does not load the shim at all" {
	run shim --run='echo root' -- bash -c "bash -c 'grep -c libatexit-shim /proc/self/maps || true'; exit 0"
	[ "$output" = "$(printf '%s\n' 0 root)" ]
}

@test "FOLLOW: every exec'ed descendant is a root of its own and runs the command" {
	run shim --follow --run='echo "done in $ATEXIT_SHIM_PID"' -- bash -c "$FIXTURES/exitprobe exit=0; $FIXTURES/exitprobe exit=0; exit 0"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^done in')" -eq 3 ]
}

@test "a shell that forks its command and ends with _exit (dash) runs the --run command, as bash does" {
	run shim --run='echo "done $ATEXIT_SHIM_STATUS"' -- sh -c "$FIXTURES/exitprobe print=app exit=0; true"
	[ "$output" = "$(printf '%s\n' app 'done 0')" ]
	# bash ends with exit()
	run shim --run='echo "done $ATEXIT_SHIM_STATUS"' -- bash -c "$FIXTURES/exitprobe print=app exit=0; true"
	[ "$output" = "$(printf '%s\n' app 'done 0')" ]
}

@test "a child forked without exec keeps the registry but not the environment handlers" {
	run shim --run='echo "command in $ATEXIT_SHIM_PID"' -- "$FIXTURES/exitprobe" on_exit=inherited fork pid exit=0
	[ "$(printf '%s\n' "$output" | grep -c 'on_exit inherited')" -eq 2 ]
	[ "$(printf '%s\n' "$output" | grep -c '^command in')" -eq 1 ]
}

@test "FOLLOW: a child forked without exec runs the inherited environment handlers too" {
	run shim --follow --run='echo command' -- "$FIXTURES/exitprobe" fork exit=0
	[ "$(printf '%s\n' "$output" | grep -c '^command$')" -eq 2 ]
}

@test "LD_PRELOAD set by hand: the first process is the root, its exec'ed children are not" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_HANDLERS='cmd:echo done' bash -c "$FIXTURES/exitprobe print=child exit=0; exit 0"
	[ "$output" = "$(printf '%s\n' child done)" ]
}

@test "a root pid that is not a process id counts as unset: one line names it, the other settings act and are checked" {
	run env LD_PRELOAD="$SHIM_LIB" ATEXIT_SHIM_ROOT_PID=garbage ATEXIT_SHIM_TIMEOUT=soon \
		ATEXIT_SHIM_HANDLERS='cmd:echo done' "$FIXTURES/exitprobe" print=main exit=0
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
		"atexit-shim: ATEXIT_SHIM_TIMEOUT='soon': expected seconds, a number > 0 (decimals allowed); ignored" \
		"atexit-shim: ATEXIT_SHIM_ROOT_PID='garbage': expected a process id; ignored" main done)" ]
}
