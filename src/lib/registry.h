/* The registry: every exit handler the process has registered, in one stack.
 *
 * A pure data structure: it knows nothing of libc's exit machinery, of tracing
 * or of settings.  Entries are kept in registration order, so the newest is on
 * top; removal keeps that order.  Each operation takes the registry's own lock,
 * so callers need no locking of their own; filters passed in run under that
 * lock and must not call back into the registry.
 *
 * The registration path never calls malloc: the first block is static, and
 * growth uses mmap/mremap, so a malloc replacement that registers handlers
 * from inside malloc can neither deadlock nor recurse.  Handler addresses are
 * stored mangled with a per-process secret, as glibc does, so that an
 * overwritten entry cannot steer exit() to an address of an attacker's choice. */
#ifndef ATEXIT_SHIM_LIB_REGISTRY_H
#define ATEXIT_SHIM_LIB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lock.h"

/* How a handler was registered, which also decides how it is called. */
enum flavour {
	FLAVOUR_CXA = 1, /* __cxa_atexit(fn, arg, dso): fn(arg, status) */
	FLAVOUR_ATEXIT,  /* atexit(fn), which glibc turns into __cxa_atexit(fn, NULL, dso) */
	FLAVOUR_ON_EXIT, /* on_exit(fn, arg): fn(status, arg) */
	FLAVOUR_API,     /* atexit_shim_register(fn, arg): fn(arg) */
	FLAVOUR_ENV,     /* ATEXIT_SHIM_HANDLERS: fn(arg, status) */
};

typedef void (*handler_code)(void);

struct handler {
	handler_code fn;
	void *arg;
	void *dso;          /* the registering object's __dso_handle, or NULL */
	uint64_t seq;       /* registration number, from 1, never reused */
	enum flavour flavour;
};

/* One stored entry: 24 bytes, the fields of struct handler packed.  A
 * process has few distinct DSO handles (one per library that registers), so
 * each is kept once in the registry's table and a slot holds its index. */
struct slot {
	uintptr_t code;     /* mangled */
	void *arg;
	uint64_t tag;       /* seq, DSO index, flavour: see TAG_* below */
};

#define REGISTRY_FIRST_BLOCK 32
#define REGISTRY_DSO_BITS 12
#define REGISTRY_MAX_DSOS (1u << REGISTRY_DSO_BITS)

struct registry {
	struct lock lock;
	bool sealed;        /* the exit run is over: registrations fail */
	size_t count;
	size_t capacity;    /* 0 until the first registration (and once sealed) */
	struct slot *slots; /* first_block, then an anonymous mapping */
	uint64_t last_seq;
	uintptr_t key;      /* the mangling secret */
	void *last_dso;     /* the handle registered last, and its index in tag */
	uint64_t last_dso_tag; /* form: consecutive registrations nearly always share one */
	size_t dso_count;
	/* Told of every registration, outside the lock (tracing); NULL: none. */
	void (*observer)(const struct handler *h);
	/* 16 random bytes for the secret, asked for at the first registration
	 * (the owner's: the kernel's AT_RANDOM in the shim); NULL, or a NULL
	 * answer: the secret is the registry's address, all ASLR gives. */
	const unsigned char *(*random16)(void);
	struct slot first_block[REGISTRY_FIRST_BLOCK];
	void *dsos[REGISTRY_MAX_DSOS]; /* untouched pages of it cost no memory */
};

/* Decides whether one handler is wanted; ctx is the caller's. */
typedef bool handler_filter(const struct handler *h, const void *ctx);

/* 0, or -1 when the registry is sealed, memory is exhausted, or handlers of
 * REGISTRY_MAX_DSOS distinct DSO handles are waiting already. */
static inline int registry_add(struct registry *r, enum flavour flavour, handler_code fn,
                               void *arg, void *dso);

/* Removes the newest handler into *out if its seq is at least min_seq. */
static inline bool registry_pop(struct registry *r, uint64_t min_seq, struct handler *out);

/* Removes the newest handler that the filter wants into *out. */
bool registry_take(struct registry *r, handler_filter *wanted, const void *ctx, struct handler *out);

/* Removes every handler that the filter wants; returns how many. */
size_t registry_remove(struct registry *r, handler_filter *wanted, const void *ctx);

size_t registry_count(struct registry *r);

/* From now on, observer is told of every registration.  It costs the
 * registrations that then take the slow path, and nothing otherwise.
 * Returns the last seq given before: the observer is told of every later
 * one, registry_copy finds the waiting ones up to it. */
uint64_t registry_observe(struct registry *r, void (*observer)(const struct handler *h));
/* Copies into out, oldest first, at most max of the handlers waiting whose
 * seq is above after_seq; returns how many.  A copy, not a visit under the
 * lock: the caller may then do what must not happen under it (dladdr takes
 * the loader's lock, which a constructor registering a handler holds). */
size_t registry_copy(struct registry *r, uint64_t after_seq, struct handler *out, size_t max);
uint64_t registry_last_seq(struct registry *r);
void registry_seal(struct registry *r);

/* pthread_atfork handlers: a child gets a consistent registry and a free lock. */
void registry_fork_prepare(struct registry *r);
void registry_fork_parent(struct registry *r);
void registry_fork_child(struct registry *r);

/* The two hot paths, registering and running one handler, are inline below:
 * each is a few dozen instructions, and a call's argument shuffling and
 * stack frame would be a large share of that.  Everything that is rare
 * (contention, growth) stays out of line in registry.c. */

enum {
	TAG_FLAVOUR_BITS = 3,
	TAG_DSO_SHIFT = TAG_FLAVOUR_BITS,
	TAG_SEQ_SHIFT = TAG_DSO_SHIFT + REGISTRY_DSO_BITS, /* 49 bits of seq */
};

int registry_add_slow(struct registry *r, enum flavour flavour, handler_code fn, void *arg,
                      void *dso, bool locked);
bool registry_pop_slow(struct registry *r, uint64_t min_seq, struct handler *out);

static inline uintptr_t registry_rotate_left(uintptr_t v, unsigned n)
{
	return v << n | v >> (sizeof v * 8 - n);
}

/* glibc's PTR_MANGLE on x86_64: xor with the secret, then rotate by 17. */
static inline uintptr_t registry_mangle(uintptr_t key, handler_code fn)
{
	return registry_rotate_left((uintptr_t)fn ^ key, 17);
}

static inline handler_code registry_demangle(uintptr_t key, uintptr_t code)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): undoing the mangling is the point */
	return (handler_code)(registry_rotate_left(code, sizeof code * 8 - 17) ^ key);
}

static inline void registry_unpack(const struct registry *r, const struct slot *s,
                                   struct handler *out)
{
	out->fn = registry_demangle(r->key, s->code);
	out->arg = s->arg;
	out->dso = r->dsos[s->tag >> TAG_DSO_SHIFT & (REGISTRY_MAX_DSOS - 1)];
	out->seq = s->tag >> TAG_SEQ_SHIFT;
	out->flavour = (enum flavour)(s->tag & ((1u << TAG_FLAVOUR_BITS) - 1));
}

/* Under the lock, with room for one more and the handle last_dso. */
static inline void registry_store(struct registry *r, enum flavour flavour, handler_code fn,
                                  void *arg)
{
	struct slot *s = &r->slots[r->count++];
	s->code = registry_mangle(r->key, fn);
	s->arg = arg;
	s->tag = ++r->last_seq << TAG_SEQ_SHIFT | r->last_dso_tag | (uint64_t)flavour;
}

/* An observed registry never matches last_dso (see registry_observe), so
 * every registration takes the slow path, which tells the observer. */
static inline int registry_add(struct registry *r, enum flavour flavour, handler_code fn,
                               void *arg, void *dso)
{
	if (!lock_try(&r->lock))
		return registry_add_slow(r, flavour, fn, arg, dso, false);
	if (r->count >= r->capacity || dso != r->last_dso)
		return registry_add_slow(r, flavour, fn, arg, dso, true);
	registry_store(r, flavour, fn, arg);
	lock_drop(&r->lock);
	return 0;
}

static inline bool registry_pop_locked(struct registry *r, uint64_t min_seq, struct handler *out)
{
	size_t count = r->count;
	bool found = count > 0 && r->slots[count - 1].tag >> TAG_SEQ_SHIFT >= min_seq;
	if (found) {
		registry_unpack(r, &r->slots[count - 1], out);
		r->count = count - 1;
	}
	lock_drop(&r->lock);
	return found;
}

static inline bool registry_pop(struct registry *r, uint64_t min_seq, struct handler *out)
{
	if (!lock_try(&r->lock))
		return registry_pop_slow(r, min_seq, out);
	return registry_pop_locked(r, min_seq, out);
}

#endif
