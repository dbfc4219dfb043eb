/* Names at failure time: see failure_names.h. */
#define _GNU_SOURCE
#include "failure_names.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "settings/copy.h"
#include "settings/environment.h"
#include "libc.h"
#include "own_fd.h"
#include "sandboxed.h"


/* One failure at a time: a second thread failing meanwhile gets the raw form. */
static atomic_flag busy = ATOMIC_FLAG_INIT;
static char answers_text[16384]; /* the symbolizer's output, lines made strings */

static long long now_ms(void)
{
	struct timespec t;
	libc_clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The command, read now rather than at start-up: a plain loop over environ. */
static const char *symbolizer_command(void)
{
	struct shim_variables found;
	environment_find_settings(&found);
	const char *command = environment_setting(&found, "ATEXIT_SHIM_SYMBOLIZER");
	return command != NULL && command[0] == '/' ? command : NULL;
}

/* A request line, "PATH 0xOFFSET\n", into buf; 0 if it does not fit. */
static size_t request_line(char *buf, size_t size, const struct symbolize_request *r)
{
	size_t len = strlen(r->library);
	if (len + 2 + 16 + 2 > size || memchr(r->library, '\n', len) != NULL)
		return 0;
	copy_bytes(buf, r->library, len);
	buf[len++] = ' ';
	buf[len++] = '0';
	buf[len++] = 'x';
	char digits[16];
	size_t n = 0;
	uintptr_t v = r->offset;
	do
		digits[n++] = "0123456789abcdef"[v % 16];
	while ((v /= 16) != 0);
	while (n > 0)
		buf[len++] = digits[--n];
	buf[len++] = '\n';
	return len;
}

/* Waits until fd is ready for events, or the deadline. */
static bool wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

static bool send_all(int fd, const char *p, size_t len, long long deadline)
{
	while (len > 0) {
		if (!wait_for(fd, POLLOUT, deadline))
			return false;
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The child: its end of the socket as stdin and stdout, stderr to
 * /dev/null, no signal blocked, then the command.  Raw system calls only:
 * it is a copy of a process that may have crashed anywhere. */
/* dup2 as every architecture has it: arm64 has only dup3, which refuses
 * old == new. */
static bool put(int old, int new)
{
	return old == new || syscall(SYS_dup3, old, new, 0) == new;
}

/* The copy holds every descriptor of the program that is not
 * close-on-exec (a pipe's write end, a lock file): none may outlive the
 * exec, where it would keep a reader waiting for end-of-file. */
static void close_from_3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, ~0u, 0) == 0)
		return;
#endif
	struct rlimit limit; /* before Linux 5.9: one by one, up to a bound */
	long last = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &limit) == 0 && limit.rlim_cur < 65536
	                    ? (long)limit.rlim_cur : 65536;
	for (long fd = 3; fd < last; fd++)
		syscall(SYS_close, fd);
}

static _Noreturn void child(int end, const char *command, char **env)
{
	sigset_t none;
	sigemptyset(&none);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8); /* the kernel's set */
	if (put(end, 0) && put(end, 1)) {
		int null = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY);
		if (null < 0 || put(null, 2)) {
			close_from_3();
			char *const argv[] = { (char *)command, (char *)"--symbolize", NULL };
			syscall(SYS_execve, command, argv, env);
		}
	}
	syscall(SYS_exit_group, 127);
	__builtin_unreachable();
}

/* Ends the child, killing it if it is still there at the deadline. */
static void reap(pid_t pid, long long deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return;
		}
		struct timespec t = { 0, 5000000L }; /* 5 ms */
		nanosleep(&t, NULL);
	}
}

/* The exchange with a started child over fd: every request, then the
 * answers, up to the deadline.  The number of answer lines read. */
static size_t exchange(int fd, const struct symbolize_request *requests, size_t n, const char **answers,
                       long long deadline)
{
	char line[4200];
	size_t asked = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = requests[i].library != NULL ? request_line(line, sizeof line, &requests[i]) : 0;
		if (len == 0)
			continue;
		if (!send_all(fd, line, len, deadline))
			break;
		asked++;
	}
	shutdown(fd, SHUT_WR);
	size_t got = 0;
	while (got < sizeof answers_text - 1 && wait_for(fd, POLLIN, deadline)) {
		ssize_t r = recv(fd, answers_text + got, sizeof answers_text - 1 - got, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	answers_text[got] = '\0';
	/* answer k goes to the k-th request that was asked */
	char *p = answers_text;
	size_t lines = 0;
	for (size_t i = 0; i < n && lines < asked; i++) {
		if (requests[i].library == NULL || request_line(line, sizeof line, &requests[i]) == 0)
			continue;
		char *end = strchr(p, '\n');
		if (end == NULL)
			break;
		*end = '\0';
		answers[i] = strcmp(p, "?") == 0 || p[0] == '\0' ? NULL : p;
		p = end + 1;
		lines++;
	}
	return lines;
}

bool failure_names_ask(const struct symbolize_request *requests, size_t n, const char **answers)
{
	for (size_t i = 0; i < n; i++)
		answers[i] = NULL;
	const char *command = symbolizer_command();
	if (command == NULL || n == 0 || sandboxed() || atomic_flag_test_and_set(&busy))
		return false;
	long long deadline = now_ms() + SYMBOLIZE_CLIENT_MS;
	bool answered = false;
	int ends[2];
	size_t bytes = 0;
	char **env = environment_for_command(NULL, 0, &bytes);
	if (env != NULL && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0) {
		struct own_fd ours = OWN_FD_NONE;
		bool high = own_fd_take(&ours, ends[0], true);
		/* a fork without fork's handlers or locks: the child only makes system calls */
		pid_t pid = high ? (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) : -1;
		if (pid == 0)
			child(ends[1], command, env);
		close(ends[1]);
		if (pid > 0) {
			int fd = own_fd_get(&ours);
			answered = fd >= 0 && exchange(fd, requests, n, answers, deadline) > 0;
			own_fd_close(&ours);
			reap(pid, deadline);
		} else {
			own_fd_close(&ours);
		}
	}
	if (env != NULL)
		environment_release(env, bytes);
	if (!answered) {
		for (size_t i = 0; i < n; i++)
			answers[i] = NULL;
		atomic_flag_clear(&busy);
	}
	return answered;
}

void failure_names_done(void)
{
	atomic_flag_clear(&busy);
}
