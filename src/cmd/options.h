/* The wrapper's command line, read into a struct: every value checked as
 * the library will read it (settings/settings.c's parsers), so that a bad option is
 * refused before anything runs. */
#ifndef ATEXIT_SHIM_CMD_OPTIONS_H
#define ATEXIT_SHIM_CMD_OPTIONS_H

#include <stdbool.h>

#include "text.h"

/* What --help prints. */
extern const char cmd_usage[];

struct options {
	struct text handlers, skip; /* --run and --fn (one a line); --skip */
	const char *trace, *signals, *timeout;
	char trace_path[4096]; /* --trace's FILE made absolute, which trace points to */
	const char *report, *format; /* --report=FILE, --format=FORMAT */
	bool json, follow, print_env, supervise;
	int after_bare_trace; /* argv index after a --trace without =FILE; 0: none */
	int command;          /* argv index of the command; argc: none given */
};

/* What the command line asks for: a command run (or, with --print-env, its
 * environment printed), or one of the things done instead of running one. */
enum cmd_mode {
	WRAPPER_RUN,
	WRAPPER_REPORT,    /* --report=FILE */
	WRAPPER_SYMBOLIZE, /* --symbolize */
	WRAPPER_LIB,       /* --lib */
	WRAPPER_HELP,      /* --help */
	WRAPPER_VERSION,   /* --version */
};

/* Reads argv into o (zeroed by the caller).  A bad option or value is
 * refused with one line and exit status 2.  --symbolize, --lib, --help and
 * --version end the reading where they stand: what follows them is not
 * looked at; --report is for the whole command line (--format may follow). */
enum cmd_mode cmd_options_parse(int argc, char **argv, struct options *o);

#endif
