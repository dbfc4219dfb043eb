/* The shim's own descriptors: the trace file, the start-up copies of stdout
 * and stderr.  A program must never meet them (contract: ATEXIT_SHIM_TRACE):
 *
 * - they never take 0, 1 or 2: a program started with one of those closed
 *   keeps it closed (ls >&- must still fail with "write error");
 * - they sit at the very top of the descriptor table (the last four below
 *   1024, or below a lower limit), far above the numbers programs get, and
 *   are close-on-exec;
 * - a program may close them (closefrom, closerange) and open a file that
 *   reuses the number: each use first checks that the number still refers to
 *   the file the shim opened (device and inode), so the shim never writes into
 *   a file of the program's.
 *
 * Async-signal-safe, as the trace is written from signal handlers, and
 * errno is left as it was: registrations trace, and keep errno. */
#ifndef ATEXIT_SHIM_LIB_OWN_FD_H
#define ATEXIT_SHIM_LIB_OWN_FD_H

#include <stdbool.h>
#include <stdint.h>

struct own_fd {
	int fd;       /* -1: none */
	uint64_t dev; /* what it referred to when it was taken */
	uint64_t ino;
};

#define OWN_FD_NONE { .fd = -1 }

/* Makes a high, close-on-exec copy of fd, the caller's descriptor, and
 * remembers what it refers to.  close_original: fd was opened for the shim
 * and is closed once copied.  False (errno set) if fd is not open or no copy
 * could be made (EMFILE too where there is no room: under RLIMIT_NOFILE 64
 * or less the table has no top the program does not reach, and the shim
 * holds no descriptor at all, doing without); *own
 * then holds no descriptor, but still what fd referred to, for
 * own_fd_same_file. */
bool own_fd_take(struct own_fd *own, int fd, bool close_original);

/* own->fd if it still refers to what was taken, else -1 (own is then
 * forgotten without closing: the number is no longer the shim's). */
int own_fd_get(struct own_fd *own);

/* Takes fd itself as the shim's, already high (a descriptor inherited from
 * the tree's root, see trace_output.h): remembers what it refers to. */
bool own_fd_adopt(struct own_fd *own, int fd);

/* Leaves own's descriptor open across exec, for the processes the program
 * starts; its number, or -1 if it is not the shim's any more. */
int own_fd_share(struct own_fd *own);

/* Whether fd, a descriptor of the program's, refers to the same file as own
 * did when it was taken. */
bool own_fd_same_file(const struct own_fd *own, int fd);

/* Closes it, if it is still the shim's. */
void own_fd_close(struct own_fd *own);

#endif
