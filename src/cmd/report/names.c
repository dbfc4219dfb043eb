/* Names for a trace's handlers: see names.h. */
#define _GNU_SOURCE
#include "names.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolizer.h"

static char *own(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* What the symbolizer says of path at offset; false if nothing. */
static bool look_up(struct symbolizer *s, const char *path, const char *offset, struct symbolized *out)
{
	uint64_t at;
	return path != NULL && symbolizer_parse_offset(offset, &at) && symbolizer_find(s, path, at, out);
}

static bool is_entry(const struct event *v)
{
	return v->flavour != NULL && strcmp(v->flavour, "ATEXIT_SHIM_HANDLERS") == 0;
}

static void name_code(struct symbolizer *s, struct event *v)
{
	struct symbolized found;
	if (!is_entry(v) && look_up(s, v->library, v->offset, &found)) {
		v->function = own(found.function);
		if (found.file != NULL && asprintf(&v->source, "%s:%d", found.file, found.line) < 0)
			v->source = NULL;
	}
	if (v->function == NULL) /* the trace's own: an exported symbol, as dladdr gave it */
		v->function = own(is_entry(v) ? v->name : symbolizer_demangle(s, v->name));
}

/* A data object's name only: a position the line table gives an address
 * in data would be a neighbouring function's. */
static void name_object(struct symbolizer *s, struct event *v)
{
	struct symbolized found;
	if (look_up(s, v->object_library, v->object_offset, &found))
		v->object_name = own(found.function);
}

static bool names_a_handler(enum kind kind)
{
	return kind == EV_REGISTER || kind == EV_UNREGISTER || kind == EV_RUN || kind == EV_DONE;
}

void trace_names_resolve(struct trace_events *t)
{
	struct symbolizer *s = symbolizer_new();
	if (s == NULL)
		return;
	for (size_t i = 0; i < t->nevents; i++) {
		struct event *v = &t->events[i];
		if (!names_a_handler(v->kind))
			continue;
		name_code(s, v);
		name_object(s, v);
	}
	symbolizer_free(s);
}
