/* Where the shim's handlers run in glibc's own exit sequence.
 *
 * glibc's exit() walks one list, newest first.  __libc_start_main puts the
 * loader's _dl_fini (every library destructor) on it after the libraries'
 * constructors and before the program's.  So natively, handlers registered
 * by the program (its constructors and main) run before library destructors,
 * and handlers registered by library constructors run after them, unless
 * their library's __cxa_finalize took them first.  The shim keeps that order
 * with two entries of its own on glibc's list: one registered just before
 * main runs the program's handlers; one registered from the shim's
 * constructor, before _dl_fini, runs whatever is left after library
 * destructors. */
#ifndef ATEXIT_SHIM_ANCHOR_H
#define ATEXIT_SHIM_ANCHOR_H

typedef int main_fn(int argc, char **argv, char **envp);

/* From the shim's constructor: the anchor that runs after _dl_fini. */
void anchor_install(void);

/* From __libc_start_main: the main to hand on, which installs the anchor
 * that runs before _dl_fini. */
main_fn *anchor_wrap_main(main_fn *program_main);

/* The end of an explicit exit(): glibc's exit, with the anchors' work done
 * first if the anchors were not installed yet. */
_Noreturn void anchor_exit(int status);

#endif
