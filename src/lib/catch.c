/* Crash catching for the runner's passes: see catch.h. */
#define _GNU_SOURCE
#include "catch.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "libc.h"
#include "lock.h"
#include "signal_view.h"

/* The crash signals, and a spare one while passes run, if asked for. */
static int caught[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, 0 };
#define CAUGHT (sizeof caught / sizeof caught[0])
#define SPARE (CAUGHT - 1)

static bool spare_wanted;

/* Enough for a report, dladdr and libgcc's unwinder. */
#define STACK_SIZE ((size_t)64 * 1024)

/* The actions are process-wide, passes can run in several threads (an exit
 * and the C API's atexit_shim_run): the first pass in installs, the last
 * one out restores. */
static struct {
	struct lock lock;
	_Atomic(catch_judge *) judge;
	int passes;
	bool held[CAUGHT];                /* the program left it at the default */
	struct sigaction before[CAUGHT];  /* the action ours replaced */
} catching;

/* This thread's nesting of passes: only the outermost sets up a stack. */
static __thread int depth __attribute__((tls_model("initial-exec")));

static const struct sigaction *action_before(int sig)
{
	for (size_t i = 0; i < CAUGHT && caught[i] != 0; i++)
		if (caught[i] == sig)
			return &catching.before[i];
	return NULL;
}

/* Not a handler's crash: behave as without us.  The action before ours is
 * the program's default (the only one the catcher takes), or the handler of
 * ATEXIT_SHIM_SIGNALS for the same signal. */
static void pass_on(int sig, siginfo_t *info, void *context)
{
	const struct sigaction *action = action_before(sig);
	if (action == NULL)
		return;
	if (action->sa_handler != SIG_DFL) {
		action->sa_sigaction(sig, info, context);
		return;
	}
	/* The default: put it back.  A fault re-executes on return and is
	 * delivered again under it; a signal that was sent is sent again. */
	libc_sigaction(sig, action, NULL);
	if (info->si_code <= 0)
		(void)raise(sig);
}

/* The interrupted instruction, where the backtrace starts: each
 * architecture's kernel saves it in its own register slot.  Elsewhere the
 * backtrace starts at the signal handler, which is still right, only longer. */
static const void *interrupted_at(const void *context)
{
	const ucontext_t *uc = context;
	uintptr_t pc = 0;
#if defined(__x86_64__)
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
	pc = (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
#endif
	return (const void *)pc; // NOLINT(performance-no-int-to-ptr): the kernel saves it as an integer
}

static void on_signal(int sig, siginfo_t *info, void *context)
{
	int saved_errno = errno;
	catch_judge *judge = atomic_load(&catching.judge);
	if (judge == NULL || !judge(sig, info, interrupted_at(context)))
		pass_on(sig, info, context);
	errno = saved_errno;
}

void catch_spare_signal(void)
{
	spare_wanted = true;
}

int catch_spare(void)
{
	return __atomic_load_n(&caught[SPARE], __ATOMIC_RELAXED);
}

/* From SIGRTMAX-2 down: qemu-user keeps the two highest for itself, and
 * takes actions for them that it never delivers.  One the program leaves
 * unblocked first; else one it blocks with all the others (a program that
 * takes its signals from a signalfd, or blocks them all before exit): the
 * pass unblocks it in its own thread meanwhile (catch_spare_unblock). */
static int free_realtime_signal(void)
{
	sigset_t blocked;
	if (!spare_wanted || sigprocmask(SIG_BLOCK, NULL, &blocked) != 0)
		return 0;
	int fallback = 0;
	for (int sig = SIGRTMAX - 2; sig >= SIGRTMIN; sig--) {
		if (!signal_view_free(sig))
			continue;
		if (sigismember(&blocked, sig) == 0)
			return sig;
		if (fallback == 0)
			fallback = sig;
	}
	return fallback;
}

bool catch_spare_unblock(void)
{
	int sig = catch_spare();
	sigset_t blocked, just;
	if (sig == 0 || sigprocmask(SIG_BLOCK, NULL, &blocked) != 0 || sigismember(&blocked, sig) != 1)
		return false;
	sigemptyset(&just);
	sigaddset(&just, sig);
	return sigprocmask(SIG_UNBLOCK, &just, NULL) == 0;
}

void catch_spare_block_again(void)
{
	sigset_t just;
	sigemptyset(&just);
	sigaddset(&just, catch_spare());
	sigprocmask(SIG_BLOCK, &just, NULL);
}

/* A signal the program handles itself is its own business: its handler
 * runs, as natively (a runtime's fault handler recovers from the fault).
 * Only a signal that would natively end the process is a handler's crash. */
static void install(void)
{
	__atomic_store_n(&caught[SPARE], free_realtime_signal(), __ATOMIC_RELAXED);
	struct sigaction ours = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	sigemptyset(&ours.sa_mask);
	for (size_t i = 0; i < CAUGHT && caught[i] != 0; i++)
		catching.held[i] = signal_view_hold(caught[i], &ours, &catching.before[i]);
}

/* A handler may have installed an action of its own meanwhile: that stays. */
static void restore(void)
{
	for (size_t i = 0; i < CAUGHT && caught[i] != 0; i++)
		if (catching.held[i])
			signal_view_release(caught[i], &catching.before[i]);
	__atomic_store_n(&caught[SPARE], 0, __ATOMIC_RELAXED);
}

void catch_begin(struct catch_pass *pass, catch_judge *judge)
{
	int saved_errno = errno;
	atomic_store(&catching.judge, judge);
	lock_take(&catching.lock);
	if (catching.passes++ == 0)
		install();
	lock_drop(&catching.lock);

	/* A thread without an alternate stack gets one (a stack overflow must be
	 * caught too), which the program does not see; one that has its own
	 * keeps it, and the catcher's actions run on it. */
	pass->own_stack = false;
	if (depth++ == 0) {
		void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
		                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		stack_t ss = { .ss_sp = stack, .ss_size = STACK_SIZE };
		if (stack != MAP_FAILED && signal_view_hold_stack(&ss))
			pass->own_stack = true;
		else if (stack != MAP_FAILED)
			munmap(stack, STACK_SIZE);
	}
	errno = saved_errno;
}

void catch_end(struct catch_pass *pass)
{
	int saved_errno = errno;
	depth--;
	if (pass->own_stack) {
		void *ours = signal_view_release_stack();
		if (ours != NULL)
			munmap(ours, STACK_SIZE);
	}
	lock_take(&catching.lock);
	if (--catching.passes == 0)
		restore();
	lock_drop(&catching.lock);
	errno = saved_errno;
}
