/* Catching a handler that crashes.
 *
 * While a pass of the runner is under way, SIGSEGV, SIGBUS, SIGILL, SIGFPE
 * and SIGABRT, those the program leaves at their default action (which would
 * end the process), are handled on an alternate stack (a stack overflow
 * must be caught too), and the runner is asked whether the crash was a
 * handler's.  If not (another thread, a signal sent from outside), the
 * default takes effect, as if the shim had not been there.  A signal the
 * program handles itself stays its own.  The program sees none of this
 * (signal_view.h).  When the last pass ends, the defaults are put back. */
#ifndef ATEXIT_SHIM_LIB_CATCH_H
#define ATEXIT_SHIM_LIB_CATCH_H

#include <signal.h>
#include <stdbool.h>

struct catch_pass {
	bool own_stack; /* this pass put the alternate stack in place */
};

/* Also handles, during passes, one spare real-time signal (for the
 * watchdog's timers): one the program leaves alone, at its default action
 * and not blocked in the thread whose pass installs the actions; the
 * highest such below SIGRTMAX-1, as programs take theirs from SIGRTMIN up.  Chosen anew
 * each time the first pass begins, since a program installs its own
 * actions as it runs.  Asked for before any pass. */
void catch_spare_signal(void);
/* That signal, while a pass is under way; 0 if none is free or none was
 * asked for. */
int catch_spare(void);
/* If the calling thread blocks it, unblocks it (true): the pass's timer must
 * reach it.  catch_spare_block_again puts the program's mask back. */
bool catch_spare_unblock(void);
void catch_spare_block_again(void);

/* The caller's side, called in the crashing thread: never returns if the
 * crash was a handler's; false if the signal is not the caller's business.
 * where: the interrupted instruction, or NULL if unknown. */
typedef bool catch_judge(int sig, const siginfo_t *info, const void *where);

/* judge: the same function for every pass. */
void catch_begin(struct catch_pass *pass, catch_judge *judge);
void catch_end(struct catch_pass *pass);

#endif
