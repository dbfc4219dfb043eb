/* The libc signal calls atexit-shim takes over, and nothing else: each
 * shows the program its own view of a signal the shim holds, and is
 * glibc's own call for any other (signal_view.h). */
#define _GNU_SOURCE
#include <signal.h>

#include "libc.h"
#include "signal_view.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);
EXPORT __sighandler_t bsd_signal(int sig, __sighandler_t handler);

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return signal_view_sigaction(sig, act, old);
}

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return signal_view_sigaction(sig, act, old);
}

/* signal(), as glibc's: BSD semantics. */
static __sighandler_t bsd(enum libc_signal_call which, int sig, __sighandler_t handler)
{
	if (!signal_view_holds(sig))
		return libc_signal_call(which, sig, handler);
	return signal_view_signal(sig, handler, SA_RESTART, true);
}

EXPORT __sighandler_t signal(int sig, __sighandler_t handler)
{
	return bsd(LIBC_SIGNAL, sig, handler);
}

EXPORT __sighandler_t bsd_signal(int sig, __sighandler_t handler)
{
	return bsd(LIBC_BSD_SIGNAL, sig, handler);
}

EXPORT __sighandler_t ssignal(int sig, __sighandler_t handler)
{
	return bsd(LIBC_SSIGNAL, sig, handler);
}

static __sighandler_t sysv(enum libc_signal_call which, int sig, __sighandler_t handler)
{
	if (!signal_view_holds(sig))
		return libc_signal_call(which, sig, handler);
	return signal_view_signal(sig, handler, SA_RESETHAND | SA_NODEFER, false);
}

EXPORT __sighandler_t sysv_signal(int sig, __sighandler_t handler)
{
	return sysv(LIBC_SYSV_SIGNAL, sig, handler);
}

EXPORT __sighandler_t __sysv_signal(int sig, __sighandler_t handler)
{
	return sysv(LIBC_SYSV_SIGNAL_INTERNAL, sig, handler);
}

EXPORT __sighandler_t sigset(int sig, __sighandler_t disposition)
{
	if (!signal_view_holds(sig))
		return libc_signal_call(LIBC_SIGSET, sig, disposition);
	return signal_view_sigset(sig, disposition);
}

EXPORT int sigaltstack(const stack_t *ss, stack_t *old)
{
	return signal_view_sigaltstack(ss, old);
}
