/* SPDX-License-Identifier: ISC
 * Console over a ring: writes argv[1] numbered lines (default 1000) of
 * argv[2] bytes each through stdio, which the console ring carries, with
 * an hcall line in the middle to check that order holds across both paths.
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LPAR_RING(console, LPAR_RING_BYTES, 65536);

int main(int argc, char **argv)
{
	long lines = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	long width = argc > 2 ? strtol(argv[2], NULL, 10) : 60;
	static char fill[4096];

	if (width > (long)sizeof(fill) - 1)
		width = sizeof(fill) - 1;
	memset(fill, 'x', (size_t)width);
	for (long i = 0; i < lines; i++) {
		printf("%08ld %s\n", i, fill);
		if (i == lines / 2) {
			static const char mid[] = "-- hcall --\n";

			lpar_console_write(mid, sizeof(mid) - 1);
		}
	}
	return 0;
}
