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
 * Only the default version of a symbol is found, as a static link or
 * dlsym(RTLD_NEXT) would bind it; objects without a GNU hash table, and
 * indirect functions (IFUNC), are not searched: the caller falls back. */
#ifndef ATEXIT_SHIM_LOADED_SYMBOL_H
#define ATEXIT_SHIM_LOADED_SYMBOL_H

/* name (a function, or an object) in the loaded object that contains the
 * address inside, or NULL. */
void *loaded_symbol_beside(const void *inside, const char *name);

/* name in the first loaded object whose file's base name is file (e.g.
 * "libgcc_s.so.1"), or NULL, also when no such object is loaded. */
void *loaded_symbol_in(const char *file, const char *name);

#endif
