/*
 * compute: a CPU-bound kernel (an xorshift-driven sieve and hash mix) that
 * builds both as a partition and as a native Linux program, so the two can
 * be compared.  Usage: compute [ROUNDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

	for (unsigned long r = 0; r < rounds; r++)
		h = round_once(h + r);
	printf("compute: %lu rounds, checksum %016llx\n", rounds,
	       (unsigned long long)h);
	return 0;
}
