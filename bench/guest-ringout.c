/* SPDX-License-Identifier: ISC
 * Stream from a partition to its monitor: MIB mebibytes (default 256)
 * written to the console ring in 64 KiB writes, then one line:
 * bytes=N ns=N doorbells=N, timed inside the partition.
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK (64u << 10)

LPAR_RING(console, LPAR_RING_BYTES, 1u << 20);

static char buf[CHUNK];

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 256;
	uint64_t n = (uint64_t)mib * (1u << 20) / CHUNK, t0, ns;
	struct lpar_ring_hdr *r = lpar_ring(console);

	for (unsigned i = 0; i < CHUNK; i++)
		buf[i] = (char)('a' + i % 26);
	t0 = lpar_time_monotonic();
	for (uint64_t i = 0; i < n; i++)
		if (lpar_ring_write(r, buf, CHUNK, LPAR_DEADLINE_NEVER) != CHUNK)
			return 1;
	ns = lpar_time_monotonic() - t0;
	printf("\nbytes=%llu ns=%llu doorbells=%llu\n", (unsigned long long)(n * CHUNK),
	       (unsigned long long)ns, (unsigned long long)lpar_ring_doorbells);
	return 0;
}
