/* The trace report: see trace_report.h. */
#define _GNU_SOURCE
#include "trace_report.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "signals.h"

/* One event of the trace, as much of it as the report uses; every string
 * is owned (NULL when the field is absent). */
enum kind { EV_INIT, EV_REGISTER, EV_UNREGISTER, EV_EXIT, EV_RUN, EV_DONE, EV_ERROR, EV_FINALIZE,
            EV_QUICK_EXIT, EV_FINAL, EV_PHASE, EV_OTHER };

struct event {
	enum kind kind;
	long pid;
	bool has_t, has_seq, has_value, has_duration;
	long long t_us, seq, value, duration_us;
	bool value_is_signal;   /* "signal" rather than "status" */
	char *name;             /* the event's own text: symbol, program, how, error, phase, library */
	char *library, *offset, *flavour, *outcome;
};

struct process {
	long pid;
	bool has_ppid, shown;
	long ppid;
	const char *program;
	const struct event *exit, *quick_exit, *final;
	long long last_t;
};

struct report {
	struct event *events;
	size_t nevents;
	struct process *procs;
	size_t nprocs;
	bool phases; /* the trace marks the exit's phases */
};

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

static const char *or(const char *s, const char *otherwise)
{
	return s != NULL && *s != '\0' ? s : otherwise;
}

static const char *base(const char *path)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;
	return slash != NULL ? slash + 1 : path != NULL ? path : "";
}

static struct process *process(struct report *r, long pid)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	struct process *grown = realloc(r->procs, (r->nprocs + 1) * sizeof *grown);
	if (grown == NULL)
		return NULL;
	r->procs = grown;
	struct process *p = &r->procs[r->nprocs++];
	*p = (struct process){ .pid = pid };
	return p;
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

static int take(struct report *r, json_object *e)
{
	bool has;
	long pid = (long)number(e, "pid", &has);
	const char *event = text(e, "event");
	if (!has || event == NULL)
		return -1;
	struct event *grown = realloc(r->events, (r->nevents + 1) * sizeof *grown);
	if (grown == NULL)
		return -1;
	r->events = grown;
	struct event *v = &r->events[r->nevents++];
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
	if (v->kind == EV_PHASE)
		r->phases = true;
	if (v->kind == EV_INIT) {
		long long ppid = number(e, "ppid", &has);
		struct process *p = process(r, pid);
		if (p != NULL && has) {
			p->has_ppid = true;
			p->ppid = (long)ppid;
		}
	}
	return 0;
}

/* After reading (the events no longer move): each process's facts. */
static int gather(struct report *r)
{
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *v = &r->events[i];
		struct process *p = process(r, v->pid);
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

static const struct process *find_process(const struct report *r, long pid)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

/* A handler as the tables name it: its symbol, else +offset (the library
 * has a column of its own). */
static void handler_name(char *buf, size_t size, const struct event *v)
{
	if (v->name != NULL)
		snprintf(buf, size, "%s", v->name);
	else
		snprintf(buf, size, "+%s", or(v->offset, "?"));
}

static void signal_text(char *buf, size_t size, long long sig)
{
	const char *name = sig > 0 && sig < INT_MAX ? signal_name((int)sig) : NULL;
	if (name != NULL)
		snprintf(buf, size, "signal %lld (SIG%s)", sig, name);
	else
		snprintf(buf, size, "signal %lld", sig);
}

static void outcome_text(char *buf, size_t size, const struct event *v)
{
	const char *outcome = or(v->outcome, "?");
	if (v->has_value)
		snprintf(buf, size, "%s %lld", outcome, v->value);
	else
		snprintf(buf, size, "%s", outcome);
}

static bool failed(const struct event *v)
{
	return v->outcome != NULL && strcmp(v->outcome, "ok") != 0 && strcmp(v->outcome, "skipped") != 0;
}

/* How the process's exit began: "exit(), status 0", "_exit(3): ...". */
static void start_text(char *buf, size_t size, const struct process *p)
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

static void end_text(char *buf, size_t size, const struct process *p)
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

static void header(FILE *out)
{
	fprintf(out, "      %3s %5s  %-28s %-20s %-22s %10s  %s\n", "#", "seq", "handler", "library", "flavour",
	        "duration", "outcome");
}

static void seq_text(char *buf, size_t size, const struct event *v)
{
	if (v->has_seq)
		snprintf(buf, size, "%lld", v->seq);
	else
		snprintf(buf, size, "?");
}

static void row(FILE *out, size_t order, const struct event *v)
{
	char name[256], seq[24], outcome[64];
	handler_name(name, sizeof name, v);
	seq_text(seq, sizeof seq, v);
	outcome_text(outcome, sizeof outcome, v);
	fprintf(out, "      %3zu %5s  %-28s %-20s %-22s %7lld us  %s\n", order, seq, name, base(v->library),
	        or(v->flavour, ""), v->duration_us, outcome);
}

/* A section of a process's handlers: a dlclose pass, the exit (or one of
 * its phases), or handlers run before any exit (atexit_shim_run). */
struct section {
	char title[512];
	size_t open_runs; /* runs under way when it began: a dlclose from a handler ends with that handler */
	size_t rows;
	bool titled;
	bool quiet; /* says nothing when no handler ran */
};

static void section_begin(struct section *s, size_t open_runs, const char *title, const char *detail)
{
	*s = (struct section){ .open_runs = open_runs };
	snprintf(s->title, sizeof s->title, "%s%s", title, detail);
}

/* An empty section still says that it happened. */
static void section_end(struct section *s, FILE *out)
{
	if (!s->titled && !s->quiet)
		fprintf(out, "    %s: no handler ran\n", s->title);
	s->titled = true;
}

static void section_row(struct section *s, FILE *out, const struct event *v)
{
	if (!s->titled) {
		fprintf(out, "    %s\n", s->title);
		header(out);
		s->titled = true;
	}
	row(out, ++s->rows, v);
}

static const char *phase_title(const char *phase)
{
	if (strcmp(phase, "program") == 0)
		return "exit, phase 1: the program's handlers";
	if (strcmp(phase, "destructors") == 0)
		return "exit, phase 2: library destructors (_dl_fini), with the handlers of their libraries";
	if (strcmp(phase, "constructors") == 0)
		return "exit, phase 3: what library constructors registered";
	return phase;
}

#define MAX_NESTING 16

/* A process's handlers, section by section, in the order they ran. */
static void print_sequence(const struct report *r, const struct process *p, FILE *out)
{
	struct section stack[MAX_NESTING];
	size_t depth = 1, open_runs = 0;
	long long running[MAX_NESTING] = { 0 }; /* the seq of each run under way */
	char start[320];
	section_begin(&stack[0], 0, "handlers run before any exit (atexit_shim_run)", "");
	stack[0].quiet = true;
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *v = &r->events[i];
		if (v->pid != p->pid)
			continue;
		switch (v->kind) {
		case EV_FINALIZE:
			/* the next dlclose at the same level ends the one before */
			while (depth > 1 && stack[depth - 1].open_runs >= open_runs)
				section_end(&stack[--depth], out);
			if (depth == MAX_NESTING)
				section_end(&stack[--depth], out);
			section_begin(&stack[depth++], open_runs, "dlclose of ", base(v->name));
			if (open_runs > 0 && open_runs <= MAX_NESTING) {
				char from[64];
				snprintf(from, sizeof from, ", from the handler seq %lld", running[open_runs - 1]);
				strncat(stack[depth - 1].title, from, sizeof stack[depth - 1].title - strlen(stack[depth - 1].title) - 1);
			}
			break;
		case EV_EXIT:
		case EV_PHASE:
			while (depth > 1)
				section_end(&stack[--depth], out);
			section_end(&stack[0], out);
			if (v->kind == EV_PHASE) {
				section_begin(&stack[0], 0, phase_title(or(v->name, "?")), "");
			} else {
				start_text(start, sizeof start, p);
				bool at_exit_call = v->name != NULL && strcmp(v->name, "_exit") == 0;
				section_begin(&stack[0], 0, at_exit_call ? "at _exit, the ATEXIT_SHIM_HANDLERS entries" : "exit: ",
				              at_exit_call ? "" : start);
				stack[0].quiet = at_exit_call; /* none ran: the process line says so */
				if (!r->phases && !at_exit_call)
					strncat(stack[0].title, " (its phases are not marked in this trace)",
					        sizeof stack[0].title - strlen(stack[0].title) - 1);
			}
			open_runs = 0;
			break;
		case EV_RUN:
			if (open_runs < MAX_NESTING)
				running[open_runs] = v->seq;
			open_runs++;
			break;
		case EV_DONE:
			if (v->outcome == NULL || strcmp(v->outcome, "skipped") != 0)
				open_runs -= open_runs > 0;
			while (depth > 1 && open_runs < stack[depth - 1].open_runs)
				section_end(&stack[--depth], out);
			section_row(&stack[depth - 1], out, v);
			break;
		default:
			break;
		}
	}
	while (depth > 0)
		section_end(&stack[--depth], out);
}

static void print_process(const struct report *r, const struct process *p, FILE *out)
{
	char start[320], end[160], parent[48] = "";
	start_text(start, sizeof start, p);
	end_text(end, sizeof end, p);
	if (p->has_ppid)
		snprintf(parent, sizeof parent, ", parent %ld", p->ppid);
	fprintf(out, "process %ld (%s)%s: %s; %s\n", p->pid, or(p->program, "?"), parent, start, end);
	print_sequence(r, p, out);
	fprintf(out, "\n");
}

static bool is_root(const struct report *r, const struct process *p)
{
	return !p->has_ppid || find_process(r, p->ppid) == NULL || p->ppid == p->pid;
}

/* The processes in tree order, parents before their children (depth
 * first, in the order of the file), into order and level (nprocs each):
 * false when out of memory. */
static bool tree_order(struct report *r, size_t *order, int *level)
{
	size_t *stack = malloc((r->nprocs + 1) * sizeof(size_t));
	int *depth = malloc((r->nprocs + 1) * sizeof(int));
	if (stack == NULL || depth == NULL) {
		free(stack);
		free(depth);
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->nprocs; i++)
		r->procs[i].shown = false;
	for (int pass = 0; pass < 2; pass++) /* roots; then any cycle of parents (impossible) */
		for (size_t i = 0; i < r->nprocs; i++) {
			if (r->procs[i].shown || (pass == 0 && !is_root(r, &r->procs[i])))
				continue;
			size_t top = 0;
			stack[top] = i;
			depth[top++] = 0;
			r->procs[i].shown = true;
			while (top > 0) {
				size_t j = stack[--top];
				order[n] = j;
				level[n++] = depth[top];
				for (size_t c = r->nprocs; c-- > 0;) { /* pushed last first: popped in file order */
					struct process *child = &r->procs[c];
					if (!child->shown && !is_root(r, child) && child->ppid == r->procs[j].pid) {
						child->shown = true;
						stack[top] = c;
						depth[top++] = level[n - 1] + 1;
					}
				}
			}
		}
	free(stack);
	free(depth);
	return true;
}

/* The tree (of more than one process), then each process's exit sequence
 * in the same order. */
static void print_processes(struct report *r, FILE *out)
{
	size_t *order = malloc((r->nprocs + 1) * sizeof(size_t));
	int *level = malloc((r->nprocs + 1) * sizeof(int));
	if (order == NULL || level == NULL || !tree_order(r, order, level)) {
		for (size_t i = 0; i < r->nprocs; i++) /* out of memory: the file's order */
			print_process(r, &r->procs[i], out);
	} else {
		if (r->nprocs > 1)
			fprintf(out, "process tree (pid program: how it exited; how it ended)\n");
		for (size_t i = 0; r->nprocs > 1 && i < r->nprocs; i++) {
			char start[320], end[160];
			const struct process *p = &r->procs[order[i]];
			start_text(start, sizeof start, p);
			end_text(end, sizeof end, p);
			fprintf(out, "  %*s%ld %s: %s; %s\n", 2 * level[i], "", p->pid, or(p->program, "?"), start, end);
		}
		if (r->nprocs > 1)
			fprintf(out, "\n");
		for (size_t i = 0; i < r->nprocs; i++)
			print_process(r, &r->procs[order[i]], out);
	}
	free(order);
	free(level);
}

static int by_duration(const void *a, const void *b)
{
	const struct event *x = *(const struct event *const *)a, *y = *(const struct event *const *)b;
	if (x->duration_us != y->duration_us)
		return x->duration_us > y->duration_us ? -1 : 1;
	return x < y ? -1 : x > y;
}

#define SLOW_US 1000

static void slow_row(FILE *out, const struct event *v)
{
	char name[256], seq[24], outcome[64];
	handler_name(name, sizeof name, v);
	seq_text(seq, sizeof seq, v);
	outcome_text(outcome, sizeof outcome, v);
	fprintf(out, "  %8ld %5s  %-28s %-20s %7lld us  %s\n", v->pid, seq, name, base(v->library), v->duration_us,
	        outcome);
}

/* The slowest, those that took 1 ms or more; the ten longest if none did. */
static void print_slowest(const struct report *r, FILE *out)
{
	const struct event **slow = malloc((r->nevents + 1) * sizeof(const struct event *));
	if (slow == NULL)
		return;
	size_t n = 0;
	for (size_t i = 0; i < r->nevents; i++)
		if (r->events[i].kind == EV_DONE && (r->events[i].outcome == NULL ||
		                                     strcmp(r->events[i].outcome, "skipped") != 0))
			slow[n++] = &r->events[i];
	qsort((void *)slow, n, sizeof(const struct event *), by_duration);
	bool any_slow = n > 0 && slow[0]->duration_us >= SLOW_US;
	fprintf(out, "slowest handlers%s\n", any_slow ? " (1 ms or more)" : n > 0 ? " (none took 1 ms or more)" : "");
	fprintf(out, "  %8s %5s  %-28s %-20s %10s  %s\n", "pid", "seq", "handler", "library", "duration", "outcome");
	for (size_t i = 0; i < n && i < 10 && (!any_slow || slow[i]->duration_us >= SLOW_US); i++)
		slow_row(out, slow[i]);
	if (n == 0)
		fprintf(out, "  none ran\n");
	free(slow);
}

static void print(struct report *r, FILE *out)
{
	print_processes(r, out);
	print_slowest(r, out);
	fprintf(out, "\nfailures\n");
	size_t failures = 0;
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *v = &r->events[i];
		if (v->kind != EV_DONE || !failed(v))
			continue;
		char name[256], seq[24], outcome[64];
		handler_name(name, sizeof name, v);
		seq_text(seq, sizeof seq, v);
		outcome_text(outcome, sizeof outcome, v);
		fprintf(out, "  %8ld %5s  %-28s %-20s %s\n", v->pid, seq, name, base(v->library), outcome);
		failures++;
	}
	if (failures == 0)
		fprintf(out, "  none\n");
}

/* --format=chrome: the Chrome Trace Event format ("traceEvents"), one
 * track a process (tid = pid). */
static json_object *chrome_event(const char *name, const char *cat, const char *ph, long pid, long long ts)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	if (cat != NULL)
		json_object_object_add(o, "cat", json_object_new_string(cat));
	json_object_object_add(o, "ph", json_object_new_string(ph));
	json_object_object_add(o, "ts", json_object_new_int64(ts));
	json_object_object_add(o, "pid", json_object_new_int64(pid));
	json_object_object_add(o, "tid", json_object_new_int64(pid));
	return o;
}

static void add_string(json_object *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_object_add(o, key, json_object_new_string(value));
}

/* A handler as a timeline names it: its symbol, else library+offset. */
static void chrome_name(char *buf, size_t size, const struct event *v)
{
	if (v->name != NULL)
		snprintf(buf, size, "%s", v->name);
	else
		snprintf(buf, size, "%s+%s", base(v->library), or(v->offset, "?"));
}

static json_object *handler_args(const struct event *v, const char *outcome)
{
	json_object *args = json_object_new_object();
	if (v->has_seq)
		json_object_object_add(args, "seq", json_object_new_int64(v->seq));
	add_string(args, "flavour", v->flavour);
	add_string(args, "outcome", outcome);
	add_string(args, "library", v->library);
	add_string(args, "offset", v->offset);
	return args;
}

static void emit(FILE *out, json_object *o, bool *first)
{
	fprintf(out, "%s%s", *first ? "\n" : ",\n",
	        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	*first = false;
	json_object_put(o);
}

static void emit_slice(FILE *out, const struct event *v, long long ts, long long dur, const char *outcome,
                       bool *first)
{
	char name[320];
	chrome_name(name, sizeof name, v);
	json_object *o = chrome_event(name, "handler", "X", v->pid, ts);
	json_object_object_add(o, "dur", json_object_new_int64(dur > 0 ? dur : 0));
	json_object_object_add(o, "args", handler_args(v, outcome));
	emit(out, o, first);
}

static void emit_instant(FILE *out, const struct event *v, const char *name, const char *cat, bool process_wide,
                         json_object *args, bool *first)
{
	json_object *o = chrome_event(name, cat, "i", v->pid, v->t_us);
	json_object_object_add(o, "s", json_object_new_string(process_wide ? "p" : "t"));
	if (args != NULL)
		json_object_object_add(o, "args", args);
	emit(out, o, first);
}

/* The run a done event ends: the newest unmatched one of its process with
 * its seq (NULL for a skipped handler, which has none). */
static struct event *run_of(struct event **open, size_t *nopen, const struct event *done)
{
	for (size_t i = *nopen; i-- > 0;)
		if (open[i]->pid == done->pid && open[i]->has_seq == done->has_seq && open[i]->seq == done->seq) {
			struct event *run = open[i];
			memmove(&open[i], &open[i + 1], (*nopen - i - 1) * sizeof(struct event *));
			--*nopen;
			return run;
		}
	return NULL;
}

static void chrome_other(FILE *out, const struct report *r, const struct event *v, bool *first)
{
	char name[400], detail[320];
	const struct process *p = find_process(r, v->pid);
	switch (v->kind) {
	case EV_REGISTER:
	case EV_UNREGISTER:
		chrome_name(detail, sizeof detail, v);
		snprintf(name, sizeof name, "%s %s", v->kind == EV_REGISTER ? "register" : "unregister", detail);
		emit_instant(out, v, name, v->kind == EV_REGISTER ? "register" : "unregister", false,
		             handler_args(v, NULL), first);
		break;
	case EV_ERROR:
		emit_instant(out, v, or(v->name, "error"), "failure", false, NULL, first);
		break;
	case EV_EXIT:
	case EV_QUICK_EXIT:
		start_text(detail, sizeof detail, p);
		snprintf(name, sizeof name, "%s", v->kind == EV_EXIT ? detail : "quick_exit");
		emit_instant(out, v, name, "exit", true, NULL, first);
		break;
	case EV_FINAL:
		end_text(detail, sizeof detail, p);
		emit_instant(out, v, detail, "exit", true, NULL, first);
		break;
	case EV_FINALIZE:
		snprintf(name, sizeof name, "dlclose of %s", or(v->name, "?"));
		emit_instant(out, v, name, "dlclose", true, NULL, first);
		break;
	case EV_PHASE:
		emit_instant(out, v, phase_title(or(v->name, "?")), "exit", true, NULL, first);
		break;
	default:
		break;
	}
}

static int print_chrome(const struct report *r, FILE *out)
{
	struct event **open = malloc((r->nevents + 1) * sizeof(struct event *));
	if (open == NULL)
		return -1;
	size_t nopen = 0;
	bool first = true;
	fprintf(out, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
	for (size_t i = 0; i < r->nprocs; i++) {
		const struct process *p = &r->procs[i];
		char name[160];
		snprintf(name, sizeof name, "%s (pid %ld)", or(p->program, "?"), p->pid);
		json_object *o = chrome_event("process_name", NULL, "M", p->pid, 0);
		json_object *args = json_object_new_object();
		json_object_object_add(args, "name", json_object_new_string(name));
		json_object_object_add(o, "args", args);
		emit(out, o, &first);
	}
	for (size_t i = 0; i < r->nevents; i++) {
		struct event *v = &r->events[i];
		if (v->kind == EV_RUN) {
			open[nopen++] = v;
		} else if (v->kind == EV_DONE) {
			const struct event *run = run_of(open, &nopen, v);
			char outcome[64];
			outcome_text(outcome, sizeof outcome, v);
			long long dur = v->has_duration ? v->duration_us : run != NULL ? v->t_us - run->t_us : 0;
			if (v->outcome != NULL && strcmp(v->outcome, "skipped") == 0) /* it never ran */
				emit_instant(out, v, "skipped", "handler", false, handler_args(v, outcome), &first);
			else /* its run event may be missing (a cut trace): the done says enough */
				emit_slice(out, v, v->t_us - dur, dur, outcome, &first);
			if (failed(v)) {
				char name[320];
				chrome_name(name, sizeof name, v);
				char what[400];
				snprintf(what, sizeof what, "failure: %s (%s)", name, outcome);
				emit_instant(out, v, what, "failure", false, handler_args(v, outcome), &first);
			}
		} else {
			chrome_other(out, r, v, &first);
		}
	}
	/* runs that never ended: up to the last event of their process */
	for (size_t i = 0; i < nopen; i++) {
		const struct process *p = find_process(r, open[i]->pid);
		emit_slice(out, open[i], open[i]->t_us, p != NULL ? p->last_t - open[i]->t_us : 0, "unfinished", &first);
	}
	fprintf(out, "\n]}\n");
	free(open);
	return 0;
}

static void release(struct report *r)
{
	for (size_t i = 0; i < r->nevents; i++) {
		struct event *v = &r->events[i];
		free(v->name);
		free(v->library);
		free(v->offset);
		free(v->flavour);
		free(v->outcome);
	}
	free(r->events);
	free(r->procs);
}

/* A trace event is one line of at most 1024 bytes (the library's struct
 * line): a longer line is not one, and reading stops there, so that a huge
 * file without newlines is refused, not swallowed. */
#define LINE_BOUND 4096

/* One line on stderr (a newline in path shown as \n); returns 1,
 * trace_report's failure. */
static int refuse(const char *path, const char *problem)
{
	char shown[PATH_MAX + 16];
	config_quote(shown, sizeof shown, path, strlen(path));
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

/* Every line of in into r: 0, or 1 with one line on stderr naming the
 * first problem.  Blank lines are skipped. */
static int read_events(const char *path, FILE *in, struct report *r)
{
	static char line[LINE_BOUND + 1];
	char problem[160];
	long number_of_line = 0, events = 0, len;
	while ((len = next_line(in, line)) != -1) {
		number_of_line++;
		if (len == -2) {
			snprintf(problem, sizeof problem, "line %ld is longer than %d bytes: not a trace event",
			         number_of_line, LINE_BOUND);
			return refuse(path, problem);
		}
		if (strspn(line, " \t\r") == (size_t)len)
			continue;
		/* a NUL inside would hide the rest of the line from the parser */
		json_object *e = memchr(line, '\0', (size_t)len) == NULL ? json_tokener_parse(line) : NULL;
		int taken = e != NULL ? take(r, e) : -1;
		json_object_put(e);
		if (taken != 0) {
			snprintf(problem, sizeof problem, "line %ld is not a JSON trace event (trace with --json)",
			         number_of_line);
			return refuse(path, problem);
		}
		events++;
	}
	if (ferror(in)) {
		snprintf(problem, sizeof problem, "cannot read it: %s", strerror(errno));
		return refuse(path, problem);
	}
	if (events == 0)
		return refuse(path, number_of_line == 0 ? "it is empty" : "no trace events in it");
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
		(void)refuse(path, problem);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(in), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		(void)refuse(path, "not a regular file or a pipe");
		fclose(in);
		return NULL;
	}
	return in;
}

int trace_report(const char *path, enum trace_report_format format, FILE *out)
{
	FILE *in = open_trace(path);
	if (in == NULL)
		return 1;
	struct report r = { 0 };
	int result = read_events(path, in, &r);
	fclose(in);
	if (result == 0 && gather(&r) != 0)
		result = refuse(path, "out of memory");
	if (result == 0 && format == TRACE_REPORT_CHROME)
		result = print_chrome(&r, out) == 0 ? 0 : refuse(path, "out of memory");
	else if (result == 0)
		print(&r, out);
	release(&r);
	return result;
}
