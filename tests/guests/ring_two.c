/* SPDX-License-Identifier: ISC
 * Two rings, for tests of ring discovery: the console (bytes, 8 KiB) and
 * "data" (messages, 16 KiB, attached to nothing unless --chan says so).
 * Prints what the monitor wrote in each header, then "ready", and waits
 * for a stop request.
 */
#include <lpar.h>
#include <stdio.h>

LPAR_RING(console, LPAR_RING_BYTES, 8192);
LPAR_RING(data, LPAR_RING_MSGS, 16384);

static void show(const char *name, const struct lpar_ring_hdr *r)
{
	printf("%s: index=%u link=%d peer=%s\n", name, r->index, lpar_ring_link(r),
	       r->peer[0] ? r->peer : "-");
}

int main(void)
{
	show("console", lpar_ring(console));
	show("data", lpar_ring(data));
	printf("ready\n");
	while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN))
		;
	printf("stopping\n");
	return 0;
}
