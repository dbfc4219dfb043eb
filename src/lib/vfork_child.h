/* Whether this code runs in a vfork child: a process that shares this
 * process's memory (and so the registry, the exit's state and the trace's)
 * until it execs or exits.  A program that calls exit() there, as many do
 * after a failed exec, runs its handlers in that child natively; what is
 * the process's own (the exit lock, the trace, the ATEXIT_SHIM_HANDLERS
 * entries) must stay the parent's.
 *
 * The rule: the pid this process image noted (at start-up, and in the child
 * of a fork, whose atfork handler notes its own) is not the caller's.  vfork
 * runs no atfork handler, so its child sees its parent's.  Asked only on
 * exit paths: one getpid. */
#ifndef ATEXIT_SHIM_LIB_VFORK_CHILD_H
#define ATEXIT_SHIM_LIB_VFORK_CHILD_H

#include <stdbool.h>

void vfork_child_note_pid(long pid);
bool in_vfork_child(void);

#endif
