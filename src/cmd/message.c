/* The wrapper's messages: see message.h. */
#include "message.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"

/* A line longer than this keeps its start and its end (the reason comes
 * last), the middle of whatever huge value it shows elided. */
#define LONGEST 1000
#define KEPT_END 400

__attribute__((format(printf, 1, 0))) static void say(const char *format, va_list args)
{
	char message[LONGEST * 4 + 8], shown[sizeof message * 4];
	va_list again;
	va_copy(again, args);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it (clang 14 misreads them) */
	int full = vsnprintf(NULL, 0, format, args);
	char *whole = full >= 0 ? malloc((size_t)full + 1) : NULL;
	if (whole != NULL)
		vsnprintf(whole, (size_t)full + 1, format, again);
	va_end(again);
	const char *text = whole != NULL ? whole : format;
	size_t len = strlen(text);
	if (len > LONGEST) {
		size_t head = LONGEST - KEPT_END - 5;
		snprintf(message, sizeof message, "%.*s[...]%s", (int)head, text, text + len - KEPT_END);
		text = message;
		len = strlen(message);
	}
	settings_quote(shown, sizeof shown, text, len);
	fprintf(stderr, "atexit-shim: %s\n", shown);
	free(whole);
}

void cmd_fail(int status, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say(format, args);
	va_end(args);
	exit(status);
}

void cmd_warn(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say(format, args);
	va_end(args);
}
