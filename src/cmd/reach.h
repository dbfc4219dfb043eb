/* Commands the shim cannot act in, which a user deserves to know of: one
 * statically linked (no dynamic loader, so no LD_PRELOAD), or set-user-id
 * or set-group-id (the loader ignores LD_PRELOAD there). */
#ifndef ATEXIT_SHIM_CMD_REACH_H
#define ATEXIT_SHIM_CMD_REACH_H

/* A warning on stderr for the command (as given) found at path, if it is
 * out of the shim's reach; it runs all the same. */
void cmd_warn_if_out_of_reach(const char *path, const char *command);

#endif
