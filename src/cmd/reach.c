/* Commands out of the shim's reach: see reach.h. */
#define _GNU_SOURCE
#include "reach.h"

#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "message.h"

/* Whether the ELF file open on fd has program headers and no PT_INTERP
 * (no dynamic loader, so no LD_PRELOAD).  Either class, whatever the
 * wrapper's own: a 64-bit wrapper may run a 32-bit program. */
#define ELF_IS_STATIC(Ehdr, Phdr)                                                                   \
	static bool elf_is_static_##Ehdr(int fd)                                                    \
	{                                                                                           \
		Ehdr eh;                                                                            \
		if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || eh.e_phentsize != sizeof(Phdr)) \
			return false;                                                               \
		for (int i = 0; i < eh.e_phnum; i++) {                                              \
			Phdr ph;                                                                    \
			off_t at = (off_t)(eh.e_phoff + (size_t)i * sizeof ph);                     \
			if (pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)                    \
				return false;                                                       \
			if (ph.p_type == PT_INTERP)                                                 \
				return false;                                                       \
		}                                                                                   \
		return eh.e_phnum > 0;                                                              \
	}
ELF_IS_STATIC(Elf32_Ehdr, Elf32_Phdr)
ELF_IS_STATIC(Elf64_Ehdr, Elf64_Phdr)

static bool elf_is_static(int fd)
{
	unsigned char ident[EI_NIDENT];
	if (pread(fd, ident, sizeof ident, 0) != (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0)
		return false;
	return ident[EI_CLASS] == ELFCLASS64 ? elf_is_static_Elf64_Ehdr(fd) : elf_is_static_Elf32_Ehdr(fd);
}

/* Whether the loader will run path in secure mode (AT_SECURE), where it
 * ignores LD_PRELOAD, as the kernel decides it for this user: set-user-id
 * to another user, set-group-id to another group, or file capabilities
 * for one who is not root; none of it on a nosuid file system. */
static const char *secure_because(const char *path, const struct stat *st)
{
	struct statvfs fs;
	if (statvfs(path, &fs) == 0 && (fs.f_flag & ST_NOSUID))
		return NULL;
	if ((st->st_mode & S_ISUID) && st->st_uid != getuid())
		return "set-user-id";
	if ((st->st_mode & S_ISGID) && st->st_gid != getgid())
		return "set-group-id";
	if (getuid() != 0 && getxattr(path, "security.capability", NULL, 0) > 0)
		return "given file capabilities";
	return NULL;
}

void cmd_warn_if_out_of_reach(const char *path, const char *command, bool supervised)
{
	const char *entries = getenv("ATEXIT_SHIM_HANDLERS");
	const char *then = entries == NULL || *entries == '\0' ? ""
	                   : supervised ? "; its exit checks run after it, here"
	                                : "; its exit checks will not run (atexit-shim --supervise runs them after it)";
	struct stat st;
	const char *why = stat(path, &st) == 0 ? secure_because(path, &st) : NULL;
	if (why != NULL)
		cmd_warn("warning: %s is %s: the loader ignores LD_PRELOAD there, the shim is not loaded into it%s", command,
		         why, then);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (elf_is_static(fd))
		cmd_warn("warning: %s is statically linked: the shim cannot be loaded into it%s", command, then);
	close(fd);
}
