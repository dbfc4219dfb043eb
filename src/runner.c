/* The runner's semantics: see runner.h. */
#define _GNU_SOURCE
#include "runner.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "dso_span.h"

struct registry shim_registry;

/* One pass over the registry.  Passes nest: a handler can dlclose a library,
 * whose handlers then run inside it. */
struct run {
	struct run *outer;
	bool catches_exit;  /* a pass of this thread's exit: a handler's exit() lands in resume */
	jmp_buf resume;
};

static __thread struct run *current_run __attribute__((tls_model("initial-exec")));

static struct {
	atomic_uintptr_t owner; /* the thread running the exit; never released */
	int status;             /* the status the process will end with, so far */
} exiting;

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
 * here for good, and the first one's _exit ends it with the process. */
static void hold_exit(void)
{
	uintptr_t owner = 0;
	if (atomic_compare_exchange_strong(&exiting.owner, &owner, self()) || owner == self())
		return;
	for (;;)
		pause();
}

void runner_enter_exit(int status)
{
	hold_exit();
	exiting.status = status;
	struct run *run = current_run;
	if (run != NULL && run->catches_exit)
		longjmp(run->resume, 1);
}

static void call(const struct handler *h, int status)
{
	if (h->flavour == FLAVOUR_ON_EXIT)
		((void (*)(int, void *))h->fn)(status, h->arg);
	else /* glibc passes the status to cxa handlers as a hidden argument */
		((void (*)(void *, int))h->fn)(h->arg, status);
}

/* Both kinds of pass below take their first handler before anything else:
 * most passes (a library without handlers, a program without any) have
 * nothing to run, and then need no catching set up. */
static void begin_pass(struct run *run, bool catches_exit)
{
	run->outer = current_run;
	run->catches_exit = catches_exit;
	current_run = run;
}

static void end_pass(struct run *run)
{
	current_run = run->outer;
}

int runner_run_exit(int status, uint64_t min_seq)
{
	runner_enter_exit(status);
	struct handler h;
	if (!registry_pop(&shim_registry, min_seq, &h))
		return exiting.status;
	struct run run;
	begin_pass(&run, true);
	/* A handler's exit() comes back here, its status saved; go on with the next. */
	if (setjmp(run.resume) == 0)
		call(&h, exiting.status);
	while (registry_pop(&shim_registry, min_seq, &h))
		call(&h, exiting.status);
	end_pass(&run);
	return exiting.status;
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

void runner_finalize(void *dso)
{
	struct finalize_scope scope = { .dso = dso };
	bool in_exit = exiting_here();
	/* At exit nothing is unmapped: library destructors keep their native
	 * order.  At a dlclose, code registered without the library's handle
	 * (on_exit, a NULL handle) must run now or never (FreeBSD's rule). */
	if (dso != NULL && !in_exit)
		dso_span_find(dso, &scope.span);

	struct handler h;
	if (!registry_take(&shim_registry, in_scope, &scope, &h))
		return;
	struct run run;
	begin_pass(&run, in_exit);
	if (setjmp(run.resume) == 0)
		call(&h, 0);
	while (registry_take(&shim_registry, in_scope, &scope, &h))
		call(&h, 0);
	end_pass(&run);
}

void runner_fork_child(void)
{
	/* A thread that was exiting is gone; this one may exit in its turn. */
	if (!exiting_here())
		atomic_store(&exiting.owner, 0);
	registry_fork_child(&shim_registry);
}
