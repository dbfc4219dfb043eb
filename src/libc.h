/* The real glibc functions behind the ones the shim interposes, found the
 * first time each is needed: start-up pays only for what a run uses, and
 * nothing here is reached from the registration path.  __libc_start_main
 * with dlsym(RTLD_NEXT, ...) at start-up; the others in the same object,
 * glibc, without the loader's lock (loaded_symbol.h), since the exit path
 * must not wait for a thread in dlclose; with dlsym if that fails. */
#ifndef ATEXIT_SHIM_LIBC_H
#define ATEXIT_SHIM_LIBC_H

typedef int libc_start_main_fn(int (*main)(int, char **, char **), int argc, char **argv,
                               void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                               void *stack_end);

libc_start_main_fn *libc_start_main(void);
_Noreturn void libc_exit(int status);
_Noreturn void libc_quick_exit(int status);
void libc_cxa_finalize(void *dso);
/* For a NULL handler only: glibc's own assertion, in the running glibc's
 * words (they differ between versions). */
int libc_cxa_atexit(void (*fn)(void *), void *arg, void *dso);
int libc_on_exit(void (*fn)(int, void *), void *arg);
/* What _exit does, without looking _exit up (the shim exports its own). */
_Noreturn void libc_exit_now(int status);

#endif
