/* The public C API (include/atexit_shim.h): Python's atexit module in the
 * registry's and the runner's terms. */
#define ATEXIT_SHIM_LIBRARY
#include "atexit_shim.h"

#include <errno.h>

#include "registry.h"
#include "runner.h"
#include "trace.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int atexit_shim_register(void (*fn)(void *), void *arg)
{
	if (fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (registry_add(&shim_registry, FLAVOUR_API, (handler_code)fn, arg, NULL) != 0) {
		errno = ENOMEM; /* or the exit is over: nothing will run it */
		return -1;
	}
	return 0;
}

struct wanted {
	const void *fn;
	void *arg;
	bool any_arg;
};

static bool matches(const struct handler *h, const void *ctx)
{
	const struct wanted *w = ctx;
	return (const void *)h->fn == w->fn && (w->any_arg || h->arg == w->arg);
}

static int unregister(const struct wanted *w)
{
	size_t removed = registry_remove(&shim_registry, matches, w);
	if (trace_on())
		trace_unregister(w->fn, w->any_arg, w->arg, removed);
	return (int)removed;
}

EXPORT int atexit_shim_unregister(const void *fn)
{
	struct wanted w = { fn, NULL, true };
	return unregister(&w);
}

EXPORT int atexit_shim_unregister_arg(const void *fn, void *arg)
{
	struct wanted w = { fn, arg, false };
	return unregister(&w);
}

EXPORT size_t atexit_shim_count(void)
{
	return registry_count(&shim_registry);
}

static bool every(const struct handler *h, const void *ctx)
{
	(void)h;
	(void)ctx;
	return true;
}

EXPORT void atexit_shim_clear(void)
{
	registry_remove(&shim_registry, every, NULL);
}

EXPORT int atexit_shim_run(void)
{
	return runner_run_now();
}
