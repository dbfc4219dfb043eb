/* Whether the loader will preload the shim into a program: see
 * image_reach.h. */
#define _GNU_SOURCE
#include "image_reach.h"

#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool read_at(int fd, void *buf, size_t size, long long at)
{
	return pread(fd, buf, size, (off_t)at) == (ssize_t)size;
}

/* Program headers and no PT_INTERP (no dynamic loader, so no LD_PRELOAD).
 * Either class, whatever ours: a 64-bit process may run a 32-bit program. */
#define ELF_IS_STATIC(Ehdr, Phdr)                                                            \
	static bool elf_is_static_##Ehdr(int fd)                                             \
	{                                                                                    \
		Ehdr eh;                                                                     \
		if (!read_at(fd, &eh, sizeof eh, 0) || eh.e_phentsize != sizeof(Phdr))      \
			return false;                                                        \
		for (int i = 0; i < eh.e_phnum; i++) {                                       \
			Phdr ph;                                                             \
			if (!read_at(fd, &ph, sizeof ph, (long long)eh.e_phoff + (long long)i * (long long)sizeof ph)) \
				return false;                                                \
			if (ph.p_type == PT_INTERP)                                          \
				return false;                                                \
		}                                                                            \
		return eh.e_phnum > 0;                                                       \
	}
ELF_IS_STATIC(Elf32_Ehdr, Elf32_Phdr)
ELF_IS_STATIC(Elf64_Ehdr, Elf64_Phdr)

static bool elf_is_static(int fd)
{
	unsigned char ident[EI_NIDENT];
	if (!read_at(fd, ident, sizeof ident, 0) || memcmp(ident, ELFMAG, SELFMAG) != 0)
		return false;
	return ident[EI_CLASS] == ELFCLASS64 ? elf_is_static_Elf64_Ehdr(fd) : elf_is_static_Elf32_Ehdr(fd);
}

/* What the kernel decides at exec (secure mode), for this user. */
static const char *secure_because(int fd, const char *path)
{
	struct statvfs fs;
	if (fstatvfs(fd, &fs) == 0 && (fs.f_flag & ST_NOSUID))
		return NULL;
	struct statx st;
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_MODE | STATX_UID | STATX_GID, &st) != 0)
		return NULL;
	if ((st.stx_mode & S_ISUID) && st.stx_uid != (unsigned)syscall(SYS_getuid))
		return "set-user-id";
	if ((st.stx_mode & S_ISGID) && st.stx_gid != (unsigned)syscall(SYS_getgid))
		return "set-group-id";
	if (syscall(SYS_getuid) != 0 && syscall(SYS_getxattr, path, "security.capability", NULL, 0) > 0)
		return "given file capabilities";
	return NULL;
}

const char *image_out_of_reach(const char *path)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	const char *why = secure_because(fd, path);
	if (why == NULL && elf_is_static(fd))
		why = "statically linked";
	syscall(SYS_close, fd);
	return why;
}
