/* The resource limits the root started with, for its cmd: commands.
 *
 * A program may lower its own limits as it runs (RLIMIT_NOFILE to 3,
 * RLIMIT_AS to what it needs): the user's command is not the program's,
 * and /bin/sh may not even load under them.  The command gets the limits
 * the root started with: the process takes them back for the moment of the
 * spawn (the child inherits them) and then puts the program's back.  A hard
 * limit the program lowered cannot be raised again: the command runs under
 * that. */
#ifndef ATEXIT_SHIM_LIB_START_LIMITS_H
#define ATEXIT_SHIM_LIB_START_LIMITS_H

#include <sys/resource.h>

#define START_LIMITS RLIM_NLIMITS

struct program_limits {
	struct rlimit now[START_LIMITS];
	unsigned changed; /* bit r: limit r was changed, now[r] is the program's */
};

/* At start-up, in a root with cmd: entries. */
void start_limits_note(void);
/* Around a spawn. */
void start_limits_lend(struct program_limits *saved);
void start_limits_take_back(const struct program_limits *saved);

#endif
