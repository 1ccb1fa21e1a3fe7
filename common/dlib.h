/* SPDX-License-Identifier: ISC */
/*
 * Libraries loaded when first needed (dlopen), so that an lpar that never
 * uses one neither maps nor binds it: a table of the symbols a caller
 * uses, bound once per process.
 */
#ifndef LPAR_DLIB_H
#define LPAR_DLIB_H

#include <stddef.h>

struct lerr;

/* One symbol to bind: *slot gets its address. */
struct dlib_sym {
	const char *name;
	void **slot;
};

/*
 * Loads soname and binds every symbol of syms[0..n), once: later calls with
 * the same *handle return 0 at once.  0, or -ENOENT (the library cannot be
 * loaded) or -ENOSYS (it lacks a symbol) with the reason in err.  Thread-safe.
 */
int dlib_load(const char *soname, void **handle, const struct dlib_sym *syms, size_t n,
	      struct lerr *err);

#endif
