/* Where the wrapper finds libatexit-shim.so: next to it in the build tree,
 * else where it was installed (under DESTDIR too), and the form LD_PRELOAD
 * gets, in which each ELF class may find its own copy. */
#ifndef ATEXIT_SHIM_CMD_FIND_LIBRARY_H
#define ATEXIT_SHIM_CMD_FIND_LIBRARY_H

#include <limits.h>
#include <stdbool.h>

/* Where the library is for this process's class (what --lib prints and
 * what must exist), and the form LD_PRELOAD gets. */
struct library {
	char path[PATH_MAX + 64];
	char preload[PATH_MAX + 64];
};

/* Found again at each call, into static storage. */
const struct library *cmd_library(void);

/* Whether lib's file cannot be read (the project not built, or not
 * installed). */
bool cmd_library_missing(const struct library *lib);

#endif
