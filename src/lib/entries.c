/* The environment's handlers: see entries.h. */
#define _GNU_SOURCE
#include "entries.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "settings/settings.h"
#include "settings/copy.h"
#include "settings/environment.h"
#include "libc.h"
#include "start_limits.h"
#include "own_fd.h"
#include "registry.h"
#include "line.h"
#include "settings/signal_names.h"

struct command {
	struct command *next; /* all of them, kept for the process's lifetime: */
	int line;     /* in ATEXIT_SHIM_HANDLERS, for messages */
	char name[4]; /* "cmd:", so that name is the entry as written */
	char text[];  /* for /bin/sh -c */
};

/* Every command entry.  Never freed: a command runs at exit, when free()
 * could block on a lock a crashed handler left held; kept reachable here. */
static struct command *commands;

static const struct env_hooks *hooks; /* given at set-up */

/* The process that registered the entries: only there do they run at
 * _exit (a vfork child shares its memory, a forked one its registry). */
static long owner_pid;

/* At _exit stdio's buffers are left unwritten, as natively: commands then
 * do not flush them first. */
static bool flush_before_commands = true;

/* The process's stdout and stderr as they were at start-up: many programs
 * close their own at exit (coreutils' close_stdout), and a command must
 * still write where the user sees it.  The shim's own descriptors (see
 * own_fd.h), taken once, and only by the process that started with them. */
static struct own_fd start_stdout = OWN_FD_NONE, start_stderr = OWN_FD_NONE;
static bool start_fds_kept;

static void keep_start_fds(void)
{
	if (!start_fds_kept) {
		start_fds_kept = true;
		(void)own_fd_take(&start_stdout, STDOUT_FILENO, false);
		(void)own_fd_take(&start_stderr, STDERR_FILENO, false);
	}
}

static void say(const char *what, const struct command *c, const char *how)
{
	struct line l = { 0 };
	line_add(&l, "atexit-shim: ");
	line_add(&l, what);
	line_add(&l, " (ATEXIT_SHIM_HANDLERS line ");
	line_add_decimal(&l, c->line);
	line_add(&l, ", cmd:");
	line_add_escaped(&l, c->text);
	line_add(&l, ") ");
	line_add(&l, how);
	line_write(&l, STDERR_FILENO);
}

/* Where the command's fd goes: the start-up copy; without one (a forked
 * child closed it, or the program closed it), the process's own fd if it
 * is still that same file; else /dev/null, never a file the program opened
 * since (it may have taken a number that was closed at start-up). */
static void route(posix_spawn_file_actions_t *actions, struct own_fd *start, int fd)
{
	int copy = own_fd_get(start);
	if (copy >= 0)
		posix_spawn_file_actions_adddup2(actions, copy, fd);
	else if (!own_fd_same_file(start, fd))
		posix_spawn_file_actions_addopen(actions, fd, "/dev/null", O_WRONLY, 0);
}

/* The command being waited for, in a process group of its own (its pid),
 * so that one abandoned by the time limit can be ended with everything it
 * started; and the program's SIGCHLD action, put back when it ends. */
static volatile pid_t running;
static struct sigaction program_sigchld;

/* How long an abandoned command has between SIGTERM and SIGKILL. */
#define GRACE_MS 1000

static bool reaped(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == pid;
}

void entries_end_abandoned(void)
{
	pid_t pid = running;
	if (pid <= 0)
		return;
	running = 0;
	kill(-pid, SIGTERM);
	struct timespec tick = { 0, 10 * 1000000L };
	for (int waited = 0; waited < GRACE_MS && !reaped(pid); waited += 10)
		nanosleep(&tick, NULL);
	kill(-pid, SIGKILL); /* whatever the shell started and left behind */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	libc_sigaction(SIGCHLD, &program_sigchld, NULL);
}

/* Every descriptor of the program above 2 that an exec keeps (a pipe's
 * write end, a lock file): the command must not hold one, which would keep
 * a reader waiting for its end-of-file as long as the command runs.
 * Listed from /proc/self/fd with getdents64 (opendir would allocate);
 * posix_spawn_file_actions_addclosefrom_np is glibc 2.34's. */
static void close_if_inherited(posix_spawn_file_actions_t *actions, int fd)
{
	long flags = syscall(SYS_fcntl, fd, F_GETFD, 0);
	if (flags >= 0 && !(flags & FD_CLOEXEC))
		posix_spawn_file_actions_addclose(actions, fd);
}

static void close_inherited(posix_spawn_file_actions_t *actions)
{
	int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) { /* no /proc, or no descriptor left to read it with: every number */
		struct rlimit limit;
		long last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (long)limit.rlim_cur : 65536;
		for (int fd = STDERR_FILENO + 1; fd < last; fd++)
			close_if_inherited(actions, fd);
		return;
	}
	char buf[4096];
	long got;
	while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
		for (long at = 0; at < got;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + at);
			at += d->d_reclen;
			int fd = 0;
			const char *c = d->d_name;
			for (; *c >= '0' && *c <= '9' && fd < 1 << 20; c++)
				fd = fd * 10 + (*c - '0');
			if (*c != '\0' || c == d->d_name || fd <= STDERR_FILENO || fd == dir)
				continue;
			close_if_inherited(actions, fd);
		}
	}
	syscall(SYS_close, dir);
}


/* Where the root started: the cmd: commands run there. */
static const char *run_dir;

/* /bin/sh -c text, waited for: its wait status, or -1 with errno.  Spawned
 * with posix_spawn (vfork-like), which works in a threaded program, one
 * with a huge address space, or one that closed stdin and left a deleted
 * directory; SIGCHLD is put back to default meanwhile, or an ignored SIGCHLD
 * would let the kernel reap the child before we can ask how it ended. */
static int spawn_and_wait(const char *text, char **env)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	route(&actions, &start_stdout, STDOUT_FILENO);
	route(&actions, &start_stderr, STDERR_FILENO);
	close_inherited(&actions);

	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	libc_sigaction(SIGCHLD, &dfl, &program_sigchld);

	/* The command runs where the root started (a harness's relative
	 * paths mean its own directory, whatever the program's chdir did); if
	 * that is gone, where the process is.  A directory the program deleted
	 * under itself: start the command in / (a shell complains about a cwd
	 * it cannot name), and come back after. */
	bool at_start = run_dir != NULL && access(run_dir, X_OK) == 0 && libc_spawn_add_chdir(&actions, run_dir) == 0;
	char cwd[1];
	int back = -1;
	if (!at_start && getcwd(cwd, sizeof cwd) == NULL && errno == ENOENT) {
		back = open(".", O_PATH | O_CLOEXEC);
		if (back >= 0 && chdir("/") != 0) {
			close(back);
			back = -1;
		}
	}

	/* "--": a command starting with '-' is a command, not an option */
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)"--", (char *)text, NULL };
	pid_t pid;
	int wstatus = -1;
	struct program_limits program;
	start_limits_lend(&program);
	int err = libc_posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, env);
	start_limits_take_back(&program);
	if (back >= 0) {
		if (fchdir(back) != 0) { /* nothing better to do: the command has run */
		}
		close(back);
	}
	if (err == 0) {
		running = pid;
		while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
			;
		running = 0;
	}
	libc_sigaction(SIGCHLD, &program_sigchld, NULL);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	errno = err;
	return err == 0 ? wstatus : -1;
}

/* The handler of a cmd: entry.  A command that fails fails the handler as
 * exit(n) does: reported here in one line, then saved by the runner. */
static void run_command(void *arg, int status)
{
	const struct command *c = arg;
	char status_var[40], pid_var[40], signal_var[40], error_var[320] = "ATEXIT_SHIM_ERROR=";
	int sig = hooks->ending_signal(); /* what the process will die of */
	snprintf(status_var, sizeof status_var, "ATEXIT_SHIM_STATUS=%d", sig != 0 ? 128 + sig : status);
	snprintf(pid_var, sizeof pid_var, "ATEXIT_SHIM_PID=%ld", (long)getpid());
	snprintf(signal_var, sizeof signal_var, "ATEXIT_SHIM_SIGNAL=%d", sig);
	hooks->describe_failure(error_var + strlen(error_var), sizeof error_var - strlen(error_var));
	const char *extra[] = { status_var, pid_var, error_var, signal_var };

	/* What the program printed comes before what the command prints. */
	if (flush_before_commands)
		fflush(NULL);
	size_t bytes;
	char **env = environment_for_command(extra, sig != 0 ? 4 : 3, &bytes);
	int saved_errno = errno;
	int wstatus = env != NULL ? spawn_and_wait(c->text, env) : -1;
	if (env != NULL)
		environment_release(env, bytes);
	else
		errno = ENOMEM;

	if (wstatus == -1) {
		char how[160];
		snprintf(how, sizeof how, "could not be run: /bin/sh: %s", strerror(errno));
		say("exit command", c, how);
		hooks->fail(127);
		return;
	}
	errno = saved_errno;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return;
	char how[80];
	if (WIFEXITED(wstatus)) {
		snprintf(how, sizeof how, "failed with status %d", WEXITSTATUS(wstatus));
		say("exit command", c, how);
		hooks->fail(WEXITSTATUS(wstatus));
		return;
	}
	int killer = WTERMSIG(wstatus);
	snprintf(how, sizeof how, "was killed by SIG%s (%s)", signal_name(killer) ? signal_name(killer) : "?",
	         signal_description(killer));
	say("exit command", c, how);
	hooks->fail(128 + killer);
}

/* An entry that could not be kept (no memory at start-up) still has its
 * turn: it says so and fails as a command that could not be run does, so
 * that the status shows the check did not run.  Static: malloc failed. */
static int lost_lines[16];
static size_t lost_count;

static void report_lost(void *arg, int status)
{
	(void)status;
	const int *line = arg;
	if (flush_before_commands) /* as a command would: the program's output first */
		fflush(NULL);
	struct line l = { 0 };
	line_add(&l, "atexit-shim: exit command (ATEXIT_SHIM_HANDLERS line ");
	line_add_decimal(&l, *line);
	line_add(&l, ") could not be run: no memory was left to keep it when the program started");
	line_write(&l, STDERR_FILENO);
	hooks->fail(127);
}

static void keep_lost(const struct handler_entry *e)
{
	if (lost_count == sizeof lost_lines / sizeof lost_lines[0])
		return; /* the first ones fail the status already */
	int *line = &lost_lines[lost_count++];
	*line = e->line;
	registry_add(hooks->registry, FLAVOUR_ENV, (handler_code)(void (*)(void))report_lost, line, NULL);
}

static void register_command(const struct handler_entry *e)
{
	struct command *c = malloc(sizeof *c + e->text_len + 1);
	if (c == NULL) {
		keep_lost(e);
		return;
	}
	c->next = commands;
	commands = c;
	c->line = e->line;
	copy_bytes(c->name, "cmd:", 4);
	copy_bytes(c->text, e->text, e->text_len);
	c->text[e->text_len] = '\0';
	keep_start_fds();
	registry_add(hooks->registry, FLAVOUR_ENV, (handler_code)(void (*)(void))run_command, c, NULL);
}

/* The handler that stands in for an fn: entry that cannot be found: it
 * says so at exit.  Not at start-up: a launcher that execs the program
 * (--fn=f -- env X=1 app) would report a symbol only app has; the image
 * that reaches its exit is the one the entry was for.  Not a failure. */
static void report_missing(void *arg, int status)
{
	(void)status;
	struct line *l = arg;
	line_write(l, STDERR_FILENO);
}

static void complain_fn(const struct handler_entry *e, const char *what, const char *why)
{
	struct line *l = malloc(sizeof *l); /* kept: it runs at exit */
	if (l == NULL)
		return;
	l->len = 0;
	line_add(l, "atexit-shim: ATEXIT_SHIM_HANDLERS line ");
	line_add_decimal(l, e->line);
	line_add(l, ": ");
	line_add_escaped(l, what);
	line_add(l, ": ");
	line_add_escaped(l, why != NULL ? why : "not found"); /* dlerror's names the file */
	line_add(l, "; ignored");
	registry_add(hooks->registry, FLAVOUR_ENV, (handler_code)(void (*)(void))report_missing, l, NULL);
}

static void register_function(const struct handler_entry *e)
{
	char symbol[256];
	snprintf(symbol, sizeof symbol, "%.*s", (int)e->text_len, e->text);
	void *where = RTLD_DEFAULT;
	if (e->library != NULL) {
		char library[1024];
		snprintf(library, sizeof library, "%.*s", (int)e->library_len, e->library);
		where = libc_dlopen(library, RTLD_NOW | RTLD_GLOBAL);
		if (where == NULL) {
			complain_fn(e, library, libc_dlerror());
			return;
		}
	}
	void *fn = libc_dlsym(where, symbol);
	if (fn == NULL) {
		char what[300];
		snprintf(what, sizeof what, "symbol %s", symbol);
		complain_fn(e, what, e->library != NULL ? "not found in that library" : "not found in the process");
		return;
	}
	handler_code code;
	copy_bytes(&code, &fn, sizeof code);
	registry_add(hooks->registry, FLAVOUR_ENV, code, NULL, NULL);
}

void entries_register(const char *entries, const char *dir, const struct env_hooks *given)
{
	hooks = given;
	owner_pid = (long)getpid();
	start_limits_note();
	run_dir = dir;
	struct handler_entry e = { .line = 0 };
	const char *cursor = entries;
	char problem[256];
	int got;
	while ((got = settings_next_entry(&cursor, &e, problem, sizeof problem)) != 0) {
		if (got < 0)
			continue; /* settings_read has reported it */
		if (e.kind == ENTRY_CMD)
			register_command(&e);
		else
			register_function(&e);
	}
}

const char *entries_command(const struct handler *h)
{
	if (h->fn != (handler_code)(void (*)(void))run_command)
		return NULL;
	const struct command *c = h->arg;
	return c->name; /* "cmd:" then the text, contiguous */
}

static bool from_environment(const struct handler *h, const void *ctx)
{
	(void)ctx;
	return h->flavour == FLAVOUR_ENV;
}

static long supervisor; /* ATEXIT_SHIM_SUPERVISOR */

void entries_set_supervisor(long pid)
{
	supervisor = pid;
}

bool entries_asked_here(void)
{
	return hooks != NULL && entries_owned_here();
}

bool entries_supervised(void)
{
	return supervisor != 0 && (long)getppid() == supervisor;
}

void entries_tell_supervisor(void)
{
	if (hooks != NULL && supervisor != 0 && entries_owned_here() && (long)getppid() == supervisor)
		kill((pid_t)supervisor, SUPERVISED_SIGNAL);
}

bool entries_owned_here(void)
{
	return owner_pid != 0 && owner_pid == (long)getpid();
}

void entries_leave_stdio_unflushed(void)
{
	flush_before_commands = false;
}

void entries_after_fork(bool keep_entries)
{
	/* A daemon forked without exec must not hold its caller's stdout. */
	own_fd_close(&start_stdout);
	own_fd_close(&start_stderr);
	if (!keep_entries && hooks != NULL)
		registry_remove(hooks->registry, from_environment, NULL);
}
