/* Functions of loaded objects, found without the loader's lock: see
 * loaded_symbol.h. */
#define _GNU_SOURCE
#include "loaded_symbol.h"

#include <link.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "dso_span.h"

struct search {
	const void *inside; /* the object containing this address, */
	const char *file;   /* or the one with this base name */
	const char *name;
	void *found;
};

/* Plain loops, here and below: a libc function's first call costs a
 * process its lazy binding (~700 instructions), a large share of a lookup. */
static bool same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool named(const struct dl_phdr_info *info, const char *file)
{
	const char *base = info->dlpi_name;
	if (base == NULL)
		return false;
	for (const char *p = base; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	return same(base, file);
}

/* ELF states addresses as integers.  The loader relocates most DT_
 * pointers in place; some targets (and the vDSO) keep them relative to the
 * load address, as program headers and symbol values always are. */
static const void *pointer(const struct dl_phdr_info *info, uintptr_t value)
{
	uintptr_t address = value < info->dlpi_addr ? value + info->dlpi_addr : value;
	return (const void *)address; // NOLINT(performance-no-int-to-ptr): see above
}

struct tables {
	const ElfW(Sym) *symbols;
	const char *strings;
	const uint32_t *gnu_hash;
	const ElfW(Half) *versions; /* NULL: unversioned object */
};

static bool read_dynamic(const struct dl_phdr_info *info, struct tables *t)
{
	const ElfW(Dyn) *dynamic = NULL;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dynamic = pointer(info, info->dlpi_phdr[i].p_vaddr);
	if (dynamic == NULL)
		return false;
	*t = (struct tables){ 0 };
	for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++) {
		const void *at = pointer(info, d->d_un.d_ptr);
		if (d->d_tag == DT_SYMTAB)
			t->symbols = at;
		else if (d->d_tag == DT_STRTAB)
			t->strings = at;
		else if (d->d_tag == DT_GNU_HASH)
			t->gnu_hash = at;
		else if (d->d_tag == DT_VERSYM)
			t->versions = at;
	}
	return t->symbols != NULL && t->strings != NULL && t->gnu_hash != NULL;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* A defined function or object, in its default version (not a hidden,
 * older one).  (ELF64_ST_TYPE is ELF32_ST_TYPE: one rule for both classes.) */
static bool is_it(const struct tables *t, uint32_t index, const char *name)
{
	const ElfW(Sym) *sym = &t->symbols[index];
	unsigned type = ELF64_ST_TYPE(sym->st_info);
	return sym->st_shndx != SHN_UNDEF && (type == STT_FUNC || type == STT_OBJECT) &&
	       (t->versions == NULL || (t->versions[index] & 0x8000) == 0) &&
	       same(t->strings + sym->st_name, name);
}

/* The GNU hash table: buckets of symbol indexes, each chain's hashes with
 * the low bit marking its end (the layout binutils and glibc share). */
static void *lookup(const struct dl_phdr_info *info, const char *name)
{
	struct tables t;
	if (!read_dynamic(info, &t))
		return NULL;
	uint32_t buckets = t.gnu_hash[0], first = t.gnu_hash[1], bloom_words = t.gnu_hash[2];
	if (buckets == 0)
		return NULL;
	const uint32_t *bucket = (const uint32_t *)((const ElfW(Addr) *)(t.gnu_hash + 4) + bloom_words);
	const uint32_t *chain = bucket + buckets;
	uint32_t hash = gnu_hash(name);
	uint32_t index = bucket[hash % buckets];
	if (index < first)
		return NULL;
	for (;; index++) {
		uint32_t h = chain[index - first];
		if ((h | 1) == (hash | 1) && is_it(&t, index, name))
			return (void *)pointer(info, t.symbols[index].st_value);
		if (h & 1)
			return NULL;
	}
}

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct search *s = data;
	struct dso_span span;
	bool it = s->inside != NULL ? dso_span_of(info, s->inside, &span) : named(info, s->file);
	if (!it)
		return 0;
	s->found = lookup(info, s->name);
	return 1;
}

void *loaded_symbol_beside(const void *inside, const char *name)
{
	struct search s = { .inside = inside, .name = name };
	dl_iterate_phdr(visit, &s);
	return s.found;
}

void *loaded_symbol_in(const char *file, const char *name)
{
	struct search s = { .file = file, .name = name };
	dl_iterate_phdr(visit, &s);
	return s.found;
}
