/* The process environment: see environment.h. */
#define _GNU_SOURCE
#include "environment.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "copy.h"

extern char **environ;

#define PREFIX "ATEXIT_SHIM_"

/* Plain loops, here and in what runs at every start-up: each libc function
 * a process calls for the first time costs it a symbol binding (~700
 * instructions); see environment_setting. */
static bool begins(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; prefix++, s++)
		if (*s != *prefix)
			return false;
	return true;
}

static bool is_setting(const char *entry)
{
	return begins(entry, PREFIX);
}

static bool refused; /* environment_refuse_settings */

void environment_find_settings(struct shim_variables *found)
{
	found->count = 0;
	found->environ_count = 0;
	if (refused)
		return;
	size_t n = 0;
	for (char **e = environ; e != NULL && *e != NULL; e++, n++)
		if ((*e)[0] == 'A' && is_setting(*e) && found->count < sizeof found->entry / sizeof found->entry[0])
			found->entry[found->count++] = e;
	found->environ_count = n;
}

/* Every entry and every name begins with PREFIX: compared after it. */
const char *environment_setting(const struct shim_variables *found, const char *name)
{
	for (size_t i = 0; i < found->count; i++) {
		const char *e = *found->entry[i] + sizeof PREFIX - 1, *n = name + sizeof PREFIX - 1;
		while (*n != '\0' && *e == *n)
			e++, n++;
		if (*n == '\0' && *e == '=')
			return e + 1;
	}
	return NULL;
}

#define ROOT_PID PREFIX "ROOT_PID"

void environment_set_root_pid(const struct shim_variables *found, long pid)
{
	static char entry[40] = ROOT_PID "=";
	static char *grown[256];
	char *digits = entry + sizeof ROOT_PID;
	char reversed[24];
	size_t n = 0;
	do
		reversed[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (n > 0)
		*digits++ = reversed[--n];
	*digits = '\0';

	for (size_t i = 0; i < found->count; i++)
		if (begins(*found->entry[i], ROOT_PID "="))
			return (void)(*found->entry[i] = entry);
	size_t count = found->environ_count;
	if (count + 2 > sizeof grown / sizeof grown[0]) {
		setenv(ROOT_PID, entry + sizeof ROOT_PID, 1);
		return;
	}
	for (size_t i = 0; i < count; i++)
		grown[i] = environ[i];
	grown[count] = entry;
	grown[count + 1] = NULL;
	environ = grown; /* setenv and unsetenv manage an environ they did not allocate */
}

bool environment_absolute(char *out, size_t size, const char *path)
{
	if (path[0] != '/') {
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		if (getcwd(out, size) == NULL)
			return false;
	} else {
		out[0] = '\0';
	}
	size_t len = strlen(out), more = strlen(path);
	if (len + 1 + more >= size) {
		errno = ENAMETOOLONG;
		return false;
	}
	if (path[0] != '/')
		out[len++] = '/';
	copy_bytes(out + len, path, more + 1);
	return true;
}

const char *environment_absolute_trace(const char *path)
{
	static char whole[PATH_MAX];
	if (!environment_absolute(whole, sizeof whole, path))
		return path;
	setenv(PREFIX "TRACE", whole, 1);
	return whole;
}

const char *environment_note_run_dir(void)
{
	static char here[PATH_MAX];
	if (getcwd(here, sizeof here) == NULL)
		return NULL;
	setenv(PREFIX "RUN_DIR", here, 1);
	return here;
}

void environment_share_trace(int fd)
{
	char digits[16];
	if (fd >= 0 && snprintf(digits, sizeof digits, "%d", fd) > 0)
		setenv(PREFIX "TRACE_FD", digits, 1);
}

/* An LD_PRELOAD entry naming this library: its own path, or any file with
 * its name (the wrapper and users may spell the path differently). */
static bool is_shim(const char *entry, size_t len)
{
	static const char name[] = "libatexit-shim.so";
	size_t n = sizeof name - 1;
	return len >= n && memcmp(entry + len - n, name, n) == 0 &&
	       (len == n || entry[len - n - 1] == '/');
}

/* value with the shim's entries removed, into out (at least as long);
 * entries are separated by colons or spaces, as ld.so reads them. */
static void filter_preload(const char *value, char *out)
{
	char *o = out;
	const char *p = value;
	while (*p != '\0') {
		size_t sep = strspn(p, ": ");
		p += sep;
		size_t len = strcspn(p, ": ");
		if (len > 0 && !is_shim(p, len)) {
			if (o != out)
				*o++ = ':';
			copy_bytes(o, p, len);
			o += len;
		}
		p += len;
	}
	*o = '\0';
}

bool environment_preload_has_shim(const char *value)
{
	for (const char *p = value; *p != '\0';) {
		p += strspn(p, ": ");
		size_t len = strcspn(p, ": ");
		if (len > 0 && is_shim(p, len))
			return true;
		p += len;
	}
	return false;
}

/* Edits the environ array itself rather than calling unsetenv and setenv:
 * some programs (bash) bring their own, which keep a table of their own and
 * never touch environ; all of them read environ when they start. */
void environment_strip(void)
{
	if (environ == NULL)
		return;
	size_t kept = 0;
	for (size_t i = 0; environ[i] != NULL; i++) {
		char *entry = environ[i];
		if (is_setting(entry))
			continue;
		if (strncmp(entry, "LD_PRELOAD=", 11) == 0) {
			char *filtered = malloc(strlen(entry) + 1);
			if (filtered != NULL) {
				copy_bytes(filtered, "LD_PRELOAD=", 11);
				filter_preload(entry + 11, filtered + 11);
				if (filtered[11] == '\0') {
					free(filtered);
					continue;
				}
				entry = filtered; /* environ's strings are never freed */
			}
		}
		environ[kept++] = entry;
	}
	environ[kept] = NULL;
}

void environment_refuse_settings(void)
{
	refused = true;
	environment_strip();
}

char **environment_for_command(const char *const extra[], size_t extras, size_t *bytes)
{
	size_t count = 0, text = 0;
	for (char **e = environ; e != NULL && *e != NULL; e++, count++)
		if (strncmp(*e, "LD_PRELOAD=", 11) == 0)
			text += strlen(*e) + 1;
	*bytes = (count + extras + 1) * sizeof(char *) + text;
	void *block = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (block == MAP_FAILED)
		return NULL;
	char **env = block;
	char *spare = (char *)(env + count + extras + 1);
	size_t n = 0;
	for (char **e = environ; e != NULL && *e != NULL; e++) {
		if (is_setting(*e))
			continue;
		if (strncmp(*e, "LD_PRELOAD=", 11) == 0) {
			copy_bytes(spare, "LD_PRELOAD=", 11);
			filter_preload(*e + 11, spare + 11);
			if (spare[11] == '\0')
				continue;
			env[n++] = spare;
			spare += strlen(spare) + 1;
			continue;
		}
		env[n++] = *e;
	}
	for (size_t i = 0; i < extras; i++)
		env[n++] = (char *)extra[i];
	env[n] = NULL;
	return env;
}

void environment_release(char **env, size_t bytes)
{
	munmap(env, bytes);
}
