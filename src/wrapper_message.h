/* The wrapper's messages: one line each on stderr, "atexit-shim: ...",
 * whatever the values in it hold (a file name may have a newline): shown
 * as config.c shows them. */
#ifndef ATEXIT_SHIM_WRAPPER_MESSAGE_H
#define ATEXIT_SHIM_WRAPPER_MESSAGE_H

/* The line, then exit with status. */
__attribute__((format(printf, 2, 3), noreturn)) void wrapper_fail(int status, const char *format, ...);

__attribute__((format(printf, 1, 2))) void wrapper_warn(const char *format, ...);

#endif
