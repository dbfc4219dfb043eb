/* A handler's failure, the analogue of a Python exception: what the runner
 * saves of it (the last one is re-raised when the exit is over), and what
 * it reports on stderr when a handler crashed or ran too long.  Everything
 * here is async-signal-safe: it runs in the crash and watchdog handlers. */
#ifndef ATEXIT_SHIM_LIB_FAILURE_H
#define ATEXIT_SHIM_LIB_FAILURE_H

#include <stdint.h>

#include "registry.h"

struct failure {
	enum { FAILURE_NONE, FAILURE_EXIT, FAILURE_SIGNAL } kind;
	int value;      /* the status, or the signal */
	char what[256]; /* "exit(3) in ...", "SIGSEGV in ..." */
};

/* Saves h's failure in f, described as "WHAT in HANDLER" (what: "exit(3)",
 * "timeout", "SIGSEGV"); h NULL: a library destructor's, "WHAT in a library
 * destructor". */
void failure_save(struct failure *f, int kind, int value, const char *what, const struct handler *h);

/* The reports, each a line on stderr; a crash and a timeout then the
 * backtrace from where (the interrupted code), its frames named. */
void failure_report_crash(const struct handler *h, int sig, const void *where);
void failure_report_timeout(const struct handler *h, uint64_t limit_ns, const void *where);
/* A library destructor (run by the loader's _dl_fini) crashed with sig, or
 * (sig 0) ran longer than limit_ns: the same reports, naming the destructor
 * by the frame that the loader called. */
void failure_report_destructor(int sig, uint64_t limit_ns, const void *where);
/* h's code is no longer mapped: skipped, not a failure. */
void failure_report_unmapped(const struct handler *h);

#endif
