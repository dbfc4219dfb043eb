/* Finding a loaded object's address range with dl_iterate_phdr. */
#define _GNU_SOURCE
#include "dso_span.h"

#include <link.h>

struct search {
	uintptr_t addr;
	struct dso_span *span;
};

/* The loader reserves one range for all of an object's PT_LOAD segments, so
 * the lowest start and highest end bound its code and data. */
static int match_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct search *search = data;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	bool holds = false;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		uintptr_t end = start + ph->p_memsz;
		holds |= search->addr >= start && search->addr < end;
		lo = start < lo ? start : lo;
		hi = end > hi ? end : hi;
	}
	if (!holds)
		return 0;
	search->span->start = lo;
	search->span->end = hi;
	return 1;
}

bool dso_span_find(const void *addr, struct dso_span *span)
{
	struct search search = { (uintptr_t)addr, span };
	span->start = span->end = 0;
	return dl_iterate_phdr(match_object, &search) != 0;
}
