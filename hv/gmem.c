/* SPDX-License-Identifier: ISC */
/* Bounds- and overflow-checked access to guest RAM. */
#include <stddef.h>

#include "gmem.h"

void *gmem_at(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(gpa, len, &end) || end > m->size)
		return NULL;
	return m->base + gpa;
}
