/* What the wrapper checks before it runs anything, as the library will
 * find it: a library and symbol --fn names, the settings (those of its
 * options and any the caller exported), the trace file.  A problem is
 * refused with one line and exit status 2, so that a typo is not reported
 * by the command at start-up, or never. */
#ifndef ATEXIT_SHIM_CMD_CHECKS_H
#define ATEXIT_SHIM_CMD_CHECKS_H

#include <stdbool.h>

#include "settings/settings.h"

/* --fn=LIB:SYM (value), read as the fn: entry e: LIB loaded and SYM looked
 * up as the library will.  Loading runs LIB's constructors in the wrapper
 * too.  A bare SYM can only be looked for in the command. */
void cmd_check_function(const char *value, const struct handler_entry *e);

/* The settings as the library will read them from this process's
 * environment, set already.  json: --json was given; trace: --trace was
 * (the name a trace file's problem is told under). */
void cmd_check_settings(bool json, bool trace);

#endif
