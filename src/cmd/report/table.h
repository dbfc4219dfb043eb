/* A handler's row in atexit-shim --report's tables, one layout for all of
 * them: columns as wide as what they hold across the whole report (within
 * a bound; a longer value overflows its row rather than being cut), those
 * that hold nothing in this trace left out (a trace without C++ objects has
 * no object column), and the unbounded source position last.  The wrapper
 * only. */
#ifndef ATEXIT_SHIM_CMD_REPORT_TABLE_H
#define ATEXIT_SHIM_CMD_REPORT_TABLE_H

#include <stdio.h>

#include "events.h"

/* The columns a table has besides seq, handler, the libraries, the object,
 * the outcome and the source. */
enum table_column {
	TABLE_ORDER = 1,    /* "#": the row's number in its section (first) */
	TABLE_PID = 2,      /* the process (first) */
	TABLE_FLAVOUR = 4,  /* how it was registered */
	TABLE_DURATION = 8, /* how long it ran */
};

struct table {
	unsigned columns; /* enum table_column */
	const char *indent;
	int handler, object, library, registrar, flavour, outcome; /* widths; 0: left out */
	int source;                                                /* 0: left out */
};

/* Widths for rows of t's done events, whose names names.h gave. */
void table_fit(struct table *table, const struct trace_events *t);
void table_header(FILE *out, const struct table *table);
/* first: the row's number or its pid, as the table's first column says. */
void table_row(FILE *out, const struct table *table, long first, const struct event *v);

#endif
