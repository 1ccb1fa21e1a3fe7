/* SPDX-License-Identifier: ISC */
/*
 * guest-spin: a register-only loop, the counterpart of examples/compute.c's
 * store-heavy sieve: xorshift and a multiply-xor hash, no load or store in
 * the loop.  An ordinary static musl program: the same binary runs natively
 * and in a partition, so the two can be compared (bench/run).  Prints the
 * hash and how long the loop took, by the monotonic clock.
 * Usage: guest-spin [N]   (N iterations, default 100000000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned long n = 100000000;
	uint64_t h = 0xcbf29ce484222325ull, x;
	struct timespec t0, t1;
	char *end;

	if (argc > 1) {
		n = strtoul(argv[1], &end, 10);
		if (*end || end == argv[1] || n == 0) {
			fprintf(stderr, "guest-spin: bad count '%s'\n", argv[1]);
			return 2;
		}
	}
	x = n | 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		h = (h ^ (x + i)) * 0x100000001b3ull;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("spin: %lu iterations, hash %016llx\n", n, (unsigned long long)h);
	printf("spin_ns=%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000ll +
					 (t1.tv_nsec - t0.tv_nsec));
	return 0;
}
