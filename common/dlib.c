/* SPDX-License-Identifier: ISC */
/* Libraries loaded when first needed (common/dlib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "dlib.h"
#include "err.h"

int dlib_load(const char *soname, void **handle, const struct dlib_sym *syms, size_t n,
	      struct lerr *err)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	void *lib;
	int e = 0;

	pthread_mutex_lock(&lock);
	if (*handle)
		goto out;
	lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		e = lerr_set(err, ENOENT, "cannot load %s: %s", soname, dlerror());
		goto out;
	}
	for (size_t i = 0; i < n && !e; i++) {
		*syms[i].slot = dlsym(lib, syms[i].name);
		if (!*syms[i].slot)
			e = lerr_set(err, ENOSYS, "%s lacks %s", soname, syms[i].name);
	}
	if (e)
		dlclose(lib);
	else
		*handle = lib;
out:
	pthread_mutex_unlock(&lock);
	return e;
}
