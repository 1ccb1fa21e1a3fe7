/* SPDX-License-Identifier: ISC */
/*
 * The hcall table: every hcall of ABI version 1 by number, with its name,
 * its arguments and who may issue it.  The monitor dispatches by it (its
 * devices supply the handlers), lpar hcall checks and lists by it, lpar
 * trace names by it; include/lpar/hcall.h has the numbers and
 * lpar-hcall(7) the meanings.
 */
#ifndef LPAR_HCALLS_H
#define LPAR_HCALLS_H

#include <lpar/hcall.h>
#include <stddef.h>
#include <stdint.h>

#define HC_GUEST 1u  /* issued by the partition */
#define HC_CTL   2u  /* issued by a controller (the control tree's hcall file) */

/*
 * One hcall.  types has one letter per argument: p a guest pointer, l a
 * length, u a number within [min, max] (max 0: no limit), t text (a
 * controller hcall's last argument: the rest of the line).
 */
struct hc_info {
	unsigned nr;
	const char *name;          /* NULL: no hcall has this number */
	unsigned who;              /* HC_GUEST, HC_CTL */
	const char *args[5];       /* argument names, NULL-terminated */
	const char *types;
	uint64_t min[5], max[5];
};

/* The hcall numbered nr, or NULL. */
const struct hc_info *hc_info(unsigned nr);
/* The hcall called name, or NULL. */
const struct hc_info *hc_find(const char *name);
/* How many arguments h takes. */
size_t hc_nargs(const struct hc_info *h);
/* Argument i's kind: 'p' pointer, 'l' length, 'u' number, 't' text. */
char hc_type(const struct hc_info *h, size_t i);
/* "pointer", "length", "number" or "text". */
const char *hc_type_name(char type);
/* "guest", "controller" or "both". */
const char *hc_who(const struct hc_info *h);
/* A bound for people: "1", "2^62", "2^63-1". */
const char *hc_bound(uint64_t v, char *buf, size_t len);

#endif
