/* SPDX-License-Identifier: ISC
 * The lines of a partition's trace file (docs/control-tree.md): "key=value"
 * pairs separated by spaces, t= and ev= first, text= and reason= to the
 * end of the line.  For lpar trace; parsing only, nothing is printed.
 */
#ifndef LPAR_PART_TEV_H
#define LPAR_PART_TEV_H

#include <stdint.h>

#define PART_TEV_MAX 24  /* pairs kept from one line; the rest are ignored */

struct part_tev {
	int n;
	char *k[PART_TEV_MAX], *v[PART_TEV_MAX];
};

/* Splits line in place into e (pointers into line); words without '=' are skipped. */
void part_tev_parse(char *line, struct part_tev *e);
/* The value of key, or NULL. */
const char *part_tev_get(const struct part_tev *e, const char *key);
/* The value of key as a number (decimal or 0x hex), or 0 if it has none. */
uint64_t part_tev_u64(const struct part_tev *e, const char *key);

#endif
