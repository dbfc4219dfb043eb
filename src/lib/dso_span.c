/* Finding a loaded object's address range with dl_iterate_phdr. */
#define _GNU_SOURCE
#include "dso_span.h"

#include <link.h>

struct search {
	const void *addr;
	struct dso_span *span;
};

/* The loader reserves one range for all of an object's PT_LOAD segments, so
 * the lowest start and highest end bound its code and data. */
bool dso_span_of(const struct dl_phdr_info *info, const void *addr, struct dso_span *span)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0, a = (uintptr_t)addr;
	bool holds = false;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		uintptr_t end = start + ph->p_memsz;
		holds |= a >= start && a < end;
		lo = start < lo ? start : lo;
		hi = end > hi ? end : hi;
	}
	if (holds) {
		span->start = lo;
		span->end = hi;
	}
	return holds;
}

static int match_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct search *search = data;
	return dso_span_of(info, search->addr, search->span);
}

bool dso_span_find(const void *addr, struct dso_span *span)
{
	struct search search = { addr, span };
	span->start = span->end = 0;
	return dl_iterate_phdr(match_object, &search) != 0;
}
