/* ATEXIT_SHIM_TIMEOUT: a per-handler time limit.
 *
 * Each thread that runs a pass gets a POSIX timer of its own, which signals
 * that very thread, so that the report can show where the handler is stuck
 * and the runner can abandon it there.  A per-thread timer leaves the
 * program's own alarm() and setitimer() alone.  Nothing of this exists
 * while no limit is set. */
#ifndef ATEXIT_SHIM_LIB_WATCHDOG_H
#define ATEXIT_SHIM_LIB_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

/* The signal this thread's timer sends (a real-time one the program
 * leaves alone: catch.h); 0 if it has none. */
int watchdog_signal(void);

void watchdog_set_limit(uint64_t ns);
uint64_t watchdog_limit(void); /* 0: no limit */

/* For the length of a pass, in the thread that runs it: true if this call
 * created the thread's timer, sending sig, and so must end it. */
bool watchdog_begin(int sig);
void watchdog_end(void);

/* Passes nest (a handler can dlclose a library whose handlers then run
 * inside it), so arming saves the state of any handler already being timed
 * in this thread, and disarming gives that handler back its remaining time
 * (less what the inner one took). */
struct watchdog_outer {
	bool armed;
	uint64_t remaining_ns, since_ns;
	unsigned long long what;
};

/* what: the handler's registration number, for the backstop's line
 * (watchdog_backstop.h). */
void watchdog_arm(struct watchdog_outer *outer, unsigned long long what);
/* Stops the timer where it is, as the handler it times has failed: the
 * report that follows is not the handler's time.  watchdog_disarm then
 * ends the handler's timing as usual. */
void watchdog_hold(void);
/* The handler being timed starts afresh: the whole limit again. */
void watchdog_restart(void);
void watchdog_disarm(const struct watchdog_outer *outer);
/* Whether this thread's timer has fired for the handler now running. */
bool watchdog_expired(void);

#endif
