/* The shim's two entries on glibc's exit list: see anchor.h. */
#include "anchor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libc.h"
#include "registry.h"
#include "runner.h"

static bool installed;
static main_fn *program_main;
static uint64_t program_first_seq; /* what the program registered; 0: no main wrapped */

/* Runs the handlers with seq >= first_seq, then, if a handler changed the
 * status with exit(), re-enters glibc's exit with it: glibc's nested exit
 * carries on down its list with the new status, as it would natively. */
static void run_from(uint64_t first_seq, int status)
{
	int final = runner_run_exit(status, first_seq);
	if (final != status)
		libc_exit(final);
}

/* Before _dl_fini: the program's handlers. */
static void program_anchor(void *unused, int status)
{
	(void)unused;
	run_from(program_first_seq, status);
}

/* After _dl_fini: the handlers library constructors registered, and any
 * registered during library destructors; then the registry closes. */
static void final_anchor(void *unused, int status)
{
	(void)unused;
	run_from(0, status);
	registry_seal(&shim_registry);
}

void anchor_install(void)
{
	if (!installed && libc_cxa_atexit(final_anchor, NULL, NULL) == 0)
		installed = true;
}

static int main_with_anchor(int argc, char **argv, char **envp)
{
	libc_cxa_atexit(program_anchor, NULL, NULL);
	return program_main(argc, argv, envp);
}

main_fn *anchor_wrap_main(main_fn *main)
{
	program_main = main;
	program_first_seq = registry_last_seq(&shim_registry) + 1;
	return main_with_anchor;
}

void anchor_exit(int status)
{
	if (!installed) /* exit() from a constructor that ran before the shim's */
		final_anchor(NULL, status);
	libc_exit(status);
}
