/* SPDX-License-Identifier: ISC
 * compute: a CPU-bound kernel (an xorshift-driven sieve and hash mix).  It
 * is an ordinary static musl program: the same binary runs natively and in
 * a partition, so the two can be compared.  Usage: compute [ROUNDS [-t]];
 * -t also prints how long the rounds took, by the monotonic clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N (1u << 20)

static uint8_t sieve[N];

static uint64_t round_once(uint64_t seed)
{
	uint64_t h = seed, x = seed | 1;

	for (uint32_t i = 0; i < N; i++)
		sieve[i] = 1;
	for (uint32_t i = 2; i * i < N; i++)
		if (sieve[i])
			for (uint32_t j = i * i; j < N; j += i)
				sieve[j] = 0;
	for (uint32_t i = 2; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (sieve[i])
			h = (h ^ (x + i)) * 0x100000001b3ull;
	}
	return h;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 20;
	uint64_t h = 0xcbf29ce484222325ull;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long r = 0; r < rounds; r++)
		h = round_once(h + r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("compute: %lu rounds, checksum %016llx\n", rounds,
	       (unsigned long long)h);
	if (argc > 2 && !strcmp(argv[2], "-t"))
		printf("compute_ns=%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000ll +
						  (t1.tv_nsec - t0.tv_nsec));
	return 0;
}
