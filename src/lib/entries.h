/* Handlers from ATEXIT_SHIM_HANDLERS: shell commands (cmd:) and functions
 * (fn:), registered at start-up in the listed order, so that at exit they
 * run after the program's own handlers, the last listed first. */
#ifndef ATEXIT_SHIM_LIB_ENTRIES_H
#define ATEXIT_SHIM_LIB_ENTRIES_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"

/* What the entries need of the layers above, given at set-up. */
struct env_hooks {
	struct registry *registry; /* where the entries go */
	/* The last failure so far, in one line ("" if none): ATEXIT_SHIM_ERROR. */
	void (*describe_failure)(char *buf, size_t size);
	/* The signal the process will die of, so far, or 0: the command's
	 * ATEXIT_SHIM_SIGNAL, and its ATEXIT_SHIM_STATUS then 128 + it, what
	 * the parent (a shell) will see. */
	int (*ending_signal)(void);
	/* How a failing entry fails: the process's exit(), which the runner
	 * catches as that handler's failure. */
	void (*fail)(int status);
};

/* Registers every entry of a validated ATEXIT_SHIM_HANDLERS value; an fn:
 * entry whose library or symbol cannot be found is reported at exit, in its
 * turn.  hooks must stay valid for the process's life. */
/* run_dir: where cmd: commands run (the root's start-up directory), or
 * NULL for where the process is then. */
void entries_register(const char *entries, const char *run_dir, const struct env_hooks *hooks);

/* ATEXIT_SHIM_SUPERVISOR: the pid of an atexit-shim --supervise that is
 * the root's parent, which entries_tell_supervisor tells that the entries
 * have run (so that it does not run them again). */
void entries_set_supervisor(long pid);
void entries_tell_supervisor(void);
/* Whether this process has entries of its own to run at its end, and
 * whether a supervisor will run them if its image does not. */
bool entries_asked_here(void);
bool entries_supervised(void);

/* A command abandoned by the time limit (the runner's after-failure hook):
 * it and everything it started, its process group, get SIGTERM, then
 * SIGKILL after a grace of a second, and it is reaped.  Nothing if no
 * command is running. */
void entries_end_abandoned(void);

/* "cmd:COMMAND" if h is the handler of a cmd: entry, else NULL. */
const char *entries_command(const struct handler *h);

/* Whether the entries are this process's own to run (not a vfork or
 * forked child's). */
bool entries_owned_here(void);

/* The process ends with _exit: commands leave stdio's buffers unflushed,
 * as _exit does.  Only where the entries are owned here: a vfork child
 * shares the flag with its parent. */
void entries_leave_stdio_unflushed(void);

/* In a child forked without exec: the start-up copies of stdout and stderr
 * are closed (the child's commands write to its own, while they are the
 * same files), and, unless keep_entries, the entries are forgotten: they
 * belong to the root alone. */
void entries_after_fork(bool keep_entries);

#endif
