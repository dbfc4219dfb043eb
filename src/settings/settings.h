/* Configuration: the ATEXIT_SHIM_* settings, parsed strictly.
 *
 * Pure: no environment access (the caller passes a lookup function), no
 * output (problems go to the caller's complaint function), no libc
 * interposition.  The library and the atexit-shim wrapper both use it, so a
 * value is valid for one exactly when it is for the other.  A bad value is
 * reported once, naming the variable, the value and what is expected, and
 * only that setting is ignored. */
#ifndef ATEXIT_SHIM_SETTINGS_SETTINGS_H
#define ATEXIT_SHIM_SETTINGS_SETTINGS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_format { TRACE_TEXT, TRACE_JSON };

struct settings {
	const char *handlers;      /* ATEXIT_SHIM_HANDLERS, every entry valid; NULL: none */
	const char *skip;          /* ATEXIT_SHIM_SKIP: comma-separated globs; NULL: none */
	bool follow;               /* ATEXIT_SHIM_FOLLOW=1 */
	const char *trace;         /* ATEXIT_SHIM_TRACE: see settings_parse_trace */
	enum trace_format format;  /* ATEXIT_SHIM_TRACE_FORMAT */
	uint64_t signals;          /* ATEXIT_SHIM_SIGNALS: bit s-1 for signal s */
	uint64_t timeout_ns;       /* ATEXIT_SHIM_TIMEOUT; 0: none */
	long root_pid;             /* ATEXIT_SHIM_ROOT_PID; 0: unset */
	int trace_fd;              /* ATEXIT_SHIM_TRACE_FD: the tree's trace, inherited; -1: none */
	const char *run_dir;       /* ATEXIT_SHIM_RUN_DIR: where cmd: commands run; NULL: unset */
	long supervisor;           /* ATEXIT_SHIM_SUPERVISOR: atexit-shim --supervise's pid; 0: none */
};

/* What the root's library sends its supervisor (ATEXIT_SHIM_SUPERVISOR, the
 * atexit-shim --supervise that is its parent) once its entries have run. */
#define SUPERVISED_SIGNAL (SIGRTMIN + 1)

/* The value of a variable, or NULL when it is unset. */
typedef const char *settings_lookup(const char *name, void *ctx);
/* One problem: "NAME='value': expected ...", without a newline; what is
 * done about it is the caller's to say. */
typedef void settings_complaint(const char *problem, void *ctx);

/* Every variable this module knows, NULL-terminated. */
extern const char *const settings_variables[];

/* Fills *s from the variables; returns how many problems were reported. */
int settings_read(struct settings *s, settings_lookup *lookup, settings_complaint *complain, void *ctx);

/* One entry of ATEXIT_SHIM_HANDLERS. */
struct handler_entry {
	enum { ENTRY_CMD, ENTRY_FN } kind;
	int line;             /* 1-based, for messages */
	const char *text;     /* the command, or the symbol */
	size_t text_len;
	const char *library;  /* fn:LIBRARY:SYMBOL; NULL otherwise */
	size_t library_len;
};

/* The next entry after *cursor (start: the variable's value), skipping blank
 * lines and comments.  Returns 1 with *e filled, 0 at the end, -1 for a bad
 * line, described in problem ("line N 'text': expected ..."); *cursor then
 * points past that line, so a caller may go on. */
int settings_next_entry(const char **cursor, struct handler_entry *e, char *problem, size_t size);

/* Parsers of single values, each false with problem filled when bad
 * ("'value': expected ..."); the wrapper uses them for its options. */
bool settings_parse_signals(const char *value, uint64_t *out, char *problem, size_t size);
bool settings_parse_timeout(const char *value, uint64_t *out_ns, char *problem, size_t size);
bool settings_parse_skip(const char *value, char *problem, size_t size);
/* ATEXIT_SHIM_TRACE: NULL (off: unset, empty or 0), "" (stderr: 1 or
 * stderr) or the path itself. */
const char *settings_parse_trace(const char *value);
/* value, shown for a one-line message: control characters (a newline in a
 * variable would split the line) as \n, \t or \xNN; cut to fit size. */
void settings_quote(char *out, size_t size, const char *value, size_t len);

/* A process id, or 0 if value is NULL or not one: a bad ATEXIT_SHIM_ROOT_PID
 * counts as unset (the process is a root, and settings_read names the value). */
long settings_parse_pid(const char *value);

#endif
