/* SPDX-License-Identifier: ISC */
/* malloc.c: malloc, calloc, realloc and free under a fixed pseudo-random
 * workload of sizes from a byte to several MiB (so both the heap and mapped
 * chunks are used), each block filled with a pattern of its own and checked
 * before it changes or is freed.  Live data stays under 32 MiB (one
 * block grown to 16 MiB is alone).
 * Usage: malloc [STEPS [SEED]]. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSLOTS 1024
#define LIVE_LIMIT (32u << 20)

static uint64_t lcg_state;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 32);
}

struct slot {
	unsigned char *p;
	size_t size;
	uint32_t seed;
};

static struct slot slots[NSLOTS];
static size_t live, peak, errors, misaligned;
static unsigned long n_malloc, n_calloc, n_realloc, n_free, n_big;
static uint64_t checksum;

/* The pattern byte at offset I of a block with SEED: cheap (it
 * vectorizes), different for neighbouring offsets and, mostly, for blocks
 * with different seeds. */
static inline unsigned char pat(uint32_t seed, size_t i)
{
	return (unsigned char)((uint32_t)i * (seed | 1) + (uint32_t)(i >> 9) + (seed >> 8));
}

static void fill(unsigned char *p, uint32_t seed, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		p[i] = pat(seed, i);
}

/* Checks bytes [0, n) of a block; adds its ends to the checksum. */
static void verify(const unsigned char *p, uint32_t seed, size_t n, const char *what)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += p[i] != pat(seed, i);
	if (bad) {
		if (errors < 10)
			printf("corrupt %s block: %zu of %zu bytes wrong\n", what, bad, n);
		errors++;
	}
	checksum = checksum * 1000003u + n;
	if (n)
		checksum = checksum * 31 + p[0] * 7u + p[n - 1];
}

static void check_align(const void *p)
{
	if ((uintptr_t)p % alignof(max_align_t))
		misaligned++;
}

/* A size: mostly small, some medium, a few of up to about 3 MiB. */
static size_t pick_size(void)
{
	uint32_t r = lcg() % 1000;

	if (r < 600)
		return 1 + lcg() % 128;
	if (r < 850)
		return 129 + lcg() % 4000;
	if (r < 990)
		return 4096 + lcg() % (128u << 10);
	return (128u << 10) + lcg() % (3u << 20);
}

static void out_of_memory(size_t n)
{
	printf("allocation of %zu bytes failed with %zu live\n", n, live);
	exit(1);
}

static void allocate(struct slot *s)
{
	size_t n = pick_size();

	if (live + n > LIVE_LIMIT)
		n = 1 + lcg() % 64;
	s->seed = lcg();
	if (lcg() % 5 == 0) {
		s->p = calloc(n, 1);
		n_calloc++;
		if (!s->p)
			out_of_memory(n);
		size_t nonzero = 0;
		for (size_t i = 0; i < n; i++)
			nonzero += s->p[i] != 0;
		if (nonzero) {
			if (errors < 10)
				printf("calloc of %zu: %zu bytes not zero\n", n, nonzero);
			errors++;
		}
	} else {
		s->p = malloc(n);
		n_malloc++;
		if (!s->p)
			out_of_memory(n);
	}
	if (n >= (128u << 10))
		n_big++;
	check_align(s->p);
	fill(s->p, s->seed, 0, n);
	s->size = n;
	live += n;
	if (live > peak)
		peak = live;
}

static void release(struct slot *s)
{
	verify(s->p, s->seed, s->size, "freed");
	free(s->p);
	n_free++;
	live -= s->size;
	s->p = NULL;
	s->size = 0;
}

static void resize(struct slot *s)
{
	size_t n = lcg() % 2 ? pick_size() : s->size / 2 + 1;
	size_t old = s->size;
	unsigned char *q;

	if (live - old + n > LIVE_LIMIT)
		n = old / 2 + 1;
	q = realloc(s->p, n);
	n_realloc++;
	if (!q)
		out_of_memory(n);
	check_align(q);
	/* What was kept must be intact; the rest gets the same pattern. */
	verify(q, s->seed, old < n ? old : n, "realloced");
	if (n > old)
		fill(q, s->seed, old, n);
	s->p = q;
	s->size = n;
	live = live - old + n;
	if (live > peak)
		peak = live;
}

static void special_cases(void)
{
	void *p, *q;
	/* Sizes the compiler does not see, so it does not warn about them. */
	volatile size_t size_max = SIZE_MAX, ptrdiff_max = PTRDIFF_MAX;
	int r;

	p = malloc(0);
	printf("malloc(0) usable: %s\n", p ? "non-NULL" : "NULL");
	free(p);
	free(NULL);
	p = realloc(NULL, 100);
	printf("realloc(NULL, 100): %s\n", p ? "allocates" : "NULL");
	memset(p, 1, 100);
	free(p);

	errno = 0;
	p = malloc(size_max);
	printf("malloc(SIZE_MAX): %s, errno ENOMEM: %d\n", p ? "non-NULL" : "NULL",
	       errno == ENOMEM);
	free(p);
	errno = 0;
	p = malloc(ptrdiff_max + 1);
	printf("malloc(PTRDIFF_MAX + 1): %s, errno ENOMEM: %d\n",
	       p ? "non-NULL" : "NULL", errno == ENOMEM);
	free(p);
	errno = 0;
	p = calloc(size_max / 2, 4);
	printf("calloc overflowing: %s, errno ENOMEM: %d\n", p ? "non-NULL" : "NULL",
	       errno == ENOMEM);
	free(p);
	q = malloc(64);
	errno = 0;
	p = realloc(q, size_max - 4096);
	printf("realloc to SIZE_MAX-4096: %s, errno ENOMEM: %d, old block kept\n",
	       p ? "non-NULL" : "NULL", errno == ENOMEM);
	free(p ? p : q);

	for (size_t al = 16; al <= 65536; al *= 4) {
		p = aligned_alloc(al, al * 3);
		r = posix_memalign(&q, al, 1000);
		printf("alignment %6zu: aligned_alloc %s, posix_memalign %d %s\n", al,
		       p && (uintptr_t)p % al == 0 ? "ok" : "WRONG", r,
		       r == 0 && (uintptr_t)q % al == 0 ? "ok" : "WRONG");
		if (p)
			memset(p, 0x5a, al * 3);
		if (r == 0)
			memset(q, 0xa5, 1000);
		free(p);
		if (r == 0)
			free(q);
	}
	r = posix_memalign(&q, 24, 100);
	printf("posix_memalign(24) = %s\n", r == EINVAL ? "EINVAL" : r ? "other" : "0");

	/* One big block, grown by realloc in steps to 16 MiB and shrunk. */
	size_t n = 1000;
	unsigned char *b = malloc(n);
	if (!b)
		out_of_memory(n);
	fill(b, 77, 0, n);
	while (n < (16u << 20)) {
		size_t m = n * 3 < (16u << 20) ? n * 3 : (16u << 20);
		b = realloc(b, m);
		if (!b)
			out_of_memory(m);
		verify(b, 77, n, "growing");
		fill(b, 77, n, m);
		n = m;
	}
	while (n > 100) {
		n /= 5;
		b = realloc(b, n);
		if (!b)
			out_of_memory(n);
		verify(b, 77, n, "shrinking");
	}
	free(b);
	printf("grow to 16 MiB and shrink: checked\n");
}

int main(int argc, char **argv)
{
	unsigned long steps = argc > 1 ? strtoul(argv[1], NULL, 0) : 8000;
	size_t order[NSLOTS];

	lcg_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 12345;
	special_cases();
	for (unsigned long i = 0; i < steps; i++) {
		struct slot *s = &slots[lcg() % NSLOTS];

		if (!s->p)
			allocate(s);
		else if (lcg() % 10 < 6)
			release(s);
		else
			resize(s);
	}
	size_t in_use = 0;
	for (size_t i = 0; i < NSLOTS; i++) {
		order[i] = i;
		in_use += slots[i].p != NULL;
	}
	printf("after %lu steps: %zu blocks, %zu bytes live\n", steps, in_use, live);
	/* Free what is left in a shuffled order. */
	for (size_t i = NSLOTS - 1; i > 0; i--) {
		size_t j = lcg() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < NSLOTS; i++)
		if (slots[order[i]].p)
			release(&slots[order[i]]);
	/* Not how many blocks realloc moved: that depends on the address
	 * space around mapped blocks, which differs between systems. */
	printf("malloc %lu calloc %lu realloc %lu free %lu big %lu\n",
	       n_malloc, n_calloc, n_realloc, n_free, n_big);
	printf("peak live %zu bytes, live now %zu\n", peak, live);
	printf("misaligned %zu, corrupt %zu\n", misaligned, errors);
	printf("checksum %016llx\n", (unsigned long long)checksum);
	return errors || misaligned;
}
