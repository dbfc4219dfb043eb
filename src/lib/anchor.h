/* Where the shim's handlers run in glibc's own exit sequence.
 *
 * glibc's exit() walks one list, newest first.  __libc_start_main puts the
 * loader's _dl_fini (every library destructor) on it after the libraries'
 * constructors have run and before the program's.  So natively, handlers
 * registered by the program (its constructors and main) run before library
 * destructors, and handlers registered by library constructors run after
 * them, unless their library's __cxa_finalize took them first.
 *
 * The shim hands __libc_start_main its own exit sequence in place of
 * _dl_fini: the program's handlers, then _dl_fini, then the handlers left.
 * One entry on glibc's list, in _dl_fini's place, keeps the native order. */
#ifndef ATEXIT_SHIM_LIB_ANCHOR_H
#define ATEXIT_SHIM_LIB_ANCHOR_H

/* From __libc_start_main: what to hand glibc in place of rtld_fini. */
typedef void rtld_fini_fn(void);
rtld_fini_fn *anchor_replace_rtld_fini(rtld_fini_fn *rtld_fini);

/* And in place of fini, the program's destructors, which glibc before 2.34
 * registers after rtld_fini (NULL stays NULL). */
typedef void program_fini_fn(void);
program_fini_fn *anchor_replace_fini(program_fini_fn *fini);

/* The end of an explicit exit(): glibc's exit, after the shim's own sequence
 * when glibc's list cannot reach it (exit() from a constructor that ran
 * before __libc_start_main, or from a library destructor during the exit). */
_Noreturn void anchor_exit(int status);

#endif
