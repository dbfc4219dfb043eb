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

/* One handler's run, from its done event. */
struct step {
	long pid;
	size_t index;  /* in the file: the order within a process */
	char handler[96];
	char library[64];
	char flavour[24];
	long long duration_us;
	char outcome[24];
};

struct process {
	long pid;
	char program[96];
	char start[64];   /* "exit() status 3" */
	char end[32];     /* "status 5", "signal 11", or "?" without a final event */
	size_t first, count; /* its steps, in order (steps are grouped by process below) */
};

struct report {
	struct step *steps;
	size_t nsteps;
	struct process *procs;
	size_t nprocs;
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

static void copy(char *to, size_t size, const char *from)
{
	snprintf(to, size, "%s", from != NULL ? from : "");
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
	copy(p->end, sizeof p->end, "?");
	return p;
}

static int add_step(struct report *r, long pid, json_object *e)
{
	struct step *grown = realloc(r->steps, (r->nsteps + 1) * sizeof *grown);
	if (grown == NULL)
		return -1;
	r->steps = grown;
	struct step *s = &r->steps[r->nsteps++];
	bool has;
	*s = (struct step){ .pid = pid, .index = r->nsteps - 1, .duration_us = number(e, "duration_us", &has) };
	const char *symbol = text(e, "symbol");
	if (symbol != NULL)
		copy(s->handler, sizeof s->handler, symbol);
	else
		snprintf(s->handler, sizeof s->handler, "+%s", text(e, "offset") ? text(e, "offset") : "?");
	copy(s->library, sizeof s->library, base(text(e, "library")));
	copy(s->flavour, sizeof s->flavour, text(e, "flavour"));
	const char *outcome = text(e, "outcome");
	long long value = number(e, "status", &has);
	if (!has)
		value = number(e, "signal", &has);
	if (has)
		snprintf(s->outcome, sizeof s->outcome, "%s %lld", outcome ? outcome : "?", value);
	else
		copy(s->outcome, sizeof s->outcome, outcome);
	return 0;
}

static int take(struct report *r, json_object *e)
{
	bool has;
	long pid = (long)number(e, "pid", &has);
	const char *event = text(e, "event");
	if (!has || event == NULL)
		return -1;
	struct process *p = process(r, pid);
	if (p == NULL)
		return -1;
	if (strcmp(event, "init") == 0) {
		copy(p->program, sizeof p->program, text(e, "program"));
	} else if (strcmp(event, "exit") == 0) {
		snprintf(p->start, sizeof p->start, "%s, status %lld", text(e, "how") ? text(e, "how") : "?",
		         number(e, "status", &has));
	} else if (strcmp(event, "final") == 0) {
		long long status = number(e, "status", &has);
		if (has)
			snprintf(p->end, sizeof p->end, "status %lld", status);
		else
			snprintf(p->end, sizeof p->end, "signal %lld", number(e, "signal", &has));
	} else if (strcmp(event, "done") == 0) {
		return add_step(r, pid, e);
	}
	return 0;
}

static int by_process(const void *a, const void *b)
{
	const struct step *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int by_duration(const void *a, const void *b)
{
	const struct step *x = *(const struct step *const *)a, *y = *(const struct step *const *)b;
	if (x->duration_us != y->duration_us)
		return x->duration_us > y->duration_us ? -1 : 1;
	return by_process(x, y);
}

static void header(FILE *out)
{
	fprintf(out, "  %3s  %-28s %-20s %-22s %10s  %s\n", "#", "handler", "library", "flavour", "duration",
	        "outcome");
}

static void row(FILE *out, size_t order, const struct step *s)
{
	fprintf(out, "  %3zu  %-28s %-20s %-22s %7lld us  %s\n", order, s->handler, s->library, s->flavour,
	        s->duration_us, s->outcome);
}

static void print(struct report *r, FILE *out)
{
	/* Grouped by process, each in the order of the file. */
	if (r->nsteps > 0)
		qsort(r->steps, r->nsteps, sizeof *r->steps, by_process);
	for (size_t p = 0; p < r->nprocs; p++) {
		struct process *proc = &r->procs[p];
		fprintf(out, "process %ld (%s): %s; ended with %s\n", proc->pid,
		        proc->program[0] ? proc->program : "?", proc->start[0] ? proc->start : "no exit seen",
		        proc->end);
		size_t order = 0;
		bool any = false;
		for (size_t i = 0; i < r->nsteps; i++) {
			if (r->steps[i].pid != proc->pid)
				continue;
			if (!any)
				header(out);
			any = true;
			row(out, ++order, &r->steps[i]);
		}
		if (!any)
			fprintf(out, "  (no handler ran)\n");
		fprintf(out, "\n");
	}

	const struct step **slow = malloc((r->nsteps + 1) * sizeof(const struct step *));
	if (slow == NULL)
		return;
	for (size_t i = 0; i < r->nsteps; i++)
		slow[i] = &r->steps[i];
	qsort((void *)slow, r->nsteps, sizeof(const struct step *), by_duration);
	fprintf(out, "slowest handlers\n");
	fprintf(out, "  %8s  %-28s %-20s %10s  %s\n", "pid", "handler", "library", "duration", "outcome");
	for (size_t i = 0; i < r->nsteps && i < 10; i++)
		fprintf(out, "  %8ld  %-28s %-20s %7lld us  %s\n", slow[i]->pid, slow[i]->handler, slow[i]->library,
		        slow[i]->duration_us, slow[i]->outcome);
	free(slow);

	fprintf(out, "\nfailures\n");
	size_t failures = 0;
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct step *s = &r->steps[i];
		if (strcmp(s->outcome, "ok") == 0 || strcmp(s->outcome, "skipped") == 0)
			continue;
		fprintf(out, "  %8ld  %-28s %-20s %s\n", s->pid, s->handler, s->library, s->outcome);
		failures++;
	}
	if (failures == 0)
		fprintf(out, "  none\n");
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

int trace_report(const char *path, FILE *out)
{
	FILE *in = open_trace(path);
	if (in == NULL)
		return 1;
	struct report r = { 0 };
	int result = read_events(path, in, &r);
	fclose(in);
	if (result == 0)
		print(&r, out);
	free(r.steps);
	free(r.procs);
	return result;
}
