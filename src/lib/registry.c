/* The registry's stack: see registry.h for the rules it keeps. */
#define _GNU_SOURCE
#include "registry.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* Leaving the static block, jump straight to a size worth an mmap. */
#define REGISTRY_FIRST_MAPPING 4096

/* From the owner's 16 random bytes.  The kernel's (AT_RANDOM) are also
 * where glibc derives its stack and pointer guards from: mixing both halves
 * means leaking one of those guards is not enough to forge an entry. */
static uintptr_t new_key(const struct registry *r)
{
	const unsigned char *bytes = r->random16 != NULL ? r->random16() : NULL;
	if (bytes != NULL) {
		uint64_t random[2]; /* copied: the kernel does not align them (found by UBSan) */
		__builtin_memcpy(random, bytes, sizeof random);
		uint64_t mixed = random[0] ^ (random[1] << 32 | random[1] >> 32);
		/* a 32-bit address space keeps both halves too */
		return (uintptr_t)(sizeof(uintptr_t) < sizeof mixed ? mixed ^ mixed >> 32 : mixed);
	}
	return (uintptr_t)r ^ 0x9e3779b97f4a7c15u; /* no auxv: ASLR is all there is */
}

/* The slow path of registry_add, under the lock: the first registration, or
 * the block is full.  Keeps errno as it was, whatever mmap does. */
__attribute__((cold)) static int grow(struct registry *r)
{
	if (r->sealed)
		return -1;
	if (r->slots == NULL) {
		r->key = new_key(r);
		r->slots = r->first_block;
		r->capacity = REGISTRY_FIRST_BLOCK;
		/* The zeroed cache says the NULL handle has index 0: make it so. */
		r->dsos[0] = NULL;
		r->dso_count = 1;
		return 0;
	}
	size_t old_bytes = r->capacity * sizeof(struct slot);
	size_t capacity = r->slots == r->first_block ? REGISTRY_FIRST_MAPPING : r->capacity * 2;
	if (capacity < r->capacity || capacity > SIZE_MAX / sizeof(struct slot))
		return -1;
	size_t bytes = capacity * sizeof(struct slot);

	int saved_errno = errno;
	void *block;
	if (r->slots == r->first_block) {
		block = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (block != MAP_FAILED)
			memmove(block, r->first_block, old_bytes);
	} else {
		/* The kernel moves the pages: no copy, and untouched pages cost no memory. */
		block = mremap(r->slots, old_bytes, bytes, MREMAP_MAYMOVE);
	}
	errno = saved_errno;
	if (block == MAP_FAILED)
		return -1;
	r->slots = block;
	r->capacity = capacity;
	return 0;
}

/* Marks a table entry no slot refers to any more (no handle is its address). */
static char unused_dso;

/* Frees the table entries that no slot refers to; false if none was. */
static bool reclaim_dsos(struct registry *r)
{
	uint64_t used[REGISTRY_MAX_DSOS / 64] = { 0 };
	for (size_t i = 0; i < r->count; i++) {
		uint64_t index = r->slots[i].tag >> TAG_DSO_SHIFT & (REGISTRY_MAX_DSOS - 1);
		used[index / 64] |= UINT64_C(1) << index % 64;
	}
	bool freed = false;
	for (size_t index = 0; index < r->dso_count; index++) {
		if (!(used[index / 64] & UINT64_C(1) << index % 64)) {
			r->dsos[index] = &unused_dso;
			freed = true;
		}
	}
	r->last_dso = &unused_dso; /* its index may have been freed */
	return freed;
}

static bool find_dso(struct registry *r, const void *dso, size_t *index)
{
	for (size_t i = 0; i < r->dso_count; i++) {
		if (r->dsos[i] == dso) {
			*index = i;
			return true;
		}
	}
	return false;
}

/* A table entry for a new handle: a fresh one, else one no slot uses now. */
static bool free_dso_index(struct registry *r, size_t *index)
{
	if (r->dso_count < REGISTRY_MAX_DSOS) {
		*index = r->dso_count++;
		return true;
	}
	return find_dso(r, &unused_dso, index) || (reclaim_dsos(r) && find_dso(r, &unused_dso, index));
}

/* Makes dso the last_dso, with an index of its own in the table. */
static int intern_dso(struct registry *r, void *dso)
{
	size_t index;
	if (!find_dso(r, dso, &index)) {
		if (!free_dso_index(r, &index))
			return -1;
		r->dsos[index] = dso;
	}
	r->last_dso = dso;
	r->last_dso_tag = (uint64_t)index << TAG_DSO_SHIFT;
	return 0;
}

int registry_add_slow(struct registry *r, enum flavour flavour, handler_code fn, void *arg,
                      void *dso, bool locked)
{
	if (!locked)
		lock_wait(&r->lock);
	int result = -1;
	struct handler added;
	if ((r->count < r->capacity || grow(r) == 0) && (dso == r->last_dso || intern_dso(r, dso) == 0)) {
		registry_store(r, flavour, fn, arg);
		registry_unpack(r, &r->slots[r->count - 1], &added);
		result = 0;
	}
	void (*observer)(const struct handler *) = r->observer;
	if (observer != NULL)
		r->last_dso = &unused_dso; /* keeps the next registration on this path */
	lock_drop(&r->lock);
	if (result == 0 && observer != NULL)
		observer(&added);
	return result;
}

uint64_t registry_observe(struct registry *r, void (*observer)(const struct handler *h))
{
	lock_take(&r->lock);
	r->observer = observer;
	r->last_dso = &unused_dso;
	uint64_t seq = r->last_seq;
	lock_drop(&r->lock);
	return seq;
}

size_t registry_copy(struct registry *r, uint64_t after_seq, struct handler *out, size_t max)
{
	size_t copied = 0;
	lock_take(&r->lock);
	/* slots are in seq order: find the first above after_seq from the top */
	size_t first = r->count;
	while (first > 0 && r->slots[first - 1].tag >> TAG_SEQ_SHIFT > after_seq)
		first--;
	for (size_t i = first; i < r->count && copied < max; i++)
		registry_unpack(r, &r->slots[i], &out[copied++]);
	lock_drop(&r->lock);
	return copied;
}

bool registry_pop_slow(struct registry *r, uint64_t min_seq, struct handler *out)
{
	lock_wait(&r->lock);
	return registry_pop_locked(r, min_seq, out);
}

bool registry_take(struct registry *r, handler_filter *wanted, const void *ctx, struct handler *out)
{
	bool found = false;
	lock_take(&r->lock);
	for (size_t i = r->count; i-- > 0;) {
		registry_unpack(r, &r->slots[i], out);
		if (wanted(out, ctx)) {
			memmove(&r->slots[i], &r->slots[i + 1], (r->count - i - 1) * sizeof(struct slot));
			r->count--;
			found = true;
			break;
		}
	}
	lock_drop(&r->lock);
	return found;
}

size_t registry_remove(struct registry *r, handler_filter *wanted, const void *ctx)
{
	size_t kept = 0;
	lock_take(&r->lock);
	for (size_t i = 0; i < r->count; i++) {
		struct handler h;
		registry_unpack(r, &r->slots[i], &h);
		if (!wanted(&h, ctx))
			r->slots[kept++] = r->slots[i];
	}
	size_t removed = r->count - kept;
	r->count = kept;
	lock_drop(&r->lock);
	return removed;
}

size_t registry_count(struct registry *r)
{
	lock_take(&r->lock);
	size_t count = r->count;
	lock_drop(&r->lock);
	return count;
}

uint64_t registry_last_seq(struct registry *r)
{
	lock_take(&r->lock);
	uint64_t seq = r->last_seq;
	lock_drop(&r->lock);
	return seq;
}

void registry_seal(struct registry *r)
{
	lock_take(&r->lock);
	r->sealed = true;
	r->capacity = 0; /* sends every later registration to grow(), which refuses */
	lock_drop(&r->lock);
}

void registry_fork_prepare(struct registry *r)
{
	lock_take(&r->lock);
}

void registry_fork_parent(struct registry *r)
{
	lock_drop(&r->lock);
}

void registry_fork_child(struct registry *r)
{
	lock_reset(&r->lock);
}
