/* ATEXIT_SHIM_SIGNALS: signals that run the exit handlers.
 *
 * For each listed signal left at its default action when the root starts,
 * a handler runs the exit sequence as exit(128 + S) would, with the signal
 * mask the program had (so that crashes, the time limit and a second signal
 * are caught as in any exit), after which the process dies by S (its parent
 * sees WIFSIGNALED).  The program does not see the handler: it is shown
 * the default, and one it installs replaces the shim's (signal_view.h), as
 * CPython's SIGINT handler and Ruby's do.  The price: exit handlers then run
 * from a signal handler, which is not async-signal-safe; a signal that
 * arrives while the main code holds the malloc or stdio lock can deadlock
 * a handler that needs that lock. */
#ifndef ATEXIT_SHIM_LIB_SIGNAL_EXIT_H
#define ATEXIT_SHIM_LIB_SIGNAL_EXIT_H

#include <stdint.h>

/* set: bit S-1 for signal S (settings/settings.h's ATEXIT_SHIM_SIGNALS). */
void signal_exit_install(uint64_t set);

#endif
