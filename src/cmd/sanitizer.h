/* A program built with AddressSanitizer: its runtime must be the first
 * library of the process ("ASan runtime does not come first in initial
 * library list", and the program aborts), so it goes before the shim in
 * LD_PRELOAD, which then follows it. */
#ifndef ATEXIT_SHIM_CMD_SANITIZER_H
#define ATEXIT_SHIM_CMD_SANITIZER_H

#include <stdbool.h>
#include <stddef.h>

/* The soname of the AddressSanitizer runtime the ELF program at path needs
 * (libasan.so.N, libclang_rt.asan-ARCH.so), into out; false if none. */
bool sanitizer_runtime(const char *path, char *out, size_t size);

#endif
