/* What the program sees of its signal actions and its alternate stack
 * while the shim holds some of them.
 *
 * The shim takes a signal's action for itself only where the program left
 * it at the default: ATEXIT_SHIM_SIGNALS' for the whole run, the crash
 * catcher's and the time limit's during the exit's passes.  The program
 * goes on seeing the default (sigaction, signal, sigset and the rest report
 * it, and take a new default without a change), and an action of its own
 * replaces the shim's at once, as if the shim had never been there: the
 * signal is then the program's for good.  The same for the alternate stack
 * the crash catcher puts in place in a thread that has none.
 *
 * Programs and libraries that make the rt_sigaction system call themselves
 * (Go's runtime) bypass this and see the shim's actions.
 *
 * Async-signal-safe, no allocation, no lock: the program may ask from a
 * signal handler. */
#ifndef ATEXIT_SHIM_LIB_SIGNAL_VIEW_H
#define ATEXIT_SHIM_LIB_SIGNAL_VIEW_H

#include <signal.h>
#include <stdbool.h>

/* The holder's side.  Puts ours in place of the program's default action
 * (or over another holder's), saving the action it replaces in *before;
 * false, and nothing done, if the program has an action of its own. */
bool signal_view_hold(int sig, const struct sigaction *ours, struct sigaction *before);
/* Puts *before back, unless the program has taken the signal meanwhile. */
void signal_view_release(int sig, const struct sigaction *before);
/* Called with sig when the program takes a signal the shim held (an action
 * of its own replaces the shim's); one hook. */
void signal_view_on_taken(void (*hook)(int sig));

/* Whether sig is free for the shim to take: not held, and at the default. */
bool signal_view_free(int sig);

/* This thread's alternate stack for the crash catcher: the program's own if
 * it has one (false), else ss, which the program does not see (true). */
bool signal_view_hold_stack(const stack_t *ss);
/* Puts the program's back (none), unless it set one meanwhile.  Returns
 * the held stack's memory, to be unmapped, or NULL. */
void *signal_view_release_stack(void);

/* The program's calls (interpose.c), for a signal the shim holds and a
 * thread whose alternate stack it holds; for any other, the program's calls
 * go to glibc's own functions, whose details (siginterrupt's flags) stay
 * glibc's.  The shim's own calls go to glibc's too (libc.h). */
bool signal_view_holds(int sig);
bool signal_view_holds_stack(void);
int signal_view_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/* signal(), bsd_signal() (flags SA_RESTART, the signal masked in its
 * handler) and sysv_signal() (SA_RESETHAND | SA_NODEFER) */
__sighandler_t signal_view_signal(int sig, __sighandler_t handler, int flags, bool mask_self);
__sighandler_t signal_view_sigset(int sig, __sighandler_t disposition);
int signal_view_sigaltstack(const stack_t *ss, stack_t *old);

#endif
