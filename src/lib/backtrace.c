/* Backtraces: see backtrace.h. */
#define _GNU_SOURCE
#include "backtrace.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include "libc.h"
#include "loaded_symbol.h"
#include "line.h"
#include "failure_names.h"

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

/* Whether no other thread can hold the loader's lock.  glibc 2.32 and later
 * say so themselves: __libc_single_threaded stays true until a thread is
 * created (it is also right under qemu-user, whose own threads share the
 * process).  Before 2.32, /proc/PID/task counts each thread as a link (the
 * kernel's rule since 2.6): ".", "..", and one per thread.  Unknown (no
 * /proc): not alone. */
static bool only_thread(void)
{
	const char *single = loaded_symbol_in("libc.so.6", "__libc_single_threaded");
	if (single != NULL)
		return *single != 0;
	struct statx st;
	return syscall(SYS_statx, AT_FDCWD, "/proc/self/task", 0, STATX_NLINK, &st) == 0 &&
	       st.stx_nlink == 3;
}

void backtrace_prepare(void)
{
	if (atomic_load(&walk) != NULL || find_unwinder() || !only_thread())
		return;
	/* Kept loaded for the process's life, as glibc's backtrace() does. */
	if (libc_dlopen(UNWINDER, RTLD_NOW | RTLD_LOCAL) != NULL)
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

static void no_unwinder(void)
{
	struct line l = { 0 };
	line_add(&l, "    (no backtrace: " UNWINDER " was not loaded when the failure came, and loading it "
	             "then is not safe)");
	line_write(&l, STDERR_FILENO);
}

/* Whether address is in the shim's own code. */
static bool in_shim(const void *address)
{
	Dl_info ours, theirs;
	return libc_dladdr((const void *)in_shim, &ours) != 0 && libc_dladdr(address, &theirs) != 0 &&
	       theirs.dli_fbase == ours.dli_fbase;
}

/* The stack from `from` (if it is on it), without the shim's frames;
 * false if there is no unwinder. */
static bool collect_from(const void *from, void **out, int *count)
{
	if (atomic_load(&walk) == NULL)
		(void)find_unwinder(); /* not prepared: one loaded already, if any */
	unwind_walk_fn *unwind = atomic_load(&walk);
	if (unwind == NULL)
		return false;
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
	*count = 0;
	for (int i = first; i < f.count; i++)
		if (!in_shim(f.address[i]))
			out[(*count)++] = f.address[i];
	return true;
}

/* Where address lies, for the symbolizer; one byte back for a return
 * address (it names the call). */
static struct symbolize_request request_for(const void *address, bool return_address)
{
	struct symbol s;
	symbol_of(address, &s);
	uintptr_t back = return_address && s.offset > 0 ? 1 : 0;
	return (struct symbolize_request){ s.library, s.offset - back };
}

void backtrace_name(const void *from, const void *handler, const void *object, struct named_backtrace *t)
{
	t->named = false;
	t->names = NULL;
	if (!collect_from(from, t->address, &t->count))
		t->count = -1;
	struct symbolize_request requests[66];
	requests[0] = handler != NULL ? request_for(handler, false) : (struct symbolize_request){ NULL, 0 };
	/* a C++ static's object; one outside every file (on the heap) has no
	 * library, and a request without one is not asked */
	requests[1] = object != NULL ? request_for(object, false) : (struct symbolize_request){ NULL, 0 };
	for (int i = 0; i < t->count; i++) /* every frame but the fault's is a return address */
		requests[2 + i] = request_for(t->address[i], i > 0);
	size_t n = 2 + (t->count > 0 ? (size_t)t->count : 0);
	t->named = failure_names_ask(requests, n, t->answers);
	t->handler = (struct handler_names){ t->answers[0], t->answers[1] };
	t->names = t->named ? &t->handler : NULL;
}

int backtrace_loader_callee(const struct named_backtrace *t)
{
	/* The loader's load address, as the kernel gave it to the process. */
	uintptr_t loader = (uintptr_t)libc_getauxval(AT_BASE);
	for (int i = 1; loader != 0 && i < t->count; i++) {
		Dl_info frame;
		if (libc_dladdr(t->address[i], &frame) != 0 && (uintptr_t)frame.dli_fbase == loader)
			return i - 1;
	}
	return -1;
}

void backtrace_write_named(struct named_backtrace *t)
{
	if (t->count < 0) {
		no_unwinder();
	} else if (!t->named) {
		backtrace_symbols_fd(t->address, t->count, STDERR_FILENO);
	} else {
		/* "    #N NAME (FILE:LINE) in LIBRARY+0xOFFSET", as the report's line names the handler */
		for (int i = 0; i < t->count; i++) {
			struct line l = { 0 };
			struct symbol s;
			symbol_of(t->address[i], &s);
			line_add(&l, "    #");
			line_add_decimal(&l, i);
			line_add(&l, " ");
			if (t->answers[2 + i] != NULL) {
				line_add_escaped(&l, t->answers[2 + i]);
				line_add(&l, " in ");
			}
			if (s.library != NULL) {
				line_add_escaped(&l, s.library);
				line_add(&l, "+");
			}
			line_add_hex(&l, s.offset);
			line_write(&l, STDERR_FILENO);
		}
	}
	if (t->named)
		failure_names_done();
	t->named = false;
}
