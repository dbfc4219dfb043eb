/* atexit-shim --report=FILE --format=chrome: a trace as a timeline, in the
 * Chrome Trace Event format (JSON, a "traceEvents" array) that Perfetto's
 * UI, chrome://tracing and speedscope open: a track a process (tid = pid),
 * each handler a complete ("X") event, registrations, failures, the exit,
 * dlclose passes and the end instant ("i") events.  The wrapper only. */
#ifndef ATEXIT_SHIM_CMD_REPORT_CHROME_H
#define ATEXIT_SHIM_CMD_REPORT_CHROME_H

#include <stdio.h>

#include "events.h"

/* 0, or -1 when out of memory. */
int trace_chrome(const struct trace_events *t, FILE *out);

#endif
