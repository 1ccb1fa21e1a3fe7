/* SPDX-License-Identifier: ISC */
/* Splitting trace lines into their key=value pairs (libpart/tev.h). */
#include <string.h>

#include "../common/num.h"
#include "tev.h"

void part_tev_parse(char *line, struct part_tev *e)
{
	char *p = line;

	e->n = 0;
	while (*p && e->n < PART_TEV_MAX) {
		char *sp = strchr(p, ' '), *eq = strchr(p, '=');

		if (!eq || (sp && sp < eq)) {
			if (!sp)
				break;
			p = sp + 1; /* a word without '=': not ours to read */
			continue;
		}
		*eq = '\0';
		e->k[e->n] = p;
		e->v[e->n] = eq + 1;
		e->n++;
		/* Free text, from the partition or the monitor, ends the line. */
		if (!strcmp(p, "text") || !strcmp(p, "reason"))
			break;
		sp = strchr(eq + 1, ' ');
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
}

const char *part_tev_get(const struct part_tev *e, const char *key)
{
	for (int i = 0; i < e->n; i++)
		if (!strcmp(e->k[i], key))
			return e->v[i];
	return NULL;
}

uint64_t part_tev_u64(const struct part_tev *e, const char *key)
{
	const char *v = part_tev_get(e, key);
	uint64_t n = 0;

	if (!v || num_parse_u64(v, &n))
		return 0;
	return n;
}
