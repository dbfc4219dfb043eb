/* Handlers from ATEXIT_SHIM_HANDLERS: shell commands (cmd:) and functions
 * (fn:), registered at start-up in the listed order, so that at exit they
 * run after the program's own handlers, the last listed first. */
#ifndef ATEXIT_SHIM_ENV_HANDLERS_H
#define ATEXIT_SHIM_ENV_HANDLERS_H

#include "registry.h"

/* Registers every entry of a validated ATEXIT_SHIM_HANDLERS value; an fn:
 * entry whose library or symbol cannot be found is reported and left out. */
void env_handlers_register(const char *entries);

/* "cmd:COMMAND" if h is the handler of a cmd: entry, else NULL. */
const char *env_handlers_command(const struct handler *h);

/* In a child forked without exec: the entries belong to the root alone. */
void env_handlers_forget(void);

#endif
