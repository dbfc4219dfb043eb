/* The contended half of lock.h: sleeping on the state word with futex(2). */
#include "lock.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

void lock_wait(struct lock *l)
{
	int saved_errno = errno; /* FUTEX_WAIT fails with EAGAIN when it races */
	while (atomic_exchange_explicit(&l->state, 2, memory_order_acquire) != 0)
		syscall(SYS_futex, &l->state, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
	errno = saved_errno;
}

void lock_wake(struct lock *l)
{
	int saved_errno = errno;
	syscall(SYS_futex, &l->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = saved_errno;
}
