/* atexit-shim --report=FILE: a JSON Lines trace (one process or a whole
 * tree) read back and shown as tables: per process, its exit sequence;
 * across processes, the slowest handlers and every failure.  Part of the
 * wrapper only: the preload library stays free of json-c. */
#ifndef ATEXIT_SHIM_TRACE_REPORT_H
#define ATEXIT_SHIM_TRACE_REPORT_H

#include <stdio.h>

/* 0, or 1 with one line on stderr when the file cannot be read, is not a
 * regular file or a pipe, has no trace event, or has a line that is not
 * one (any longer than 4096 bytes is not). */
int trace_report(const char *path, FILE *out);

#endif
