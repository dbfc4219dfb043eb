/* Backtraces of a failed handler (a crash, a time limit), written from the
 * signal handler that caught it.
 *
 * The unwinder lives in libgcc_s.  glibc's backtrace() dlopens it on first
 * use, which takes the loader's lock: at a crash (in a signal handler) that
 * is unsafe, and at the start of an exit it could wait forever for a thread
 * whose dlclose waits for an exit handler.  So the unwinder is readied when
 * a pass of handlers begins, without the loader's lock when libgcc_s is
 * already loaded (C++ programs), and loaded only when this is the process's
 * only thread (then nobody else can hold the lock).  Otherwise the report
 * says why it has no backtrace. */
#ifndef ATEXIT_SHIM_LIB_BACKTRACE_H
#define ATEXIT_SHIM_LIB_BACKTRACE_H

#include <stdbool.h>

#include "line.h"

/* Before a pass of handlers that may fail: cheap once it has succeeded. */
void backtrace_prepare(void);


/* A failed handler's report, async-signal-safe once prepared (unprepared,
 * it finds an unwinder that is loaded already, with dl_iterate_phdr as the
 * unwinder itself does, and never loads one): the calling
 * thread's stack, one frame a line on stderr, from the frame at address from
 * if it is on the stack (a signal's faulting instruction), without the
 * shim's own frames (those of libatexit-shim.so: the runner above the
 * handler, the signal handling below the fault), and names for the handler
 * and each frame from the external symbolizer (failure_names.h) when it
 * answers.  In the signal handler, in this order:
 *   backtrace_name(from, handler's address, its object or NULL, &t);
 *   the report's line, naming the handler with t.names (see line.h's
 *   line_add_handler_named; NULL when the symbolizer did not answer);
 *   backtrace_write_named(&t): the frames, then the names are released. */
struct named_backtrace {
	void *address[64];
	int count;      /* -1: no unwinder (backtrace_write_named says why) */
	bool named;     /* the symbolizer answered */
	const char *answers[66]; /* [0] the handler, [1] its object, [2 + i] frame i; NULL: unknown */
	struct handler_names handler; /* answers[0] and [1] */
	const struct handler_names *names; /* &handler if named, else NULL: the raw form */
};
void backtrace_name(const void *from, const void *handler, const void *object, struct named_backtrace *t);
void backtrace_write_named(struct named_backtrace *t);

/* The frame of t that the dynamic loader called (a library destructor,
 * from _dl_fini): the one just inside the first of the loader's frames;
 * -1 if none is there.  handler may be NULL in backtrace_name. */
int backtrace_loader_callee(const struct named_backtrace *t);

#endif
