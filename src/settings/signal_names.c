/* The signal table: see signal_names.h.  Async-signal-safe: constant data.  The
 * strings are arrays in the table, not pointers: a table of pointers would
 * cost every process sixty relocations at start-up. */
#include "signal_names.h"

#include <signal.h>
#include <stddef.h>

static const struct {
	int number;
	char name[8];
	char description[28];
} table[] = {
	{ SIGHUP, "HUP", "Hangup" },
	{ SIGINT, "INT", "Interrupt" },
	{ SIGQUIT, "QUIT", "Quit" },
	{ SIGILL, "ILL", "Illegal instruction" },
	{ SIGTRAP, "TRAP", "Trace/breakpoint trap" },
	{ SIGABRT, "ABRT", "Aborted" },
	{ SIGBUS, "BUS", "Bus error" },
	{ SIGFPE, "FPE", "Floating point exception" },
	{ SIGKILL, "KILL", "Killed" },
	{ SIGUSR1, "USR1", "User defined signal 1" },
	{ SIGSEGV, "SEGV", "Segmentation fault" },
	{ SIGUSR2, "USR2", "User defined signal 2" },
	{ SIGPIPE, "PIPE", "Broken pipe" },
	{ SIGALRM, "ALRM", "Alarm clock" },
	{ SIGTERM, "TERM", "Terminated" },
	{ SIGSTKFLT, "STKFLT", "Stack fault" },
	{ SIGCHLD, "CHLD", "Child exited" },
	{ SIGCONT, "CONT", "Continued" },
	{ SIGSTOP, "STOP", "Stopped (signal)" },
	{ SIGTSTP, "TSTP", "Stopped" },
	{ SIGTTIN, "TTIN", "Stopped (tty input)" },
	{ SIGTTOU, "TTOU", "Stopped (tty output)" },
	{ SIGURG, "URG", "Urgent I/O condition" },
	{ SIGXCPU, "XCPU", "CPU time limit exceeded" },
	{ SIGXFSZ, "XFSZ", "File size limit exceeded" },
	{ SIGVTALRM, "VTALRM", "Virtual timer expired" },
	{ SIGPROF, "PROF", "Profiling timer expired" },
	{ SIGWINCH, "WINCH", "Window changed" },
	{ SIGIO, "IO", "I/O possible" },
	{ SIGPWR, "PWR", "Power failure" },
	{ SIGSYS, "SYS", "Bad system call" },
};

static size_t find(int sig)
{
	size_t i = 0;
	while (i < sizeof table / sizeof table[0] && table[i].number != sig)
		i++;
	return i;
}

const char *signal_name(int sig)
{
	size_t i = find(sig);
	return i < sizeof table / sizeof table[0] ? table[i].name : NULL;
}

const char *signal_description(int sig)
{
	size_t i = find(sig);
	return i < sizeof table / sizeof table[0] ? table[i].description : "Unknown signal";
}
