/* A JSON trace read back, for atexit-shim --report: its events in the order
 * of the file, its processes, and the words both views of it -- the tables
 * (report.c) and the timeline (chrome.c) -- describe them with.
 * Part of the wrapper only (json-c). */
#ifndef ATEXIT_SHIM_CMD_REPORT_EVENTS_H
#define ATEXIT_SHIM_CMD_REPORT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

enum kind { EV_INIT, EV_REGISTER, EV_UNREGISTER, EV_EXIT, EV_RUN, EV_DONE, EV_ERROR, EV_FINALIZE,
            EV_QUICK_EXIT, EV_FINAL, EV_PHASE, EV_OTHER };

/* One event, as much of it as the views use; every string is owned (NULL
 * when the field is absent). */
struct event {
	enum kind kind;
	long pid;
	bool has_t, has_seq, has_value, has_duration;
	long long t_us, seq, value, duration_us;
	bool value_is_signal;   /* "signal" rather than "status" */
	char *name;             /* the event's own text: symbol, program, how, error, phase, library */
	char *library, *offset, *flavour, *outcome;
	char *object, *object_library, *object_offset, *registrar; /* a __cxa_atexit entry's */
	/* a handler's names, offline (names.h); NULL where unknown */
	char *function;    /* its code's: "Obj::~Obj()" */
	char *source;      /* "FILE:LINE" of its code, where debug information says */
	char *object_name; /* its object's: "liba::a1" */
};

struct process {
	long pid;
	bool has_ppid, shown;
	long ppid;
	const char *program;
	const struct event *exit, *quick_exit, *final;
	long long last_t;
};

struct trace_events {
	struct event *events;
	size_t nevents;
	struct process *procs;
	size_t nprocs;
	bool phases; /* the trace marks the exit's phases */
};

/* Reads path (a regular file or a pipe) into t, and each process's facts:
 * 0, or 1 with one line on stderr when the file cannot be read, is not a
 * regular file or a pipe, has no trace event, or has a line that is not one
 * (any longer than 4096 bytes is not).  Release t either way. */
int trace_events_read(const char *path, struct trace_events *t);
void trace_events_release(struct trace_events *t);
/* One line on stderr about the trace at path; returns 1. */
int trace_events_refuse(const char *path, const char *problem);

const struct process *find_process(const struct trace_events *t, long pid);

/* Words, shared by the views. */
const char *or(const char *s, const char *otherwise); /* s, unless NULL or empty */
const char *base(const char *path);                    /* the file's name; "" for NULL */
bool failed(const struct event *v);                    /* a done event's outcome is a failure */
void outcome_text(char *buf, size_t size, const struct event *v); /* "ok", "signal 11" */
void start_text(char *buf, size_t size, const struct process *p); /* how its exit began */
void end_text(char *buf, size_t size, const struct process *p);   /* how it ended */
const char *phase_title(const char *phase);

#endif
