/* A handler's failure, saved and reported: see failure.h. */
#include "failure.h"

#include <unistd.h>

#include "backtrace.h"
#include "settings/copy.h"
#include "line.h"
#include "settings/signal_names.h"

void failure_save(struct failure *f, int kind, int value, const char *what, const struct handler *h)
{
	struct line l = { 0 };
	line_add(&l, what);
	line_add(&l, " in ");
	if (h != NULL)
		line_add_handler(&l, h);
	else
		line_add(&l, "a library destructor");
	size_t n = l.len < sizeof f->what - 1 ? l.len : sizeof f->what - 1;
	copy_bytes(f->what, l.text, n);
	f->what[n] = '\0';
	f->kind = kind;
	f->value = value;
}

/* The object a __cxa_atexit entry's destructor destroys, for its name in
 * a failure's report; NULL for the other flavours, whose argument is not one. */
static const void *object_of(const struct handler *h)
{
	return h->flavour == FLAVOUR_CXA ? h->arg : NULL;
}

/* A report's start, "atexit-shim: exit handler NAME", named with the
 * symbolizer's answers for h and the backtrace from where. */
static void begin_report(struct line *line, struct named_backtrace *trace, const struct handler *h,
                         const void *where)
{
	backtrace_name(where, (const void *)h->fn, object_of(h), trace);
	line_add(line, "atexit-shim: exit handler ");
	line_add_handler_named(line, h, trace->names);
}

/* The line, then the backtrace's frames. */
static void end_report(struct line *line, struct named_backtrace *trace)
{
	line_write(line, STDERR_FILENO);
	backtrace_write_named(trace);
}

void failure_report_crash(const struct handler *h, int sig, const void *where)
{
	struct named_backtrace trace;
	struct line line = { 0 };
	begin_report(&line, &trace, h, where);
	line_add(&line, " was killed by SIG");
	line_add(&line, signal_name(sig));
	line_add(&line, " (");
	line_add(&line, signal_description(sig));
	line_add(&line, "); the other handlers still run. Backtrace:");
	end_report(&line, &trace);
}

void failure_report_timeout(const struct handler *h, uint64_t limit_ns, const void *where)
{
	struct named_backtrace trace;
	struct line line = { 0 };
	begin_report(&line, &trace, h, where);
	line_add(&line, " ran longer than ");
	line_add_duration(&line, limit_ns);
	line_add(&line, " and was abandoned; the other handlers still run. It was here:");
	end_report(&line, &trace);
}

/* "FUNCTION (FILE:LINE) in LIBRARY+0xOFFSET", the destructor the loader
 * called, as the backtrace's frames are named; "" if no frame shows it. */
static void add_destructor(struct line *line, const struct named_backtrace *trace, const void *where)
{
	int frame = backtrace_loader_callee(trace);
	if (frame < 0) { /* no backtrace: where it was, at least */
		struct symbol s;
		symbol_of(where, &s);
		if (where != NULL && s.library != NULL) {
			line_add(line, " (at ");
			line_add_escaped(line, s.library);
			line_add(line, "+");
			line_add_hex(line, s.offset);
			line_add(line, ")");
		}
		return;
	}
	const char *name = trace->named ? trace->answers[2 + frame] : NULL;
	struct symbol s;
	symbol_of(trace->address[frame], &s);
	if (name == NULL)
		name = s.name;
	line_add(line, " ");
	if (name != NULL) {
		line_add_escaped(line, name);
		line_add(line, " in ");
	}
	if (s.library != NULL) {
		line_add_escaped(line, s.library);
		line_add(line, "+");
	}
	line_add_hex(line, s.offset);
}

void failure_report_destructor(int sig, uint64_t limit_ns, const void *where)
{
	struct named_backtrace trace;
	struct line line = { 0 };
	backtrace_name(where, NULL, NULL, &trace);
	line_add(&line, "atexit-shim: library destructor");
	add_destructor(&line, &trace, where);
	if (sig != 0) {
		line_add(&line, " was killed by SIG");
		line_add(&line, signal_name(sig));
		line_add(&line, " (");
		line_add(&line, signal_description(sig));
		line_add(&line, "); the library destructors left do not run. Backtrace:");
	} else {
		line_add(&line, " ran longer than ");
		line_add_duration(&line, limit_ns);
		line_add(&line, " and was abandoned; the library destructors left do not run. It was here:");
	}
	end_report(&line, &trace);
}

void failure_report_unmapped(const struct handler *h)
{
	struct line line = { 0 };
	line_add(&line, "atexit-shim: skipped ");
	line_add_handler(&line, h);
	line_add(&line, ": its code is no longer mapped");
	line_write(&line, STDERR_FILENO);
}
