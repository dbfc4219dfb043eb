/* The address range a loaded object occupies, to tell whether a handler's
 * code lies inside a library that is being unloaded. */
#ifndef ATEXIT_SHIM_LIB_DSO_SPAN_H
#define ATEXIT_SHIM_LIB_DSO_SPAN_H

#include <stdbool.h>
#include <stdint.h>

struct dso_span {
	uintptr_t start, end; /* [start, end): empty when start == end */
};

/* Fills *span with the range of the object containing addr; false if none. */
bool dso_span_find(const void *addr, struct dso_span *span);

/* The same for one object of a dl_iterate_phdr walk: whether it contains
 * addr (and then *span is its range). */
struct dl_phdr_info;
bool dso_span_of(const struct dl_phdr_info *info, const void *addr, struct dso_span *span);

static inline bool dso_span_contains(const struct dso_span *span, const void *addr)
{
	return (uintptr_t)addr >= span->start && (uintptr_t)addr < span->end;
}

#endif
