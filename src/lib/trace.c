/* Tracing: see trace.h.  Here the events and their lines, text or JSON;
 * where the lines go: trace_output.c; a JSON string's contents:
 * json_string.c. */
#define _GNU_SOURCE
#include "trace.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json_string.h"
#include "libc.h"
#include "line.h"
#include "settings/signal_names.h"
#include "trace_output.h"
#include "vfork_child.h"

static struct {
	bool on;
	bool json;
	long pid; /* refreshed in a forked child */
	const char *(*entry_name)(const struct handler *h); /* an environment entry's */
} trace;

uint64_t trace_now_us(void)
{
	struct timespec now;
	libc_clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
}

/* A vfork child writes nothing: it shares the trace's state with us. */
bool trace_on(void)
{
	return trace.on && !in_vfork_child();
}

void trace_name_entries(const char *(*name_of)(const struct handler *h))
{
	trace.entry_name = name_of;
}

/* A child forked without exec traces as its parent does, as itself. */
void trace_after_fork(void)
{
	trace.pid = (long)getpid();
	if (trace.on)
		trace_output_after_fork();
}

/* Room kept at the end of a JSON event while a string value is added, for
 * the fields that may follow it (the names and quotes of later strings,
 * numbers, hex offsets and addresses: about 190 bytes at most after a
 * handler's symbol) and the closing brace: a long value is cut, not the
 * object, so that the line stays valid JSON. */
#define JSON_TAIL 224

static void begin(struct line *l, const char *event)
{
	uint64_t t = trace_now_us();
	l->len = 0;
	if (trace.json) {
		line_add(l, "{\"pid\":");
		line_add_decimal(l, trace.pid);
		line_add(l, ",\"event\":\"");
		line_add(l, event);
		line_add(l, "\",\"t_us\":");
		line_add_decimal(l, (long long)t);
	} else {
		line_add(l, "atexit-shim[");
		line_add_decimal(l, trace.pid);
		line_add(l, "] ");
		line_add_decimal(l, (long long)(t / 1000000u));
		char micro[8] = { '.', 0 };
		for (int i = 6; i >= 1; i--, t /= 10)
			micro[i] = (char)('0' + t % 10);
		line_add(l, micro);
		line_add(l, " ");
		line_add(l, event);
	}
}

static void field_number(struct line *l, const char *name, long long value)
{
	line_add(l, trace.json ? ",\"" : " ");
	line_add(l, name);
	line_add(l, trace.json ? "\":" : "=");
	line_add_decimal(l, value);
}

static void field_string(struct line *l, const char *name, const char *value)
{
	if (value == NULL)
		return;
	line_add(l, trace.json ? ",\"" : " ");
	line_add(l, name);
	line_add(l, trace.json ? "\":\"" : "=");
	if (trace.json)
		json_string_add(l, value, JSON_TAIL);
	else
		line_add_escaped(l, value); /* one event, one line */
	if (trace.json)
		line_add(l, "\"");
}

static void field_hex(struct line *l, const char *name, uintptr_t value)
{
	line_add(l, trace.json ? ",\"" : " ");
	line_add(l, name);
	line_add(l, trace.json ? "\":\"" : "=");
	line_add_hex(l, value);
	if (trace.json)
		line_add(l, "\"");
}

static void end(struct line *l)
{
	if (trace.json)
		line_add(l, "}");
	trace_output_write(l);
}

/* A path as the text form shows it: its base name (the JSON form keeps
 * the whole path). */
static const char *shown_path(const char *path)
{
	if (path == NULL || trace.json)
		return path;
	const char *slash = strrchr(path, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* A __cxa_atexit entry's object: its address; in JSON also the library
 * holding it and its offset there, which --report names it from offline
 * (none for an object outside every library, on the heap). */
static void object_fields(struct line *l, const void *object)
{
	field_hex(l, "object", (uintptr_t)object);
	if (!trace.json || object == NULL)
		return;
	struct symbol where;
	symbol_of(object, &where);
	if (where.library != NULL) {
		field_string(l, "object_library", where.library);
		field_hex(l, "object_offset", where.offset);
	}
}

enum handler_event { EVENT_REGISTER, EVENT_EARLY, EVENT_RUN, EVENT_DONE };

/* A handler's fields.  JSON: all of them in every event.  Text: the
 * registration says everything; the line of a handler that ended, only what
 * names it (the flavour is in its register line). */
static void handler_fields(struct line *l, const struct handler *h, enum handler_event event)
{
	struct symbol code, registrar = { 0 };
	symbol_of((const void *)h->fn, &code);
	if (h->dso != NULL)
		symbol_of(h->dso, &registrar); /* the object holding the DSO handle registered it */
	const char *command = h->flavour == FLAVOUR_ENV && trace.entry_name != NULL ? trace.entry_name(h) : NULL;
	field_number(l, "seq", (long long)h->seq);
	if (trace.json || event != EVENT_DONE)
		field_string(l, "flavour", flavour_name(h->flavour));
	field_string(l, "symbol", command != NULL ? command : code.name);
	field_string(l, "library", shown_path(code.library));
	field_hex(l, "offset", code.offset);
	if (h->flavour == FLAVOUR_CXA) /* the argument: the object a C++ destructor destroys */
		object_fields(l, h->arg);
	/* text: only where it tells something the library does not */
	if (trace.json || (registrar.library != NULL &&
	                   (code.library == NULL || strcmp(registrar.library, code.library) != 0)))
		field_string(l, "registrar", shown_path(registrar.library));
	if (event == EVENT_EARLY) {
		if (trace.json)
			line_add(l, ",\"early\":true");
		else
			line_add(l, " early");
	}
}

int trace_share(void)
{
	return trace.on ? trace_output_share() : -1;
}

bool trace_start(const char *where, enum trace_format format, int inherited, bool quiet)
{
	int saved_errno = errno;
	trace.json = format == TRACE_JSON;
	trace.pid = (long)getpid();
	if (!trace_output_open(where, inherited, quiet)) {
		if (quiet) {
			errno = saved_errno;
			return false;
		}
		struct line l = { 0 };
		line_add(&l, "atexit-shim: ATEXIT_SHIM_TRACE='");
		line_add_escaped(&l, where);
		line_add(&l, "': cannot open it: ");
		line_add(&l, trace_output_why(errno));
		line_add(&l, "; not tracing");
		line_write(&l, STDERR_FILENO);
		errno = saved_errno;
		return false;
	}
	trace.on = true;
	struct line l;
	begin(&l, "init");
	field_number(&l, "ppid", (long long)getppid());
	field_string(&l, "program", report_program());
	end(&l);
	errno = saved_errno;
	return true;
}

void trace_register(const struct handler *h)
{
	struct line l;
	begin(&l, "register");
	handler_fields(&l, h, EVENT_REGISTER);
	end(&l);
}

void trace_register_waiting(struct registry *r, uint64_t last_seq)
{
	struct handler waiting[32];
	uint64_t after = 0;
	size_t n;
	while (after < last_seq && (n = registry_copy(r, after, waiting, sizeof waiting / sizeof *waiting)) > 0) {
		for (size_t i = 0; i < n && waiting[i].seq <= last_seq; i++) {
			struct line l;
			begin(&l, "register");
			handler_fields(&l, &waiting[i], EVENT_EARLY);
			end(&l);
		}
		after = waiting[n - 1].seq;
	}
}

void trace_unregister(const void *fn, bool any_arg, const void *arg, size_t removed)
{
	struct line l;
	begin(&l, "unregister");
	struct symbol s;
	symbol_of(fn, &s);
	field_string(&l, "symbol", s.name);
	field_string(&l, "library", shown_path(s.library));
	field_hex(&l, "offset", s.offset);
	if (!any_arg)
		field_hex(&l, "arg", (uintptr_t)arg);
	field_number(&l, "removed", (long long)removed);
	end(&l);
}

void trace_exit(int status, const char *how)
{
	struct line l;
	begin(&l, "exit");
	field_number(&l, "status", status);
	field_string(&l, "how", how);
	end(&l);
}

void trace_run(const struct handler *h)
{
	if (!trace.json)
		return; /* text: one line when it ends */
	struct line l;
	begin(&l, "run");
	handler_fields(&l, h, EVENT_RUN);
	end(&l);
}

void trace_done(const struct handler *h, uint64_t duration_us, const char *outcome, int value)
{
	struct line l;
	begin(&l, "done");
	handler_fields(&l, h, EVENT_DONE);
	field_number(&l, "duration_us", (long long)duration_us);
	field_string(&l, "outcome", outcome);
	if (strcmp(outcome, "exit") == 0 || strcmp(outcome, "timeout") == 0)
		field_number(&l, "status", value);
	else if (strcmp(outcome, "signal") == 0)
		field_number(&l, "signal", value);
	end(&l);
}

void trace_error(const char *what)
{
	struct line l;
	begin(&l, "error");
	field_string(&l, "error", what);
	end(&l);
}

void trace_finalize(const void *dso)
{
	struct line l;
	begin(&l, "finalize");
	Dl_info info;
	field_string(&l, "library", shown_path(libc_dladdr(dso, &info) != 0 ? info.dli_fname : NULL));
	end(&l);
}

void trace_phase(const char *phase)
{
	struct line l;
	begin(&l, "phase");
	field_string(&l, "phase", phase);
	end(&l);
}

void trace_final(const char *how, int value)
{
	struct line l;
	begin(&l, "final");
	field_number(&l, how, value); /* "status" or "signal" */
	end(&l);
}

void trace_signal_left(int sig, const char *why)
{
	struct line l;
	begin(&l, "signal");
	const char *name = signal_name(sig);
	char number[16];
	if (name == NULL) {
		struct line n = { 0 };
		line_add_decimal(&n, sig);
		line_copy(number, n.text, sizeof number);
		name = number;
	}
	field_string(&l, "signal", name);
	field_string(&l, "left", why);
	end(&l);
}

void trace_quick_exit(int status)
{
	struct line l;
	begin(&l, "quick_exit");
	field_number(&l, "status", status);
	end(&l);
}
