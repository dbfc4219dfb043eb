/* The per-handler watchdog: see watchdog.h. */
#define _GNU_SOURCE
#include "watchdog.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libc.h"
#include "watchdog_backstop.h"

static uint64_t limit_ns;

/* The kernel's POSIX timers, through their system calls: glibc before 2.34
 * keeps timer_create in librt, which would load librt and libpthread into
 * every process (and change how glibc treats a single-threaded one).  With
 * SIGEV_THREAD_ID glibc's wrappers add nothing but that indirection. */
static __thread struct {
	bool exists, armed;
	bool backstop;          /* this thread started the backstop */
	int timer;              /* the kernel's timer id */
	int signal;             /* what it sends */
	unsigned long long what; /* the timed handler's registration number */
} local __attribute__((tls_model("initial-exec")));

int watchdog_signal(void)
{
	return local.exists ? local.signal : 0;
}

void watchdog_set_limit(uint64_t ns)
{
	limit_ns = ns;
}

uint64_t watchdog_limit(void)
{
	return limit_ns;
}

bool watchdog_begin(int sig)
{
	if (local.exists || sig == 0)
		return false; /* an outer pass of this thread owns it, or no signal */
	local.signal = sig;
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = sig };
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	local.exists = syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &local.timer) == 0;
	static atomic_flag backstop_taken = ATOMIC_FLAG_INIT; /* one helper a process */
	if (local.exists && !atomic_flag_test_and_set(&backstop_taken)) {
		local.backstop = watchdog_backstop_start(limit_ns, sig);
		if (!local.backstop)
			atomic_flag_clear(&backstop_taken);
	}
	return local.exists;
}

void watchdog_end(void)
{
	if (local.exists) {
		syscall(SYS_timer_delete, local.timer);
		local.exists = false;
	}
	if (local.backstop) {
		watchdog_backstop_stop();
		local.backstop = false;
	}
}

/* The backstop follows this thread's timings only. */
static void tell_backstop(bool on)
{
	if (local.backstop)
		watchdog_backstop_timing(on, local.what);
}

static void set(uint64_t ns)
{
	struct itimerspec when = {
		.it_value = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) },
	};
	syscall(SYS_timer_settime, local.timer, 0, &when, NULL);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	libc_clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void watchdog_arm(struct watchdog_outer *outer, unsigned long long what)
{
	outer->armed = false;
	if (!local.exists)
		return;
	outer->what = local.what;
	local.what = what;
	if (local.armed) {
		struct itimerspec left;
		syscall(SYS_timer_gettime, local.timer, &left);
		outer->armed = true;
		outer->remaining_ns = (uint64_t)left.it_value.tv_sec * 1000000000u + (uint64_t)left.it_value.tv_nsec;
		outer->since_ns = now_ns();
	}
	local.armed = true;
	set(limit_ns);
	tell_backstop(true);
}

void watchdog_hold(void)
{
	if (local.exists && local.armed) {
		set(0);
		tell_backstop(false);
	}
}

void watchdog_restart(void)
{
	if (local.exists && local.armed) {
		set(limit_ns);
		tell_backstop(true);
	}
}

void watchdog_disarm(const struct watchdog_outer *outer)
{
	if (!local.exists)
		return;
	local.what = outer->what;
	if (outer->armed) {
		uint64_t spent = now_ns() - outer->since_ns;
		local.armed = true;
		/* 1 ns: the outer handler's time ran out meanwhile: fire now */
		set(outer->remaining_ns > spent ? outer->remaining_ns - spent : 1);
		tell_backstop(true);
	} else if (local.armed) {
		local.armed = false;
		set(0);
		tell_backstop(false);
	}
}

bool watchdog_expired(void)
{
	if (!local.armed)
		return false; /* a late signal from a timer already stopped */
	local.armed = false;
	return true;
}
