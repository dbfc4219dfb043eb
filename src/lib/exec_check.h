/* The root about to leave the shim: an exec of an image that will not run
 * its ATEXIT_SHIM_HANDLERS entries (its environment drops the shim or the
 * entries, or the loader will not preload the shim into it: statically
 * linked, set-user-id...).  The entries cannot follow it, and the exec is
 * the program's to make: one line says which checks will not run, and how
 * to have them run whatever the program does (atexit-shim --supervise,
 * which is then the root's parent and says nothing here). */
#ifndef ATEXIT_SHIM_LIB_EXEC_CHECK_H
#define ATEXIT_SHIM_LIB_EXEC_CHECK_H

/* path: the file about to be executed, or NULL if it is not known yet (a
 * name the exec searches PATH for: then only the environment is looked
 * at); envp: its environment. */
void exec_check(const char *path, char *const envp[]);

#endif
