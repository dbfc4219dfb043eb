/* A libFuzzer target over the configuration parser (src/settings/settings.c): every
 * ATEXIT_SHIM_* variable, ATEXIT_SHIM_HANDLERS entries, and the single-value
 * parsers the wrapper's options use.  The first byte of an input chooses
 * the variable; the rest is its value.  Built with clang by `make fuzz`,
 * and, with any compiler, into a replayer that `make check` runs over
 * tests/fuzz-corpus, so that an input that once crashed it never returns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/settings/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const char *name;
	const char *value;
};

static const char *lookup(const char *name, void *ctx)
{
	const struct input *in = ctx;
	return strcmp(name, in->name) == 0 ? in->value : NULL;
}

static void ignore(const char *problem, void *ctx)
{
	(void)ctx;
	/* every problem is one line: no control character, whatever the value */
	for (const char *p = problem; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t variables = 0;
	while (settings_variables[variables] != NULL)
		variables++;
	char *value = malloc(size);
	if (value == NULL)
		return 0;
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';

	struct input in = { settings_variables[data[0] % variables], value };
	struct settings s;
	settings_read(&s, lookup, ignore, &in);

	struct handler_entry e = { .line = 0 };
	const char *cursor = value;
	char problem[256];
	int got;
	while ((got = settings_next_entry(&cursor, &e, problem, sizeof problem)) != 0) {
		if (got > 0 && (e.text_len == 0 || e.text < value || e.text + e.text_len > value + size))
			abort(); /* an entry must lie inside the value */
	}

	uint64_t set, ns;
	settings_parse_signals(value, &set, problem, sizeof problem);
	settings_parse_timeout(value, &ns, problem, sizeof problem);
	settings_parse_skip(value, problem, sizeof problem);
	settings_parse_pid(value);
	free(value);
	return 0;
}
