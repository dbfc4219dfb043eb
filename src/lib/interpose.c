/* The libc symbols atexit-shim takes over, and nothing else: each turns the
 * call into the registry's or the runner's terms.  Everything else in the
 * library is hidden (see libatexit-shim.map). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "interpose.h"

#include "anchor.h"
#include "entries.h"
#include "libc.h"
#include "registry.h"
#include "runner.h"
#include "trace.h"

#define EXPORT __attribute__((visibility("default")))

/* <stdlib.h> declares atexit and on_exit nonnull, which lets the compiler
 * delete a NULL check; passing the pointer through an empty asm hides it. */
static handler_code launder(handler_code fn)
{
	__asm__("" : "+r"(fn));
	return fn;
}

EXPORT int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);
EXPORT void __cxa_finalize(void *dso);
EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                             void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                             void *stack_end);

EXPORT int __cxa_atexit(void (*fn)(void *), void *arg, void *dso)
{
	if (fn == NULL) /* glibc asserts, in its own words: tools look for them */
		return libc_cxa_atexit(fn, arg, dso);
	/* atexit(f) reaches here as __cxa_atexit(f, NULL, __dso_handle) */
	enum flavour flavour = arg == NULL ? FLAVOUR_ATEXIT : FLAVOUR_CXA;
	return registry_add(&shim_registry, flavour, (handler_code)fn, arg, dso);
}

/* atexit is not exported: glibc links a static stub calling __cxa_atexit
 * into every program and library, and libc.so.6 has none that a program
 * could look up (dlsym(RTLD_DEFAULT, "atexit") fails natively, so it must
 * here too). */

EXPORT int on_exit(void (*fn)(int, void *), void *arg)
{
	if (launder((handler_code)fn) == NULL)
		return libc_on_exit(fn, arg);
	return registry_add(&shim_registry, FLAVOUR_ON_EXIT, (handler_code)fn, arg, NULL);
}

EXPORT void exit(int status)
{
	runner_enter_exit(status);
	anchor_exit(status);
}

/* Not taken over either: no handler of the program's runs, and stdio is not
 * flushed.  Only the environment's entries, in the process they belong to
 * (a root such as dash ends with _exit; a --run check must not silently
 * never run), and the trace. */
void interpose_end_now(int status, const char *how)
{
	bool own_entries = entries_owned_here();
	if (own_entries)
		entries_leave_stdio_unflushed();
	runner_exit_now(status, own_entries, how);
}

EXPORT void _exit(int status)
{
	interpose_end_now(status, "_exit");
}

EXPORT void _Exit(int status) __attribute__((alias("_exit")));

/* Not taken over: glibc's list and its rules stand.  The entries run after
 * the program's at_quick_exit handlers: last, from a handler of glibc's
 * list registered before any of the program's (interpose_watch_quick_exit),
 * with the status quick_exit was given. */
static int quick_status;

static void after_quick_handlers(void)
{
	interpose_end_now(quick_status, NULL);
}

void interpose_watch_quick_exit(void)
{
	(void)libc_at_quick_exit(after_quick_handlers);
}

EXPORT void quick_exit(int status)
{
	quick_status = status;
	if (trace_on())
		trace_quick_exit(status);
	libc_quick_exit(status);
}

/* glibc's daemon() ends its caller with its own internal _exit, which never
 * reaches the shim's: the caller ends where glibc's fork returns in it (its
 * atfork handler, interpose_daemon_parent), as a _exit(0) here would. */
static __thread bool daemonizing __attribute__((tls_model("initial-exec")));

EXPORT int daemon(int nochdir, int noclose)
{
	daemonizing = true;
	int done = libc_daemon(nochdir, noclose);
	daemonizing = false;
	return done;
}

void interpose_daemon_parent(void)
{
	if (daemonizing)
		interpose_end_now(0, "_exit");
}

EXPORT void __cxa_finalize(void *dso)
{
	runner_finalize(dso);
	/* glibc also drops dso's pthread_atfork handlers here: never skip it. */
	libc_cxa_finalize(dso);
}

EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                             void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                             void *stack_end)
{
	return libc_start_main()(main, argc, argv, init, anchor_replace_fini(fini),
	                         anchor_replace_rtld_fini(rtld_fini), stack_end);
}
