/* The environment the command gets: the settings the options ask for, added
 * to any the caller exported, and libatexit-shim.so first in LD_PRELOAD.
 * Set in the wrapper's own process, which then execs the command (or prints
 * it for a shell: --print-env). */
#ifndef ATEXIT_SHIM_CMD_PROGRAM_ENVIRONMENT_H
#define ATEXIT_SHIM_CMD_PROGRAM_ENVIRONMENT_H

#include "options.h"

/* library: the form LD_PRELOAD gets (struct library's preload). */
void cmd_environment_set(const struct options *o, const char *library);

/* --print-env: the environment set, as "export NAME='value'" lines. */
void cmd_environment_print(void);

/* Puts library (a soname) before the shim in LD_PRELOAD: a sanitizer's
 * runtime, which must come first (sanitizer.h). */
void cmd_preload_first(const char *library);

#endif
