/* Functions of objects already loaded, found without the loader's lock.
 *
 * dlsym, dladdr and dlopen take the dynamic loader's lock; dlclose holds it
 * while a library's destructors run.  A destructor that waits for an exit
 * handler while another thread calls exit() is fine natively (glibc's exit
 * takes no loader lock before the handlers have run) and must stay fine
 * under the shim: so what the exit path needs before the handlers run is
 * found here, in the object's own dynamic symbol table, reached through
 * dl_iterate_phdr (which takes only the loader's short-lived list lock, not
 * the one dlclose holds; checked in glibc 2.31, 2.36 and 2.41).
 *
 * It is also cheaper than dlsym (no lock, no error handling, and a Bloom
 * filter rejects most objects in a few instructions), and it needs no
 * GLIBC_2.34 symbol version: start-up pays for both (bench/run.sh).
 *
 * Only the default version of a symbol is found, as a static link or
 * dlsym(RTLD_NEXT) would bind it; objects without a GNU hash table, and
 * indirect functions (IFUNC), are not searched.  The objects are taken in
 * the loader's list order, which for the objects loaded at start-up is the
 * order of its global scope; objects dlopen'ed later come after them. */
#ifndef ATEXIT_SHIM_LIB_LOADED_SYMBOL_H
#define ATEXIT_SHIM_LIB_LOADED_SYMBOL_H

#include <stddef.h>

/* Each of names[0..count) (functions or objects) as dlsym(RTLD_NEXT, name)
 * called from this library finds it: the first definition in the objects
 * loaded after this one (then, for what is still missing, in those before
 * it: the library may have been dlopen'ed after glibc); into found[i],
 * which the caller has set to NULL
 * (a loop here would be a call to memset: one more lazy binding).  One walk
 * for them all.  Returns how many were found. */
size_t loaded_symbols_next(const char *const names[], void *found[], size_t count);

/* name in the program itself (the first loaded object, the executable):
 * its dynamic symbol table only, one lookup, or NULL. */
void *loaded_symbol_in_program(const char *name);

/* name in the first loaded object whose file's base name is file (e.g.
 * "libgcc_s.so.1"), or NULL, also when no such object is loaded. */
void *loaded_symbol_in(const char *file, const char *name);

#endif
