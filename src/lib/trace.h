/* Tracing (ATEXIT_SHIM_TRACE): registrations, unregistrations and the whole
 * exit sequence, one event a line, as text or JSON Lines.
 *
 * Each event is built in a fixed buffer by async-signal-safe code (events
 * are also written from the crash and watchdog handlers) and written with
 * one write(2) to a start-up copy of stderr or to a file opened for append,
 * so that a process tree can share one file without torn lines.  A
 * handler's symbol is resolved once per address, not once per event. */
#ifndef ATEXIT_SHIM_LIB_TRACE_H
#define ATEXIT_SHIM_LIB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings/settings.h"
#include "registry.h"

/* where: "" for stderr, else a file.  False (reported, unless quiet: a
 * descendant of a tree, whose root says what it could not do) if it cannot
 * open.  inherited: the tree's trace descriptor, or -1 (trace_output.h). */
bool trace_start(const char *where, enum trace_format format, int inherited, bool quiet);
/* The root of a tree: its trace descriptor for the descendants, or -1. */
int trace_share(void);
/* False in a vfork child, which shares the tracing process's memory. */
bool trace_on(void);
void trace_after_fork(void);
/* Names an ATEXIT_SHIM_HANDLERS entry ("cmd:..."), or NULL to use its symbol. */
void trace_name_entries(const char *(*name_of)(const struct handler *h));

uint64_t trace_now_us(void);

void trace_register(const struct handler *h);
/* Traces, marked early, the handlers waiting in r up to last_seq: those
 * registered before tracing started (registry_observe's result). */
void trace_register_waiting(struct registry *r, uint64_t last_seq);
void trace_unregister(const void *fn, bool any_arg, const void *arg, size_t removed);
void trace_exit(int status, const char *how);
void trace_run(const struct handler *h);
/* outcome: "ok", "skipped", "exit", "signal", "timeout", "unmapped";
 * value: the status or the signal, where there is one.  duration_us: the
 * handler's own time, up to the moment it ended or failed. */
void trace_done(const struct handler *h, uint64_t duration_us, const char *outcome, int value);
void trace_error(const char *what);
void trace_finalize(const void *dso);
/* The exit's parts: "program" (its handlers), "destructors" (the loader's
 * _dl_fini), "constructors" (what library constructors registered). */
void trace_phase(const char *phase);
void trace_final(const char *how, int value);
void trace_quick_exit(int status);
/* ATEXIT_SHIM_SIGNALS: sig is the program's (why: since when). */
void trace_signal_left(int sig, const char *why);

#endif
