/* The time limit's backstop: see watchdog_backstop.h. */
#define _GNU_SOURCE
#include "watchdog_backstop.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libc.h"
#include "line.h"
#include "sandboxed.h"

/* What the process tells its helper, in a page both map. */
struct shared {
	atomic_uint generation; /* changes at every start and end of a timing */
	atomic_int timing;      /* a handler is being timed now */
	atomic_int done;        /* the helper is to end */
	pid_t tid;              /* the thread whose handler is timed */
	int signal;             /* the timer's signal, pending there once it fired */
	unsigned long long what; /* the handler's registration number */
	uint64_t limit_ns;
};

static struct shared *page;
static pid_t helper;

static uint64_t now_ns(void)
{
	struct timespec t;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void pause_ms(long ms)
{
	struct timespec t = { 0, ms * 1000000L };
	syscall(SYS_nanosleep, &t, NULL);
}

/* The stuck thread's signal mask, less the timer's signal, through ptrace:
 * the pending signal is then delivered and the handler abandoned there as
 * any other (report, backtrace, status 124). */
static bool unblock_in(pid_t parent, pid_t tid, int sig)
{
	if (syscall(SYS_ptrace, PTRACE_SEIZE, tid, 0, 0) != 0)
		return false;
	bool done = false;
	int status;
	if (syscall(SYS_ptrace, PTRACE_INTERRUPT, tid, 0, 0) == 0 &&
	    syscall(SYS_wait4, tid, &status, __WALL, NULL) == tid) {
		uint64_t mask; /* the kernel's sigset_t: 64 bits */
		if (syscall(SYS_ptrace, PTRACE_GETSIGMASK, tid, sizeof mask, &mask) == 0) {
			mask &= ~(UINT64_C(1) << (sig - 1));
			done = syscall(SYS_ptrace, PTRACE_SETSIGMASK, tid, sizeof mask, &mask) == 0;
		}
	}
	syscall(SYS_ptrace, PTRACE_DETACH, tid, 0, 0);
	(void)parent;
	return done;
}

static void give_up(pid_t parent, const struct shared *s)
{
	struct line l = { 0 };
	line_add(&l, "atexit-shim: exit handler (registration ");
	line_add_decimal(&l, (long long)s->what);
	line_add(&l, ") ran longer than ");
	line_add_duration(&l, s->limit_ns);
	line_add(&l, " with the time limit's signal blocked, and could not be stopped; ending the process (SIGKILL)");
	line_write(&l, STDERR_FILENO);
	syscall(SYS_kill, parent, SIGKILL);
}

/* The helper: a copy of the process with nothing but stderr, watching the
 * page.  A timing unchanged for the limit and the grace is stuck: its
 * signal is unblocked; still stuck a grace later, the process is ended. */
static _Noreturn void watch(pid_t parent)
{
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (syscall(SYS_getppid) != parent)
		syscall(SYS_exit_group, 0);
	syscall(SYS_close, STDIN_FILENO);
	syscall(SYS_close, STDOUT_FILENO);
#ifdef SYS_close_range
	syscall(SYS_close_range, 3, ~0u, 0);
#endif
	unsigned seen = atomic_load(&page->generation);
	uint64_t since = now_ns();
	int tries = 0;
	while (!atomic_load(&page->done)) {
		pause_ms(20);
		unsigned now_gen = atomic_load(&page->generation);
		if (now_gen != seen || !atomic_load(&page->timing)) {
			seen = now_gen;
			since = now_ns();
			tries = 0;
			continue;
		}
		if (now_ns() - since < page->limit_ns + WATCHDOG_BACKSTOP_GRACE_NS * (uint64_t)(tries + 1))
			continue;
		if (tries++ == 0 && unblock_in(parent, page->tid, page->signal))
			continue;
		give_up(parent, page);
		break;
	}
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

bool watchdog_backstop_start(uint64_t limit_ns, int sig)
{
	if (sandboxed())
		return false;
	void *p = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	page = p;
	page->limit_ns = limit_ns;
	page->signal = sig;
	pid_t parent = (pid_t)syscall(SYS_getpid);
	/* The copy starts with every signal blocked, and keeps them so: a
	 * signal for the process group (Ctrl-C) must not run the program's
	 * handler in it.  The kernel's sigset: 64 bits. */
	uint64_t all = ~UINT64_C(0), mask;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &mask, sizeof mask);
	/* no exit signal: the program never gets a SIGCHLD, nor reaps it with
	 * wait(); a copy without fork's handlers or locks, as the symbolizer's */
	pid_t pid = (pid_t)syscall(SYS_clone, 0, 0, 0, 0, 0);
	if (pid == 0)
		watch(parent);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof mask);
	if (pid < 0) {
		munmap(page, sizeof *page);
		page = NULL;
		return false;
	}
	helper = pid;
	/* Yama's rule (ptrace_scope 1): only a process named so may trace us. */
	syscall(SYS_prctl, PR_SET_PTRACER, (unsigned long)pid, 0, 0, 0);
	return true;
}

void watchdog_backstop_timing(bool on, unsigned long long what)
{
	if (page == NULL)
		return;
	if (on) {
		page->tid = (pid_t)syscall(SYS_gettid);
		page->what = what;
	}
	atomic_store(&page->timing, on);
	atomic_fetch_add(&page->generation, 1);
}

void watchdog_backstop_stop(void)
{
	if (page == NULL)
		return;
	int saved_errno = errno;
	atomic_store(&page->done, 1);
	while (syscall(SYS_wait4, helper, NULL, __WCLONE, NULL) < 0 && errno == EINTR)
		;
	syscall(SYS_prctl, PR_SET_PTRACER, 0, 0, 0, 0);
	munmap(page, sizeof *page);
	page = NULL;
	errno = saved_errno;
}
