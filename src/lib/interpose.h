/* What interpose.c does for the rest of the library: the exits that glibc
 * ends with its own internal _exit, out of the shim's reach, are taken
 * where the shim can see them.  The symbols themselves: interpose.c and
 * libatexit-shim.map. */
#ifndef ATEXIT_SHIM_LIB_INTERPOSE_H
#define ATEXIT_SHIM_LIB_INTERPOSE_H

/* _exit's end: the root's ATEXIT_SHIM_HANDLERS entries, the trace (an exit
 * event with how, unless NULL: already traced), then the end. */
_Noreturn void interpose_end_now(int status, const char *how);

/* In the root with entries, at start-up: quick_exit runs them too, after
 * the program's at_quick_exit handlers. */
void interpose_watch_quick_exit(void);

/* From the fork handler, in the parent: daemon()'s caller ends here. */
void interpose_daemon_parent(void);

#endif
