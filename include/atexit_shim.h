/* atexit_shim.h: the C API of atexit-shim, Python's atexit module for C.
 *
 * The functions live in libatexit-shim.so, which is in a process only when
 * preloaded.  So that a program built with this header runs unchanged
 * without it, each call looks its function up at run time; when the shim is
 * not there, the calls fail with errno ENOSYS.  Link nothing: on glibc 2.34
 * and later dlsym is in libc itself (pkg-config --libs atexit-shim adds -ldl
 * for older ones).
 *
 *   atexit_shim_register(fn, arg)     register(fn, *args): fn(arg) at exit
 *   atexit_shim_unregister(fn)        unregister(fn): every entry of fn,
 *                                     any flavour, any argument; how many
 *   atexit_shim_unregister_arg(fn, a) only entries of fn with argument a
 *   atexit_shim_count()               _ncallbacks(): handlers waiting
 *   atexit_shim_clear()               _clear(): drop them all, unrun
 *   atexit_shim_run()                 _run_exitfuncs(): run them all now;
 *                                     0, or the last failure as a shell
 *                                     status (n for exit(n), 128+S for a
 *                                     signal), not re-raised */
#ifndef ATEXIT_SHIM_H
#define ATEXIT_SHIM_H

#include <stddef.h>

#ifdef ATEXIT_SHIM_LIBRARY /* the library's own definitions */

int atexit_shim_register(void (*fn)(void *), void *arg);
int atexit_shim_unregister(const void *fn);
int atexit_shim_unregister_arg(const void *fn, void *arg);
size_t atexit_shim_count(void);
void atexit_shim_clear(void);
int atexit_shim_run(void);

#else

#include <dlfcn.h>
#include <errno.h>

/* The shim's definition of name, or NULL (errno ENOSYS) without the shim.
 * RTLD_DEFAULT, spelt out so that no feature macro is needed. */
static inline void *atexit_shim_lookup_(void **cache, const char *name)
{
	if (*cache == NULL)
		*cache = dlsym((void *)0, name);
	if (*cache == NULL)
		errno = ENOSYS;
	return *cache;
}

typedef int atexit_shim_register_fn_(void (*)(void *), void *);
typedef int atexit_shim_unregister_fn_(const void *);
typedef int atexit_shim_unregister_arg_fn_(const void *, void *);
typedef size_t atexit_shim_count_fn_(void);
typedef void atexit_shim_clear_fn_(void);
typedef int atexit_shim_run_fn_(void);

static inline int atexit_shim_register(void (*fn)(void *), void *arg)
{
	static void *cache;
	atexit_shim_register_fn_ *real =
		(atexit_shim_register_fn_ *)atexit_shim_lookup_(&cache, "atexit_shim_register");
	return real ? real(fn, arg) : -1;
}

static inline int atexit_shim_unregister(const void *fn)
{
	static void *cache;
	atexit_shim_unregister_fn_ *real =
		(atexit_shim_unregister_fn_ *)atexit_shim_lookup_(&cache, "atexit_shim_unregister");
	return real ? real(fn) : -1;
}

static inline int atexit_shim_unregister_arg(const void *fn, void *arg)
{
	static void *cache;
	atexit_shim_unregister_arg_fn_ *real = (atexit_shim_unregister_arg_fn_ *)atexit_shim_lookup_(
		&cache, "atexit_shim_unregister_arg");
	return real ? real(fn, arg) : -1;
}

static inline size_t atexit_shim_count(void)
{
	static void *cache;
	atexit_shim_count_fn_ *real =
		(atexit_shim_count_fn_ *)atexit_shim_lookup_(&cache, "atexit_shim_count");
	return real ? real() : 0;
}

static inline void atexit_shim_clear(void)
{
	static void *cache;
	atexit_shim_clear_fn_ *real =
		(atexit_shim_clear_fn_ *)atexit_shim_lookup_(&cache, "atexit_shim_clear");
	if (real)
		real();
}

static inline int atexit_shim_run(void)
{
	static void *cache;
	atexit_shim_run_fn_ *real = (atexit_shim_run_fn_ *)atexit_shim_lookup_(&cache, "atexit_shim_run");
	return real ? real() : -1;
}


#endif
#endif
