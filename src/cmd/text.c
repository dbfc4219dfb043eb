/* A string built by appending: see text.h. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"

void cmd_text_append(struct text *t, const char *separator, const char *a, const char *b)
{
	size_t more = strlen(separator) + strlen(a) + strlen(b);
	char *grown = realloc(t->s, t->len + more + 1);
	if (grown == NULL)
		cmd_fail(1, "out of memory");
	t->s = grown;
	t->len += (size_t)sprintf(t->s + t->len, "%s%s%s", t->len > 0 ? separator : "", a, b);
}
