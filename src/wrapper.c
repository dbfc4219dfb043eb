/* atexit-shim: runs a command with libatexit-shim.so preloaded and the
 * settings its options ask for.
 *
 * It checks everything before running anything (the same parser as the
 * library: config.c), then execs the command: no fork-and-wait, so the
 * command keeps the wrapper's pid (a `kill $!` reaches it, and the library
 * recognises it as the root by ATEXIT_SHIM_ROOT_PID) and its exit status or
 * signal is the caller's to see. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "environment.h"
#include "symbolizer.h"
#include "trace_report.h"

#define LIBRARY_NAME "libatexit-shim.so"

static const char usage[] =
	"Usage: atexit-shim [OPTIONS] [--] COMMAND [ARG...]\n"
	"Run COMMAND with libatexit-shim.so preloaded: its exit handlers run last in, first out,\n"
	"every one gets its chance, and the last failure is re-raised.\n"
	"\n"
	"  --run=CMD            at exit, run CMD with /bin/sh -c (repeatable; last given runs first)\n"
	"  --fn=[LIB:]SYMBOL    at exit, call void SYMBOL(void), from LIB if given (repeatable)\n"
	"  --skip=GLOB          do not run handlers whose symbol matches GLOB (repeatable)\n"
	"  --trace[=FILE]       trace registrations and the exit sequence (to stderr without FILE)\n"
	"  --json               trace as JSON Lines (with --trace)\n"
	"  --signals=LIST       run the exit handlers when these signals arrive (TERM,INT,...)\n"
	"  --timeout=SECONDS    abandon a handler that runs longer than this\n"
	"  --follow             every descendant process is a root of its own\n"
	"  --report=FILE        show a JSON trace (of one process or a tree) as tables, and exit\n"
	"  --format=FORMAT      with --report: text (the tables, the default) or chrome (a timeline)\n"
	"  --symbolize          name addresses: \"PATH 0xOFFSET\" lines on stdin, one answer a line, and exit\n"
	"  --print-env          print the environment that would be set, and exit\n"
	"  --lib                print the path of the preload library, and exit\n"
	"  --help, --version\n"
	"\n"
	"Exit status: COMMAND's; 2 for a bad option, 126 if COMMAND cannot be run, 127 if not found.\n"
	"See atexit-shim(1) and libatexit-shim(7).\n";

/* One line on stderr, whatever the values in it hold (a file name may
 * have a newline): shown as config.c shows them. */
__attribute__((format(printf, 1, 0))) static void say(const char *format, va_list args)
{
	char message[1024], shown[1024];
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it (clang 14 misreads them) */
	vsnprintf(message, sizeof message, format, args);
	config_quote(shown, sizeof shown, message, strlen(message));
	fprintf(stderr, "atexit-shim: %s\n", shown);
}

/* One line on stderr, then exit with status. */
__attribute__((format(printf, 2, 3))) static _Noreturn void fail(int status, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say(format, args);
	va_end(args);
	exit(status);
}

__attribute__((format(printf, 1, 2))) static void warn(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say(format, args);
	va_end(args);
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Where the library is for this process's class (what --lib prints and
 * what must exist), and the form LD_PRELOAD gets. */
struct library {
	char path[PATH_MAX + 64];
	char preload[PATH_MAX + 64];
};

/* PKGLIBDIR under root, with the loader's $LIB token (the 4 characters, not
 * a variable) in place of the multiarch libdir's lib/TRIPLET, if PKGLIBDIR
 * lies there: "/usr/lib/x86_64-linux-gnu/atexit-shim" becomes
 * "/usr/$LIB/atexit-shim".  Debian's ld.so expands $LIB to
 * lib/x86_64-linux-gnu in a 64-bit process and to lib/i386-linux-gnu in a
 * 32-bit one, so that a command of one class that runs a child of the other
 * preloads that class's copy of the library (when installed) instead of
 * putting "wrong ELF class" on the child's stderr.  False if PKGLIBDIR is not
 * in a multiarch libdir (MULTIARCH is empty where the compiler knows none). */
static bool preload_form(char *out, size_t size, const char *root, int root_len)
{
	static const char libdir[] = "/lib/" MULTIARCH;
	const size_t len = sizeof libdir - 1;
	if (MULTIARCH[0] == '\0')
		return false;
	const char *at = NULL; /* the last /lib/TRIPLET that is a whole component */
	for (const char *p = strstr(PKGLIBDIR, libdir); p != NULL; p = strstr(p + 1, libdir))
		if (p[len] == '/' || p[len] == '\0')
			at = p;
	if (at == NULL)
		return false;
	snprintf(out, size, "%.*s%.*s/$LIB%s/" LIBRARY_NAME, root_len, root, (int)(at - PKGLIBDIR), PKGLIBDIR,
		 at + len);
	return true;
}

/* Next to the wrapper in the build tree (preloaded by that path); else
 * where it was installed, relative to the wrapper (so that an install
 * under DESTDIR works too), or in PKGLIBDIR itself, preloaded in the form
 * preload_form gives when it is there. */
static const struct library *find_library(void)
{
	static struct library lib;
	char self[PATH_MAX];
	const char *root = ""; /* what the wrapper's path has before BINDIR: DESTDIR */
	int root_len = 0;
	if (realpath("/proc/self/exe", self) != NULL) {
		char *dir = dirname(self);
		char candidate[PATH_MAX + 64];
		snprintf(candidate, sizeof candidate, "%s/../src/.libs/" LIBRARY_NAME, dir);
		if (readable(candidate) && realpath(candidate, lib.path) != NULL) {
			snprintf(lib.preload, sizeof lib.preload, "%s", lib.path);
			return &lib;
		}
		size_t dir_len = strlen(dir), bindir_len = strlen(BINDIR);
		if (dir_len >= bindir_len && strcmp(dir + dir_len - bindir_len, BINDIR) == 0) {
			snprintf(candidate, sizeof candidate, "%.*s%s/" LIBRARY_NAME, (int)(dir_len - bindir_len), dir,
				 PKGLIBDIR);
			if (readable(candidate)) {
				root = dir;
				root_len = (int)(dir_len - bindir_len);
			}
		}
	}
	snprintf(lib.path, sizeof lib.path, "%.*s%s/" LIBRARY_NAME, root_len, root, PKGLIBDIR);
	if (!readable(lib.path) || !preload_form(lib.preload, sizeof lib.preload, root, root_len))
		snprintf(lib.preload, sizeof lib.preload, "%s", lib.path);
	return &lib;
}

/* ATEXIT_SHIM_HANDLERS being built: the environment's own entries, then
 * those of --run and --fn, one a line. */
struct text {
	char *s;
	size_t len;
};

/* Appends a then b, after separator unless t is empty. */
static void append(struct text *t, const char *separator, const char *a, const char *b)
{
	size_t more = strlen(separator) + strlen(a) + strlen(b);
	char *grown = realloc(t->s, t->len + more + 1);
	if (grown == NULL)
		fail(1, "out of memory");
	t->s = grown;
	t->len += (size_t)sprintf(t->s + t->len, "%s%s%s", t->len > 0 ? separator : "", a, b);
}

struct options {
	struct text handlers, skip;
	const char *trace, *signals, *timeout;
	const char *report, *format; /* --report=FILE, --format=FORMAT */
	bool json, follow, print_env;
	int after_bare_trace; /* argv index after a --trace without =FILE; 0: none */
};

static void check(bool ok, const char *option, const char *problem)
{
	if (!ok)
		fail(2, "%s=%s", option, problem);
}

/* --fn=LIB:SYM: LIB loaded and SYM looked up as the library will (an
 * fn: entry, read by config.c), so that a typo is refused now rather than
 * reported by the command at start-up.  Loading runs LIB's constructors in
 * the wrapper too.  A bare SYM can only be looked for in the command. */
static void check_function(const char *value, const struct handler_entry *e)
{
	char library[PATH_MAX], symbol[256];
	snprintf(library, sizeof library, "%.*s", (int)e->library_len, e->library);
	snprintf(symbol, sizeof symbol, "%.*s", (int)e->text_len, e->text);
	void *handle = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
	if (handle == NULL)
		fail(2, "--fn='%s': %s", value, dlerror());
	bool found = dlsym(handle, symbol) != NULL;
	dlclose(handle);
	if (!found)
		fail(2, "--fn='%s': no symbol %s in %s", value, symbol, library);
}

static void add_function(struct options *o, const char *value)
{
	struct handler_entry e = { .line = 0 };
	char entry[1024], problem[256];
	snprintf(entry, sizeof entry, "fn:%s", value);
	const char *cursor = entry;
	if (strchr(value, '\n') != NULL || config_next_entry(&cursor, &e, problem, sizeof problem) != 1)
		fail(2, "--fn='%s': expected [LIBRARY:]SYMBOL", value);
	if (e.library != NULL)
		check_function(value, &e);
	append(&o->handlers, "\n", "fn:", value);
}

static void parse(int argc, char **argv, struct options *o)
{
	enum {
		OPT_RUN = 256, OPT_FN, OPT_SKIP, OPT_TRACE, OPT_JSON, OPT_SIGNALS, OPT_TIMEOUT,
		OPT_FOLLOW, OPT_PRINT_ENV, OPT_LIB, OPT_HELP, OPT_VERSION, OPT_REPORT,
		OPT_FORMAT, OPT_SYMBOLIZE,
	};
	static const struct option longs[] = {
		{ "run", required_argument, NULL, OPT_RUN },
		{ "fn", required_argument, NULL, OPT_FN },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "trace", optional_argument, NULL, OPT_TRACE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "signals", required_argument, NULL, OPT_SIGNALS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "print-env", no_argument, NULL, OPT_PRINT_ENV },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "symbolize", no_argument, NULL, OPT_SYMBOLIZE },
		{ "lib", no_argument, NULL, OPT_LIB },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	char problem[256];
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
		const char *value = optarg != NULL ? optarg : ""; /* set for every option that takes one */
		switch (c) {
		case OPT_RUN:
			if (*value == '\0' || strchr(value, '\n') != NULL)
				fail(2, "--run='%s': expected a shell command on one line", value);
			append(&o->handlers, "\n", "cmd:", value);
			break;
		case OPT_FN:
			add_function(o, value);
			break;
		case OPT_SKIP:
			check(config_parse_skip(value, problem, sizeof problem), "--skip", problem);
			append(&o->skip, ",", value, "");
			break;
		case OPT_TRACE:
			o->trace = optarg != NULL ? optarg : "stderr";
			o->after_bare_trace = optarg != NULL ? 0 : optind;
			/* as the variable it sets: an explicit option that meant "off" would surprise */
			if (config_parse_trace(o->trace) == NULL)
				fail(2, "--trace='%s': expected a file name (empty and 0 mean no trace; write ./0 for a file named 0)", o->trace);
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SIGNALS: {
			uint64_t set;
			check(config_parse_signals(value, &set, problem, sizeof problem), "--signals", problem);
			o->signals = value;
			break;
		}
		case OPT_TIMEOUT: {
			uint64_t ns;
			check(config_parse_timeout(value, &ns, problem, sizeof problem), "--timeout", problem);
			o->timeout = value;
			break;
		}
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case OPT_PRINT_ENV:
			o->print_env = true;
			break;
		case OPT_LIB:
			puts(find_library()->path);
			exit(0);
		case OPT_REPORT:
			o->report = value;
			break;
		case OPT_FORMAT:
			if (strcmp(value, "text") != 0 && strcmp(value, "chrome") != 0)
				fail(2, "--format='%s': expected text or chrome", value);
			o->format = value;
			break;
		case OPT_SYMBOLIZE:
			exit(symbolizer_stream(stdin, stdout));
		case OPT_HELP:
			fputs(usage, stdout);
			exit(0);
		case OPT_VERSION:
			puts("atexit-shim " PACKAGE_VERSION);
			exit(0);
		default:
			fail(2, "%s: unknown option or missing value (see atexit-shim --help)", argv[optind - 1]);
		}
	}
	if (o->format != NULL && o->report == NULL)
		fail(2, "--format='%s': only with --report=FILE", o->format);
	if (o->report != NULL) /* read the whole command line first: --format may follow */
		exit(trace_report(o->report, o->format != NULL && strcmp(o->format, "chrome") == 0 ?
		                  TRACE_REPORT_CHROME : TRACE_REPORT_TEXT, stdout) == 0 ? 0 : 2);
}

/* The command, exec'ed, keeps this process's id: it is the root.  Settings
 * printed for a shell name no root: this process will be gone, and without
 * a root pid the first process that loads the library is the root. */
static void set_root_pid(bool print_env)
{
	if (print_env) {
		unsetenv("ATEXIT_SHIM_ROOT_PID");
		return;
	}
	char pid[24];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("ATEXIT_SHIM_ROOT_PID", pid, 1);
}

/* The environment the command gets, set in this process. */
static void set_environment(const struct options *o, const char *library)
{
	const char *existing = getenv("ATEXIT_SHIM_HANDLERS");
	struct text handlers = { NULL, 0 };
	if (existing != NULL && *existing != '\0')
		append(&handlers, "\n", existing, "");
	if (o->handlers.len > 0)
		append(&handlers, "\n", o->handlers.s, "");
	if (handlers.len > 0)
		setenv("ATEXIT_SHIM_HANDLERS", handlers.s, 1);
	free(handlers.s);
	if (o->skip.len > 0)
		setenv("ATEXIT_SHIM_SKIP", o->skip.s, 1);
	if (o->trace != NULL)
		setenv("ATEXIT_SHIM_TRACE", o->trace, 1);
	if (o->json)
		setenv("ATEXIT_SHIM_TRACE_FORMAT", "json", 1);
	if (o->signals != NULL)
		setenv("ATEXIT_SHIM_SIGNALS", o->signals, 1);
	if (o->timeout != NULL)
		setenv("ATEXIT_SHIM_TIMEOUT", o->timeout, 1);
	if (o->follow)
		setenv("ATEXIT_SHIM_FOLLOW", "1", 1);
	set_root_pid(o->print_env);
	/* The library names a failed handler with atexit-shim --symbolize: this command. */
	char self[PATH_MAX];
	if (getenv("ATEXIT_SHIM_SYMBOLIZER") == NULL && realpath("/proc/self/exe", self) != NULL)
		setenv("ATEXIT_SHIM_SYMBOLIZER", self, 1);

	const char *preload = getenv("LD_PRELOAD");
	if (preload == NULL || *preload == '\0') {
		setenv("LD_PRELOAD", library, 1);
	} else if (!environment_preload_has_shim(preload)) {
		char *value = malloc(strlen(library) + strlen(preload) + 2);
		if (value == NULL)
			fail(1, "out of memory");
		sprintf(value, "%s:%s", library, preload); /* first: its symbols must win */
		setenv("LD_PRELOAD", value, 1);
		free(value);
	}
}

static const char *lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static void complain(const char *problem, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "atexit-shim: %s\n", problem);
}

/* Why a trace could not be written to what fd opened: the library writes
 * anywhere it can open, and a write that fails is lost without a word, so
 * only what takes writes is accepted -- a file, a pipe, a terminal,
 * /dev/null -- not /dev/full and other devices.  NULL if fine. */
static const char *unfit_for_trace(int fd)
{
	struct stat st, null;
	if (fstat(fd, &st) != 0)
		return strerror(errno);
	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || isatty(fd) ||
	    (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 && st.st_rdev == null.st_rdev))
		return NULL;
	return "not a file, a pipe, a terminal or /dev/null: trace lines written there would be lost";
}

static const char *open_error(int error)
{
	if (error == ELOOP)
		return "a symbolic link, which is never followed (for standard error: --trace without FILE)";
	return strerror(error);
}

/* Opens the trace file as the library will (trace.c: append, never through
 * a symbolic link; created 0600) and checks it takes writes, so that a bad
 * one is refused before anything runs.  A file created for the check is
 * removed: the library creates it, and a command that fails to start
 * leaves nothing behind.  A named pipe is taken as it is: a writer opening
 * and closing it would end its reader's input before the command starts. */
static void check_trace_file(const char *path, const char *setting)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		return;
	/* never wait in open, nor make a terminal the command's controlling one */
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd = open(path, flags);
	bool created = false;
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, flags | O_CREAT | O_EXCL, 0600);
		created = fd >= 0;
	}
	if (fd < 0)
		fail(2, "%s='%s': cannot open it for appending: %s", setting, path, open_error(errno));
	const char *problem = unfit_for_trace(fd);
	close(fd);
	if (created)
		unlink(path);
	if (problem != NULL)
		fail(2, "%s='%s': %s", setting, path, problem);
}

/* The settings as the library will read them, including any the caller
 * exported already: every problem now, before anything runs. */
static void check_settings(const struct options *o)
{
	struct settings s;
	if (config_read(&s, lookup, complain, NULL) > 0)
		fail(2, "not running the command: fix the settings above");
	/* refused rather than implying --trace: a format alone asks for nothing */
	if (o->json && s.trace == NULL)
		fail(2, "--json: there is no trace to format (add --trace or --trace=FILE)");
	if (s.trace != NULL && *s.trace != '\0')
		check_trace_file(s.trace, o->trace != NULL ? "--trace" : "ATEXIT_SHIM_TRACE");
}

/* "export NAME='value'", quoted for any POSIX shell. */
static void print_export(const char *name)
{
	const char *value = getenv(name);
	if (value == NULL)
		return;
	printf("export %s='", name);
	for (const char *p = value; *p != '\0'; p++)
		fputs(*p == '\'' ? "'\\''" : (char[]){ *p, '\0' }, stdout);
	puts("'");
}

/* For a shell to eval: its next commands then run as under the wrapper,
 * each a root of its own.  A root pid the shell may hold (a process gone
 * by now) is removed, so the output works wherever it is eval'ed. */
static void print_environment(void)
{
	print_export("LD_PRELOAD");
	for (const char *const *name = config_variables; *name != NULL; name++)
		print_export(*name);
	puts("unset ATEXIT_SHIM_ROOT_PID");
}

/* Where execvp would find the command, for its exit status and warnings. */
static const char *locate(const char *command)
{
	static char path[PATH_MAX];
	if (strchr(command, '/') != NULL)
		return access(command, F_OK) == 0 ? command : NULL;
	const char *dirs = getenv("PATH");
	for (const char *p = dirs != NULL ? dirs : "/usr/bin:/bin"; *p != '\0';) {
		size_t len = strcspn(p, ":");
		snprintf(path, sizeof path, "%.*s/%s", (int)len, len > 0 ? p : ".", command);
		if (access(path, X_OK) == 0)
			return path;
		p += len + (p[len] == ':');
	}
	return NULL;
}

/* The command's path, or exit 127 (not found) or 126 (not executable).  A
 * bare --trace takes no separate argument (getopt's optional argument), so
 * "--trace FILE" makes FILE the command: say so when it then fails. */
static const char *find_command(const char *command, bool after_bare_trace)
{
	char hint[PATH_MAX + 40] = "";
	if (after_bare_trace)
		snprintf(hint, sizeof hint, " (did you mean --trace=%s?)", command);
	const char *path = locate(command);
	if (path == NULL)
		fail(127, "%s: command not found%s", command, hint);
	if (access(path, X_OK) != 0)
		fail(126, "%s: not executable%s", command, hint);
	return path;
}

/* Statically linked (an ELF file without an interpreter) or set-user-id:
 * the shim cannot act there, and a user deserves to know. */
/* Whether the ELF file open on fd has program headers and no PT_INTERP
 * (no dynamic loader, so no LD_PRELOAD).  Either class, whatever the
 * wrapper's own: a 64-bit wrapper may run a 32-bit program. */
#define ELF_IS_STATIC(Ehdr, Phdr)                                                                   \
	static bool elf_is_static_##Ehdr(int fd)                                                    \
	{                                                                                           \
		Ehdr eh;                                                                            \
		if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || eh.e_phentsize != sizeof(Phdr)) \
			return false;                                                               \
		for (int i = 0; i < eh.e_phnum; i++) {                                              \
			Phdr ph;                                                                    \
			off_t at = (off_t)(eh.e_phoff + (size_t)i * sizeof ph);                     \
			if (pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)                    \
				return false;                                                       \
			if (ph.p_type == PT_INTERP)                                                 \
				return false;                                                       \
		}                                                                                   \
		return eh.e_phnum > 0;                                                              \
	}
ELF_IS_STATIC(Elf32_Ehdr, Elf32_Phdr)
ELF_IS_STATIC(Elf64_Ehdr, Elf64_Phdr)

static bool elf_is_static(int fd)
{
	unsigned char ident[EI_NIDENT];
	if (pread(fd, ident, sizeof ident, 0) != (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0)
		return false;
	return ident[EI_CLASS] == ELFCLASS64 ? elf_is_static_Elf64_Ehdr(fd) : elf_is_static_Elf32_Ehdr(fd);
}

static void warn_if_out_of_reach(const char *path, const char *command)
{
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
		warn("warning: %s is set-user-id or set-group-id: the shim is not loaded into it", command);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (elf_is_static(fd))
		warn("warning: %s is statically linked: the shim cannot be loaded into it", command);
	close(fd);
}

/* A file the kernel cannot execute (ENOEXEC: a script without "#!") is a
 * shell script to execvp, env, nice and the shells: run it the same way,
 * "/bin/sh PATH ARG...", so that a command runs under the wrapper exactly
 * when it runs without.  Returns only if /bin/sh cannot be run. */
static void exec_as_script(const char *path, char *const command_argv[])
{
	size_t count = 0;
	while (command_argv[count] != NULL)
		count++;
	char **sh_argv = calloc(count + 2, sizeof *sh_argv);
	if (sh_argv == NULL)
		fail(1, "out of memory");
	sh_argv[0] = "/bin/sh";
	sh_argv[1] = (char *)path;
	for (size_t i = 1; i < count; i++)
		sh_argv[i + 1] = command_argv[i];
	execv(sh_argv[0], sh_argv);
	int saved = errno;
	free(sh_argv);
	errno = saved; /* the caller reports why /bin/sh could not run */
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	parse(argc, argv, &o);
	const struct library *library = find_library();
	set_environment(&o, library->preload);
	free(o.handlers.s);
	free(o.skip.s);
	check_settings(&o);
	if (o.print_env) {
		print_environment();
		return 0;
	}
	if (optind >= argc)
		fail(2, "no command given (see atexit-shim --help)");
	if (!readable(library->path))
		fail(127, "%s: the preload library is missing (was the project built?)", library->path);

	const char *command = argv[optind];
	const char *path = find_command(command, o.after_bare_trace == optind);
	warn_if_out_of_reach(path, command);
	execv(path, argv + optind);
	if (errno == ENOEXEC)
		exec_as_script(path, argv + optind);
	int saved = errno;
	fail(saved == ENOENT ? 127 : 126, "%s: %s", command, strerror(saved));
}
