/* Commands out of the shim's reach: see reach.h. */
#define _GNU_SOURCE
#include "reach.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "settings/image_reach.h"
#include "message.h"

void cmd_warn_if_out_of_reach(const char *path, const char *command, bool supervised)
{
	const char *entries = getenv("ATEXIT_SHIM_HANDLERS");
	const char *then = entries == NULL || *entries == '\0' ? ""
	                   : supervised ? "; its exit checks run after it, here"
	                                : "; its exit checks will not run (atexit-shim --supervise runs them after it)";
	const char *why = image_out_of_reach(path);
	if (why == NULL)
		return;
	if (strcmp(why, "statically linked") == 0)
		cmd_warn("warning: %s is statically linked: the shim cannot be loaded into it%s", command, then);
	else
		cmd_warn("warning: %s is %s: the loader ignores LD_PRELOAD there, the shim is not loaded into it%s", command,
		         why, then);
}
