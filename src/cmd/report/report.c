/* The trace report: see report.h. */
#define _GNU_SOURCE
#include "report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "chrome.h"
#include "events.h"
#include "names.h"
#include "table.h"

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

static void section_row(struct section *s, FILE *out, const struct table *table, const struct event *v)
{
	if (!s->titled) {
		fprintf(out, "    %s\n", s->title);
		table_header(out, table);
		s->titled = true;
	}
	table_row(out, table, (long)++s->rows, v);
}

#define MAX_NESTING 16

/* A process's handlers, section by section, in the order they ran. */
static void print_sequence(const struct trace_events *r, const struct process *p, const struct table *table,
                           FILE *out)
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
				/* none ran (the process line says so), or the phases that
				 * follow show the exit's handlers: no empty heading */
				stack[0].quiet = at_exit_call || r->phases;
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
			section_row(&stack[depth - 1], out, table, v);
			break;
		default:
			break;
		}
	}
	while (depth > 0)
		section_end(&stack[--depth], out);
}

static void print_process(const struct trace_events *r, const struct process *p, const struct table *table,
                          FILE *out)
{
	char start[320], end[160], parent[48] = "";
	start_text(start, sizeof start, p);
	end_text(end, sizeof end, p);
	if (p->has_ppid)
		snprintf(parent, sizeof parent, ", parent %ld", p->ppid);
	fprintf(out, "process %ld (%s)%s: %s; %s\n", p->pid, or(p->program, "?"), parent, start, end);
	print_sequence(r, p, table, out);
	fprintf(out, "\n");
}

static bool is_root(const struct trace_events *r, const struct process *p)
{
	return !p->has_ppid || find_process(r, p->ppid) == NULL || p->ppid == p->pid;
}

/* The processes in tree order, parents before their children (depth
 * first, in the order of the file), into order and level (nprocs each):
 * false when out of memory. */
static bool tree_order(struct trace_events *r, size_t *order, int *level)
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
static void print_processes(struct trace_events *r, const struct table *table, FILE *out)
{
	size_t *order = malloc((r->nprocs + 1) * sizeof(size_t));
	int *level = malloc((r->nprocs + 1) * sizeof(int));
	if (order == NULL || level == NULL || !tree_order(r, order, level)) {
		for (size_t i = 0; i < r->nprocs; i++) /* out of memory: the file's order */
			print_process(r, &r->procs[i], table, out);
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
			print_process(r, &r->procs[order[i]], table, out);
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

/* The slowest, those that took 1 ms or more; the ten longest if none did. */
static void print_slowest(const struct trace_events *r, const struct table *table, FILE *out)
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
	table_header(out, table);
	for (size_t i = 0; i < n && i < 10 && (!any_slow || slow[i]->duration_us >= SLOW_US); i++)
		table_row(out, table, slow[i]->pid, slow[i]);
	if (n == 0)
		fprintf(out, "  none ran\n");
	free(slow);
}

static void print_failures(const struct trace_events *r, const struct table *table, FILE *out)
{
	fprintf(out, "\nfailures\n");
	size_t failures = 0;
	for (size_t i = 0; i < r->nevents; i++) {
		const struct event *v = &r->events[i];
		if (v->kind != EV_DONE || !failed(v))
			continue;
		table_row(out, table, v->pid, v);
		failures++;
	}
	if (failures == 0)
		fprintf(out, "  none\n");
}

static void print(struct trace_events *r, FILE *out)
{
	struct table table = { .columns = TABLE_ORDER | TABLE_FLAVOUR | TABLE_DURATION, .indent = "       " };
	table_fit(&table, r);
	print_processes(r, &table, out);
	table.columns = TABLE_PID | TABLE_DURATION;
	table.indent = "   ";
	print_slowest(r, &table, out);
	table.columns = TABLE_PID;
	print_failures(r, &table, out);
}

int trace_report(const char *path, enum trace_report_format format, FILE *out)
{
	struct trace_events t;
	int result = trace_events_read(path, &t);
	if (result == 0)
		trace_names_resolve(&t);
	if (result == 0 && format == TRACE_REPORT_CHROME)
		result = trace_chrome(&t, out) == 0 ? 0 : trace_events_refuse(path, "out of memory");
	else if (result == 0)
		print(&t, out);
	trace_events_release(&t);
	return result;
}
