/* Backtraces: see backtrace.h. */
#define _GNU_SOURCE
#include "backtrace.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include "loaded_symbol.h"
#include "report.h"

#define UNWINDER "libgcc_s.so.1"

typedef _Unwind_Reason_Code unwind_walk_fn(_Unwind_Trace_Fn, void *);
typedef _Unwind_Ptr unwind_ip_fn(struct _Unwind_Context *);

static _Atomic(unwind_walk_fn *) walk;
static _Atomic(unwind_ip_fn *) ip_of;

static bool find_unwinder(void)
{
	void *w = loaded_symbol_in(UNWINDER, "_Unwind_Backtrace");
	void *ip = loaded_symbol_in(UNWINDER, "_Unwind_GetIP");
	if (w == NULL || ip == NULL)
		return false;
	atomic_store(&ip_of, (unwind_ip_fn *)ip);
	atomic_store(&walk, (unwind_walk_fn *)w);
	return true;
}

/* /proc/PID/task counts each thread as a link (the kernel's rule since
 * 2.6): ".", "..", and one per thread.  Unknown (no /proc): not alone. */
static bool only_thread(void)
{
	struct statx st;
	return syscall(SYS_statx, AT_FDCWD, "/proc/self/task", 0, STATX_NLINK, &st) == 0 &&
	       st.stx_nlink == 3;
}

void backtrace_prepare(void)
{
	if (atomic_load(&walk) != NULL || find_unwinder() || !only_thread())
		return;
	/* Kept loaded for the process's life, as glibc's backtrace() does. */
	if (dlopen(UNWINDER, RTLD_NOW | RTLD_LOCAL) != NULL)
		(void)find_unwinder();
}

struct frames {
	void *address[64];
	int count;
};

static _Unwind_Reason_Code collect(struct _Unwind_Context *context, void *data)
{
	struct frames *f = data;
	// NOLINTNEXTLINE(performance-no-int-to-ptr): the unwinder gives addresses as integers
	void *ip = (void *)atomic_load(&ip_of)(context);
	if (ip == NULL) /* the outermost frame, past _start */
		return _URC_END_OF_STACK;
	f->address[f->count++] = ip;
	return f->count < 64 ? _URC_NO_REASON : _URC_END_OF_STACK;
}

void backtrace_write(const void *from)
{
	unwind_walk_fn *unwind = atomic_load(&walk);
	if (unwind == NULL) {
		struct line l = { 0 };
		line_add(&l, "    (no backtrace: " UNWINDER " was not loaded, and loading it while other threads "
		             "run could wait for one in dlclose)");
		line_write(&l, STDERR_FILENO);
		return;
	}
	struct frames f = { .count = 0 };
	unwind(collect, &f);
	int first = 0;
	/* Start at the faulting instruction, not in the signal handling above it. */
	for (int i = 0; i < f.count; i++) {
		if (f.address[i] == from) {
			first = i;
			break;
		}
	}
	backtrace_symbols_fd(f.address + first, f.count - first, STDERR_FILENO);
}
