/* What the program sees of the signal actions the shim holds: see
 * signal_view.h. */
#define _GNU_SOURCE
#include "signal_view.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

#include "libc.h"

/* Per signal: how many of the shim's holders have it (0: the program's),
 * and while one does, the action the program last gave it: a default, with
 * whatever flags and mask came with it, which is what it is shown. */
static struct {
	atomic_int holders;
	struct sigaction program;
} view[NSIG];

static void (*on_taken)(int sig); /* signal_view_on_taken */

void signal_view_on_taken(void (*hook)(int sig))
{
	on_taken = hook;
}

static bool valid(int sig)
{
	return sig > 0 && sig < NSIG;
}

bool signal_view_holds(int sig)
{
	return valid(sig) && atomic_load(&view[sig].holders) > 0;
}

static bool is_default(const struct sigaction *a)
{
	return a->sa_handler == SIG_DFL; /* sa_sigaction shares its storage */
}

bool signal_view_free(int sig)
{
	struct sigaction now;
	return valid(sig) && !signal_view_holds(sig) && libc_sigaction(sig, NULL, &now) == 0 && is_default(&now);
}

bool signal_view_hold(int sig, const struct sigaction *ours, struct sigaction *before)
{
	if (!valid(sig))
		return false;
	if (!signal_view_holds(sig)) {
		struct sigaction now;
		if (libc_sigaction(sig, NULL, &now) != 0 || !is_default(&now))
			return false; /* the program's own choice stands */
		view[sig].program = now;
	}
	if (libc_sigaction(sig, ours, before) != 0)
		return false;
	atomic_fetch_add(&view[sig].holders, 1);
	return true;
}

void signal_view_release(int sig, const struct sigaction *before)
{
	if (!valid(sig))
		return;
	int holders = atomic_load(&view[sig].holders);
	while (holders > 0 && !atomic_compare_exchange_weak(&view[sig].holders, &holders, holders - 1))
		;
	if (holders > 0) /* else the program took it: its action stays */
		libc_sigaction(sig, before, NULL);
}

int signal_view_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!signal_view_holds(sig))
		return libc_sigaction(sig, act, old);
	struct sigaction shown = view[sig].program;
	if (act != NULL && is_default(act)) {
		view[sig].program = *act; /* still the default: nothing changes */
	} else if (act != NULL) {
		if (libc_sigaction(sig, act, NULL) != 0)
			return -1;
		atomic_store(&view[sig].holders, 0); /* the program's now, for good */
		if (on_taken != NULL)
			on_taken(sig);
	}
	if (old != NULL)
		*old = shown;
	return 0;
}

__sighandler_t signal_view_signal(int sig, __sighandler_t handler, int flags, bool mask_self)
{
	if (handler == SIG_ERR || !valid(sig)) {
		errno = EINVAL;
		return SIG_ERR;
	}
	struct sigaction act = { .sa_handler = handler, .sa_flags = flags }, old;
	sigemptyset(&act.sa_mask);
	if (mask_self)
		sigaddset(&act.sa_mask, sig);
	return signal_view_sigaction(sig, &act, &old) == 0 ? old.sa_handler : SIG_ERR;
}

/* System V's sigset(): SIG_HOLD blocks the signal; any other disposition
 * is installed and unblocks it; SIG_HOLD comes back if it was blocked. */
__sighandler_t signal_view_sigset(int sig, __sighandler_t disposition)
{
	if (disposition == SIG_ERR || !valid(sig)) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigset_t just, was;
	sigemptyset(&just);
	sigaddset(&just, sig);
	struct sigaction act = { .sa_handler = disposition }, old = { .sa_handler = SIG_DFL };
	sigemptyset(&act.sa_mask);
	bool hold = disposition == SIG_HOLD;
	if (!hold && signal_view_sigaction(sig, &act, &old) != 0)
		return SIG_ERR;
	if (sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &just, &was) != 0)
		return SIG_ERR;
	if (sigismember(&was, sig) == 1)
		return SIG_HOLD;
	if (hold && signal_view_sigaction(sig, NULL, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* This thread's stack the crash catcher put in place, while it is there;
 * program_set: the program has set one of its own since. */
static __thread struct {
	void *memory;
	bool program_set;
} stack_view __attribute__((tls_model("initial-exec")));

bool signal_view_holds_stack(void)
{
	return stack_view.memory != NULL && !stack_view.program_set;
}

bool signal_view_hold_stack(const stack_t *ss)
{
	stack_t now;
	if (libc_sigaltstack(NULL, &now) != 0 || !(now.ss_flags & SS_DISABLE))
		return false; /* the program's own, which the catcher's actions use */
	if (libc_sigaltstack(ss, NULL) != 0)
		return false;
	stack_view.memory = ss->ss_sp;
	stack_view.program_set = false;
	return true;
}

void *signal_view_release_stack(void)
{
	void *memory = stack_view.memory;
	if (memory != NULL && !stack_view.program_set) {
		stack_t none = { .ss_flags = SS_DISABLE };
		libc_sigaltstack(&none, NULL);
	}
	stack_view.memory = NULL;
	stack_view.program_set = false;
	return memory;
}

int signal_view_sigaltstack(const stack_t *ss, stack_t *old)
{
	if (!signal_view_holds_stack())
		return libc_sigaltstack(ss, old);
	if (ss != NULL && !(ss->ss_flags & SS_DISABLE)) {
		if (libc_sigaltstack(ss, NULL) != 0)
			return -1;
		stack_view.program_set = true;
	}
	if (old != NULL)
		*old = (stack_t){ .ss_flags = SS_DISABLE };
	return 0;
}
