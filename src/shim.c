/* The library's start-up: what must be in place before main. */
#include <pthread.h>

#include "anchor.h"
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

/* Runs before __libc_start_main registers _dl_fini, so the anchor installed
 * here runs after every library destructor (see anchor.h).  Registrations
 * made by constructors that ran earlier are already in the registry. */
__attribute__((constructor)) static void shim_start(void)
{
	anchor_install();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}
