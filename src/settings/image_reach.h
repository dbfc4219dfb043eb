/* Whether the loader will preload the shim into a program, for the user
 * running it: not into one statically linked (no dynamic loader), nor into
 * one it runs in secure mode (AT_SECURE: set-user-id to another user,
 * set-group-id to another group, file capabilities for one who is not
 * root; none of it on a nosuid file system), where it ignores LD_PRELOAD.
 * Shared by the command (its warning before it runs the program) and the
 * library (its line before the root execs one).  No allocation. */
#ifndef ATEXIT_SHIM_SETTINGS_IMAGE_REACH_H
#define ATEXIT_SHIM_SETTINGS_IMAGE_REACH_H

/* Why the program at path is out of reach ("statically linked",
 * "set-user-id", "set-group-id", "given file capabilities"), or NULL. */
const char *image_out_of_reach(const char *path);

#endif
