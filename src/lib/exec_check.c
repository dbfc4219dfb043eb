/* The root about to leave the shim: see exec_check.h. */
#define _GNU_SOURCE
#include "exec_check.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "settings/environment.h"
#include "settings/image_reach.h"
#include "entries.h"
#include "line.h"

static const char *value_of(char *const envp[], const char *name)
{
	size_t len = strlen(name);
	for (char *const *e = envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

/* Why the new image will not run the entries, or NULL. */
static const char *lost_because(const char *path, char *const envp[])
{
	const char *preload = value_of(envp, "LD_PRELOAD");
	if (preload == NULL || !environment_preload_has_shim(preload))
		return "its environment drops the shim from LD_PRELOAD";
	const char *entries = value_of(envp, "ATEXIT_SHIM_HANDLERS");
	if (entries == NULL || *entries == '\0')
		return "its environment drops ATEXIT_SHIM_HANDLERS";
	const char *why = path != NULL && access(path, X_OK) == 0 ? image_out_of_reach(path) : NULL;
	/* valgrind's tool is static, and runs the program, with the shim, in
	 * this process: the checks do run (its launcher names itself). */
	if (why != NULL && value_of(envp, "VALGRIND_LAUNCHER") != NULL && strcmp(why, "statically linked") == 0)
		return NULL;
	return why;
}

void exec_check(const char *path, char *const envp[])
{
	if (!entries_asked_here() || entries_supervised())
		return;
	const char *why = lost_because(path, envp);
	if (why == NULL)
		return;
	struct line l = { 0 };
	line_add(&l, "atexit-shim: ");
	line_add_escaped(&l, path != NULL ? path : "the program");
	line_add(&l, " will not run the exit checks asked for (");
	line_add(&l, why);
	line_add(&l, "): they do not run; atexit-shim --supervise runs them whatever the program does");
	line_write(&l, STDERR_FILENO);
}
