/* A string built by appending: see wrapper_text.h. */
#include "wrapper_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapper_message.h"

void wrapper_text_append(struct text *t, const char *separator, const char *a, const char *b)
{
	size_t more = strlen(separator) + strlen(a) + strlen(b);
	char *grown = realloc(t->s, t->len + more + 1);
	if (grown == NULL)
		wrapper_fail(1, "out of memory");
	t->s = grown;
	t->len += (size_t)sprintf(t->s + t->len, "%s%s%s", t->len > 0 ? separator : "", a, b);
}
