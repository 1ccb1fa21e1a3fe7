/* SPDX-License-Identifier: ISC */
/*
 * touch: writes MIB mebibytes of its heap (no page left zero), says
 * "touched", then sleeps until it is killed: a partition whose core
 * bench/run times.  Usage: guest-touch MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 16, len = mib << 20;
	unsigned char *p = malloc(len);

	if (!p) {
		fprintf(stderr, "touch: cannot allocate %zu MiB\n", mib);
		return 1;
	}
	for (size_t i = 0; i < len; i += 64)
		p[i] = (unsigned char)(i >> 12 | 1);
	printf("touched %zu MiB\n", mib);
	fflush(stdout);
	for (;;)
		sleep(1);
}
