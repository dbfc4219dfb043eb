/* Names for addresses: see symbolizer.h. */
#define _GNU_SOURCE
#include "symbolizer.h"

#include <dlfcn.h>
#include <errno.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One file, opened once: a Dwfl of its own, so that each file is laid out at
 * its own addresses (libdwfl places offline ET_DYN files where they fit). */
struct opened {
	char *path;
	Dwfl *dwfl;
	Dwfl_Module *module; /* NULL: not an ELF file we can read */
	GElf_Addr base;      /* where offset 0 is, in the module's addresses */
};

#define OPENED_MAX 32

struct symbolizer {
	struct opened opened[OPENED_MAX];
	size_t count, next; /* next: the slot to reuse once full */
	char *(*demangle)(const char *, char *, size_t *, int *);
	char *demangled;    /* the last demangled name (malloc'd by __cxa_demangle) */
	char unversioned[1024]; /* the last versioned symbol's name */
	char file[4096];        /* the last source file */
	char answer[8192];
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	/* libstdc++'s demangler, the one c++filt's and addr2line -C's names
	 * agree with; loaded here so that the wrapper does not need it at start. */
	void *cxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	if (cxx != NULL)
		*(void **)&s->demangle = dlsym(cxx, "__cxa_demangle");
	return s;
}

static void close_opened(struct opened *o)
{
	free(o->path);
	if (o->dwfl != NULL)
		dwfl_end(o->dwfl);
	*o = (struct opened){ 0 };
}

void symbolizer_free(struct symbolizer *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->count; i++)
		close_opened(&s->opened[i]);
	free(s->demangled);
	free(s);
}

/* The reports' offsets are from the object's load base, which is where the
 * loader maps its first PT_LOAD segment, page-aligned (dladdr's dli_fbase):
 * the first segment's address, rounded down to its alignment, in the file's
 * addresses, plus the bias libdwfl gave the module. */
static GElf_Addr load_base(Dwfl_Module *module)
{
	GElf_Addr bias = 0;
	Elf *elf = dwfl_module_getelf(module, &bias);
	size_t phnum = 0;
	if (elf == NULL || elf_getphdrnum(elf, &phnum) != 0)
		return bias;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr phdr;
		if (gelf_getphdr(elf, (int)i, &phdr) != NULL && phdr.p_type == PT_LOAD) {
			GElf_Addr align = phdr.p_align > 1 ? phdr.p_align : 1;
			/* a page at most: the loader maps at page granularity */
			if (align > 4096)
				align = 4096;
			return bias + (phdr.p_vaddr & ~(align - 1));
		}
	}
	return bias;
}

static struct opened *open_file(struct symbolizer *s, const char *path)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->opened[i].path, path) == 0)
			return &s->opened[i];
	struct opened *o;
	if (s->count < OPENED_MAX) {
		o = &s->opened[s->count++];
	} else {
		o = &s->opened[s->next];
		s->next = (s->next + 1) % OPENED_MAX;
		close_opened(o);
	}
	o->path = strdup(path);
	if (o->path == NULL)
		return NULL;
	o->dwfl = dwfl_begin(&offline_callbacks);
	if (o->dwfl == NULL)
		return o;
	dwfl_report_begin(o->dwfl);
	o->module = dwfl_report_offline(o->dwfl, path, path, -1);
	dwfl_report_end(o->dwfl, NULL, NULL);
	if (o->module != NULL)
		o->base = load_base(o->module);
	return o;
}

/* name demangled, kept in s->demangled (valid until the next call); false
 * if it is not a C++ name or there is no demangler: then name is the name. */
static bool demangle(struct symbolizer *s, const char *name)
{
	if (name == NULL || s->demangle == NULL || strncmp(name, "_Z", 2) != 0)
		return false;
	int status = -1;
	char *d = s->demangle(name, NULL, NULL, &status);
	free(s->demangled);
	s->demangled = status == 0 ? d : NULL;
	if (status != 0)
		free(d);
	return s->demangled != NULL;
}

/* From DWARF, for code the symbol tables do not cover: the innermost
 * function (or inlined function) whose code holds address. */
static const char *dwarf_function(Dwfl_Module *module, GElf_Addr address)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(module, address, &bias);
	if (cu == NULL)
		return NULL;
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(cu, address - bias, &scopes);
	const char *name = NULL;
	for (int i = 0; i < n && name == NULL; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		Dwarf_Attribute attr;
		name = dwarf_formstring(dwarf_attr_integrate(&scopes[i], DW_AT_linkage_name, &attr));
		if (name == NULL)
			name = dwarf_diename(&scopes[i]);
	}
	free(scopes);
	return name;
}

/* The symbol tables' name for the code or data at address, else DWARF's;
 * NULL if neither has one. */
static const char *raw_name(struct symbolizer *s, Dwfl_Module *module, GElf_Addr address)
{
	GElf_Off from_start = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(module, address, &from_start, &sym, NULL, NULL, NULL);
	if (name != NULL && name[0] == '\0')
		name = NULL;
	/* a versioned symbol (__libc_start_main@@GLIBC_2.34) by its name, as addr2line gives it */
	const char *at = name != NULL ? strchr(name, '@') : NULL;
	if (at != NULL && at != name) {
		snprintf(s->unversioned, sizeof s->unversioned, "%.*s", (int)(at - name), name);
		name = s->unversioned;
	}
	return name != NULL ? name : dwarf_function(module, address);
}

/* The source file (from the compilation's directory when relative, as
 * addr2line shows it) and line of address, into s->file; false if unknown. */
static bool source_of(struct symbolizer *s, Dwfl_Module *module, GElf_Addr address, int *line)
{
	Dwfl_Line *source = dwfl_module_getsrc(module, address);
	const char *file = source != NULL ? dwfl_lineinfo(source, NULL, line, NULL, NULL, NULL) : NULL;
	if (file == NULL || *line <= 0)
		return false;
	const char *dir = file[0] != '/' ? dwfl_line_comp_dir(source) : NULL;
	snprintf(s->file, sizeof s->file, "%s%s%s", dir != NULL ? dir : "", dir != NULL ? "/" : "", file);
	return true;
}

const char *symbolizer_demangle(struct symbolizer *s, const char *name)
{
	return demangle(s, name) ? s->demangled : name;
}

bool symbolizer_find(struct symbolizer *s, const char *path, uint64_t offset, struct symbolized *out)
{
	*out = (struct symbolized){ 0 };
	struct opened *o = open_file(s, path);
	if (o == NULL || o->module == NULL)
		return false;
	GElf_Addr address = o->base + offset;
	out->function = symbolizer_demangle(s, raw_name(s, o->module, address));
	if (source_of(s, o->module, address, &out->line))
		out->file = s->file;
	else
		out->line = 0;
	return out->function != NULL || out->file != NULL;
}

const char *symbolizer_lookup(struct symbolizer *s, const char *path, uint64_t offset)
{
	struct symbolized found;
	if (!symbolizer_find(s, path, offset, &found))
		return "?";
	const char *name = found.function != NULL ? found.function : "?";
	if (found.file != NULL)
		snprintf(s->answer, sizeof s->answer, "%s (%s:%d)", name, found.file, found.line);
	else
		snprintf(s->answer, sizeof s->answer, "%s", name);
	/* one answer, one line, whatever a name or a path holds */
	for (char *p = s->answer; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s->answer;
}

bool symbolizer_parse_offset(const char *text, uint64_t *offset)
{
	if (text == NULL || (strncmp(text, "0x", 2) != 0 && strncmp(text, "0X", 2) != 0))
		return false;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(text + 2, &end, 16);
	if (end == text + 2 || *end != '\0' || errno != 0)
		return false;
	*offset = v;
	return true;
}

/* "PATH 0xOFFSET": the path is what comes before the last space (paths may
 * hold spaces; offsets never do). */
static bool parse_request(char *text, const char **path, uint64_t *offset)
{
	text[strcspn(text, "\r\n")] = '\0';
	char *space = strrchr(text, ' ');
	if (space == NULL || space == text)
		return false;
	*space = '\0';
	if (!symbolizer_parse_offset(space + 1, offset))
		return false;
	*path = text;
	return true;
}

int symbolizer_stream(FILE *in, FILE *out)
{
	struct symbolizer *s = symbolizer_new();
	char *text = NULL;
	size_t size = 0;
	while (getline(&text, &size, in) >= 0) {
		const char *path = NULL;
		uint64_t offset = 0;
		const char *answer = "?";
		if (s != NULL && parse_request(text, &path, &offset))
			answer = symbolizer_lookup(s, path, offset);
		if (fprintf(out, "%s\n", answer) < 0 || fflush(out) != 0)
			break;
	}
	free(text);
	symbolizer_free(s);
	return ferror(out) ? 2 : 0;
}
