/* Registers N atexit handlers that do nothing, then returns from main: the
 * whole cost of N handlers, registration plus run, through the real path
 * (glibc's atexit stub, __cxa_atexit, exit).  With a second argument, prints
 * the peak resident memory so far (VmHWM, in kB) once all are registered:
 * the process's peak, since running handlers frees memory rather than
 * taking more.  With "time" as second argument, prints the wall-clock time
 * per registration in nanoseconds instead (for the cost with tracing on). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void print_peak_memory(void)
{
	char line[256];
	FILE *status = fopen("/proc/self/status", "r");
	while (status != NULL && fgets(line, sizeof line, status) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			fputs(line + 6, stdout);
	if (status != NULL)
		fclose(status);
}

static void nothing(void)
{
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	double start = now_ns();
	for (long i = 0; i < n; i++)
		if (atexit(nothing) != 0)
			return 1;
	double took = now_ns() - start;
	if (argc > 2 && strcmp(argv[2], "time") == 0)
		printf("%.0f\n", n > 0 ? took / (double)n : 0.0);
	else if (argc > 2)
		print_peak_memory();
	return 0;
}
