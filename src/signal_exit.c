/* Signals that run the exit handlers: see signal_exit.h. */
#include "signal_exit.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

#include "runner.h"

static void on_signal(int sig)
{
	if (runner_exit_by_signal(sig))
		exit(128 + sig);
}

void signal_exit_install(uint64_t set)
{
	for (int sig = 1; sig <= 64; sig++) {
		if (!(set & UINT64_C(1) << (sig - 1)))
			continue;
		struct sigaction now;
		if (sigaction(sig, NULL, &now) != 0 || now.sa_handler != SIG_DFL || (now.sa_flags & SA_SIGINFO))
			continue; /* the program's own choice stands */
		struct sigaction ours = { .sa_handler = on_signal };
		sigfillset(&ours.sa_mask);
		sigaction(sig, &ours, NULL);
	}
}
