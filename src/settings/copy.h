/* Copying bytes in code linked into the preload library (the library's own
 * and the settings', which both programs link): with memmove, never memcpy.
 * memcpy's current symbol version (GLIBC_2.14 on x86_64) would be one more
 * version for the loader to check in every process the library is preloaded
 * into (~350 instructions at each start-up); memmove has kept its first
 * version, and the copies here are short.  The library is compiled with
 * -fno-builtin-memmove: else the compiler turns a memmove between objects
 * it knows apart back into memcpy. */
#ifndef ATEXIT_SHIM_SETTINGS_COPY_H
#define ATEXIT_SHIM_SETTINGS_COPY_H

#include <stddef.h>
#include <string.h>

static inline void copy_bytes(void *to, const void *from, size_t n)
{
	memmove(to, from, n);
}

#endif
