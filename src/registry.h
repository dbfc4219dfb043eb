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
#ifndef ATEXIT_SHIM_REGISTRY_H
#define ATEXIT_SHIM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lock.h"

/* How a handler was registered, which also decides how it is called. */
enum flavour {
	FLAVOUR_CXA = 1, /* __cxa_atexit(fn, arg, dso): fn(arg, status) */
	FLAVOUR_ATEXIT,  /* atexit(fn), which glibc turns into __cxa_atexit(fn, NULL, dso) */
	FLAVOUR_ON_EXIT, /* on_exit(fn, arg): fn(status, arg) */
};

typedef void (*handler_code)(void);

struct handler {
	handler_code fn;
	void *arg;
	void *dso;          /* the registering object's __dso_handle, or NULL */
	uint64_t seq;       /* registration number, from 1, never reused */
	enum flavour flavour;
};

/* One stored entry: 32 bytes, the fields of struct handler packed. */
struct slot {
	uintptr_t code;     /* mangled */
	void *arg;
	void *dso;
	uint64_t tag;       /* seq << TAG_FLAVOUR_BITS | flavour */
};

#define REGISTRY_FIRST_BLOCK 32

struct registry {
	struct lock lock;
	bool sealed;        /* the exit run is over: registrations fail */
	size_t count;
	size_t capacity;    /* 0 until the first registration (and once sealed) */
	struct slot *slots; /* first_block, then an anonymous mapping */
	uint64_t last_seq;
	uintptr_t key;      /* the mangling secret */
	struct slot first_block[REGISTRY_FIRST_BLOCK];
};

/* Decides whether one handler is wanted; ctx is the caller's. */
typedef bool handler_filter(const struct handler *h, const void *ctx);

/* 0, or -1 when the registry is sealed or memory is exhausted. */
int registry_add(struct registry *r, enum flavour flavour, handler_code fn, void *arg, void *dso);

/* Removes the newest handler into *out if its seq is at least min_seq. */
bool registry_pop(struct registry *r, uint64_t min_seq, struct handler *out);

/* Removes the newest handler that the filter wants into *out. */
bool registry_take(struct registry *r, handler_filter *wanted, const void *ctx, struct handler *out);

/* Removes every handler that the filter wants; returns how many. */
size_t registry_remove(struct registry *r, handler_filter *wanted, const void *ctx);

size_t registry_count(struct registry *r);
uint64_t registry_last_seq(struct registry *r);
void registry_seal(struct registry *r);

/* pthread_atfork handlers: a child gets a consistent registry and a free lock. */
void registry_fork_prepare(struct registry *r);
void registry_fork_parent(struct registry *r);
void registry_fork_child(struct registry *r);

#endif
