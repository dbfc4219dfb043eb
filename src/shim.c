/* The library's start-up: what must be in place before main. */
#include <pthread.h>

#include "registry.h"
#include "runner.h"

static void fork_prepare(void)
{
	registry_fork_prepare(&shim_registry);
}

static void fork_parent(void)
{
	registry_fork_parent(&shim_registry);
}

static void fork_child(void)
{
	runner_fork_child();
}

__attribute__((constructor)) static void shim_start(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}
