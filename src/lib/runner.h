/* The runner: when and how the registry's handlers are called.
 *
 * Handlers run newest first, each removed from the registry before it is
 * called, so a handler registered while others run runs next (glibc's rule)
 * and none ever runs twice.  A handler fails in the ways Python's atexit
 * knows as exceptions: it calls exit(n) (SystemExit), or it is killed by
 * SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT.  Either way the runner goes on
 * with the next handler; a crash is reported with a backtrace, an exit(n)
 * silently; the last failure is saved, and re-raised when the exit sequence
 * is over: exit(n) ends the process with n, a signal kills it with that
 * signal.  Of several threads calling exit(), the first runs the handlers
 * and the others wait forever (glibc 2.41's rule; 2.36 crashes). */
#ifndef ATEXIT_SHIM_LIB_RUNNER_H
#define ATEXIT_SHIM_LIB_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

extern struct registry shim_registry;

/* The calling thread starts (or, from inside the exit, re-enters) exit with
 * this status.  Never returns when a handler of a pass called it, nor in a
 * thread other than the one already exiting. */
void runner_enter_exit(int status);

/* Runs, as exit(status) would, every handler registered with seq >= min_seq.
 * Returns the status the process is now to end with: a handler may have
 * called exit() with another.  phase: which part of the exit this is, for
 * the trace ("program", "constructors"), or NULL. */
int runner_run_exit(int status, uint64_t min_seq, const char *phase);

/* The exit sequence is over: re-raises a saved crash by dying of its signal
 * (stdio flushed first); returns if there is none, the process then to end
 * with status. */
void runner_finish_exit(int status);

/* _exit(status) or _Exit(status): the process ends now, none of its
 * handlers run, stdio is not flushed (natively so).  But with
 * run_environment, the environment's entries run first (contract: a root
 * that ends with _exit), and a failing one changes the status.  how: what
 * the trace's exit event says, or NULL if the end is traced already. */
_Noreturn void runner_exit_now(int status, bool run_environment, const char *how);

/* __cxa_finalize(dso): runs dso's own handlers (status 0); at a dlclose,
 * also those whose code lies in the library being unloaded. */
void runner_finalize(void *dso);

/* Runs the loader's _dl_fini (library destructors) as a pass of its own:
 * a crash caught and reported, the time limit enforced (each library's
 * destructors, up to its __cxa_finalize, get the whole limit), both saved
 * as a handler's failure is; after one, the destructors left do not run
 * (the loader's own state is not ours to resume).  Only in a process
 * whose handlers have had crashes caught, or with a time limit: elsewhere
 * (no handler, no limit) natively, for what catching would cost every exit.
 * While it runs nothing
 * is unmapped and __cxa_finalize keeps glibc's rule.  Returns the status
 * the exit goes on with. */
int runner_run_destructors(void (*loader_fini)(void));

/* atexit_shim_run(): every handler now, with the runner's reports.  0, or
 * the last failure as a shell would show it (n, or 128 + signal). */
int runner_run_now(void);

/* The last failure so far, described in one line ("" if none): that of
 * the pass under way in this thread, else that of the exit. */
void runner_describe_failure(char *buf, size_t size);
/* The signal the process will die of when the exit is over, so far (its
 * ATEXIT_SHIM_SIGNALS signal, or a handler's crash re-raised), or 0. */
int runner_ending_signal(void);

/* ATEXIT_SHIM_SKIP: comma-separated globs over handler symbols; matching
 * handlers are removed unrun. */
void runner_set_skip(const char *globs);

/* ATEXIT_SHIM_TIMEOUT: a handler running longer is abandoned (status 124). */
void runner_set_timeout(uint64_t ns);

/* ATEXIT_SHIM_SIGNALS: sig arrived.  The exit is to end by sig once its
 * handlers have run, whatever they do: true if the caller is to start it
 * now, with exit(128 + sig); false if it is under way already.  Never
 * returns for a second signal: the process dies by it at once. */
bool runner_exit_by_signal(int sig);

/* What a failed handler may leave running (an environment command whose
 * time ran out): hook ends it, called after every failure, before the
 * next handler runs. */
void runner_on_failure(void (*hook)(void));
/* Called when the exit has run the environment's entries (the end of the
 * exit sequence, or of a _exit's), before the process ends. */
void runner_on_entries_done(void (*hook)(void));

/* Outside the shim's scope: no crash catching, exactly as natively. */
void runner_behave_natively(void);

/* In the child of fork(): only the forking thread survives. */
void runner_fork_child(void);

#endif
