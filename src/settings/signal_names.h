/* Names of signals, for reports (from signal handlers) and, later, for
 * reading signal lists from settings: our own table, since glibc's
 * sigabbrev_np costs every process a symbol-version check at start-up. */
#ifndef ATEXIT_SHIM_SETTINGS_SIGNAL_NAMES_H
#define ATEXIT_SHIM_SETTINGS_SIGNAL_NAMES_H

/* "SEGV" for SIGSEGV; NULL for a number with no standard name. */
const char *signal_name(int sig);
/* "Segmentation fault"; "Unknown signal" for a number without a name. */
const char *signal_description(int sig);

#endif
