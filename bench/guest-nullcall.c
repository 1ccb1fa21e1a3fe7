/* SPDX-License-Identifier: ISC
 * guest-nullcall: the cost of a null hcall.  Does N abi_version hcalls
 * (default 20000) and prints the mean round trip, timed with the monitor's
 * clock.  Usage: guest-nullcall [N]
 * (Errors go to the console with printf: the SDK has no stderr yet.)
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long n = 20000;
	uint64_t t0, t1;
	char *end;

	if (argc > 1) {
		n = strtoul(argv[1], &end, 10);
		if (*end || end == argv[1] || n == 0) {
			printf("guest-nullcall: bad count '%s'\n", argv[1]);
			return 2;
		}
	}
	t0 = lpar_time_monotonic();
	for (unsigned long i = 0; i < n; i++) {
		int v = lpar_abi_version();

		if (v != LPAR_ABI_VERSION) {
			printf("guest-nullcall: abi_version hcall %lu returned %d\n", i, v);
			return 1;
		}
	}
	t1 = lpar_time_monotonic();
	/*
	 * The window holds n + 1 round trips: the n calls and the second clock
	 * read (its value is taken in the monitor, before the entry back).
	 */
	printf("hcalls=%lu ns_per_hcall=%llu\n", n,
	       (unsigned long long)((t1 - t0 + (n + 1) / 2) / (n + 1)));
	return 0;
}
