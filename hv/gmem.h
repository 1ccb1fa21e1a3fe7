/* SPDX-License-Identifier: ISC
 * The one checked accessor for guest memory: every guest address and
 * length the monitor uses goes through gmem_at().
 */
#ifndef LPAR_HV_GMEM_H
#define LPAR_HV_GMEM_H

#include <stdint.h>

struct gmem {
	uint8_t *base;
	uint64_t size;
};

/* Host pointer to [gpa, gpa + len) of guest RAM, or NULL if any of it is outside. */
void *gmem_at(const struct gmem *m, uint64_t gpa, uint64_t len);

#endif
