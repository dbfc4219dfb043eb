/* Names for a trace's handlers, offline, for atexit-shim --report: each
 * handler event's code and object named by the symbolizer (symbolizer.h)
 * from the file paths and offsets the trace carries, as addr2line -C -f and
 * nm -C name them, with the code's file:line where debug information says.
 * The library traces offsets only: this is where the names cost something,
 * long after the process ended.  The wrapper only. */
#ifndef ATEXIT_SHIM_CMD_REPORT_NAMES_H
#define ATEXIT_SHIM_CMD_REPORT_NAMES_H

#include "events.h"

/* Fills function, source and object_name of every register, unregister,
 * run and done event.  Where the file is gone or names nothing there: the
 * trace's own symbol (demangled) for the code, and nothing for the object
 * (the views then show where it lies).  An ATEXIT_SHIM_HANDLERS entry keeps
 * the trace's name, its command, not the library's code that runs it. */
void trace_names_resolve(struct trace_events *t);

#endif
