/* SPDX-License-Identifier: ISC */
/*
 * Load-benchmark partition: until it is asked to stop (lpar stop), or for
 * SECONDS at most, hcalls (abi_version) and console lines as fast as it
 * can, a line after every 64 hcalls; then prints
 * "load: hcalls=N lines=N failures=N" (a failure: an hcall that did not
 * return the ABI version) and exits 0, or 1 if any failed.
 * Usage: guest-load SECONDS
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long secs = argc > 1 ? strtoul(argv[1], NULL, 10) : 10;
	uint64_t end = lpar_time_monotonic() + secs * 1000000000ull;
	unsigned long hcalls = 0, lines = 0, failures = 0;

	while (lpar_time_monotonic() < end && !(lpar_block(0) & LPAR_READY_SHUTDOWN)) {
		for (int i = 0; i < 64; i++, hcalls++)
			if (lpar_hcall0(LPAR_HC_ABI_VERSION) != LPAR_ABI_VERSION)
				failures++;
		printf("load line %lu after %lu hcalls\n", ++lines, hcalls);
	}
	printf("load: hcalls=%lu lines=%lu failures=%lu\n", hcalls, lines, failures);
	return failures != 0;
}
