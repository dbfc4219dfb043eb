/* The command's environment: see program_environment.h. */
#define _GNU_SOURCE
#include "program_environment.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings/settings.h"
#include "settings/environment.h"
#include "message.h"

/* The command, exec'ed, keeps this process's id: it is the root.  Settings
 * printed for a shell name no root: this process will be gone, and without
 * a root pid the first process that loads the library is the root. */
static void set_root_pid(bool print_env)
{
	if (print_env) {
		unsetenv("ATEXIT_SHIM_ROOT_PID");
		return;
	}
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("ATEXIT_SHIM_ROOT_PID", pid, 1);
}

/* ATEXIT_SHIM_HANDLERS: the environment's own entries, then those of --run
 * and --fn, one a line. */
static void set_handlers(const struct text *options)
{
	const char *existing = getenv("ATEXIT_SHIM_HANDLERS");
	struct text handlers = { NULL, 0 };
	if (existing != NULL && *existing != '\0')
		cmd_text_append(&handlers, "\n", existing, "");
	if (options->len > 0)
		cmd_text_append(&handlers, "\n", options->s, "");
	if (handlers.len > 0)
		setenv("ATEXIT_SHIM_HANDLERS", handlers.s, 1);
	free(handlers.s);
}

/* LD_PRELOAD: the library, before what the caller preloads (unless the
 * shim is there already). */
static void set_preload(const char *library)
{
	const char *preload = getenv("LD_PRELOAD");
	if (preload == NULL || *preload == '\0') {
		setenv("LD_PRELOAD", library, 1);
	} else if (!environment_preload_has_shim(preload)) {
		char *value = malloc(strlen(library) + strlen(preload) + 2);
		if (value == NULL)
			cmd_fail(1, "out of memory");
		sprintf(value, "%s:%s", library, preload); /* first: its symbols must win */
		setenv("LD_PRELOAD", value, 1);
		free(value);
	}
}

void cmd_preload_first(const char *library)
{
	const char *now = getenv("LD_PRELOAD");
	if (now == NULL)
		now = "";
	size_t size = strlen(library) + strlen(now) + 2;
	char *value = malloc(size);
	if (value == NULL)
		cmd_fail(1, "out of memory");
	snprintf(value, size, "%s%s%s", library, *now != '\0' ? ":" : "", now);
	setenv("LD_PRELOAD", value, 1);
	free(value);
}

void cmd_environment_set(const struct options *o, const char *library)
{
	set_handlers(&o->handlers);
	if (o->skip.len > 0)
		setenv("ATEXIT_SHIM_SKIP", o->skip.s, 1);
	if (o->trace != NULL)
		setenv("ATEXIT_SHIM_TRACE", o->trace, 1);
	if (o->json)
		setenv("ATEXIT_SHIM_TRACE_FORMAT", "json", 1);
	if (o->signals != NULL)
		setenv("ATEXIT_SHIM_SIGNALS", o->signals, 1);
	if (o->timeout != NULL)
		setenv("ATEXIT_SHIM_TIMEOUT", o->timeout, 1);
	if (o->follow)
		setenv("ATEXIT_SHIM_FOLLOW", "1", 1);
	set_root_pid(o->print_env);
	/* The library names a failed handler with atexit-shim --symbolize: this command. */
	char self[PATH_MAX];
	if (getenv("ATEXIT_SHIM_SYMBOLIZER") == NULL && realpath("/proc/self/exe", self) != NULL)
		setenv("ATEXIT_SHIM_SYMBOLIZER", self, 1);
	set_preload(library);
}

/* "export NAME='value'", quoted for any POSIX shell. */
static void print_export(const char *name)
{
	const char *value = getenv(name);
	if (value == NULL)
		return;
	printf("export %s='", name);
	for (const char *p = value; *p != '\0'; p++)
		fputs(*p == '\'' ? "'\\''" : (char[]){ *p, '\0' }, stdout);
	puts("'");
}

/* For a shell to eval: its next commands then run as under the wrapper,
 * each a root of its own.  A root pid the shell may hold (a process gone
 * by now) is removed, so the output works wherever it is eval'ed. */
void cmd_environment_print(void)
{
	print_export("LD_PRELOAD");
	for (const char *const *name = settings_variables; *name != NULL; name++)
		print_export(*name);
	puts("unset ATEXIT_SHIM_ROOT_PID");
}
