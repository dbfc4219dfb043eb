/* Functions of loaded objects, found without the loader's lock: see
 * loaded_symbol.h. */
#define _GNU_SOURCE
#include "loaded_symbol.h"

#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* This library's own ELF header, placed by the linker: its program headers
 * say which of the loader's objects is this one. */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

/* Which objects a walk looks in, in the loader's list order (the order of
 * its global scope for the objects loaded at start-up). */
enum where {
	NAMED,  /* the first object with the file's base name */
	AFTER,  /* the objects after this library: RTLD_NEXT */
	BEFORE, /* the objects before it (a library dlopen'ed after libc) */
	PROGRAM, /* the first object: the program itself */
};

struct walk {
	enum where where;
	const char *file;
	const char *const *names;
	void **found;
	size_t count, missing;
	bool passed; /* this library was seen */
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

/* The GNU hash table (the layout binutils and glibc share): a Bloom filter
 * that rejects most absent names in a few instructions, then buckets of
 * symbol indexes, each chain's hashes with the low bit marking its end. */
static void *lookup(const struct tables *t, const struct dl_phdr_info *info, const char *name)
{
	uint32_t buckets = t->gnu_hash[0], first = t->gnu_hash[1], bloom_words = t->gnu_hash[2],
		 shift = t->gnu_hash[3];
	if (buckets == 0 || bloom_words == 0)
		return NULL;
	const ElfW(Addr) *bloom = (const ElfW(Addr) *)(t->gnu_hash + 4);
	uint32_t hash = gnu_hash(name);
	const unsigned bits = sizeof(ElfW(Addr)) * 8;
	ElfW(Addr) word = bloom[(hash / bits) & (bloom_words - 1)];
	ElfW(Addr) mask = (ElfW(Addr))1 << (hash % bits) | (ElfW(Addr))1 << ((hash >> shift) % bits);
	if ((word & mask) != mask)
		return NULL;
	const uint32_t *bucket = (const uint32_t *)(bloom + bloom_words);
	const uint32_t *chain = bucket + buckets;
	uint32_t index = bucket[hash % buckets];
	if (index < first)
		return NULL;
	for (;; index++) {
		uint32_t h = chain[index - first];
		if ((h | 1) == (hash | 1) && is_it(t, index, name))
			return (void *)pointer(info, t->symbols[index].st_value);
		if (h & 1)
			return NULL;
	}
}

static bool is_this_library(const struct dl_phdr_info *info)
{
	return (const char *)info->dlpi_phdr == (const char *)&__ehdr_start + __ehdr_start.e_phoff;
}

/* Each name not found yet, in this object. */
static void look_in(const struct dl_phdr_info *info, struct walk *w)
{
	struct tables t;
	if (!read_dynamic(info, &t))
		return;
	for (size_t i = 0; i < w->count; i++)
		if (w->found[i] == NULL && (w->found[i] = lookup(&t, info, w->names[i])) != NULL)
			w->missing--;
}

/* Returns 1 to end the walk. */
static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct walk *w = data;
	if (w->where == PROGRAM) {
		look_in(info, w);
		return 1;
	}
	if (w->where == NAMED) {
		if (!named(info, w->file))
			return 0;
		look_in(info, w);
		return 1;
	}
	if (is_this_library(info)) {
		w->passed = true;
		return w->where == BEFORE;
	}
	if (w->passed == (w->where == AFTER))
		look_in(info, w);
	return w->missing == 0;
}

static size_t walk(enum where where, const char *file, const char *const names[], void *found[], size_t count)
{
	struct walk w = { .where = where, .file = file, .names = names, .found = found, .count = count, .missing = count };
	dl_iterate_phdr(visit, &w);
	if (w.where == AFTER && w.missing > 0) {
		w.where = BEFORE;
		w.passed = false;
		dl_iterate_phdr(visit, &w);
	}
	return count - w.missing;
}

size_t loaded_symbols_next(const char *const names[], void *found[], size_t count)
{
	return walk(AFTER, NULL, names, found, count);
}

void *loaded_symbol_in_program(const char *name)
{
	void *found = NULL;
	walk(PROGRAM, NULL, &name, &found, 1);
	return found;
}

void *loaded_symbol_in(const char *file, const char *name)
{
	void *found = NULL;
	walk(NAMED, file, &name, &found, 1);
	return found;
}
