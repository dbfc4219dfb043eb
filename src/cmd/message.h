/* The wrapper's messages: one line each on stderr, "atexit-shim: ...",
 * whatever the values in it hold (a file name may have a newline): shown
 * as settings/settings.c shows them. */
#ifndef ATEXIT_SHIM_CMD_MESSAGE_H
#define ATEXIT_SHIM_CMD_MESSAGE_H

/* The line, then exit with status. */
__attribute__((format(printf, 2, 3), noreturn)) void cmd_fail(int status, const char *format, ...);

__attribute__((format(printf, 1, 2))) void cmd_warn(const char *format, ...);

#endif
