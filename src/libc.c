/* Reaching the real glibc functions: see libc.h. */
#define _GNU_SOURCE
#include "libc.h"

#include <dlfcn.h>
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
 * same address.  Relaxed atomics make that explicit.  Looked up beside
 * __libc_start_main without the loader's lock (see loaded_symbol.h): these
 * are needed on the exit path, which must not wait for a dlclose. */
static void *next(void **cache, const char *name)
{
	void *fn = __atomic_load_n(cache, __ATOMIC_RELAXED);
	if (fn == NULL) {
		void *glibc = __atomic_load_n(&start_main, __ATOMIC_RELAXED);
		if (glibc != NULL)
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
	return (libc_start_main_fn *)next(&start_main, "__libc_start_main");
}

void libc_exit(int status)
{
	static void *cache;
	void (*real)(int) = (void (*)(int))next(&cache, "exit");
	real(status);
	__builtin_unreachable();
}

void libc_quick_exit(int status)
{
	static void *cache;
	void (*real)(int) = (void (*)(int))next(&cache, "quick_exit");
	real(status);
	__builtin_unreachable();
}

void libc_cxa_finalize(void *dso)
{
	static void *cache;
	void (*real)(void *) = (void (*)(void *))next(&cache, "__cxa_finalize");
	real(dso);
}

void libc_exit_now(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}
