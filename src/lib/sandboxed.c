/* Whether a seccomp filter confines the process: see sandboxed.h. */
#define _GNU_SOURCE
#include "sandboxed.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_bool known_sandboxed;

/* "Seccomp:\tN" in /proc/self/status (Linux 3.8 and later). */
static bool status_says_so(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char text[4096];
	long got = 0, n;
	while (got < (long)sizeof text - 1 && (n = syscall(SYS_read, fd, text + got, sizeof text - 1 - got)) > 0)
		got += n;
	syscall(SYS_close, fd);
	text[got > 0 ? got : 0] = '\0';
	static const char field[] = "\nSeccomp:\t";
	for (const char *p = text; *p != '\0'; p++) {
		const char *f = field, *q = p;
		while (*f != '\0' && *q == *f)
			f++, q++;
		if (*f == '\0')
			return *q != '0' && *q != '\0';
	}
	return false;
}

bool sandboxed(void)
{
	if (atomic_load(&known_sandboxed))
		return true;
	bool now = status_says_so();
	if (now)
		atomic_store(&known_sandboxed, true);
	return now;
}
