/* A JSON string's contents, added to a line (line.h), valid UTF-8
 * whatever the value holds: quotes and backslashes escaped, a valid UTF-8
 * sequence kept, anything else a byte at a time as \u00XX.  Async-signal-
 * safe, for the trace's JSON Lines. */
#ifndef ATEXIT_SHIM_LIB_JSON_STRING_H
#define ATEXIT_SHIM_LIB_JSON_STRING_H

#include <stddef.h>

#include "line.h"

/* Adds s (NULL: nothing), keeping room bytes free at the end of l for what
 * follows the string: a value too long is cut between two characters,
 * never inside an escape or a sequence. */
void json_string_add(struct line *l, const char *s, size_t room);

#endif
