/* A JSON trace read back: see events.h. */
#define _GNU_SOURCE
#include "events.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settings/settings.h"
#include "settings/signal_names.h"

static const char *text(json_object *e, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(e, key, &v) ? json_object_get_string(v) : NULL;
}

static long long number(json_object *e, const char *key, bool *present)
{
	json_object *v;
	*present = json_object_object_get_ex(e, key, &v);
	return *present ? json_object_get_int64(v) : 0;
}

static char *own(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

const char *or(const char *s, const char *otherwise)
{
	return s != NULL && *s != '\0' ? s : otherwise;
}

const char *base(const char *path)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;
	return slash != NULL ? slash + 1 : path != NULL ? path : "";
}

static struct process *process(struct trace_events *t, long pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	struct process *grown = realloc(t->procs, (t->nprocs + 1) * sizeof *grown);
	if (grown == NULL)
		return NULL;
	t->procs = grown;
	struct process *p = &t->procs[t->nprocs++];
	*p = (struct process){ .pid = pid };
	return p;
}

const struct process *find_process(const struct trace_events *t, long pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

static const struct { const char *name; enum kind kind; } kinds[] = {
	{ "init", EV_INIT }, { "register", EV_REGISTER }, { "unregister", EV_UNREGISTER },
	{ "exit", EV_EXIT }, { "run", EV_RUN }, { "done", EV_DONE }, { "error", EV_ERROR },
	{ "finalize", EV_FINALIZE }, { "quick_exit", EV_QUICK_EXIT }, { "final", EV_FINAL },
	{ "phase", EV_PHASE },
};

static enum kind kind_of(const char *event)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, event) == 0)
			return kinds[i].kind;
	return EV_OTHER; /* a newer library's event: kept out of the tables */
}

static const char *own_name(enum kind kind, json_object *e)
{
	switch (kind) {
	case EV_INIT: return text(e, "program");
	case EV_EXIT: return text(e, "how");
	case EV_ERROR: return text(e, "error");
	case EV_FINALIZE: return text(e, "library");
	case EV_PHASE: return text(e, "phase");
	default: return text(e, "symbol");
	}
}

static int take(struct trace_events *t, json_object *e)
{
	bool has;
	long pid = (long)number(e, "pid", &has);
	const char *event = text(e, "event");
	if (!has || event == NULL)
		return -1;
	struct event *grown = realloc(t->events, (t->nevents + 1) * sizeof *grown);
	if (grown == NULL)
		return -1;
	t->events = grown;
	struct event *v = &t->events[t->nevents++];
	*v = (struct event){ .kind = kind_of(event), .pid = pid };
	v->t_us = number(e, "t_us", &v->has_t);
	v->seq = number(e, "seq", &v->has_seq);
	v->duration_us = number(e, "duration_us", &v->has_duration);
	v->value = number(e, "status", &v->has_value);
	if (!v->has_value) {
		v->value = number(e, "signal", &v->has_value);
		v->value_is_signal = v->has_value;
	}
	v->name = own(own_name(v->kind, e));
	if (v->kind != EV_FINALIZE)
		v->library = own(text(e, "library"));
	v->offset = own(text(e, "offset"));
	v->flavour = own(text(e, "flavour"));
	v->outcome = own(text(e, "outcome"));
	v->object = own(text(e, "object"));
	v->object_library = own(text(e, "object_library"));
	v->object_offset = own(text(e, "object_offset"));
	v->registrar = own(text(e, "registrar"));
	if (v->kind == EV_PHASE)
		t->phases = true;
	if (v->kind == EV_INIT) {
		long long ppid = number(e, "ppid", &has);
		struct process *p = process(t, pid);
		if (p != NULL && has) {
			p->has_ppid = true;
			p->ppid = (long)ppid;
		}
	}
	return 0;
}

/* After reading (the events no longer move): each process's facts. */
static int gather(struct trace_events *t)
{
	for (size_t i = 0; i < t->nevents; i++) {
		const struct event *v = &t->events[i];
		struct process *p = process(t, v->pid);
		if (p == NULL)
			return -1;
		if (v->has_t && v->t_us > p->last_t)
			p->last_t = v->t_us;
		if (v->kind == EV_INIT)
			p->program = v->name;
		else if (v->kind == EV_EXIT && p->exit == NULL)
			p->exit = v;
		else if (v->kind == EV_QUICK_EXIT)
			p->quick_exit = v;
		else if (v->kind == EV_FINAL)
			p->final = v;
	}
	return 0;
}

static void signal_text(char *buf, size_t size, long long sig)
{
	const char *name = sig > 0 && sig < INT_MAX ? signal_name((int)sig) : NULL;
	if (name != NULL)
		snprintf(buf, size, "signal %lld (SIG%s)", sig, name);
	else
		snprintf(buf, size, "signal %lld", sig);
}

void outcome_text(char *buf, size_t size, const struct event *v)
{
	const char *outcome = or(v->outcome, "?");
	if (v->has_value)
		snprintf(buf, size, "%s %lld", outcome, v->value);
	else
		snprintf(buf, size, "%s", outcome);
}

bool failed(const struct event *v)
{
	return v->outcome != NULL && strcmp(v->outcome, "ok") != 0 && strcmp(v->outcome, "skipped") != 0;
}

/* How the process's exit began: "exit(), status 0", "_exit(3): ...". */
void start_text(char *buf, size_t size, const struct process *p)
{
	const struct event *x = p->exit;
	if (x == NULL && p->quick_exit != NULL) {
		snprintf(buf, size, "quick_exit(%lld): its exit handlers not run (at_quick_exit's run natively)",
		         p->quick_exit->value);
	} else if (x == NULL) {
		snprintf(buf, size, "no exit traced");
	} else if (x->name != NULL && strcmp(x->name, "_exit") == 0) {
		snprintf(buf, size, "_exit(%lld): ended at once, without running exit handlers", x->value);
	} else if (x->name != NULL && strcmp(x->name, "signal") == 0) {
		snprintf(buf, size, "a signal (--signals) ran the exit handlers, status %lld", x->value);
	} else {
		snprintf(buf, size, "%s, status %lld", or(x->name, "?"), x->value);
	}
}

void end_text(char *buf, size_t size, const struct process *p)
{
	const struct event *f = p->final;
	char sig[64];
	if (f == NULL) {
		snprintf(buf, size, "its end not traced (killed by a signal the shim does not handle, "
		                    "such as SIGKILL, or the trace is cut)");
	} else if (f->value_is_signal) {
		signal_text(sig, sizeof sig, f->value);
		snprintf(buf, size, "died by %s", sig);
	} else {
		snprintf(buf, size, "ended with status %lld", f->value);
	}
}

const char *phase_title(const char *phase)
{
	if (strcmp(phase, "program") == 0)
		return "exit, phase 1: the program's handlers";
	if (strcmp(phase, "destructors") == 0)
		return "exit, phase 2: library destructors (_dl_fini), with the handlers of their libraries";
	if (strcmp(phase, "constructors") == 0)
		return "exit, phase 3: what library constructors registered";
	return phase;
}

void trace_events_release(struct trace_events *t)
{
	for (size_t i = 0; i < t->nevents; i++) {
		struct event *v = &t->events[i];
		free(v->name);
		free(v->library);
		free(v->offset);
		free(v->flavour);
		free(v->outcome);
		free(v->object);
		free(v->object_library);
		free(v->object_offset);
		free(v->registrar);
		free(v->function);
		free(v->source);
		free(v->object_name);
	}
	free(t->events);
	free(t->procs);
	*t = (struct trace_events){ 0 };
}

/* A trace event is one line of at most 1024 bytes (the library's struct
 * line): a longer line is not one, and reading stops there, so that a huge
 * file without newlines is refused, not swallowed. */
#define LINE_BOUND 4096

int trace_events_refuse(const char *path, const char *problem)
{
	char shown[PATH_MAX + 16];
	settings_quote(shown, sizeof shown, path, strlen(path)); /* a newline in path shown as \n */
	fprintf(stderr, "atexit-shim: --report='%s': %s\n", shown, problem);
	return 1;
}

/* The next line, without its newline, into buf (LINE_BOUND + 1 bytes): its
 * length; -1 at the end of the file; -2 if it is longer than LINE_BOUND. */
static long next_line(FILE *in, char *buf)
{
	size_t len = 0;
	int c;
	while ((c = getc(in)) != EOF && c != '\n') {
		if (len == LINE_BOUND)
			return -2;
		buf[len++] = (char)c;
	}
	if (c == EOF && len == 0)
		return -1;
	buf[len] = '\0';
	return (long)len;
}

/* Every line of in into t: 0, or 1 with one line on stderr naming the
 * first problem.  Blank lines are skipped. */
static int read_events(const char *path, FILE *in, struct trace_events *t)
{
	static char line[LINE_BOUND + 1];
	char problem[160];
	long number_of_line = 0, events = 0, len;
	while ((len = next_line(in, line)) != -1) {
		number_of_line++;
		if (len == -2) {
			snprintf(problem, sizeof problem, "line %ld is longer than %d bytes: not a trace event",
			         number_of_line, LINE_BOUND);
			return trace_events_refuse(path, problem);
		}
		if (strspn(line, " \t\r") == (size_t)len)
			continue;
		/* a NUL inside would hide the rest of the line from the parser */
		json_object *e = memchr(line, '\0', (size_t)len) == NULL ? json_tokener_parse(line) : NULL;
		int taken = e != NULL ? take(t, e) : -1;
		json_object_put(e);
		if (taken != 0) {
			snprintf(problem, sizeof problem, "line %ld is not a JSON trace event (trace with --json)",
			         number_of_line);
			return trace_events_refuse(path, problem);
		}
		events++;
	}
	if (ferror(in)) {
		snprintf(problem, sizeof problem, "cannot read it: %s", strerror(errno));
		return trace_events_refuse(path, problem);
	}
	if (events == 0)
		return trace_events_refuse(path, number_of_line == 0 ? "it is empty" : "no trace events in it");
	return 0;
}

/* A regular file or a pipe (--report=<(zcat trace.gz)); not a directory,
 * whose reading fails, nor a device such as /dev/zero, which never ends. */
static FILE *open_trace(const char *path)
{
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		char problem[160];
		snprintf(problem, sizeof problem, "cannot read it: %s", strerror(errno));
		(void)trace_events_refuse(path, problem);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(in), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		(void)trace_events_refuse(path, "not a regular file or a pipe");
		fclose(in);
		return NULL;
	}
	return in;
}

int trace_events_read(const char *path, struct trace_events *t)
{
	*t = (struct trace_events){ 0 };
	FILE *in = open_trace(path);
	if (in == NULL)
		return 1;
	int result = read_events(path, in, t);
	fclose(in);
	if (result == 0 && gather(t) != 0)
		result = trace_events_refuse(path, "out of memory");
	return result;
}
