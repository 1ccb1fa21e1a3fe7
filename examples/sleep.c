/* SPDX-License-Identifier: ISC */
/* sleep: sleeps for the given milliseconds with block(), then reports how long it took. */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long ms = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;
	uint64_t t0 = lpar_time_monotonic(), deadline = t0 + ms * 1000000ull;

	while (lpar_time_monotonic() < deadline)
		if (lpar_block(deadline) & LPAR_READY_SHUTDOWN)
			break; /* asked to stop: stop sleeping */
	printf("slept %lu ms (wall clock %llu s since the Epoch)\n",
	       (unsigned long)((lpar_time_monotonic() - t0) / 1000000),
	       (unsigned long long)(lpar_time_wall() / 1000000000ull));
	return 0;
}
