/* SPDX-License-Identifier: ISC
 * Console over a small ring, then a crash: "ring_crash LINES MODE" prints
 * LINES numbered lines through stdio (the console ring carries them),
 * flushes, and at once ends by MODE: "null" (a write to address 0),
 * "abort", or "exit" (status 5).  What it wrote before must all come out.
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LPAR_RING(console, LPAR_RING_BYTES, 4096);

int main(int argc, char **argv)
{
	long lines = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	const char *mode = argc > 2 ? argv[2] : "null";

	for (long i = 0; i < lines; i++)
		printf("%06ld before the end\n", i);
	fflush(stdout);
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "exit"))
		exit(5);
	*(volatile int *)0 = 1;
	return 0;
}
