/* Lookups in the monitor's hcall table (hv_hcall_table()), for cmd/. */
#include <stdio.h>
#include <string.h>

#include "../hv/hcall.h"
#include "../hv/hv.h"
#include "hcalltab.h"

const struct hv_hcall *hcalltab_find(const char *name)
{
	const struct hv_hcall *const *t;
	size_t n = hv_hcall_table(&t);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i]->name, name))
			return t[i];
	return NULL;
}

const struct hv_hcall *hcalltab_nr(unsigned nr)
{
	const struct hv_hcall *const *t;
	size_t n = hv_hcall_table(&t);

	for (size_t i = 0; i < n; i++)
		if (t[i]->nr == nr)
			return t[i];
	return NULL;
}

size_t hcalltab_nargs(const struct hv_hcall *h)
{
	size_t n = 0;

	while (n < 5 && h->args[n])
		n++;
	return n;
}

char hcalltab_type(const struct hv_hcall *h, size_t i)
{
	/* No types: every argument is a number (hv/hcall.h). */
	if (!h->types || i >= strlen(h->types))
		return 'u';
	return h->types[i];
}

const char *hcalltab_type_name(char type)
{
	switch (type) {
	case 'p': return "pointer";
	case 'l': return "length";
	case 't': return "text";
	default: return "number";
	}
}

const char *hcalltab_who(const struct hv_hcall *h)
{
	if ((h->who & HV_WHO_GUEST) && (h->who & HV_WHO_CTL))
		return "both";
	return h->who & HV_WHO_CTL ? "controller" : "guest";
}

const char *hcalltab_bound(uint64_t v, char *buf, size_t len)
{
	for (int b = 16; b < 64; b++) {
		if (v == 1ull << b) {
			snprintf(buf, len, "2^%d", b);
			return buf;
		}
		if (v == (1ull << b) - 1) {
			snprintf(buf, len, "2^%d-1", b);
			return buf;
		}
	}
	if (v == UINT64_MAX)
		snprintf(buf, len, "2^64-1");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}
