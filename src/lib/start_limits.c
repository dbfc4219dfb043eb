/* The resource limits the root started with: see start_limits.h. */
#define _GNU_SOURCE
#include "start_limits.h"

#include <stdbool.h>

static struct rlimit at_start[START_LIMITS];
static unsigned known; /* bit r: at_start[r] was read */

void start_limits_note(void)
{
	for (int r = 0; r < START_LIMITS; r++)
		if (getrlimit((__rlimit_resource_t)r, &at_start[r]) == 0)
			known |= 1u << r;
}

void start_limits_lend(struct program_limits *saved)
{
	saved->changed = 0;
	for (int r = 0; r < START_LIMITS; r++) {
		struct rlimit want = at_start[r], *now = &saved->now[r];
		if (!(known & 1u << r) || getrlimit((__rlimit_resource_t)r, now) != 0 ||
		    (now->rlim_cur == want.rlim_cur && now->rlim_max == want.rlim_max))
			continue;
		if (want.rlim_max > now->rlim_max) /* a lowered hard limit stays */
			want.rlim_max = now->rlim_max;
		if (want.rlim_cur > want.rlim_max)
			want.rlim_cur = want.rlim_max;
		if (setrlimit((__rlimit_resource_t)r, &want) == 0)
			saved->changed |= 1u << r;
	}
}

void start_limits_take_back(const struct program_limits *saved)
{
	for (int r = 0; r < START_LIMITS; r++)
		if (saved->changed & 1u << r)
			(void)setrlimit((__rlimit_resource_t)r, &saved->now[r]);
}
