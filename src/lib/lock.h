/* A word-sized mutual-exclusion lock.
 *
 * Why not pthread_mutex_t: the registry is touched by registrations that can
 * arrive before any constructor has run, from inside a malloc replacement, and
 * on every handler of an exit run, so the lock must need no initialisation, no
 * allocation, and cost a handful of instructions when uncontended.  The state
 * word follows the classic three-state futex design: 0 free, 1 taken, 2 taken
 * with (possible) waiters.  Not recursive. */
#ifndef ATEXIT_SHIM_LIB_LOCK_H
#define ATEXIT_SHIM_LIB_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct lock {
	atomic_int state;
};

#define LOCK_INIT { 0 }

void lock_wait(struct lock *l);
void lock_wake(struct lock *l);

/* The uncontended case alone: true if the lock is now ours. */
static inline bool lock_try(struct lock *l)
{
	int expected = 0;
	return atomic_compare_exchange_strong_explicit(&l->state, &expected, 1,
	                                               memory_order_acquire, memory_order_relaxed);
}

static inline void lock_take(struct lock *l)
{
	if (!lock_try(l))
		lock_wait(l);
}

static inline void lock_drop(struct lock *l)
{
	if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
		lock_wake(l);
}

/* In a child after fork(): the threads that could hold the lock are gone. */
static inline void lock_reset(struct lock *l)
{
	atomic_store_explicit(&l->state, 0, memory_order_relaxed);
}

#endif
