/* Names for addresses, offline, in the wrapper only (never in the preloaded
 * library): given an ELF file and an offset from its load base -- what the
 * reports and traces carry (src/lib/line.h, struct symbol) -- the function or
 * data object there, as addr2line -C -f and nm -C name it, and the source
 * file and line where debug information says.  With elfutils' libdwfl.
 *
 * The names come from the ELF symbol tables (.dynsym and .symtab, in the file
 * or its separate debug file), else from DWARF (a subprogram's DIE); C++
 * names are demangled with libstdc++'s __cxa_demangle when that library can
 * be loaded, else left as they are. */
#ifndef ATEXIT_SHIM_CMD_REPORT_SYMBOLIZER_H
#define ATEXIT_SHIM_CMD_REPORT_SYMBOLIZER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct symbolizer;

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s);

/* One answer, in the --symbolize format, without a newline:
 *   "FUNCTION (FILE:LINE)"  name and source position known
 *   "FUNCTION"              name only
 *   "?"                     nothing known (no such file, not ELF, no symbol)
 * FUNCTION is a function's or a data object's name, demangled.  The result
 * is valid until the next call. */
const char *symbolizer_lookup(struct symbolizer *s, const char *path, uint64_t offset);

/* The same in parts, for the report's columns: function NULL where no name
 * is known, file NULL (and line 0) where no source position is; false when
 * neither is.  Valid until the next call. */
struct symbolized {
	const char *function;
	const char *file;
	int line;
};
bool symbolizer_find(struct symbolizer *s, const char *path, uint64_t offset, struct symbolized *out);

/* name demangled if it is a C++ name and the demangler is there, else name
 * itself (NULL for NULL); valid until the next call. */
const char *symbolizer_demangle(struct symbolizer *s, const char *name);

/* An offset as the traces and --symbolize write it, "0x11e0" (or "0X");
 * false if text is not one. */
bool symbolizer_parse_offset(const char *text, uint64_t *offset);

/* atexit-shim --symbolize: lines "PATH OFFSET" (OFFSET in hex, 0x...; the
 * path is everything before the last space) from in, one answer a line to
 * out, flushed after each so that a pipe's reader can go line by line.  A
 * line that does not parse gets "?".  Returns 0, or 2 if out failed. */
int symbolizer_stream(FILE *in, FILE *out);

#endif
