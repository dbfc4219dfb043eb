/* The runner's semantics: see runner.h.  What a failure leaves, its record
 * and its report on stderr: failure.c. */
#define _GNU_SOURCE
#include "runner.h"

#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "backtrace.h"
#include "catch.h"
#include "libc.h"
#include "dso_span.h"
#include "line.h"
#include "failure.h"
#include "settings/signal_names.h"
#include "trace.h"
#include "vfork_child.h"
#include "watchdog.h"

/* The kernel's 16 random bytes for this process, for the registry's secret. */
static const unsigned char *process_random(void)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): getauxval returns the address as an integer */
	return (const unsigned char *)libc_getauxval(AT_RANDOM);
}

struct registry shim_registry = { .random16 = process_random };

/* One pass over the registry.  Passes nest: a handler can dlclose a library,
 * whose handlers then run inside it. */
struct run {
	struct run *outer;
	bool catches_exit;             /* a handler's exit() fails the handler, not the process */
	bool catches_crashes;          /* and so does a crash, or running too long */
	bool owns_watchdog;            /* this pass made the thread's timer */
	bool unblocked_spare;          /* and unblocked its signal, which the program blocks */
	int *status;                   /* what handlers are given */
	struct failure *failure;       /* where failures are saved */
	const struct handler *handler; /* the one being run (the pass's own variable) */
	uint64_t started_us;           /* when it started, when tracing */
	struct watchdog_outer timed;   /* the timed handler this pass runs inside, if any */
	struct catch_pass catch;
	sigjmp_buf resume;             /* where a failed handler's pass goes on */
};

static __thread struct run *current_run __attribute__((tls_model("initial-exec")));

static struct {
	atomic_uintptr_t owner; /* the thread running the exit; never released */
	int status;             /* the status the process will end with, so far */
	struct failure failure; /* the last failure of the exit sequence */
	atomic_int by_signal;   /* ATEXIT_SHIM_SIGNALS: the signal the exit is for */
} exiting;

static int no_status; /* what __cxa_finalize and atexit_shim_run give handlers: 0 */
static atomic_bool libraries_finalizing; /* the loader's _dl_fini is running */

static bool crash_catching = true;
static bool handlers_caught; /* a pass of handlers has caught crashes in this process */
static void (*after_failure)(void); /* runner_on_failure */

void runner_on_failure(void (*hook)(void))
{
	after_failure = hook;
}

static void (*after_entries)(void); /* runner_on_entries_done */

void runner_on_entries_done(void (*hook)(void))
{
	after_entries = hook;
}

static void entries_done(void)
{
	if (after_entries != NULL)
		after_entries();
}

/* Where a failed handler's pass goes on: its timer stopped, and what it
 * left running ended. */
static void resume(struct run *run)
{
	watchdog_disarm(&run->timed);
	if (after_failure != NULL)
		after_failure();
}
static const char *skip_globs; /* ATEXIT_SHIM_SKIP */

void runner_behave_natively(void)
{
	crash_catching = false;
}

void runner_set_skip(const char *globs)
{
	skip_globs = globs;
}

void runner_set_timeout(uint64_t ns)
{
	watchdog_set_limit(ns);
	catch_spare_signal();
}

/* The running handler's time so far, when tracing. */
static uint64_t time_taken(const struct run *run)
{
	return run->started_us != 0 ? trace_now_us() - run->started_us : 0;
}

/* Records the running handler's failure with a one-line description, and
 * traces it; async-signal-safe.  outcome: as trace_done's; took: the
 * handler's time, taken when it failed (not counting the report). */
static void fail(struct run *run, int kind, int value, const char *what, const char *outcome, uint64_t took)
{
	failure_save(run->failure, kind, value, what, run->handler);
	if (trace_on()) {
		trace_done(run->handler, took, outcome, value);
		trace_error(run->failure->what);
	}
}

void runner_describe_failure(char *buf, size_t size)
{
	const struct failure *f = current_run != NULL ? current_run->failure : &exiting.failure;
	snprintf(buf, size, "%s", f->kind == FAILURE_NONE ? "" : f->what);
}

int runner_ending_signal(void)
{
	int sig = atomic_load(&exiting.by_signal);
	const struct failure *f = current_run != NULL ? current_run->failure : &exiting.failure;
	return sig != 0 ? sig : f->kind == FAILURE_SIGNAL ? f->value : 0;
}

/* A thread's identity: the address of its own copy of current_run.  Unlike
 * pthread_self() it costs no call (and no symbol binding at start-up), and
 * like it, it is kept by the child of a fork. */
static uintptr_t self(void)
{
	return (uintptr_t)&current_run;
}

static bool exiting_here(void)
{
	return atomic_load_explicit(&exiting.owner, memory_order_acquire) == self();
}

/* Takes the never-released exit lock; a second thread to call exit() blocks
 * here for good, and the first one's _exit ends it with the process.
 * True for the call that starts the exit. */
static bool hold_exit(void)
{
	uintptr_t owner = 0;
	if (atomic_compare_exchange_strong(&exiting.owner, &owner, self()))
		return true;
	if (owner == self())
		return false;
	for (;;)
		pause();
}

/* how: what started the exit, for the trace. */
static void enter_exit(int status, const char *how)
{
	struct run *run = current_run;
	if (run != NULL && run->catches_exit) {
		/* SystemExit: saved without a word, and the pass goes on. */
		if (run->status == &exiting.status)
			exiting.status = status;
		char what[32];
		snprintf(what, sizeof what, "exit(%d)", status);
		fail(run, FAILURE_EXIT, status, what, "exit", time_taken(run));
		siglongjmp(run->resume, 1);
	}
	/* A vfork child's exit is not ours: it runs the program's handlers
	 * there, as natively, and leaves the lock, the trace and the start of
	 * the exit to this process (whose state it shares, and resets here). */
	if (!in_vfork_child() && hold_exit()) {
		exiting.failure.kind = FAILURE_NONE;
		if (trace_on())
			trace_exit(status, atomic_load(&exiting.by_signal) != 0 ? "signal" : how);
	}
	exiting.status = status;
}

void runner_enter_exit(int status)
{
	enter_exit(status, "exit()");
}

/* kill(), sigqueue() or tgkill() from another process (si_code <= 0 is a
 * sender's, > 0 the kernel's): never a handler's crash, whoever can signal
 * the process must not be able to start its failure path.  It takes effect
 * as natively.  A timer's signal (SI_TIMER) names no sender. */
static bool sent_from_outside(const siginfo_t *info)
{
	return info->si_code <= 0 && info->si_code != SI_TIMER && info->si_pid != libc_getpid();
}

/* A library destructor crashed (sig) or ran out of time (0): reported and
 * saved as a handler's failure is; the loader's _dl_fini is left where it
 * is, so the library destructors after it do not run. */
static _Noreturn void destructor_failed(struct run *run, int sig, const void *where)
{
	failure_report_destructor(sig, watchdog_limit(), where);
	char what[16] = "timeout";
	if (sig != 0) {
		line_copy(what, "SIG", sizeof what);
		line_copy(what + 3, signal_name(sig), sizeof what - 3);
	} else {
		exiting.status = 124;
	}
	failure_save(run->failure, sig != 0 ? FAILURE_SIGNAL : FAILURE_EXIT, sig != 0 ? sig : 124, what, NULL);
	if (trace_on())
		trace_error(run->failure->what);
	siglongjmp(run->resume, 1);
}

/* catch.c's judge: whether a signal is a handler's failure (see catch.h). */
static bool crashed(int sig, const siginfo_t *info, const void *where)
{
	struct run *run = current_run;
	if (run == NULL || !run->catches_crashes) /* not in a pass that catches */
		return false;
	if (sent_from_outside(info))
		return false;
	bool timer = sig == watchdog_signal(); /* 0 when this thread has no timer: never a signal */
	if (timer && info->si_code != SI_TIMER) /* the same number, raised by the program */
		return false;
	if (timer && !watchdog_expired())
		return true; /* late, from a handler that has finished: nothing to do */
	/* The handler's time ends here: the report's (a backtrace, the
	 * symbolizer) is the shim's, and must not run into the time limit. */
	uint64_t took = time_taken(run);
	watchdog_hold();
	if (run->handler == NULL) /* the library destructors' pass */
		destructor_failed(run, timer ? 0 : sig, where);
	if (timer) {
		failure_report_timeout(run->handler, watchdog_limit(), where);
		if (run->status == &exiting.status)
			exiting.status = 124;
		fail(run, FAILURE_EXIT, 124, "timeout", "timeout", took);
	} else if (sig == SIGSEGV && info->si_addr == (void *)run->handler->fn) {
		/* A fault at the very address called: its code is gone (unmapped
		 * JIT memory, a library unloaded behind the loader's back). */
		failure_report_unmapped(run->handler);
		if (trace_on())
			trace_done(run->handler, took, "unmapped", 0);
	} else {
		failure_report_crash(run->handler, sig, where);
		char what[16] = "SIG";
		line_copy(what + 3, signal_name(sig), sizeof what - 3);
		fail(run, FAILURE_SIGNAL, sig, what, "signal", took);
	}
	siglongjmp(run->resume, 1);
}

static void call(const struct handler *h, int status)
{
	if (h->flavour == FLAVOUR_ON_EXIT)
		((void (*)(int, void *))h->fn)(status, h->arg);
	else /* glibc passes the status to cxa handlers as a hidden argument */
		((void (*)(void *, int))h->fn)(h->arg, status);
}

/* Once: the program uses every real-time signal (or blocks them). */
static void say_no_signal_free(void)
{
	static atomic_bool said;
	if (atomic_exchange(&said, true))
		return;
	struct line line = { 0 };
	line_add(&line, "atexit-shim: every real-time signal is in use by the program: "
	                "the handlers run without ATEXIT_SHIM_TIMEOUT's limit");
	line_write(&line, STDERR_FILENO);
}

/* Every pass takes its first handler before calling this: most passes (a
 * library without handlers, a program without any) have nothing to run and
 * then need nothing set up. */
static void begin_pass(struct run *run, const struct handler *first, bool catches_exit,
                       int *status, struct failure *failure)
{
	bool catches_crashes = catches_exit && crash_catching;
	/* Never in a signal handler.  The library destructors' pass takes the
	 * unwinder only if it is loaded by the time of a failure: loading it
	 * costs an exit more than all the rest. */
	if (catches_crashes && first != NULL) {
		backtrace_prepare();
		handlers_caught = true;
	}
	run->outer = current_run;
	run->catches_exit = catches_exit;
	run->catches_crashes = catches_crashes;
	run->status = status;
	run->failure = failure;
	run->handler = first;
	run->started_us = 0;
	run->timed.armed = false;
	if (catches_crashes)
		catch_begin(&run->catch, crashed);
	bool timed = catches_crashes && watchdog_limit() != 0;
	run->owns_watchdog = timed && watchdog_begin(catch_spare());
	run->unblocked_spare = run->owns_watchdog && catch_spare_unblock();
	if (timed && catch_spare() == 0)
		say_no_signal_free();
	current_run = run;
}

static void end_pass(struct run *run)
{
	current_run = run->outer;
	if (run->unblocked_spare)
		catch_spare_block_again();
	if (run->owns_watchdog)
		watchdog_end();
	if (run->catches_crashes)
		catch_end(&run->catch);
}

/* ATEXIT_SHIM_SKIP: a handler whose exported symbol matches a glob. */
static bool skipped(const struct handler *h)
{
	struct symbol s;
	symbol_of((const void *)h->fn, &s);
	if (s.name == NULL)
		return false;
	for (const char *p = skip_globs; *p != '\0';) {
		char glob[256];
		size_t len = strcspn(p, ",");
		snprintf(glob, sizeof glob, "%.*s", (int)len, p);
		if (fnmatch(glob, s.name, 0) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* A call with the settings that need care: SKIP, the time limit, tracing. */
static void call_carefully(struct run *run, const struct handler *h, int status)
{
	if (skip_globs != NULL && skipped(h)) {
		if (trace_on())
			trace_done(h, 0, "skipped", 0);
		return;
	}
	if (trace_on()) {
		trace_run(h);
		run->started_us = trace_now_us();
	}
	run->timed.armed = false;
	if (run->catches_crashes)
		watchdog_arm(&run->timed, (unsigned long long)h->seq);
	call(h, status);
	watchdog_disarm(&run->timed);
	if (trace_on())
		trace_done(h, time_taken(run), "ok", 0);
}

/* Whether a pass needs call_carefully, decided once a pass so that the
 * common loop stays lean. */
static bool careful(const struct run *run)
{
	return skip_globs != NULL || trace_on() || (run->catches_crashes && watchdog_limit() != 0);
}

/* The newest handlers, down to min_seq: exit passes and atexit_shim_run(). */
static void pop_pass(struct run *run, uint64_t min_seq, int *status, struct failure *failure)
{
	struct handler h;
	if (!registry_pop(&shim_registry, min_seq, &h))
		return;
	begin_pass(run, &h, true, status, failure);
	/* A failed handler's pass comes back here and goes on with the next. */
	if (sigsetjmp(run->resume, 1) == 0)
		call_carefully(run, &h, *status);
	else
		resume(run);
	if (!careful(run))
		while (registry_pop(&shim_registry, min_seq, &h))
			call(&h, *status);
	else
		while (registry_pop(&shim_registry, min_seq, &h))
			call_carefully(run, &h, *status);
	end_pass(run);
}

static bool from_environment(const struct handler *h, const void *ctx)
{
	(void)ctx;
	return h->flavour == FLAVOUR_ENV;
}

/* A vfork child's pass: the program's handlers from min_seq on (ctx),
 * not the environment's, which are this process's (contract: never in a
 * vfork child) and stay for its own exit. */
static bool the_programs_since(const struct handler *h, const void *ctx)
{
	return h->seq >= *(const uint64_t *)ctx && h->flavour != FLAVOUR_ENV;
}

static void take_pass(struct run *run, handler_filter *wanted, const void *ctx, bool catches_exit,
                      int *status, struct failure *failure);

int runner_run_exit(int status, uint64_t min_seq, const char *phase)
{
	/* From glibc's own exit: main returned (or error(), errx()...) */
	enter_exit(status, "return from main");
	if (phase != NULL && trace_on())
		trace_phase(phase);
	struct run run;
	if (in_vfork_child())
		take_pass(&run, the_programs_since, &min_seq, true, &exiting.status, &exiting.failure);
	else
		pop_pass(&run, min_seq, &exiting.status, &exiting.failure);
	return exiting.status;
}

/* flush: false at _exit, which natively leaves stdio's buffers unwritten. */
static _Noreturn void die_by(int sig, bool flush)
{
	if (trace_on())
		trace_final("signal", sig);
	if (flush)
		(void)fflush(NULL); /* glibc would flush only after this: no output is lost */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	libc_sigaction(sig, &dfl, NULL);
	sigset_t just;
	sigemptyset(&just);
	sigaddset(&just, sig);
	sigprocmask(SIG_UNBLOCK, &just, NULL);
	(void)raise(sig);
	/* Unreachable for the five signals caught, but die_by must not return. */
	// cppcheck-suppress unreachableCode
	libc_exit_now(128 + sig);
}

void runner_finish_exit(int status)
{
	/* The signal the exit was for, now that the handlers have run: asked to
	 * end by it, the process ends by it, whatever a handler did meanwhile
	 * (its failure was reported); a parent waiting with a time limit sees
	 * its own signal. */
	entries_done();
	int sig = atomic_load(&exiting.by_signal);
	if (sig != 0)
		die_by(sig, true);
	if (exiting.failure.kind == FAILURE_SIGNAL)
		die_by(exiting.failure.value, true);
	if (trace_on())
		trace_final("status", status);
}

bool runner_exit_by_signal(int sig)
{
	int none = 0;
	/* A second signal of the set while the exit for the first runs: the
	 * process ends by it at once, as natively (Ctrl-C pressed twice). */
	if (!atomic_compare_exchange_strong(&exiting.by_signal, &none, sig))
		die_by(sig, false);
	/* Already exiting: the exit will end by the signal when it is done. */
	return atomic_load(&exiting.owner) == 0;
}

int runner_run_now(void)
{
	struct failure failure = { .kind = FAILURE_NONE };
	struct run run;
	pop_pass(&run, 0, &no_status, &failure);
	switch (failure.kind) {
	case FAILURE_EXIT:
		return failure.value;
	case FAILURE_SIGNAL:
		return 128 + failure.value;
	case FAILURE_NONE:
		break;
	}
	return 0;
}

struct finalize_scope {
	void *dso;
	struct dso_span span; /* empty unless a dlclose unmaps code */
};

static bool in_scope(const struct handler *h, const void *ctx)
{
	const struct finalize_scope *scope = ctx;
	if (scope->dso == NULL) /* __cxa_finalize(NULL): every cxa handler, as glibc */
		return h->flavour != FLAVOUR_ON_EXIT;
	return h->dso == scope->dso || dso_span_contains(&scope->span, (const void *)h->fn);
}

/* The newest handlers that wanted() selects, whatever their seq: a
 * dlclose's, and the environment's at _exit. */
static void take_pass(struct run *run, handler_filter *wanted, const void *ctx, bool catches_exit,
                      int *status, struct failure *failure)
{
	struct handler h;
	if (!registry_take(&shim_registry, wanted, ctx, &h))
		return;
	begin_pass(run, &h, catches_exit, status, failure);
	if (sigsetjmp(run->resume, 1) == 0)
		call_carefully(run, &h, *status);
	else
		resume(run);
	while (registry_take(&shim_registry, wanted, ctx, &h))
		call_carefully(run, &h, *status);
	end_pass(run);
}

void runner_finalize(void *dso)
{
	struct finalize_scope scope = { .dso = dso };
	/* While _dl_fini runs nothing is unmapped: library destructors keep
	 * their native order.  At a dlclose (a handler's, during the exit, too),
	 * code registered without the library's handle (on_exit, a NULL handle)
	 * must run now or never (FreeBSD's rule). */
	if (dso != NULL && !atomic_load(&libraries_finalizing)) {
		dso_span_find(dso, &scope.span);
		if (trace_on())
			trace_finalize(dso);
	}
	/* A library's destructors end with its __cxa_finalize: the next
	 * library's get the whole limit again. */
	if (atomic_load(&libraries_finalizing) && exiting_here())
		watchdog_restart();
	/* During the exit, a library's handlers fail as any other: caught and
	 * saved.  At a plain dlclose the process is not ending: natively. */
	struct run run;
	take_pass(&run, in_scope, &scope, exiting_here(), &no_status, &exiting.failure);
}

int runner_run_destructors(void (*loader_fini)(void))
{
	atomic_store(&libraries_finalizing, true);
	/* Catching costs its first use some 6,000 instructions of symbol
	 * binding (sigaction, the alternate stack, sigsetjmp): paid already
	 * where handlers ran, asked for with a time limit, and not made every
	 * other exit's (/bin/true's) price: there destructors run as natively. */
	if (!handlers_caught && watchdog_limit() == 0) {
		loader_fini();
		atomic_store(&libraries_finalizing, false);
		return exiting.status;
	}
	struct run run;
	begin_pass(&run, NULL, true, &exiting.status, &exiting.failure);
	/* Not a handler: a destructor's exit() is glibc's nested exit (anchor.h),
	 * only a crash or the time limit is caught. */
	run.catches_exit = false;
	if (sigsetjmp(run.resume, 1) == 0) {
		if (run.catches_crashes)
			watchdog_arm(&run.timed, 0);
		loader_fini();
		watchdog_disarm(&run.timed);
	} else {
		resume(&run);
	}
	end_pass(&run);
	atomic_store(&libraries_finalizing, false);
	return exiting.status;
}

void runner_exit_now(int status, bool run_environment, const char *how)
{
	uintptr_t owner = atomic_load(&exiting.owner);
	if (owner != 0 && owner != self()) /* another thread's exit: ends here, as natively */
		libc_exit_now(status);
	bool traced = trace_on();
	if (traced && how != NULL)
		trace_exit(status, how);
	if (run_environment) {
		(void)hold_exit(); /* a concurrent exit() waits for this end */
		struct failure failure = { .kind = FAILURE_NONE };
		struct run run;
		take_pass(&run, from_environment, NULL, true, &status, &failure);
		entries_done();
		if (failure.kind == FAILURE_EXIT)
			status = failure.value;
		else if (failure.kind == FAILURE_SIGNAL)
			die_by(failure.value, false);
	}
	if (traced)
		trace_final("status", status);
	libc_exit_now(status);
}

void runner_fork_child(void)
{
	/* A thread that was exiting is gone; this one may exit in its turn. */
	if (!exiting_here())
		atomic_store(&exiting.owner, 0);
	registry_fork_child(&shim_registry);
}
