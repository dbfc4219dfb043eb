/* The shim's exit sequence in glibc's list: see anchor.h. */
#define _GNU_SOURCE /* libc.h: Dl_info */
#include "anchor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libc.h"
#include "registry.h"
#include "runner.h"
#include "trace.h"

static rtld_fini_fn *loader_fini;     /* _dl_fini */
static uint64_t program_first_seq;    /* registered from here on: the program's */
static bool in_glibc_list;            /* the sequence is on glibc's list */
static bool started;                  /* the sequence is under way */
static void (*program_fini)(void);    /* __libc_start_main's fini (glibc < 2.34) */
static bool program_done;             /* its replacement ran the program's handlers */
static int status_after_program;      /* and left this status */

/* The handlers left: those library constructors registered, and any
 * registered during library destructors.  Then the registry closes, a saved
 * crash is re-raised, and a status changed by a handler's exit(n) goes back
 * to glibc through its nested exit, which finishes its work with it.
 * glibc_status: what glibc's own exit is about to end the process with. */
static void finish(int status, int glibc_status)
{
	int final = runner_run_exit(status, 0, "constructors");
	registry_seal(&shim_registry);
	runner_finish_exit(final);
	if (final != glibc_status)
		libc_exit(final);
}

/* glibc calls this where it would call _dl_fini, with the exit status as
 * the hidden argument it gives every __cxa_atexit handler. */
static void exit_sequence(void *unused, int status)
{
	(void)unused;
	started = true;
	int now = program_done ? runner_run_exit(status_after_program, program_first_seq, NULL)
	                       : runner_run_exit(status, program_first_seq, "program");
	if (loader_fini != NULL) {
		if (trace_on())
			trace_phase("destructors");
		now = runner_run_destructors(loader_fini);
	}
	finish(now, status);
}

rtld_fini_fn *anchor_replace_rtld_fini(rtld_fini_fn *rtld_fini)
{
	loader_fini = rtld_fini;
	program_first_seq = registry_last_seq(&shim_registry) + 1;
	in_glibc_list = true;
	return (rtld_fini_fn *)(void (*)(void))exit_sequence;
}

/* Called by glibc before 2.34 only: it puts fini (the program's own
 * destructors) on its list after _dl_fini's entry, so natively fini runs
 * after the program's handlers and before library destructors; later glibc
 * ignores the argument and _dl_fini runs them.  The shim follows whichever
 * glibc runs: its stand-in runs the program's handlers, then fini. */
static void program_handlers_then_fini(void *unused, int status)
{
	(void)unused;
	started = true;
	status_after_program = runner_run_exit(status, program_first_seq, "program");
	program_done = true;
	program_fini();
}

program_fini_fn *anchor_replace_fini(program_fini_fn *fini)
{
	program_fini = fini;
	return fini != NULL ? (program_fini_fn *)(void (*)(void))program_handlers_then_fini : NULL;
}

void anchor_exit(int status)
{
	/* Before __libc_start_main, or nested inside the sequence from a library
	 * destructor: glibc's walk will not reach the sequence, so run what is
	 * left here (natively, glibc's nested walk runs the older entries). */
	if (!in_glibc_list || started)
		finish(status, status);
	libc_exit(status);
}
