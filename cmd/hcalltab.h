/*
 * The monitor's hcall table as lpar's commands use it: looked up by name or
 * number, with each argument's kind, for lpar hcall and lpar trace.
 */
#ifndef LPAR_CMD_HCALLTAB_H
#define LPAR_CMD_HCALLTAB_H

#include <stddef.h>
#include <stdint.h>

struct hv_hcall;

/* The hcall called name, or NULL. */
const struct hv_hcall *hcalltab_find(const char *name);
/* The hcall numbered nr, or NULL. */
const struct hv_hcall *hcalltab_nr(unsigned nr);
/* How many arguments h takes. */
size_t hcalltab_nargs(const struct hv_hcall *h);
/* Argument i's kind: 'p' pointer, 'l' length, 'u' number, 't' text. */
char hcalltab_type(const struct hv_hcall *h, size_t i);
/* "pointer", "length", "number" or "text". */
const char *hcalltab_type_name(char type);
/* "guest", "controller" or "both". */
const char *hcalltab_who(const struct hv_hcall *h);
/* A bound for people: "1", "2^62", "2^63-1". */
const char *hcalltab_bound(uint64_t v, char *buf, size_t len);

#endif
