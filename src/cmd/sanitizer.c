/* A program built with AddressSanitizer: see sanitizer.h. */
#define _GNU_SOURCE
#include "sanitizer.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool read_at(int fd, void *buf, size_t size, off_t at)
{
	return pread(fd, buf, size, at) == (ssize_t)size;
}

static bool is_asan(const char *name)
{
	return strncmp(name, "libasan.so", 10) == 0 || strncmp(name, "libclang_rt.asan", 16) == 0;
}

/* The file offset of a virtual address, by the PT_LOAD that maps it. */
#define NEEDED_OF(Ehdr, Phdr, Dyn)                                                                       \
	static bool needs_asan_##Ehdr(int fd, char *out, size_t size)                                    \
	{                                                                                                \
		Ehdr eh;                                                                                 \
		if (!read_at(fd, &eh, sizeof eh, 0) || eh.e_phentsize != sizeof(Phdr) || eh.e_phnum > 64) \
			return false;                                                                    \
		Phdr ph[64];                                                                             \
		if (!read_at(fd, ph, sizeof ph[0] * eh.e_phnum, (off_t)eh.e_phoff))                      \
			return false;                                                                    \
		const Phdr *dynamic = NULL;                                                              \
		for (int i = 0; i < eh.e_phnum; i++)                                                     \
			if (ph[i].p_type == PT_DYNAMIC)                                                  \
				dynamic = &ph[i];                                                        \
		if (dynamic == NULL)                                                                     \
			return false;                                                                    \
		Dyn d[512];                                                                              \
		size_t count = dynamic->p_filesz / sizeof d[0];                                          \
		if (count > 512)                                                                         \
			count = 512;                                                                     \
		if (!read_at(fd, d, count * sizeof d[0], (off_t)dynamic->p_offset))                      \
			return false;                                                                    \
		off_t strtab = -1;                                                                       \
		for (size_t i = 0; i < count && d[i].d_tag != DT_NULL; i++)                              \
			if (d[i].d_tag == DT_STRTAB)                                                     \
				for (int p = 0; p < eh.e_phnum; p++)                                     \
					if (ph[p].p_type == PT_LOAD && d[i].d_un.d_ptr >= ph[p].p_vaddr &&  \
					    d[i].d_un.d_ptr < ph[p].p_vaddr + ph[p].p_filesz)               \
						strtab = (off_t)(d[i].d_un.d_ptr - ph[p].p_vaddr + ph[p].p_offset); \
		if (strtab < 0)                                                                          \
			return false;                                                                    \
		for (size_t i = 0; i < count && d[i].d_tag != DT_NULL; i++) {                            \
			if (d[i].d_tag != DT_NEEDED)                                                     \
				continue;                                                                \
			char name[128] = "";                                                             \
			ssize_t got = pread(fd, name, sizeof name - 1, strtab + (off_t)d[i].d_un.d_val); \
			if (got <= 0)                                                                    \
				continue;                                                                \
			name[got] = '\0';                                                                \
			if (is_asan(name) && strlen(name) < size) {                                      \
				snprintf(out, size, "%s", name);                                         \
				return true;                                                             \
			}                                                                                \
		}                                                                                        \
		return false;                                                                            \
	}
NEEDED_OF(Elf32_Ehdr, Elf32_Phdr, Elf32_Dyn)
NEEDED_OF(Elf64_Ehdr, Elf64_Phdr, Elf64_Dyn)

bool sanitizer_runtime(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	unsigned char ident[EI_NIDENT];
	bool found = false;
	if (read_at(fd, ident, sizeof ident, 0) && memcmp(ident, ELFMAG, SELFMAG) == 0)
		found = ident[EI_CLASS] == ELFCLASS64 ? needs_asan_Elf64_Ehdr(fd, out, size)
		                                      : needs_asan_Elf32_Ehdr(fd, out, size);
	close(fd);
	return found;
}
