/* Reaching the real glibc functions: see libc.h. */
#define _GNU_SOURCE
#include "libc.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "loaded_symbol.h"

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

/* glibc's __libc_start_main, found first: it says where glibc is. */
static void *start_main;

/* Races between threads resolving the same name are benign: both store the
 * same address.  Relaxed atomics make that explicit.  without_lock: needed
 * before the exit's handlers have run, when a thread in dlclose may hold
 * the loader's lock and wait for them: looked up beside __libc_start_main
 * (see loaded_symbol.h).  Else dlsym, which costs a process less. */
static void *find(void **cache, const char *name, bool without_lock)
{
	void *fn = __atomic_load_n(cache, __ATOMIC_RELAXED);
	if (fn == NULL) {
		void *glibc = __atomic_load_n(&start_main, __ATOMIC_RELAXED);
		if (without_lock && glibc != NULL)
			fn = loaded_symbol_beside(glibc, name);
		if (fn == NULL)
			fn = dlsym(RTLD_NEXT, name);
		if (fn == NULL)
			missing(name);
		__atomic_store_n(cache, fn, __ATOMIC_RELAXED);
	}
	return fn;
}

libc_start_main_fn *libc_start_main(void)
{
	return (libc_start_main_fn *)find(&start_main, "__libc_start_main", false);
}

void libc_exit(int status)
{
	static void *cache;
	void (*real)(int) = (void (*)(int))find(&cache, "exit", true);
	real(status);
	__builtin_unreachable();
}

void libc_quick_exit(int status)
{
	static void *cache;
	void (*real)(int) = (void (*)(int))find(&cache, "quick_exit", true);
	real(status);
	__builtin_unreachable();
}

void libc_cxa_finalize(void *dso)
{
	static void *cache;
	/* Reached at a dlclose (this thread holds the loader's lock) and from
	 * _dl_fini, after the exit's handlers: dlsym is safe. */
	void (*real)(void *) = (void (*)(void *))find(&cache, "__cxa_finalize", false);
	real(dso);
}

int libc_cxa_atexit(void (*fn)(void *), void *arg, void *dso)
{
	static void *cache;
	int (*real)(void (*)(void *), void *, void *) =
		(int (*)(void (*)(void *), void *, void *))find(&cache, "__cxa_atexit", false);
	return real(fn, arg, dso);
}

int libc_on_exit(void (*fn)(int, void *), void *arg)
{
	static void *cache;
	int (*real)(void (*)(int, void *), void *) = (int (*)(void (*)(int, void *), void *))find(&cache, "on_exit", false);
	return real(fn, arg);
}

void libc_exit_now(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}
