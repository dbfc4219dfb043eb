/* The process environment as the shim sees it: its own settings
 * (ATEXIT_SHIM_*) and its entry in LD_PRELOAD. */
#ifndef ATEXIT_SHIM_SETTINGS_ENVIRONMENT_H
#define ATEXIT_SHIM_SETTINGS_ENVIRONMENT_H

#include <stdbool.h>
#include <stddef.h>

/* The ATEXIT_SHIM_* variables of the environment, found in one pass over
 * environ with no calls, so that a process without settings pays next to
 * nothing and one with settings does not scan environ once per variable. */
struct shim_variables {
	size_t count;
	char **entry[16];     /* environ's slots of "ATEXIT_SHIM_NAME=value" */
	size_t environ_count; /* all of environ's entries */
};
void environment_find_settings(struct shim_variables *found);

/* Secure execution (AT_SECURE: set-user-id, set-group-id, file
 * capabilities), decided once, at start-up: every ATEXIT_SHIM_* variable is
 * removed from environ, so that none reaches a child, and from then on
 * environment_find_settings finds none, whatever the program puts back:
 * no reader of a setting, at start-up or at failure time, sees one. */
void environment_refuse_settings(void);
/* The value of name ("ATEXIT_SHIM_NAME") among them, or NULL. */
const char *environment_setting(const struct shim_variables *found, const char *name);

/* Sets "ATEXIT_SHIM_ROOT_PID=pid" in this process's environment, where
 * found (from environment_find_settings, just before) says, and without
 * malloc when the environment is of ordinary size: a program that never
 * allocates should not pay for malloc's start-up because of us. */
void environment_set_root_pid(const struct shim_variables *found, long pid);

/* path made absolute from the current directory, into out (size bytes),
 * "./" dropped; false with errno if the directory has no name or the result
 * does not fit (ENAMETOOLONG).  An absolute path is copied as it is. */
bool environment_absolute(char *out, size_t size, const char *path);

/* A relative ATEXIT_SHIM_TRACE given by hand, made absolute from the root's
 * start-up directory and set so for the rest of the tree, which may run
 * elsewhere (an exec after cd, make -C).  Returns the value to use: the
 * absolute one, or path as it was if it cannot be made so. */
const char *environment_absolute_trace(const char *path);

/* The first root with cmd: entries: its start-up directory, where they run,
 * set as ATEXIT_SHIM_RUN_DIR for its later images (an exec after cd) and
 * its descendants.  NULL if the directory has no name. */
const char *environment_note_run_dir(void);

/* In the root of a tree: ATEXIT_SHIM_TRACE_FD=fd for its descendants
 * (nothing if fd is -1). */
void environment_share_trace(int fd);

/* Removes every ATEXIT_SHIM_* variable and the shim's LD_PRELOAD entry from
 * this process's environment, so that its children do not load the shim. */
void environment_strip(void);

/* Whether an LD_PRELOAD value already names the shim. */
bool environment_preload_has_shim(const char *value);

/* A copy of the environment for a command run at exit: without the shim's
 * settings and LD_PRELOAD entry, plus the extra "NAME=value" strings.  In
 * anonymous memory, not malloc's: a handler may have crashed holding its
 * lock.  NULL if memory is short.  Release with environment_release. */
char **environment_for_command(const char *const extra[], size_t extras, size_t *bytes);
void environment_release(char **env, size_t bytes);

#endif
