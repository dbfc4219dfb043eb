/* --supervise: the command stays the program's parent, so that the checks
 * asked for run whatever the program does.
 *
 * Without it the command execs the program, and the library runs the
 * ATEXIT_SHIM_HANDLERS entries in the program's last image: an image that
 * does not load the shim (the program execs a static binary, or through
 * env -i) runs none of them.  Supervised, the program is a child; every
 * signal the command gets is passed on to it (Ctrl-C and the terminal's
 * other signals reach it as they reach the command); when it has ended,
 * if its image did not tell the supervisor (SUPERVISED_SIGNAL, sent by the
 * library to the pid in ATEXIT_SHIM_SUPERVISOR once the entries have run),
 * the command runs the cmd: entries itself, with the program's status, and
 * says so; an fn: entry, a function of the program, cannot run there: one
 * line, status 127.  Then it ends as the program did: the same exit status,
 * or death by the same signal. */
#ifndef ATEXIT_SHIM_CMD_SUPERVISE_H
#define ATEXIT_SHIM_CMD_SUPERVISE_H

/* What starts the program in the child; it does not return. */
typedef void exec_program(const char *path, char **argv);

_Noreturn void cmd_supervise(const char *path, char **argv, exec_program *start);

#endif
