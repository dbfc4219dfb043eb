/* The shim's own descriptors: see own_fd.h. */
#define _GNU_SOURCE
#include "own_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A table this small has no top the program does not reach: under
 * `ulimit -n 6` a program that opens three files must get them all. */
#define ROOM 64

/* The most the shim holds at once: the trace, two start-up copies, the
 * symbolizer's socket. */
#define HELD 4

/* Programs get the lowest free number, so the very top of the table is
 * where they look last: only a program that asks for a number among the
 * last HELD (F_DUPFD) can find one of them taken.  Capped at 1024: a
 * larger soft limit is often raised only for programs that will use it, and
 * a descriptor near a limit of a million would make the kernel grow the
 * table to it. */
static int high_base(void)
{
	struct rlimit nofile;
	rlim_t limit = 1024;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < limit)
		limit = nofile.rlim_cur;
	return limit > ROOM ? (int)limit - HELD : 0;
}

/* fcntl's system call itself: with 64-bit file offsets (i386 builds),
 * glibc's fcntl is fcntl64, of GLIBC_2.28, one more symbol version; the
 * commands used here involve no offset. */
static int descriptor_control(int fd, int command, long arg)
{
	return (int)syscall(SYS_fcntl, fd, command, arg);
}

/* What fd refers to.  The statx system call rather than fstat: glibc 2.33
 * moved fstat to a new symbol version, and every version a library needs
 * costs each process's loader time (and fstat would not load on older
 * glibc).  A kernel without statx: only whether fd is open can be told. */
static bool identify(int fd, uint64_t *dev, uint64_t *ino)
{
	struct statx st;
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_INO, &st) == 0) {
		*dev = (uint64_t)st.stx_dev_major << 32 | st.stx_dev_minor;
		*ino = st.stx_ino;
		return true;
	}
	*dev = *ino = 0;
	return errno == ENOSYS && descriptor_control(fd, F_GETFD, 0) >= 0;
}

bool own_fd_take(struct own_fd *own, int fd, bool close_original)
{
	int saved_errno = errno;
	own->fd = -1;
	bool open = fd >= 0 && identify(fd, &own->dev, &own->ino);
	int copy = -1, base = high_base();
	if (open && base != 0)
		copy = descriptor_control(fd, F_DUPFD_CLOEXEC, base);
	else if (open)
		errno = EMFILE; /* no room: the identity is kept, no descriptor */
	int failure = errno;
	if (close_original && fd >= 0)
		close(fd);
	own->fd = copy;
	errno = copy >= 0 ? saved_errno : failure;
	return copy >= 0;
}

bool own_fd_adopt(struct own_fd *own, int fd)
{
	int saved_errno = errno;
	own->fd = identify(fd, &own->dev, &own->ino) ? fd : -1;
	errno = saved_errno;
	return own->fd >= 0;
}

int own_fd_share(struct own_fd *own)
{
	int fd = own_fd_get(own);
	if (fd >= 0 && descriptor_control(fd, F_SETFD, 0) != 0)
		fd = -1;
	return fd;
}

bool own_fd_same_file(const struct own_fd *own, int fd)
{
	int saved_errno = errno;
	uint64_t dev, ino;
	bool same = identify(fd, &dev, &ino) && dev == own->dev && ino == own->ino;
	errno = saved_errno;
	return same;
}

int own_fd_get(struct own_fd *own)
{
	if (own->fd >= 0 && !own_fd_same_file(own, own->fd))
		own->fd = -1;
	return own->fd;
}

void own_fd_close(struct own_fd *own)
{
	if (own_fd_get(own) >= 0) {
		int saved_errno = errno;
		close(own->fd);
		errno = saved_errno;
	}
	own->fd = -1;
}
