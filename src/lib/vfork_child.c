/* Whether this code runs in a vfork child: see vfork_child.h. */
#define _GNU_SOURCE /* libc.h: Dl_info */
#include "vfork_child.h"

#include "libc.h"

static long own_pid;

void vfork_child_note_pid(long pid)
{
	own_pid = pid;
}

bool in_vfork_child(void)
{
	return own_pid != 0 && (long)libc_getpid() != own_pid;
}
