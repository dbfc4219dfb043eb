/* Commands the shim cannot act in, which a user deserves to know of: one
 * statically linked (no dynamic loader, so no LD_PRELOAD), or one the
 * loader runs in secure mode for this user (set-user-id, set-group-id or
 * file capabilities: it ignores LD_PRELOAD there). */
#ifndef ATEXIT_SHIM_CMD_REACH_H
#define ATEXIT_SHIM_CMD_REACH_H

#include <stdbool.h>

/* A warning on stderr for the command (as given) found at path, if it is
 * out of the shim's reach, saying what becomes of the exit checks asked
 * for (supervised: they run after it); it runs all the same. */
void cmd_warn_if_out_of_reach(const char *path, const char *command, bool supervised);

#endif
