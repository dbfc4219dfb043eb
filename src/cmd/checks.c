/* The wrapper's checks before anything runs: see checks.h. */
#define _GNU_SOURCE
#include "checks.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "message.h"

void cmd_check_function(const char *value, const struct handler_entry *e)
{
	char library[PATH_MAX], symbol[256];
	snprintf(library, sizeof library, "%.*s", (int)e->library_len, e->library);
	snprintf(symbol, sizeof symbol, "%.*s", (int)e->text_len, e->text);
	void *handle = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
	if (handle == NULL)
		cmd_fail(2, "--fn='%s': %s", value, dlerror());
	bool found = dlsym(handle, symbol) != NULL;
	dlclose(handle);
	if (!found)
		cmd_fail(2, "--fn='%s': no symbol %s in %s", value, symbol, library);
}

static const char *lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

/* The command's decision, on the line of each problem. */
static void complain(const char *problem, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "atexit-shim: %s; not running the command\n", problem);
}

/* Why a trace could not be written to what fd opened: the library writes
 * anywhere it can open, and a write that fails is lost without a word, so
 * only what takes writes is accepted -- a file, a pipe, a terminal,
 * /dev/null -- not /dev/full and other devices.  NULL if fine. */
static const char *unfit_for_trace(int fd)
{
	struct stat st, null;
	if (fstat(fd, &st) != 0)
		return strerror(errno);
	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || isatty(fd) ||
	    (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 && st.st_rdev == null.st_rdev))
		return NULL;
	return "not a file, a pipe, a terminal or /dev/null: trace lines written there would be lost";
}

static const char *open_error(int error)
{
	if (error == ELOOP)
		return "a symbolic link, which is never followed (for standard error: --trace without FILE)";
	return strerror(error);
}

/* Opens the trace file as the library will (lib/trace.c: append, never through
 * a symbolic link; created 0600) and checks it takes writes, so that a bad
 * one is refused before anything runs.  A file created for the check is
 * removed: the library creates it, and a command that fails to start
 * leaves nothing behind.  A named pipe is taken as it is: a writer opening
 * and closing it would end its reader's input before the command starts. */
static void check_trace_file(const char *path, const char *setting)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		return;
	/* never wait in open, nor make a terminal the command's controlling one */
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd = open(path, flags);
	bool created = false;
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, flags | O_CREAT | O_EXCL, 0600);
		created = fd >= 0;
	}
	if (fd < 0)
		cmd_fail(2, "%s='%s': cannot open it for appending: %s", setting, path, open_error(errno));
	const char *problem = unfit_for_trace(fd);
	close(fd);
	if (created)
		unlink(path);
	if (problem != NULL)
		cmd_fail(2, "%s='%s': %s", setting, path, problem);
}

/* Every problem now, before anything runs. */
void cmd_check_settings(bool json, bool trace)
{
	struct settings s;
	if (settings_read(&s, lookup, complain, NULL) > 0)
		exit(2); /* each problem has said so */
	/* refused rather than implying --trace: a format alone asks for nothing */
	if (json && s.trace == NULL)
		cmd_fail(2, "--json: there is no trace to format (add --trace or --trace=FILE)");
	if (s.trace != NULL && *s.trace != '\0')
		check_trace_file(s.trace, trace ? "--trace" : "ATEXIT_SHIM_TRACE");
}
