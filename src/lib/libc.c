/* Reaching the real glibc functions: see libc.h. */
#define _GNU_SOURCE
#include "libc.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "loaded_symbol.h"

extern void *__dso_handle __attribute__((visibility("hidden")));

/* A symbol that glibc must have and does not: nothing sensible can follow,
 * and stdio may not be usable yet, so say so in one writev(2) and abort. */
static _Noreturn void missing(const char *name)
{
	static char prefix[] = "atexit-shim: cannot find the C library's ";
	static char suffix[] = " (is this a glibc program?)\n";
	struct iovec line[] = {
		{ prefix, sizeof prefix - 1 },
		{ (char *)name, strlen(name) },
		{ suffix, sizeof suffix - 1 },
	};
	if (writev(STDERR_FILENO, line, 3) < 0)
		abort(); /* nothing else to be done */
	abort();
}

/* What the headers call clock_gettime: with 64-bit time on a 32-bit
 * architecture, glibc's __clock_gettime64. */
#if defined __USE_TIME_BITS64 && __TIMESIZE == 32
#define CLOCK_GETTIME_NAME "__clock_gettime64"
#else
#define CLOCK_GETTIME_NAME "clock_gettime"
#endif

/* What every run needs: found together, in one walk over the loaded
 * objects, the first time one is needed (at start-up): a lazy binding
 * would cost a process ~700 instructions a function, a name in the walk
 * ~350; and a function that is not linked needs no symbol version. */
enum forwarded {
	START_MAIN, CXA_FINALIZE, EXIT, REGISTER_ATFORK, GETPID, GETAUXVAL,
	FORWARDED
};
static const char *const forwarded_names[FORWARDED] = {
	[START_MAIN] = "__libc_start_main",
	[CXA_FINALIZE] = "__cxa_finalize",
	[EXIT] = "exit",
	[REGISTER_ATFORK] = "__register_atfork",
	[GETPID] = "getpid",
	[GETAUXVAL] = "getauxval",
};
static void *forwarded[FORWARDED];

/* Each is the first definition after this library, as dlsym(RTLD_NEXT,
 * name) finds it but without the loader's lock (loaded_symbol.h): the exit
 * path must not wait for a thread in dlclose.  Two threads finding them at
 * once store the same addresses: relaxed atomics say the race is benign. */
static void *next(enum forwarded which)
{
	void *fn = __atomic_load_n(&forwarded[which], __ATOMIC_RELAXED);
	if (fn == NULL) {
		void *found[FORWARDED] = { NULL };
		loaded_symbols_next(forwarded_names, found, FORWARDED);
		for (int i = 0; i < FORWARDED; i++) {
			if (found[i] == NULL)
				missing(forwarded_names[i]);
			__atomic_store_n(&forwarded[i], found[i], __ATOMIC_RELAXED);
		}
		fn = found[which];
	}
	return fn;
}

/* One for a rarer path, in a walk of its own at its first use; NULL if
 * the running glibc has none. */
static void *find_if_any(void **cache, const char *name)
{
	void *fn = __atomic_load_n(cache, __ATOMIC_RELAXED);
	if (fn == NULL) { /* fn == NULL: as loaded_symbols_next needs it */
		if (loaded_symbols_next(&name, &fn, 1) == 0)
			return NULL;
		__atomic_store_n(cache, fn, __ATOMIC_RELAXED);
	}
	return fn;
}

/* The same for a function every glibc has. */
static void *find(void **cache, const char *name)
{
	void *fn = find_if_any(cache, name);
	if (fn == NULL)
		missing(name);
	return fn;
}

libc_start_main_fn *libc_start_main(void)
{
	return (libc_start_main_fn *)next(START_MAIN);
}

void libc_exit(int status)
{
	void (*real)(int) = (void (*)(int))next(EXIT);
	real(status);
	__builtin_unreachable();
}

void libc_quick_exit(int status)
{
	static void *cache;
	void (*real)(int) = (void (*)(int))find(&cache, "quick_exit");
	real(status);
	__builtin_unreachable();
}

int libc_at_quick_exit(void (*fn)(void))
{
	static void *cache;
	int (*real)(void (*)(void *), void *) = (int (*)(void (*)(void *), void *))find(&cache, "__cxa_at_quick_exit");
	return real((void (*)(void *))(void (*)(void))fn, __dso_handle);
}

int libc_daemon(int nochdir, int noclose)
{
	static void *cache;
	int (*real)(int, int) = (int (*)(int, int))find(&cache, "daemon");
	return real(nochdir, noclose);
}

void libc_cxa_finalize(void *dso)
{
	void (*real)(void *) = (void (*)(void *))next(CXA_FINALIZE);
	real(dso);
}

int libc_cxa_atexit(void (*fn)(void *), void *arg, void *dso)
{
	static void *cache;
	int (*real)(void (*)(void *), void *, void *) =
		(int (*)(void (*)(void *), void *, void *))find(&cache, "__cxa_atexit");
	return real(fn, arg, dso);
}

int libc_on_exit(void (*fn)(int, void *), void *arg)
{
	static void *cache;
	int (*real)(void (*)(int, void *), void *) = (int (*)(void (*)(int, void *), void *))find(&cache, "on_exit");
	return real(fn, arg);
}

void libc_exit_now(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

int libc_register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso)
{
	int (*real)(void (*)(void), void (*)(void), void (*)(void), void *) =
		(int (*)(void (*)(void), void (*)(void), void (*)(void), void *))next(REGISTER_ATFORK);
	return real(prepare, parent, child, dso);
}

pid_t libc_getpid(void)
{
	pid_t (*real)(void) = (pid_t (*)(void))next(GETPID);
	return real();
}

unsigned long libc_getauxval(unsigned long type)
{
	unsigned long (*real)(unsigned long) = (unsigned long (*)(unsigned long))next(GETAUXVAL);
	return real(type);
}

int libc_clock_gettime(clockid_t clock, struct timespec *ts)
{
	static void *cache;
	int (*real)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))find(&cache, CLOCK_GETTIME_NAME);
	return real(clock, ts);
}

int libc_exec_call(enum libc_exec_call which, const char *path, char *const argv[], char *const envp[])
{
	static const char names[][8] = { /* arrays: no relocations (above) */
		[LIBC_EXECVE] = "execve", [LIBC_EXECV] = "execv", [LIBC_EXECVP] = "execvp",
		[LIBC_EXECVPE] = "execvpe",
	};
	static void *cache[sizeof names / sizeof names[0]];
	void *fn = find(&cache[which], names[which]);
	if (which == LIBC_EXECV || which == LIBC_EXECVP)
		return ((int (*)(const char *, char *const[]))fn)(path, argv);
	return ((int (*)(const char *, char *const[], char *const[]))fn)(path, argv, envp);
}

int libc_fexecve(int fd, char *const argv[], char *const envp[])
{
	static void *cache;
	int (*real)(int, char *const[], char *const[]) = (int (*)(int, char *const[], char *const[]))find(&cache, "fexecve");
	return real(fd, argv, envp);
}

int libc_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *dir)
{
	static void *cache;
	void *fn = find_if_any(&cache, "posix_spawn_file_actions_addchdir_np");
	return fn != NULL ? ((int (*)(posix_spawn_file_actions_t *, const char *))fn)(actions, dir) : -1;
}

/* The signal calls the shim exports for the program's view of them
 * (signal_view.h): glibc's own, for the shim and for the signals it does
 * not hold. */
int libc_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	static void *cache;
	int (*real)(int, const struct sigaction *, struct sigaction *) =
		(int (*)(int, const struct sigaction *, struct sigaction *))find(&cache, "sigaction");
	return real(sig, act, old);
}

int libc_sigaltstack(const stack_t *ss, stack_t *old)
{
	static void *cache;
	int (*real)(const stack_t *, stack_t *) = (int (*)(const stack_t *, stack_t *))find(&cache, "sigaltstack");
	return real(ss, old);
}

__sighandler_t libc_signal_call(enum libc_signal_call which, int sig, __sighandler_t handler)
{
	/* arrays, not pointers: a table of pointers costs every process one
	 * relocation each at start-up */
	static const char names[][16] = {
		[LIBC_SIGNAL] = "signal",
		[LIBC_BSD_SIGNAL] = "bsd_signal",
		[LIBC_SSIGNAL] = "ssignal",
		[LIBC_SYSV_SIGNAL] = "sysv_signal",
		[LIBC_SYSV_SIGNAL_INTERNAL] = "__sysv_signal",
		[LIBC_SIGSET] = "sigset",
	};
	static void *cache[sizeof names / sizeof names[0]];
	__sighandler_t (*real)(int, __sighandler_t) = (__sighandler_t (*)(int, __sighandler_t))find(&cache[which], names[which]);
	return real(sig, handler);
}

/* The loader's functions are libc's from glibc 2.34, at GLIBC_2.34, and
 * are found by name; before, they are libdl's, at its first version, and
 * are linked, which also keeps libdl among the library's needs whatever
 * the linker's --as-needed says. */
#define LOADER_IN_LIBC __GLIBC_PREREQ(2, 34)

int libc_posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                     const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static void *cache;
	int (*real)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
	            char *const[], char *const[]) =
		(int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
		         char *const[], char *const[]))find(&cache, "posix_spawn");
	return real(pid, path, actions, attr, argv, envp);
}

void *libc_dlopen(const char *file, int mode)
{
#if LOADER_IN_LIBC
	static void *cache;
	void *(*real)(const char *, int) = (void *(*)(const char *, int))find(&cache, "dlopen");
#else
	void *(*real)(const char *, int) = dlopen;
#endif
	return real(file, mode);
}

void *libc_dlsym(void *handle, const char *name)
{
#if LOADER_IN_LIBC
	static void *cache;
	void *(*real)(void *, const char *) = (void *(*)(void *, const char *))find(&cache, "dlsym");
#else
	void *(*real)(void *, const char *) = dlsym;
#endif
	return real(handle, name);
}

char *libc_dlerror(void)
{
#if LOADER_IN_LIBC
	static void *cache;
	char *(*real)(void) = (char *(*)(void))find(&cache, "dlerror");
#else
	char *(*real)(void) = dlerror;
#endif
	return real();
}

int libc_dladdr(const void *address, Dl_info *info)
{
#if LOADER_IN_LIBC
	static void *cache;
	int (*real)(const void *, Dl_info *) = (int (*)(const void *, Dl_info *))find(&cache, "dladdr");
#else
	int (*real)(const void *, Dl_info *) = dladdr;
#endif
	return real(address, info);
}
