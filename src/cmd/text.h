/* A string the wrapper builds by appending: the lists ATEXIT_SHIM_HANDLERS
 * (one entry a line) and ATEXIT_SHIM_SKIP (comma-separated) get. */
#ifndef ATEXIT_SHIM_CMD_TEXT_H
#define ATEXIT_SHIM_CMD_TEXT_H

#include <stddef.h>

struct text {
	char *s; /* NULL while empty; the caller frees it */
	size_t len;
};

/* Appends a then b, after separator unless t is empty; out of memory, the
 * wrapper exits with 1. */
void cmd_text_append(struct text *t, const char *separator, const char *a, const char *b);

#endif
