/* Signals that run the exit handlers: see signal_exit.h. */
#define _GNU_SOURCE
#include "signal_exit.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <ucontext.h>

#include "runner.h"
#include "signal_view.h"
#include "trace.h"

static void on_signal(int sig, siginfo_t *info, void *context)
{
	(void)info;
	if (!runner_exit_by_signal(sig))
		return; /* an exit is under way: it ends by sig when it is done */
	/* The exit runs with the mask the program had when the signal came, not
	 * with this handler's: a handler's crash must reach the crash catcher,
	 * the time limit's signal its timer, and a second signal of the set
	 * this handler again (which then ends the process at once). */
	const ucontext_t *interrupted = context;
	sigprocmask(SIG_SETMASK, &interrupted->uc_sigmask, NULL);
	exit(128 + sig);
}

static uint64_t watched; /* the set asked for */

/* A signal of the set the program handles itself: its own action stands,
 * and the trace says so (the signal no longer runs the exit handlers). */
static void taken(int sig)
{
	if (sig >= 1 && sig <= 64 && (watched & UINT64_C(1) << (sig - 1)) && trace_on())
		trace_signal_left(sig, "the program installed its own action");
}

void signal_exit_install(uint64_t set)
{
	watched = set;
	signal_view_on_taken(taken);
	struct sigaction ours = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO }, before;
	sigemptyset(&ours.sa_mask);
	for (int sig = 1; sig <= 64; sig++)
		if ((set & UINT64_C(1) << (sig - 1)) && !signal_view_hold(sig, &ours, &before) && trace_on())
			trace_signal_left(sig, "its action at start-up is the program's");
}
