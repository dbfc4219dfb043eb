/* The libc exec calls atexit-shim takes over, and nothing else: each lets
 * the root say, before its image is replaced, that the new one will not run
 * the exit checks asked for (exec_check.h), then is glibc's own call.
 * glibc's own exec functions call its internal execve, out of reach: each
 * one is taken over here. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "exec_check.h"
#include "libc.h"

#define EXPORT __attribute__((visibility("default")))

extern char **environ;

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	exec_check(path, envp);
	return libc_exec_call(LIBC_EXECVE, path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	exec_check(path, environ);
	return libc_exec_call(LIBC_EXECV, path, argv, NULL);
}

/* A name without a slash is searched in PATH: the file is not known here. */
static const char *known(const char *file)
{
	for (const char *p = file; *p != '\0'; p++)
		if (*p == '/')
			return file;
	return NULL;
}

EXPORT int execvp(const char *file, char *const argv[])
{
	exec_check(known(file), environ);
	return libc_exec_call(LIBC_EXECVP, file, argv, NULL);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	exec_check(known(file), envp);
	return libc_exec_call(LIBC_EXECVPE, file, argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	exec_check(NULL, envp);
	return libc_fexecve(fd, argv, envp);
}

/* The list forms: the arguments after arg, up to the NULL, gathered into
 * an argv on the stack (as glibc does), then the vector form called. */
enum listed { LISTED, LISTED_SEARCHED, LISTED_WITH_ENV };

static int exec_listed(enum listed form, const char *path, const char *arg, va_list args)
{
	va_list counting;
	va_copy(counting, args);
	size_t count = 0;
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_copy'd above (clang 14 misreads it) */
	while (va_arg(counting, const char *) != NULL)
		count++;
	va_end(counting);
	char *argv[count + 2];
	argv[0] = (char *)arg;
	for (size_t i = 1; i <= count + 1; i++)
		argv[i] = va_arg(args, char *); // NOLINT(clang-analyzer-valist.Uninitialized): the callers va_start it
	if (form == LISTED_WITH_ENV)
		return execve(path, argv, va_arg(args, char *const *));
	return form == LISTED_SEARCHED ? execvp(path, argv) : execv(path, argv);
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	int failed = exec_listed(LISTED, path, arg, args);
	va_end(args);
	return failed;
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	int failed = exec_listed(LISTED_SEARCHED, file, arg, args);
	va_end(args);
	return failed;
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	int failed = exec_listed(LISTED_WITH_ENV, path, arg, args);
	va_end(args);
	return failed;
}
