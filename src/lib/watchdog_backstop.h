/* The time limit's backstop, for a handler that blocks the timer's signal.
 *
 * The per-thread timer (watchdog.h) stops a handler by a signal; a handler
 * that blocks every signal (or sleeps in a call that does) would then run
 * for ever.  While a timed pass runs, a helper process (a copy of the
 * process, with stderr only, no SIGCHLD to the program, gone with it)
 * watches a shared page: when one handler's timing has lasted the limit
 * plus WATCHDOG_BACKSTOP_GRACE_NS, it unblocks the timer's signal in the
 * stuck thread with ptrace (the process names it its tracer, for Yama), so
 * that the handler is abandoned as any other; if that cannot be done, or a
 * grace later nothing has changed, it says so in one line naming the
 * handler and ends the process with SIGKILL.  Nothing of this exists
 * without a time limit. */
#ifndef ATEXIT_SHIM_LIB_WATCHDOG_BACKSTOP_H
#define ATEXIT_SHIM_LIB_WATCHDOG_BACKSTOP_H

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_BACKSTOP_GRACE_NS UINT64_C(1000000000) /* 1 s */

/* At the start of a timed pass: sig is the timers' signal.  False if no
 * helper could be started (the limit then holds only for handlers that
 * leave the signal unblocked). */
bool watchdog_backstop_start(uint64_t limit_ns, int sig);
/* A handler's timing starts (on, with its registration number) or stops,
 * in the calling thread. */
void watchdog_backstop_timing(bool on, unsigned long long what);
/* At the end of the pass: the helper ends and is reaped. */
void watchdog_backstop_stop(void);

#endif
