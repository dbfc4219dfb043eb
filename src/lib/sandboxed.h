/* Whether a seccomp filter confines the process (the Seccomp: field of
 * /proc/self/status is not 0).  Under one, creating a process may kill it
 * (systemd's SystemCallFilter=, browsers' and man-db's sandboxes): the shim
 * then spawns nothing the user did not ask for, at failure time or at the
 * exit.  Raw system calls, no allocation, async-signal-safe; asked only
 * where a spawn is about to happen.  A filter is never removed, so a yes
 * is kept; no /proc: no filter known. */
#ifndef ATEXIT_SHIM_LIB_SANDBOXED_H
#define ATEXIT_SHIM_LIB_SANDBOXED_H

#include <stdbool.h>

bool sandboxed(void);

#endif
