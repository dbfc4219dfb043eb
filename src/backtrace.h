/* Backtraces of a failed handler (a crash, a time limit), written from the
 * signal handler that caught it.
 *
 * The unwinder lives in libgcc_s.  glibc's backtrace() dlopens it on first
 * use, which takes the loader's lock: at a crash (in a signal handler) that
 * is unsafe, and at the start of an exit it could wait forever for a thread
 * whose dlclose waits for an exit handler.  So the unwinder is readied when
 * a pass of handlers begins, without the loader's lock when libgcc_s is
 * already loaded (C++ programs), and loaded only when this is the process's
 * only thread (then nobody else can hold the lock).  Otherwise the report
 * says why it has no backtrace. */
#ifndef ATEXIT_SHIM_BACKTRACE_H
#define ATEXIT_SHIM_BACKTRACE_H

/* Before a pass of handlers that may fail: cheap once it has succeeded. */
void backtrace_prepare(void);

/* Writes the calling thread's stack, one frame a line, to stderr, from the
 * frame at address from if it is on the stack (a signal's faulting
 * instruction), else all of it.  Async-signal-safe once prepared. */
void backtrace_write(const void *from);

#endif
