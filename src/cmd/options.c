/* The wrapper's command line: see options.h. */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings/environment.h"
#include "settings/settings.h"
#include "checks.h"
#include "message.h"

const char cmd_usage[] =
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

static void check(bool ok, const char *option, const char *problem)
{
	if (!ok)
		cmd_fail(2, "%s=%s", option, problem);
}

/* A relative path made absolute from this directory, the one the user
 * meant: the program and its descendants may run elsewhere (make -C sub,
 * cd /).  Into out, of size bytes; an absolute one is used as it is. */
static void absolute(char *out, size_t size, const char *path)
{
	if (environment_absolute(out, size, path))
		return;
	if (errno == ENAMETOOLONG)
		cmd_fail(2, "'%s': too long once made absolute", path);
	cmd_fail(2, "'%s': the current directory has no name to make it absolute: %s", path, strerror(errno));
}

static void add_function(struct options *o, const char *value)
{
	struct handler_entry e = { .line = 0 };
	char entry[1024], problem[256];
	snprintf(entry, sizeof entry, "fn:%s", value);
	const char *cursor = entry;
	if (strchr(value, '\n') != NULL || settings_next_entry(&cursor, &e, problem, sizeof problem) != 1)
		cmd_fail(2, "--fn='%s': expected [LIBRARY:]SYMBOL", value);
	if (e.library != NULL)
		cmd_check_function(value, &e);
	/* a library named by a path (not a bare name, which the loader searches) */
	if (e.library != NULL && memchr(e.library, '/', e.library_len) != NULL && e.library[0] != '/') {
		char library[PATH_MAX], whole[PATH_MAX];
		snprintf(library, sizeof library, "%.*s", (int)e.library_len, e.library);
		absolute(whole, sizeof whole, library);
		char symbol[1024];
		snprintf(symbol, sizeof symbol, "%.*s", (int)e.text_len, e.text);
		cmd_text_append(&o->handlers, "\n", "fn:", whole);
		cmd_text_append(&o->handlers, "", ":", symbol);
		return;
	}
	cmd_text_append(&o->handlers, "\n", "fn:", value);
}

enum cmd_mode cmd_options_parse(int argc, char **argv, struct options *o)
{
	enum {
		OPT_RUN = 256, OPT_FN, OPT_SKIP, OPT_TRACE, OPT_JSON, OPT_SIGNALS, OPT_TIMEOUT,
		OPT_FOLLOW, OPT_PRINT_ENV, OPT_LIB, OPT_HELP, OPT_VERSION, OPT_REPORT,
		OPT_FORMAT, OPT_SYMBOLIZE, OPT_SUPERVISE,
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
		{ "supervise", no_argument, NULL, OPT_SUPERVISE },
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
		/* A value of its own that starts with "--" is the next option or the
		 * command's "--" (--run -- ./app): the value was forgotten.  One that
		 * does is given with "=". */
		if (optarg != NULL && optarg == argv[optind - 1] && strncmp(optarg, "--", 2) == 0)
			cmd_fail(2, "%s: missing value ('%s' is not one: write %s=%s for a value that starts with --)",
			         argv[optind - 2], optarg, argv[optind - 2], optarg);
		switch (c) {
		case OPT_RUN:
			if (*value == '\0' || strchr(value, '\n') != NULL)
				cmd_fail(2, "--run='%s': expected a shell command on one line", value);
			cmd_text_append(&o->handlers, "\n", "cmd:", value);
			break;
		case OPT_FN:
			add_function(o, value);
			break;
		case OPT_SKIP:
			check(settings_parse_skip(value, problem, sizeof problem), "--skip", problem);
			cmd_text_append(&o->skip, ",", value, "");
			break;
		case OPT_TRACE:
			o->trace = optarg != NULL ? optarg : "stderr";
			o->after_bare_trace = optarg != NULL ? 0 : optind;
			/* as the variable it sets: an explicit option that meant "off" would surprise */
			if (settings_parse_trace(o->trace) == NULL)
				cmd_fail(2, "--trace='%s': expected a file name (empty and 0 mean no trace; write ./0 for a file named 0)", o->trace);
			if (*settings_parse_trace(o->trace) != '\0' && o->trace[0] != '/') {
				absolute(o->trace_path, sizeof o->trace_path, o->trace);
				o->trace = o->trace_path;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SIGNALS: {
			uint64_t set;
			check(settings_parse_signals(value, &set, problem, sizeof problem), "--signals", problem);
			o->signals = value;
			break;
		}
		case OPT_TIMEOUT: {
			uint64_t ns;
			check(settings_parse_timeout(value, &ns, problem, sizeof problem), "--timeout", problem);
			o->timeout = value;
			break;
		}
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case OPT_SUPERVISE:
			o->supervise = true;
			break;
		case OPT_PRINT_ENV:
			o->print_env = true;
			break;
		case OPT_LIB:
			return WRAPPER_LIB;
		case OPT_REPORT:
			o->report = value;
			break;
		case OPT_FORMAT:
			if (strcmp(value, "text") != 0 && strcmp(value, "chrome") != 0)
				cmd_fail(2, "--format='%s': expected text or chrome", value);
			o->format = value;
			break;
		case OPT_SYMBOLIZE:
			return WRAPPER_SYMBOLIZE;
		case OPT_HELP:
			return WRAPPER_HELP;
		case OPT_VERSION:
			return WRAPPER_VERSION;
		default:
			cmd_fail(2, "%s: unknown option or missing value (see atexit-shim --help)", argv[optind - 1]);
		}
	}
	if (o->format != NULL && o->report == NULL)
		cmd_fail(2, "--format='%s': only with --report=FILE", o->format);
	o->command = optind;
	return o->report != NULL ? WRAPPER_REPORT : WRAPPER_RUN;
}
