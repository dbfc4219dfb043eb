/* atexit-shim --report=FILE: a JSON Lines trace (one process or a whole
 * tree) read back (events.h), its handlers and objects named offline
 * (names.h), and shown as tables (table.h): per process, its
 * exit sequence; across processes, the slowest handlers and every failure;
 * or as a timeline (--format=chrome, chrome.h).  Part of the wrapper
 * only: the preload library stays free of json-c and libdw. */
#ifndef ATEXIT_SHIM_CMD_REPORT_REPORT_H
#define ATEXIT_SHIM_CMD_REPORT_REPORT_H

#include <stdio.h>

enum trace_report_format {
	TRACE_REPORT_TEXT,   /* tables */
	TRACE_REPORT_CHROME, /* the Chrome Trace Event format, for Perfetto, chrome://tracing, speedscope */
};

/* 0, or 1 with one line on stderr when the file cannot be read, is not a
 * regular file or a pipe, has no trace event, or has a line that is not
 * one (any longer than 4096 bytes is not). */
int trace_report(const char *path, enum trace_report_format format, FILE *out);

#endif
