/* SPDX-License-Identifier: ISC */
/*
 * ticker: prints "tick N" every MS milliseconds (default 10), COUNT times
 * (default 300), sleeping in the library OS between them; for tests that
 * stop a partition for a moment and check that its output goes on unbroken.
 * Usage: ticker [COUNT [MS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A global with a known value, for a debugger to read in a core file. */
volatile long ticker_magic = 0x7ac4e12;

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 300, ms = argc > 2 ? atol(argv[2]) : 10;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long i = 1; i <= count; i++) {
		printf("tick %ld\n", i);
		usleep((useconds_t)(ms * 1000));
	}
	return 0;
}
