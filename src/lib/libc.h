/* The real glibc functions behind the ones the shim interposes, found the
 * first time each is needed: start-up pays only for what a run uses, and
 * nothing here is reached from the registration path.  Each is the next
 * definition after this library, as dlsym(RTLD_NEXT, ...) finds it, but
 * without the loader's lock (loaded_symbol.h), since the exit path must
 * not wait for a thread in dlclose. */
#ifndef ATEXIT_SHIM_LIB_LIBC_H
#define ATEXIT_SHIM_LIB_LIBC_H

#include <dlfcn.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <time.h>

typedef int libc_start_main_fn(int (*main)(int, char **, char **), int argc, char **argv,
                               void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                               void *stack_end);

libc_start_main_fn *libc_start_main(void);
_Noreturn void libc_exit(int status);
_Noreturn void libc_quick_exit(int status);
/* glibc's __cxa_at_quick_exit (at_quick_exit is a static stub, of 2.18) */
int libc_at_quick_exit(void (*fn)(void));
int libc_daemon(int nochdir, int noclose);
void libc_cxa_finalize(void *dso);
/* For a NULL handler only: glibc's own assertion, in the running glibc's
 * words (they differ between versions). */
int libc_cxa_atexit(void (*fn)(void *), void *arg, void *dso);
int libc_on_exit(void (*fn)(int, void *), void *arg);
/* What _exit does, without looking _exit up (the shim exports its own). */
_Noreturn void libc_exit_now(int status);

/* The start-up's own calls into glibc, found in the same walk as the
 * functions above: no lazy binding (~700 instructions each in every
 * process), no symbol versions (__register_atfork's GLIBC_2.3.2 and
 * getauxval's 2.16 on x86_64: ~350 each).  A name in the walk costs every
 * process ~350 instructions too: clock_gettime, needed only by traces, time
 * limits and the symbolizer, is found at its first use (below). */
int libc_register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso);
pid_t libc_getpid(void);
unsigned long libc_getauxval(unsigned long type);

/* Functions of rarer paths whose current symbol version is newer than the
 * architecture's first (clock_gettime's GLIBC_2.17, posix_spawn's 2.15,
 * the loader's 2.34): found by name at their first use rather than linked,
 * for the same reason.  Before glibc 2.34 the dl functions are libdl's,
 * which the library then needs (configure), and are linked. */
int libc_clock_gettime(clockid_t clock, struct timespec *ts);
int libc_posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                     const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
/* The signal calls the shim exports (signal_view.h). */
int libc_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int libc_sigaltstack(const stack_t *ss, stack_t *old);
enum libc_signal_call {
	LIBC_SIGNAL, LIBC_BSD_SIGNAL, LIBC_SSIGNAL, LIBC_SYSV_SIGNAL, LIBC_SYSV_SIGNAL_INTERNAL, LIBC_SIGSET
};
__sighandler_t libc_signal_call(enum libc_signal_call which, int sig, __sighandler_t handler);
/* The exec functions the shim exports (interpose_exec.c): glibc's own.
 * which's call, with envp where it takes one. */
enum libc_exec_call { LIBC_EXECVE, LIBC_EXECV, LIBC_EXECVP, LIBC_EXECVPE };
int libc_exec_call(enum libc_exec_call which, const char *path, char *const argv[], char *const envp[]);
int libc_fexecve(int fd, char *const argv[], char *const envp[]);

/* posix_spawn_file_actions_addchdir_np (glibc 2.29); -1 if there is none. */
int libc_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *dir);
void *libc_dlopen(const char *file, int mode);
void *libc_dlsym(void *handle, const char *name);
char *libc_dlerror(void);
int libc_dladdr(const void *address, Dl_info *info);

#endif
