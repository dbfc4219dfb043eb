/* Names at failure time, the way AddressSanitizer gets them: the library
 * runs an external symbolizer -- the atexit-shim command's --symbolize mode,
 * which the wrapper names in ATEXIT_SHIM_SYMBOLIZER -- on a failure report's
 * addresses, and the report falls back to its raw form when that is not
 * possible (no variable: LD_PRELOAD set by hand; the command missing, slow
 * or failing).  Nothing here runs, or costs anything, until a handler fails.
 *
 * Called from the signal handler of the failing thread: no malloc, no lock;
 * the child is started with a raw clone (posix_spawn's file actions would
 * allocate), its environment without the shim (environment_for_command),
 * the shim's end of the socket high and close-on-exec (own_fd.h), and all of
 * it bounded in time (SYMBOLIZE_CLIENT_MS). */
#ifndef ATEXIT_SHIM_LIB_FAILURE_NAMES_H
#define ATEXIT_SHIM_LIB_FAILURE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYMBOLIZE_CLIENT_MAX 66  /* the handler, its object and a backtrace's 64 frames */
#define SYMBOLIZE_CLIENT_MS 3000 /* the whole exchange, the child's start included */

struct symbolize_request {
	const char *library; /* NULL: nothing to ask */
	uintptr_t offset;
};

/* The answers, one per request: "FUNCTION (FILE:LINE)" or "FUNCTION";
 * NULL where the symbolizer knew nothing (or nothing was asked).  Valid
 * until failure_names_done.  False (and nothing to release) if no
 * symbolizer answered: the caller writes the raw form. */
bool failure_names_ask(const struct symbolize_request *requests, size_t n, const char **answers);
void failure_names_done(void);

#endif
