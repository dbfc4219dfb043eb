/* Where trace lines go: a start-up copy of stderr, or a file opened for
 * append (never through a symbolic link; created 0600), each kept as one of
 * the shim's own descriptors (own_fd.h).  A program that closes it (or
 * reuses its number) does not end the trace: the file is opened again, and
 * stderr found again where the program's fd 2 is still the same file. */
#ifndef ATEXIT_SHIM_LIB_TRACE_OUTPUT_H
#define ATEXIT_SHIM_LIB_TRACE_OUTPUT_H

#include <stdbool.h>

#include "line.h"

/* Why opening the trace failed, for a one-line message: errno's words, or
 * what ENXIO means here. */
const char *trace_output_why(int error);
/* where: "" for stderr, else a file.  False, errno set, if it cannot open;
 * never blocks (a named pipe without a reader is refused).  inherited: the
 * descriptor a tree's root shares (trace_output_share), or -1; it is used
 * if it is that file, so that a descendant that may not open it (it changed
 * user, a sandbox forbids opening files for writing, a descriptor limit
 * leaves no room) still traces.  quiet: a descendant, which says nothing
 * if the trace is lost later. */
bool trace_output_open(const char *where, int inherited, bool quiet);

/* In the root of a tree (ATEXIT_SHIM_FOLLOW): leaves the trace file's
 * descriptor open across exec for its descendants; its number, or -1 (the
 * trace is stderr, or has no descriptor). */
int trace_output_share(void);

/* In a child forked without exec. */
void trace_output_after_fork(void);

/* Writes a line where lines go, or drops it (the trace lost for good);
 * errno left as it was.  Where the descriptor table has no room for the
 * shim's own (own_fd.h), the file is opened for the line and closed. */
void trace_output_write(struct line *l);

#endif
