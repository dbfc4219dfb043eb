/* The wrapper's messages: see message.h. */
#include "message.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"

__attribute__((format(printf, 1, 0))) static void say(const char *format, va_list args)
{
	char message[1024], shown[1024];
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it (clang 14 misreads them) */
	vsnprintf(message, sizeof message, format, args);
	settings_quote(shown, sizeof shown, message, strlen(message));
	fprintf(stderr, "atexit-shim: %s\n", shown);
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
