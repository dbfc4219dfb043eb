/* Reports: see line.h. */
#define _GNU_SOURCE
#include "line.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "libc.h"

/* The program's name as it was run (argv[0]), which is also what dladdr
 * names the main program by: for the reports, and for its file where that
 * cannot be read.  Given by the constructor rather than imported from
 * glibc's program_invocation_name: a data import costs every process a
 * symbol lookup at load. */
static const char *program_name;

void report_name_program(const char *name)
{
	program_name = name;
}

const char *report_program(void)
{
	return program_name;
}

/* The program's file, for whoever reads it later (the symbolizer, --report
 * from another directory): argv[0] may be relative, or a name found in
 * PATH.  Found at the first need, never at start-up. */
static const char *program_file(void)
{
	static char path[4096];
	static _Atomic(const char *) known;
	const char *file = atomic_load(&known);
	if (file == NULL) {
		/* no interpreter (AT_BASE 0): ld.so was run with the program, and
		 * /proc/self/exe is ld.so */
		ssize_t n = libc_getauxval(AT_BASE) != 0 ? readlink("/proc/self/exe", path, sizeof path - 1) : -1;
		file = program_name;
		if (n > 0 && path[0] == '/') { /* two threads write the same bytes */
			path[n] = '\0';
			file = path;
		}
		atomic_store(&known, file);
	}
	return file;
}

void line_add(struct line *l, const char *s)
{
	if (s == NULL)
		s = "?";
	/* one byte is kept for the newline */
	while (*s != '\0' && l->len < sizeof l->text - 1)
		l->text[l->len++] = *s++;
}

/* A control character or DEL as an escape a reader can see: \n, \t or
 * \xNN, NUL-terminated in unit; any other byte as it is. */
static void escape_control(unsigned char c, char unit[5])
{
	static const char hex[] = "0123456789abcdef";
	unit[0] = '\\';
	unit[2] = '\0';
	if (c == '\n') {
		unit[1] = 'n';
	} else if (c == '\t') {
		unit[1] = 't';
	} else if (c < 0x20 || c == 0x7f) {
		unit[1] = 'x';
		unit[2] = hex[c >> 4];
		unit[3] = hex[c & 15];
		unit[4] = '\0';
	} else {
		unit[0] = (char)c;
		unit[1] = '\0';
	}
}

void line_add_escaped(struct line *l, const char *s)
{
	if (s == NULL)
		s = "?";
	for (; *s != '\0'; s++) {
		char unit[5];
		escape_control((unsigned char)*s, unit);
		/* a value too long is cut between characters, not inside an escape */
		if (l->len + strlen(unit) >= sizeof l->text)
			return;
		line_add(l, unit);
	}
}

void line_copy(char *out, const char *s, size_t size)
{
	size_t i = 0;
	if (s == NULL)
		s = "?";
	while (s[i] != '\0' && i + 1 < size) {
		out[i] = s[i];
		i++;
	}
	if (size > 0)
		out[i] = '\0';
}

static void add_digits(struct line *l, unsigned long long v, unsigned base)
{
	char digits[24];
	size_t i = sizeof digits;
	digits[--i] = '\0';
	do
		digits[--i] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0 && i > 0);
	line_add(l, &digits[i]);
}

void line_add_decimal(struct line *l, long long v)
{
	if (v < 0) {
		line_add(l, "-");
		add_digits(l, 0ULL - (unsigned long long)v, 10);
	} else {
		add_digits(l, (unsigned long long)v, 10);
	}
}

void line_add_hex(struct line *l, uintptr_t v)
{
	line_add(l, "0x");
	add_digits(l, v, 16);
}

/* Exact to the nanosecond: the limit shown is the one given, and a small
 * one is never shown as "0".  By hand: this runs in a signal handler. */
void line_add_duration(struct line *l, uint64_t ns)
{
	static const struct {
		uint64_t ns;
		int decimals;
		const char *name;
	} units[] = { { 1000000000u, 9, " s" }, { 1000000u, 6, " ms" }, { 1000u, 3, " us" }, { 1u, 0, " ns" } };
	size_t u = 0;
	while (u + 1 < sizeof units / sizeof units[0] && ns < units[u].ns)
		u++;
	line_add_decimal(l, (long long)(ns / units[u].ns));
	uint64_t fraction = ns % units[u].ns;
	if (fraction != 0) {
		char decimals[11] = ".";
		int end = units[u].decimals;
		for (int i = end; i >= 1; i--, fraction /= 10)
			decimals[i] = (char)('0' + fraction % 10);
		while (decimals[end] == '0')
			end--;
		decimals[end + 1] = '\0';
		line_add(l, decimals);
	}
	line_add(l, units[u].name);
}

void line_write(struct line *l, int fd)
{
	l->text[l->len++] = '\n';
	const char *p = l->text;
	size_t left = l->len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	l->len = 0;
}

const char *flavour_name(enum flavour flavour)
{
	switch (flavour) {
	case FLAVOUR_CXA:
		return "__cxa_atexit";
	case FLAVOUR_ATEXIT:
		return "atexit";
	case FLAVOUR_ON_EXIT:
		return "on_exit";
	case FLAVOUR_API:
		return "atexit_shim_register";
	case FLAVOUR_ENV:
		return "ATEXIT_SHIM_HANDLERS";
	}
	return "unknown";
}

/* Symbols by address, replaced round-robin.  The strings dladdr gives stay
 * valid while the object is loaded, and an unloaded object's handlers are
 * gone with it.  An entry is published address last (release); a reader
 * copies it and checks the address again, so a concurrent writer can only
 * make it resolve afresh, never read a half-written entry. */
#define SYMBOLS 64
static struct cached_symbol {
	_Atomic(const void *) address;
	struct symbol symbol;
} cache[SYMBOLS];
static atomic_uint next_entry;

static bool cached(const void *address, struct symbol *out)
{
	for (unsigned i = 0; i < SYMBOLS; i++) {
		if (atomic_load_explicit(&cache[i].address, memory_order_acquire) != address)
			continue;
		*out = cache[i].symbol;
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&cache[i].address, memory_order_relaxed) == address)
			return true;
	}
	return false;
}

/* dladdr's name for the main program: its argv[0] (glibc's _dl_argv[0]),
 * or "" from a loader that leaves it empty. */
static bool is_program(const char *name)
{
	return name == NULL || name[0] == '\0' || name == program_name ||
	       (program_name != NULL && strcmp(name, program_name) == 0);
}

void symbol_of(const void *address, struct symbol *out)
{
	if (address != NULL && cached(address, out))
		return;
	*out = (struct symbol){ .offset = (uintptr_t)address };
	Dl_info info;
	if (libc_dladdr(address, &info) != 0) {
		out->library = is_program(info.dli_fname) ? program_file() : info.dli_fname;
		out->offset = (uintptr_t)address - (uintptr_t)info.dli_fbase;
		/* dladdr names the nearest exported symbol below: only an exact hit is this one */
		if (info.dli_sname != NULL && info.dli_saddr == address)
			out->name = info.dli_sname;
	}
	struct cached_symbol *entry = &cache[atomic_fetch_add(&next_entry, 1) % SYMBOLS];
	atomic_store_explicit(&entry->address, NULL, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	entry->symbol = *out;
	atomic_store_explicit(&entry->address, address, memory_order_release);
}

void line_add_handler(struct line *l, const struct handler *h)
{
	line_add_handler_named(l, h, NULL);
}

/* " for object NAME", a C++ static's, where the symbolizer answered. */
static void add_object(struct line *l, const struct handler *h, const struct handler_names *names)
{
	if (names == NULL || h->flavour != FLAVOUR_CXA || h->arg == NULL)
		return;
	line_add(l, " for object ");
	if (names->object != NULL)
		line_add_escaped(l, names->object);
	else
		line_add_hex(l, (uintptr_t)h->arg);
}

/* ", registered by LIBRARY" where the DSO handle's library is not the
 * code's: one library's objects destroyed by another's destructor. */
static void add_registrar(struct line *l, const struct handler *h, const struct symbol *code,
                          const struct handler_names *names)
{
	struct symbol registrar;
	if (names == NULL || h->dso == NULL)
		return;
	symbol_of(h->dso, &registrar);
	if (registrar.library == NULL || (code->library != NULL && strcmp(registrar.library, code->library) == 0))
		return;
	line_add(l, ", registered by ");
	line_add_escaped(l, registrar.library);
}

static const char *(*entry_name)(const struct handler *h);

void report_name_entries(const char *(*name_of)(const struct handler *h))
{
	entry_name = name_of;
}

/* "(flavour, registration N" */
static void add_registration(struct line *l, const struct handler *h)
{
	line_add(l, " (");
	line_add(l, flavour_name(h->flavour));
	line_add(l, ", registration ");
	line_add_decimal(l, (long long)h->seq);
}

void line_add_handler_named(struct line *l, const struct handler *h, const struct handler_names *names)
{
	const char *entry = entry_name != NULL ? entry_name(h) : NULL;
	if (entry != NULL) { /* "cmd:TEXT (environment, registration N)" */
		line_add_escaped(l, entry);
		add_registration(l, h);
		line_add(l, ")");
		return;
	}
	struct symbol s;
	symbol_of((const void *)h->fn, &s);
	const char *name = names != NULL && names->code != NULL ? names->code : s.name;
	bool named = name != NULL && s.library != NULL;
	if (named) { /* "FUNCTION for object OBJECT in library+0xoffset" */
		line_add_escaped(l, name);
		add_object(l, h, names);
		line_add(l, " in ");
	}
	if (s.library != NULL) {
		line_add_escaped(l, s.library);
		line_add(l, "+");
	}
	line_add_hex(l, s.offset);
	if (!named) /* "library+0xoffset for object OBJECT" */
		add_object(l, h, names);
	add_registration(l, h);
	add_registrar(l, h, &s, names);
	line_add(l, ")");
}
