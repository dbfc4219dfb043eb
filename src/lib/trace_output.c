/* Where trace lines go: see trace_output.h. */
#define _GNU_SOURCE
#include "trace_output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "own_fd.h"
#include "line.h"

static struct {
	struct own_fd out;     /* the file, or the start-up copy of stderr */
	bool borrowed;         /* out is the program's own fd 2 (a forked child) */
	atomic_flag repairing; /* one thread at a time finds a lost descriptor again */
	bool stopped;          /* lost for good */
	bool per_line;         /* no room for a descriptor: the file is opened for each line */
	bool quiet;            /* a descendant of a tree: says nothing of a lost trace */
	char path[PATH_MAX];   /* the file; "" for stderr */
} output = { .out = OWN_FD_NONE, .repairing = ATOMIC_FLAG_INIT };

/* Never blocks: a named pipe that no process reads would hold the program
 * before main (ENXIO instead, see trace_output_why); one with a reader is
 * written as a pipe, blocking, once open.  fcntl through its system call,
 * as in own_fd.c. */
static int open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd >= 0) {
		long flags = syscall(SYS_fcntl, fd, F_GETFL, 0);
		if (flags >= 0)
			syscall(SYS_fcntl, fd, F_SETFL, flags & ~(long)O_NONBLOCK);
	}
	return fd;
}

const char *trace_output_why(int error)
{
	return error == ENXIO ? "it is a named pipe that no process reads" : strerror(error);
}

/* Whether fd, inherited from the tree's root, is the trace file where: open
 * for appending, and the same file, or, where this process may not even
 * look at the file (its user changed), the name the kernel gives it. */
static bool is_trace_file(int fd, const char *where)
{
	long flags = syscall(SYS_fcntl, fd, F_GETFL, 0);
	if (flags < 0 || (flags & O_ACCMODE) != O_WRONLY || !(flags & O_APPEND))
		return false;
	struct own_fd named = OWN_FD_NONE;
	int probe = (int)syscall(SYS_openat, AT_FDCWD, where, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (probe >= 0) {
		bool same = own_fd_adopt(&named, probe) && own_fd_same_file(&named, fd);
		syscall(SYS_close, probe);
		return same;
	}
	if (where[0] != '/')
		return false;
	char link[32], target[PATH_MAX];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	long n = syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
	return n > 0 && (size_t)n == strlen(where) && memcmp(target, where, (size_t)n) == 0;
}

bool trace_output_open(const char *where, int inherited, bool quiet)
{
	output.quiet = quiet;
	line_copy(output.path, where, sizeof output.path);
	if (*where != '\0' && inherited >= 0 && is_trace_file(inherited, where) && own_fd_adopt(&output.out, inherited))
		return true;
	if (*where == '\0') {
		if (own_fd_take(&output.out, STDERR_FILENO, false))
			return true;
		if (errno != EMFILE)
			return false; /* no stderr */
		/* No room: the program's own fd 2, while it is still that file. */
		output.out.fd = STDERR_FILENO;
		output.borrowed = true;
		return true;
	}
	int fd = open_file(where);
	if (own_fd_take(&output.out, fd, true))
		return true;
	if (fd < 0)
		return false;
	output.per_line = true; /* no room to keep it: it is opened for each line */
	return true;
}

int trace_output_share(void)
{
	return output.path[0] != '\0' && !output.per_line && !output.stopped ? own_fd_share(&output.out) : -1;
}

/* A child forked without exec traces as its parent does, but must not hold
 * a copy of the parent's stderr: a daemon would keep its caller's pipe open
 * for its whole life ($(app) would wait for it).  It writes to its own fd 2
 * while that is still the same file. */
void trace_output_after_fork(void)
{
	if (output.path[0] == '\0' && !output.borrowed) {
		struct own_fd original = output.out;
		own_fd_close(&output.out);
		output.out = original;
		output.out.fd = STDERR_FILENO;
		output.borrowed = true;
	}
}

static void say_stopped(const char *why)
{
	if (output.quiet)
		return;
	struct line l = { 0 };
	line_add(&l, "atexit-shim: tracing to '");
	line_add_escaped(&l, output.path);
	line_add(&l, "' stopped: ");
	line_add(&l, why);
	line_write(&l, STDERR_FILENO);
}

/* The descriptor was closed by the program, and its number perhaps reused
 * for a file of its own: open the trace file again; a lost stderr is found
 * again only where the program's fd 2 is still the same file. */
static void find_again(void)
{
	if (output.path[0] != '\0') {
		if (own_fd_take(&output.out, open_file(output.path), true))
			return;
		output.stopped = true;
		say_stopped(trace_output_why(errno));
	} else if (!output.borrowed && own_fd_same_file(&output.out, STDERR_FILENO)) {
		(void)own_fd_take(&output.out, STDERR_FILENO, false);
	} else {
		output.stopped = true; /* the stderr it was for is gone: nowhere to say so */
	}
}

/* A thread that finds the descriptor lost while another is finding it
 * again drops its line. */
static int trace_output_fd(void)
{
	int saved_errno = errno;
	int fd = own_fd_get(&output.out);
	if (fd < 0 && !output.stopped && !atomic_flag_test_and_set(&output.repairing)) {
		find_again();
		fd = output.stopped ? -1 : output.out.fd;
		atomic_flag_clear(&output.repairing);
	}
	errno = saved_errno;
	return fd;
}

void trace_output_write(struct line *l)
{
	if (!output.per_line) {
		int fd = trace_output_fd();
		if (fd >= 0)
			line_write(l, fd);
		return;
	}
	if (output.stopped)
		return;
	int saved_errno = errno;
	int fd = open_file(output.path);
	if (fd >= 0) {
		line_write(l, fd);
		close(fd);
	} else if (!atomic_flag_test_and_set(&output.repairing)) { /* said once */
		output.stopped = true;
		say_stopped(trace_output_why(errno));
	}
	errno = saved_errno;
}
