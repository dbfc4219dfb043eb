/* The timeline: see chrome.h. */
#define _GNU_SOURCE
#include "chrome.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* One event of the format: "X" a slice, "i" an instant, "M" metadata. */
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

/* A handler as a timeline names it: its code's name (names.h), else
 * its library and offset; and the object it destroys, where it has one, so
 * that the destructors of one type's objects are told apart. */
static void chrome_name(char *buf, size_t size, const struct event *v)
{
	int n;
	if (v->function != NULL)
		n = snprintf(buf, size, "%s", v->function);
	else if (v->name != NULL)
		n = snprintf(buf, size, "%s", v->name);
	else
		n = snprintf(buf, size, "%s+%s", base(v->library), or(v->offset, "?"));
	if (n >= 0 && (size_t)n < size && v->object_name != NULL)
		snprintf(buf + n, size - (size_t)n, " for %s", v->object_name);
}

/* What a click on the slice shows: everything the trace and the names say. */
static json_object *handler_args(const struct event *v, const char *outcome)
{
	json_object *args = json_object_new_object();
	if (v->has_seq)
		json_object_object_add(args, "seq", json_object_new_int64(v->seq));
	add_string(args, "flavour", v->flavour);
	add_string(args, "outcome", outcome);
	add_string(args, "function", v->function);
	add_string(args, "source", v->source);
	add_string(args, "library", v->library);
	add_string(args, "offset", v->offset);
	add_string(args, "registrar", v->registrar);
	add_string(args, "object", v->object);
	add_string(args, "object_name", v->object_name);
	add_string(args, "object_library", v->object_library);
	add_string(args, "object_offset", v->object_offset);
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
	char name[1024];
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

static void chrome_other(FILE *out, const struct trace_events *t, const struct event *v, bool *first)
{
	char name[1200], detail[1024];
	const struct process *p = find_process(t, v->pid);
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

int trace_chrome(const struct trace_events *t, FILE *out)
{
	struct event **open = malloc((t->nevents + 1) * sizeof(struct event *));
	if (open == NULL)
		return -1;
	size_t nopen = 0;
	bool first = true;
	fprintf(out, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
	for (size_t i = 0; i < t->nprocs; i++) {
		const struct process *p = &t->procs[i];
		char name[160];
		snprintf(name, sizeof name, "%s (pid %ld)", or(p->program, "?"), p->pid);
		json_object *o = chrome_event("process_name", NULL, "M", p->pid, 0);
		json_object *args = json_object_new_object();
		json_object_object_add(args, "name", json_object_new_string(name));
		json_object_object_add(o, "args", args);
		emit(out, o, &first);
	}
	for (size_t i = 0; i < t->nevents; i++) {
		struct event *v = &t->events[i];
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
				char name[1024];
				chrome_name(name, sizeof name, v);
				char what[1200];
				snprintf(what, sizeof what, "failure: %s (%s)", name, outcome);
				emit_instant(out, v, what, "failure", false, handler_args(v, outcome), &first);
			}
		} else {
			chrome_other(out, t, v, &first);
		}
	}
	/* runs that never ended: up to the last event of their process */
	for (size_t i = 0; i < nopen; i++) {
		const struct process *p = find_process(t, open[i]->pid);
		emit_slice(out, open[i], open[i]->t_us, p != NULL ? p->last_t - open[i]->t_us : 0, "unfinished", &first);
	}
	fprintf(out, "\n]}\n");
	free(open);
	return 0;
}
