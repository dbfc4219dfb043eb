/* Reports on stderr from the exit path and from signal handlers: built in a
 * fixed buffer with async-signal-safe code and written with one write(2), so
 * that a line is never torn and nothing here takes a lock or calls malloc. */
#ifndef ATEXIT_SHIM_LIB_LINE_H
#define ATEXIT_SHIM_LIB_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

struct line {
	size_t len;
	char text[1024]; /* longer lines are cut, never overrun */
};

void line_add(struct line *l, const char *s);
/* Adds a value from outside (a path, a symbol, a command) to a line that
 * must stay one line whatever the value holds: control characters and DEL
 * shown as \n, \t or \xNN, everything else as it is; NULL: "?". */
void line_add_escaped(struct line *l, const char *s);
void line_add_decimal(struct line *l, long long v);
void line_add_hex(struct line *l, uintptr_t v);
/* Nanoseconds, exactly, in the largest unit that keeps a whole part:
 * "1.5 s", "250 ms", "1.5 us", "1 ns"; "0 ns" only for 0. */
void line_add_duration(struct line *l, uint64_t ns);
/* Copies s (NULL: "?") into out, at most size - 1 bytes, NUL-terminated. */
void line_copy(char *out, const char *s, size_t size);
/* Ends the line and writes it to fd in one call. */
void line_write(struct line *l, int fd);

const char *flavour_name(enum flavour flavour);

/* The program's name (argv[0]), given at start-up; NULL until then. */
void report_name_program(const char *name);
const char *report_program(void);

/* What a handler's address is, for people: the one rule every report, trace
 * event and ATEXIT_SHIM_SKIP match uses.  Resolved with dladdr once per
 * address (a small cache), lock-free, so that a signal handler may ask too. */
struct symbol {
	const char *name;    /* an exported symbol starting exactly there; NULL if none */
	const char *library; /* the object's file (the program's name for the program); NULL if none */
	uintptr_t offset;    /* from the object's base; the address itself if none */
};
void symbol_of(const void *address, struct symbol *out);

/* "symbol in library+0xoffset (flavour, registration N)", the symbol from
 * dladdr when one starts exactly at the handler; else without it. */
void line_add_handler(struct line *l, const struct handler *h);

/* What the external symbolizer said at a failure (backtrace.h), NULL where
 * it knew nothing: the handler's code, "FUNCTION (FILE:LINE)", and a
 * __cxa_atexit entry's object, "liba::a1". */
struct handler_names {
	const char *code;
	const char *object;
};
/* With names (the symbolizer answered): "FUNCTION (FILE:LINE) for object
 * OBJECT in library+0xoffset (flavour, registration N, registered by
 * REGISTRAR)": the object of a __cxa_atexit entry (its address where the
 * symbolizer had no name), the library that registered it where that is not
 * the code's.  NULL: as line_add_handler, the raw form. */
void line_add_handler_named(struct line *l, const struct handler *h, const struct handler_names *names);

/* How the handler of an environment entry is named instead ("cmd:TEXT"),
 * NULL for any other handler: the entry as the user wrote it, not the
 * shim's function that runs it. */
void report_name_entries(const char *(*name_of)(const struct handler *h));


#endif
