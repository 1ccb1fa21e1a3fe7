/* SPDX-License-Identifier: ISC
 * memcpy: the baselines for ring throughput, MIB mebibytes (default 256)
 * in 64 KiB pieces through a buffer of RING KiB (default 1024).
 *
 *   memcpy copy MIB RING    one thread copies each piece into the buffer,
 *                           as a ring's producer does
 *   memcpy xcore MIB RING   a producer thread copies pieces into the
 *                           buffer and a consumer thread on the other CPU
 *                           copies them out, handing over by spinning on
 *                           two indices: what a ring between two cores
 *                           costs with no sleeping and no hypervisor
 *
 * Prints bytes=N ns=N.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK (64u << 10)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char src[CHUNK], dst[CHUNK];
static char *ring;
static uint64_t size, n;
static uint64_t prod, cons; /* pieces, atomically */

static void *consumer(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		while (__atomic_load_n(&prod, __ATOMIC_ACQUIRE) == i)
			__builtin_ia32_pause();
		memcpy(dst, ring + (i * CHUNK) % size, CHUNK);
		__atomic_store_n(&cons, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int xcore = argc > 1 && !strcmp(argv[1], "xcore");
	long mib = argc > 2 ? strtol(argv[2], NULL, 10) : 256;
	uint64_t ring_kib = argc > 3 ? strtoull(argv[3], NULL, 10) : 1024, t0, ns;
	pthread_t t;

	size = ring_kib << 10;
	n = (uint64_t)mib * (1u << 20) / CHUNK;
	ring = size >= CHUNK ? malloc(size) : NULL;
	if (argc < 2 || (!xcore && strcmp(argv[1], "copy")) || !ring || size % CHUNK || mib <= 0) {
		fprintf(stderr, "usage: memcpy copy|xcore [MIB [RING_KIB]]\n");
		return 2;
	}
	for (unsigned i = 0; i < CHUNK; i++)
		src[i] = (char)('a' + i % 26);
	memset(ring, 0, size);
	if (xcore && pthread_create(&t, NULL, consumer, NULL)) {
		fprintf(stderr, "memcpy: cannot start a thread\n");
		return 1;
	}
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		while (xcore && i - __atomic_load_n(&cons, __ATOMIC_ACQUIRE) >= size / CHUNK)
			__builtin_ia32_pause();
		memcpy(ring + (i * CHUNK) % size, src, CHUNK);
		__asm__ volatile("" ::: "memory"); /* every copy happens */
		if (xcore)
			__atomic_store_n(&prod, i + 1, __ATOMIC_RELEASE);
	}
	if (xcore)
		pthread_join(t, NULL);
	ns = now_ns() - t0;
	printf("bytes=%llu ns=%llu\n", (unsigned long long)(n * CHUNK), (unsigned long long)ns);
	return ring[0] == 1; /* keeps the copies */
}
