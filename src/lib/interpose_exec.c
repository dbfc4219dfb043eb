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

/* The list forms: the arguments after arg, up to the NULL, counted. */
static size_t count_after(va_list args)
{
	size_t count = 0;
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it (clang 14 misreads them) */
	while (va_arg(args, const char *) != NULL)
		count++;
	return count;
}

/* ... and gathered into argv (count + 2 slots), NULL-terminated. */
static void gather(char **argv, const char *arg, size_t count, va_list args)
{
	argv[0] = (char *)arg;
	for (size_t i = 1; i <= count + 1; i++)
		argv[i] = va_arg(args, char *); // NOLINT(clang-analyzer-valist.Uninitialized): as above
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	size_t count = count_after(args);
	va_end(args);
	char *argv[count + 2];
	va_start(args, arg);
	gather(argv, arg, count, args);
	va_end(args);
	return execv(path, argv);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	size_t count = count_after(args);
	va_end(args);
	char *argv[count + 2];
	va_start(args, arg);
	gather(argv, arg, count, args);
	va_end(args);
	return execvp(file, argv);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list args;
	va_start(args, arg);
	size_t count = count_after(args);
	va_end(args);
	char *argv[count + 2];
	va_start(args, arg);
	gather(argv, arg, count, args);
	char *const *envp = va_arg(args, char *const *);
	va_end(args);
	return execve(path, argv, envp);
}
