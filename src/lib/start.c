/* The library's start-up: fork safety, then, if the environment has
 * settings, the scope decision and the settings themselves.
 *
 * Scope (contract: "Scope"): the root is the process started under the
 * shim; it stays the root across exec (same pid: ATEXIT_SHIM_ROOT_PID).  Any
 * other process that loads the library strips the shim from its own
 * environment and behaves natively, unless ATEXIT_SHIM_FOLLOW=1 makes it a
 * root of its own.  A child forked by the root without exec keeps the
 * registry and settings but not the ATEXIT_SHIM_HANDLERS entries. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "settings/settings.h"
#include "entries.h"
#include "settings/environment.h"
#include "interpose.h"
#include "libc.h"
#include "loaded_symbol.h"
#include "registry.h"
#include "line.h"
#include "runner.h"
#include "signal_exit.h"
#include "trace.h"
#include "vfork_child.h"

static bool follow; /* ATEXIT_SHIM_FOLLOW=1 */

/* ATEXIT_SHIM_HANDLERS entries go in the registry and fail as a handler
 * does, by calling exit(), which the runner catches. */
static const struct env_hooks entry_hooks = {
	.registry = &shim_registry,
	.describe_failure = runner_describe_failure,
	.ending_signal = runner_ending_signal,
	.fail = exit,
};

static void fork_prepare(void)
{
	registry_fork_prepare(&shim_registry);
}

static void fork_parent(void)
{
	registry_fork_parent(&shim_registry);
	interpose_daemon_parent();
}

static void fork_child(void)
{
	vfork_child_note_pid((long)libc_getpid());
	runner_fork_child();
	trace_after_fork();
	entries_after_fork(follow);
}

static const char *lookup(const char *name, void *ctx)
{
	return environment_setting(ctx, name);
}

static void complain(const char *problem, void *ctx)
{
	(void)ctx;
	struct line l = { 0 };
	line_add(&l, "atexit-shim: ");
	line_add(&l, problem);
	line_add(&l, "; ignored");
	line_write(&l, STDERR_FILENO);
}

/* Tells the process's future children (after exec) who the root is. */
static void become_root(const struct shim_variables *found, long pid)
{
	environment_set_root_pid(found, pid);
}

/* Plain code, as all of start-up: a libc function's first call costs a
 * process its lazy binding (~700 instructions). */
static bool is_one(const char *value)
{
	return value != NULL && value[0] == '1' && value[1] == '\0';
}

/* The command, by its marker; looked for (some 900 instructions) only in
 * a program called by the command's name. */
static bool is_the_command(const char *argv0)
{
	if (argv0 == NULL)
		return false;
	const char *base = argv0;
	for (const char *p = argv0; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	static const char name[] = "atexit-shim";
	for (size_t i = 0; i < sizeof name - 1; i++)
		if (base[i] != name[i])
			return false;
	return loaded_symbol_in_program("atexit_shim_command") != NULL;
}

/* What pthread_atfork is: a static wrapper (libc_nonshared.a from glibc
 * 2.34, libpthread_nonshared.a before) around libc's own __register_atfork.
 * That is called directly, so that the library needs libc alone on every
 * glibc version: before 2.34 the wrapper would bring libpthread into every
 * process. */
extern void *__dso_handle __attribute__((visibility("hidden"))); /* its own address */

/* glibc calls a library's constructors with main's arguments. */
__attribute__((constructor)) static void shim_start(int argc, char **argv)
{
	report_name_program(argc > 0 ? argv[0] : NULL);
	libc_register_atfork(fork_prepare, fork_parent, fork_child, __dso_handle);
	long pid = (long)libc_getpid();
	vfork_child_note_pid(pid);
	/* Set-user-id, set-group-id or file capabilities, as the loader decided
	 * (secure_getenv's rule): a root without settings, its environment's
	 * refused now and for good, nothing of it passed on. */
	if (libc_getauxval(AT_SECURE)) {
		environment_refuse_settings();
		return;
	}
	struct shim_variables found;
	environment_find_settings(&found);
	if (found.count == 0) { /* LD_PRELOAD set by hand, nothing else */
		become_root(&found, pid);
		return;
	}

	/* The atexit-shim command itself, under settings a shell exported for the
	 * commands it runs (eval "$(atexit-shim --print-env ...)"): it acts on
	 * none of them, and hands them on untouched. */
	if (is_the_command(argc > 0 ? argv[0] : NULL)) {
		runner_behave_natively();
		return;
	}

	/* Only a root reports problems: a child that strips the shim is quiet.
	 * A root pid that is not one counts as unset: this process is the root,
	 * and settings_read names the bad value with the others. */
	long root_pid = settings_parse_pid(environment_setting(&found, "ATEXIT_SHIM_ROOT_PID"));
	bool follows = is_one(environment_setting(&found, "ATEXIT_SHIM_FOLLOW"));
	bool root = root_pid == 0 || root_pid == pid || follows;
	if (!root) {
		environment_strip();
		runner_behave_natively();
		return;
	}
	struct settings s;
	settings_read(&s, lookup, complain, &found);
	if (s.root_pid != pid)
		become_root(&found, pid);
	follow = s.follow;
	/* A descendant of a tree (--follow) is quiet about the trace: the
	 * tree's root says what it could not do, once. */
	bool descendant = follows && root_pid != 0 && root_pid != pid;
	if (s.trace != NULL && *s.trace != '\0' && *s.trace != '/')
		s.trace = environment_absolute_trace(s.trace);
	if (s.trace != NULL && trace_start(s.trace, s.format, s.trace_fd, descendant)) {
		trace_name_entries(entries_command);
		trace_register_waiting(&shim_registry, registry_observe(&shim_registry, trace_register));
		if (follow && !descendant)
			environment_share_trace(trace_share());
	}
	if (s.skip != NULL)
		runner_set_skip(s.skip);
	if (s.timeout_ns != 0)
		runner_set_timeout(s.timeout_ns);
	if (s.signals != 0)
		signal_exit_install(s.signals);
	if (s.handlers != NULL) {
		report_name_entries(entries_command);
		runner_on_failure(entries_end_abandoned);
		runner_on_entries_done(entries_tell_supervisor);
		entries_set_supervisor(s.supervisor);
		const char *run_dir = s.run_dir != NULL ? s.run_dir : environment_note_run_dir();
		entries_register(s.handlers, run_dir, &entry_hooks);
		interpose_watch_quick_exit();
	}
}
