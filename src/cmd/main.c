/* atexit-shim: runs a command with libatexit-shim.so preloaded and the
 * settings its options ask for.
 *
 * It checks everything before running anything (the same parser as the
 * library: settings/settings.c), then execs the command: no fork-and-wait, so the
 * command keeps the wrapper's pid (a `kill $!` reaches it, and the library
 * recognises it as the root by ATEXIT_SHIM_ROOT_PID) and its exit status or
 * signal is the caller's to see.
 *
 * Its parts: the command line (options.c), where the library is
 * (find_library.c), the command's environment (program_environment.c),
 * the checks before anything runs (checks.c), the warnings for a
 * command out of the shim's reach (reach.c); here, main and the
 * exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/report/symbolizer.h"
#include "cmd/report/report.h"
#include "checks.h"
#include "program_environment.h"
#include "find_library.h"
#include "message.h"
#include "options.h"
#include "reach.h"
#include "sanitizer.h"
#include "supervise.h"

/* The options that do one thing instead of running a command: the exit
 * status. */
static int run_mode(enum cmd_mode mode, const struct options *o)
{
	switch (mode) {
	case WRAPPER_REPORT:
		return trace_report(o->report, o->format != NULL && strcmp(o->format, "chrome") == 0 ?
		                    TRACE_REPORT_CHROME : TRACE_REPORT_TEXT, stdout) == 0 ? 0 : 2;
	case WRAPPER_SYMBOLIZE:
		return symbolizer_stream(stdin, stdout);
	case WRAPPER_LIB:
		puts(cmd_library()->path);
		return 0;
	case WRAPPER_HELP:
		fputs(cmd_usage, stdout);
		return 0;
	case WRAPPER_VERSION:
		puts("atexit-shim " PACKAGE_VERSION);
		return 0;
	case WRAPPER_RUN:
		break;
	}
	return 0;
}

/* Where execvp would find the command, for its exit status and warnings. */
static const char *locate(const char *command)
{
	static char path[PATH_MAX];
	if (strchr(command, '/') != NULL)
		return access(command, F_OK) == 0 ? command : NULL;
	const char *dirs = getenv("PATH");
	for (const char *p = dirs != NULL ? dirs : "/usr/bin:/bin"; *p != '\0';) {
		size_t len = strcspn(p, ":");
		snprintf(path, sizeof path, "%.*s/%s", (int)len, len > 0 ? p : ".", command);
		if (access(path, X_OK) == 0)
			return path;
		p += len + (p[len] == ':');
	}
	return NULL;
}

/* The command's path, or exit 127 (not found) or 126 (not executable).  A
 * bare --trace takes no separate argument (getopt's optional argument), so
 * "--trace FILE" makes FILE the command: say so when it then fails. */
static const char *find_command(const char *command, bool after_bare_trace)
{
	char hint[PATH_MAX + 40] = "";
	if (after_bare_trace)
		snprintf(hint, sizeof hint, " (did you mean --trace=%s?)", command);
	const char *path = locate(command);
	if (path == NULL)
		cmd_fail(127, "%s: command not found%s", command, hint);
	if (access(path, X_OK) != 0)
		cmd_fail(126, "%s: not executable%s", command, hint);
	return path;
}

/* A file the kernel cannot execute (ENOEXEC: a script without "#!") is a
 * shell script to execvp, env, nice and the shells: run it the same way,
 * "/bin/sh PATH ARG...", so that a command runs under the wrapper exactly
 * when it runs without.  Returns only if /bin/sh cannot be run. */
static void exec_as_script(const char *path, char *const command_argv[])
{
	size_t count = 0;
	while (command_argv[count] != NULL)
		count++;
	char **sh_argv = calloc(count + 2, sizeof *sh_argv);
	if (sh_argv == NULL)
		cmd_fail(1, "out of memory");
	sh_argv[0] = "/bin/sh";
	sh_argv[1] = (char *)path;
	for (size_t i = 1; i < count; i++)
		sh_argv[i + 1] = command_argv[i];
	execv(sh_argv[0], sh_argv);
	int saved = errno;
	free(sh_argv);
	errno = saved; /* the caller reports why /bin/sh could not run */
}

/* The program, in place of this process. */
static _Noreturn void exec_command(const char *path, char **argv)
{
	execv(path, argv);
	if (errno == ENOEXEC)
		exec_as_script(path, argv);
	int saved = errno;
	cmd_fail(saved == ENOENT ? 127 : 126, "%s: %s", argv[0], strerror(saved));
}

/* The library, preloaded into this process by settings a shell exported
 * (eval "$(atexit-shim --print-env ...)"), looks this up and acts on none of
 * them here: the command's output is its own. */
__attribute__((visibility("default"), used)) const char atexit_shim_command[] = "atexit-shim";

int main(int argc, char **argv)
{
	struct options o = { 0 };
	enum cmd_mode mode = cmd_options_parse(argc, argv, &o);
	if (mode != WRAPPER_RUN)
		return run_mode(mode, &o);
	const struct library *library = cmd_library();
	cmd_environment_set(&o, library->preload);
	free(o.handlers.s);
	free(o.skip.s);
	cmd_check_settings(o.json, o.trace != NULL);
	if (o.print_env) {
		cmd_environment_print();
		return 0;
	}
	if (o.command >= argc)
		cmd_fail(2, "no command given (see atexit-shim --help)");
	if (cmd_library_missing(library))
		cmd_fail(127, "%s: the preload library is missing (was the project built?)", library->path);

	const char *command = argv[o.command];
	const char *path = find_command(command, o.after_bare_trace == o.command);
	cmd_warn_if_out_of_reach(path, command, o.supervise);
	char runtime[128];
	if (sanitizer_runtime(path, runtime, sizeof runtime))
		cmd_preload_first(runtime);
	if (o.supervise)
		cmd_supervise(path, argv + o.command, exec_command);
	exec_command(path, argv + o.command);
}
