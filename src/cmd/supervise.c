/* --supervise: see supervise.h. */
#define _GNU_SOURCE
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "settings/environment.h"
#include "settings/settings.h"
#include "settings/signal_names.h"
#include "message.h"

static volatile sig_atomic_t program; /* the child, once started */

/* Every signal the command gets is the program's.  The terminal's own
 * (Ctrl-C, Ctrl-\) went to the whole process group, the program with it:
 * not sent twice. */
static void pass_on(int sig, siginfo_t *info, void *context)
{
	(void)context;
	if ((sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH) && info->si_code == SI_KERNEL)
		return;
	if (program > 0)
		kill((pid_t)program, sig);
}

/* The signals passed on: not those that stop or end the command itself
 * (job control stays the terminal's), nor its own, nor one ignored by
 * whoever started it (the program inherits that). */
static bool passed_on(int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU ||
	    sig == SIGCONT || sig == SUPERVISED_SIGNAL || (sig > 31 && sig < SIGRTMIN))
		return false;
	struct sigaction was;
	return sigaction(sig, NULL, &was) == 0 && was.sa_handler != SIG_IGN;
}

static void pass_every_signal_on(sigset_t *passed)
{
	struct sigaction on = { .sa_sigaction = pass_on, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigemptyset(&on.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(passed, sig) == 1)
			sigaction(sig, &on, NULL);
}

/* The child: the program, with the command's signal mask and actions as
 * the command had them, and told who supervises it. */
static _Noreturn void start_program(const char *path, char **argv, exec_program *start, const sigset_t *mask)
{
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", (long)getppid());
	setenv("ATEXIT_SHIM_SUPERVISOR", pid, 1);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("ATEXIT_SHIM_ROOT_PID", pid, 1);
	sigprocmask(SIG_SETMASK, mask, NULL);
	start(path, argv);
	_exit(127); /* start reports why and exits; never reached */
}

/* A cmd: entry, as the library would run it: /bin/sh -c, stdin /dev/null,
 * the settings and the shim left out of its environment. */
static int run_entry(const char *text, int status, int sig, pid_t pid)
{
	char status_var[40], pid_var[40], signal_var[40];
	snprintf(status_var, sizeof status_var, "ATEXIT_SHIM_STATUS=%d", status);
	snprintf(pid_var, sizeof pid_var, "ATEXIT_SHIM_PID=%ld", (long)pid);
	snprintf(signal_var, sizeof signal_var, "ATEXIT_SHIM_SIGNAL=%d", sig);
	const char *extra[] = { status_var, pid_var, "ATEXIT_SHIM_ERROR=the program ended without the shim",
		                signal_var };
	size_t bytes;
	char **env = environment_for_command(extra, sig != 0 ? 4 : 3, &bytes);
	if (env == NULL)
		return 127;
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)"--", (char *)text, NULL };
	pid_t child;
	int wstatus = 0;
	int err = posix_spawn(&child, "/bin/sh", &actions, NULL, argv, env);
	if (err == 0)
		while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&actions);
	environment_release(env, bytes);
	if (err != 0) {
		cmd_warn("exit command (%s) could not be run: /bin/sh: %s", text, strerror(err));
		return 127;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	int failed = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	cmd_warn("exit command (%s) failed with status %d", text, failed);
	return failed;
}

/* The entries of ATEXIT_SHIM_HANDLERS, last first, as the library runs
 * them; returns the status the process ends with then (the last failure's,
 * or status). */
static int run_entries_here(const char *program_name, int status, int sig, pid_t pid)
{
	const char *entries = getenv("ATEXIT_SHIM_HANDLERS");
	if (entries == NULL || *entries == '\0')
		return sig != 0 ? 128 + sig : status;
	if (sig != 0)
		cmd_warn("%s was killed by SIG%s before its exit checks ran: running them here", program_name,
		         signal_name(sig) != NULL ? signal_name(sig) : "?");
	else
		cmd_warn("%s ended without running its exit checks (the shim was not in its last image): running them here",
		         program_name);
	struct handler_entry list[256];
	size_t count = 0;
	const char *cursor = entries;
	char problem[256];
	int got;
	while (count < sizeof list / sizeof list[0] && (got = settings_next_entry(&cursor, &list[count], problem, sizeof problem)) != 0)
		if (got > 0)
			count++;
	int final = sig != 0 ? 128 + sig : status, shown = final;
	while (count-- > 0) {
		const struct handler_entry *e = &list[count];
		char text[4096];
		snprintf(text, sizeof text, "%.*s", (int)e->text_len, e->text);
		int failed;
		if (e->kind == ENTRY_FN) {
			cmd_warn("fn:%s could not run: a function of the program, which has ended", text);
			failed = 127;
		} else {
			failed = run_entry(text, shown, sig, pid);
		}
		if (failed != 0)
			final = shown = failed;
	}
	return final;
}

/* Ends as the program did: its status, or death by its signal. */
static _Noreturn void end_as(int final, int sig)
{
	if (sig != 0 && final == 128 + sig) {
		signal(sig, SIG_DFL);
		sigset_t just;
		sigemptyset(&just);
		sigaddset(&just, sig);
		sigprocmask(SIG_UNBLOCK, &just, NULL);
		raise(sig);
	}
	exit(final & 0xff);
}

void cmd_supervise(const char *path, char **argv, exec_program *start)
{
	/* The library's word that the entries ran: held until asked for.  The
	 * signals to pass on are held too until the child is known: one sent
	 * as the program starts (its first act may be to signal its parent)
	 * is passed on, not lost, and does not end the command. */
	sigset_t told, passed, held, mask;
	sigemptyset(&told);
	sigaddset(&told, SUPERVISED_SIGNAL);
	sigemptyset(&passed);
	for (int sig = 1; sig < NSIG; sig++)
		if (passed_on(sig))
			sigaddset(&passed, sig);
	held = passed;
	sigaddset(&held, SUPERVISED_SIGNAL);
	sigprocmask(SIG_BLOCK, &held, &mask);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		cmd_fail(126, "%s: cannot start it: %s", argv[0], strerror(errno));
	if (pid == 0)
		start_program(path, argv, start, &mask);
	program = pid;
	pass_every_signal_on(&passed);
	sigprocmask(SIG_UNBLOCK, &passed, NULL);

	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			cmd_fail(1, "%s: cannot wait for it: %s", argv[0], strerror(errno));
	int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 0;
	int sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	struct timespec now = { 0, 0 };
	bool ran = sigtimedwait(&told, NULL, &now) == SUPERVISED_SIGNAL;
	int final = sig != 0 ? 128 + sig : status;
	if (!ran)
		final = run_entries_here(argv[0], status, sig, pid);
	end_as(final, sig);
}
