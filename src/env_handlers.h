/* Handlers from ATEXIT_SHIM_HANDLERS: shell commands (cmd:) and functions
 * (fn:), registered at start-up in the listed order, so that at exit they
 * run after the program's own handlers, the last listed first. */
#ifndef ATEXIT_SHIM_ENV_HANDLERS_H
#define ATEXIT_SHIM_ENV_HANDLERS_H

#include <stdbool.h>

#include "registry.h"

/* Registers every entry of a validated ATEXIT_SHIM_HANDLERS value; an fn:
 * entry whose library or symbol cannot be found is reported and left out. */
void env_handlers_register(const char *entries);

/* "cmd:COMMAND" if h is the handler of a cmd: entry, else NULL. */
const char *env_handlers_command(const struct handler *h);

/* The process ends with _exit: whether its entries are this process's own
 * to run (not a vfork or forked child's).  Commands then leave stdio's
 * buffers unflushed, as _exit does. */
bool env_handlers_before_exit_now(void);

/* In a child forked without exec: the start-up copies of stdout and stderr
 * are closed (the child's commands write to its own, while they are the
 * same files), and, unless keep_entries, the entries are forgotten: they
 * belong to the root alone. */
void env_handlers_after_fork(bool keep_entries);

#endif
