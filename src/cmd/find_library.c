/* Where the preload library is: see find_library.h. */
#define _GNU_SOURCE
#include "find_library.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/install_dirs.h"

#define LIBRARY_NAME "libatexit-shim.so"

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* PKGLIBDIR under root, with the loader's $LIB token (the 4 characters, not
 * a variable) in place of the multiarch libdir's lib/TRIPLET, if PKGLIBDIR
 * lies there: "/usr/lib/x86_64-linux-gnu/atexit-shim" becomes
 * "/usr/$LIB/atexit-shim".  Debian's ld.so expands $LIB to
 * lib/x86_64-linux-gnu in a 64-bit process and to lib/i386-linux-gnu in a
 * 32-bit one, so that a command of one class that runs a child of the other
 * preloads that class's copy of the library (when installed) instead of
 * putting "wrong ELF class" on the child's stderr.  False if PKGLIBDIR is not
 * in a multiarch libdir (MULTIARCH is empty where the compiler knows none). */
static bool preload_form(char *out, size_t size, const char *root, int root_len)
{
	static const char libdir[] = "/lib/" MULTIARCH;
	const size_t len = sizeof libdir - 1;
	if (MULTIARCH[0] == '\0')
		return false;
	const char *at = NULL; /* the last /lib/TRIPLET that is a whole component */
	for (const char *p = strstr(PKGLIBDIR, libdir); p != NULL; p = strstr(p + 1, libdir))
		if (p[len] == '/' || p[len] == '\0')
			at = p;
	if (at == NULL)
		return false;
	snprintf(out, size, "%.*s%.*s/$LIB%s/" LIBRARY_NAME, root_len, root, (int)(at - PKGLIBDIR), PKGLIBDIR,
		 at + len);
	return true;
}

/* Next to the wrapper in the build tree (preloaded by that path); else
 * where it was installed, relative to the wrapper (so that an install
 * under DESTDIR works too), or in PKGLIBDIR itself, preloaded in the form
 * preload_form gives when it is there. */
const struct library *cmd_library(void)
{
	static struct library lib;
	char self[PATH_MAX];
	const char *root = ""; /* what the wrapper's path has before BINDIR: DESTDIR */
	int root_len = 0;
	if (realpath("/proc/self/exe", self) != NULL) {
		char *dir = dirname(self);
		char candidate[PATH_MAX + 64];
		snprintf(candidate, sizeof candidate, "%s/../src/.libs/" LIBRARY_NAME, dir);
		if (readable(candidate) && realpath(candidate, lib.path) != NULL) {
			snprintf(lib.preload, sizeof lib.preload, "%s", lib.path);
			return &lib;
		}
		size_t dir_len = strlen(dir), bindir_len = strlen(BINDIR);
		if (dir_len >= bindir_len && strcmp(dir + dir_len - bindir_len, BINDIR) == 0) {
			snprintf(candidate, sizeof candidate, "%.*s%s/" LIBRARY_NAME, (int)(dir_len - bindir_len), dir,
				 PKGLIBDIR);
			if (readable(candidate)) {
				root = dir;
				root_len = (int)(dir_len - bindir_len);
			}
		}
	}
	snprintf(lib.path, sizeof lib.path, "%.*s%s/" LIBRARY_NAME, root_len, root, PKGLIBDIR);
	if (!readable(lib.path) || !preload_form(lib.preload, sizeof lib.preload, root, root_len))
		snprintf(lib.preload, sizeof lib.preload, "%s", lib.path);
	return &lib;
}

bool cmd_library_missing(const struct library *lib)
{
	return !readable(lib->path);
}
