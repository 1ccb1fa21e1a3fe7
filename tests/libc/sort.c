/* SPDX-License-Identifier: ISC */
/* sort.c: qsort and bsearch on ints, strings and structs filled from a
 * fixed pseudo-random sequence; checks the order and prints checksums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lcg_state;

static void lcg_seed(uint64_t s)
{
	lcg_state = s;
}

/* Knuth's MMIX LCG; the high bits are the good ones. */
static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 32);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV0 14695981039346656037ULL

static long compares;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	compares++;
	return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b)
{
	return cmp_int(b, a);
}

static int cmp_str(const void *a, const void *b)
{
	compares++;
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct rec {
	char name[12];
	int group;
	double score;
	unsigned id;
};

/* By group, then score descending, then name, then id: a total order, so
 * the result does not depend on qsort being unstable. */
static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c;

	compares++;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

static void ints(size_t n, const char *kind)
{
	int *a = malloc(n * sizeof *a);
	size_t bad = 0, found = 0, missing = 0;

	if (!a) {
		printf("out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(kind, "random"))
			a[i] = (int)(lcg() % 2000001) - 1000000;
		else if (!strcmp(kind, "sorted"))
			a[i] = (int)i * 3;
		else if (!strcmp(kind, "reversed"))
			a[i] = (int)(n - i) * 3;
		else if (!strcmp(kind, "equal"))
			a[i] = 7;
		else if (!strcmp(kind, "few"))
			a[i] = (int)(lcg() % 5);
		else /* organ pipe */
			a[i] = (int)(i < n / 2 ? i : n - i);
	}
	uint64_t before = 0;
	for (size_t i = 0; i < n; i++)
		before += (uint64_t)(int64_t)a[i] * 2654435761u;
	compares = 0;
	qsort(a, n, sizeof *a, cmp_int);
	uint64_t after = 0;
	for (size_t i = 0; i < n; i++)
		after += (uint64_t)(int64_t)a[i] * 2654435761u;
	for (size_t i = 1; i < n; i++)
		if (a[i - 1] > a[i])
			bad++;
	/* Look up every element and some values that may be absent. */
	for (size_t i = 0; i < n; i += 1 + i / 64) {
		int key = a[i];
		int *p = bsearch(&key, a, n, sizeof *a, cmp_int);
		if (p && *p == key)
			found++;
		key = (int)(lcg() % 2000001) - 1000000;
		p = bsearch(&key, a, n, sizeof *a, cmp_int);
		if (!p)
			missing++;
		else if (*p != key)
			bad++;
	}
	printf("ints %-8s n=%-6zu out-of-order=%zu sum-kept=%d first=%d last=%d "
	       "median=%d found=%zu absent=%zu hash=%016llx\n",
	       kind, n, bad, before == after, n ? a[0] : 0, n ? a[n - 1] : 0,
	       n ? a[n / 2] : 0, found, missing,
	       (unsigned long long)fnv(FNV0, a, n * sizeof *a));
	qsort(a, n, sizeof *a, cmp_int_desc);
	bad = 0;
	for (size_t i = 1; i < n; i++)
		if (a[i - 1] < a[i])
			bad++;
	printf("ints %-8s descending out-of-order=%zu hash=%016llx\n", kind, bad,
	       (unsigned long long)fnv(FNV0, a, n * sizeof *a));
	free(a);
}

static void strings(size_t n)
{
	char **v = malloc(n * sizeof *v);
	char *pool = malloc(n * 16);
	size_t bad = 0, found = 0;

	if (!v || !pool) {
		printf("out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		char *s = pool + i * 16;
		size_t len = 1 + lcg() % 12;
		for (size_t j = 0; j < len; j++)
			s[j] = (char)('a' + lcg() % 6);
		s[len] = 0;
		v[i] = s;
	}
	qsort(v, n, sizeof *v, cmp_str);
	uint64_t h = FNV0;
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(v[i - 1], v[i]) > 0)
			bad++;
		h = fnv(h, v[i], strlen(v[i]) + 1);
	}
	for (size_t i = 0; i < n; i += 7) {
		char *key = v[i];
		char **p = bsearch(&key, v, n, sizeof *v, cmp_str);
		if (p && !strcmp(*p, key))
			found++;
	}
	const char *absent = "zzz";
	int miss = bsearch(&absent, v, n, sizeof *v, cmp_str) == NULL;
	printf("strings n=%zu out-of-order=%zu found=%zu absent-missing=%d first=%s "
	       "last=%s hash=%016llx\n",
	       n, bad, found, miss, v[0], v[n - 1], (unsigned long long)h);
	for (size_t i = 0; i < 10; i++)
		printf("  %s", v[i * (n / 10)]);
	printf("\n");
	free(v);
	free(pool);
}

static void records(size_t n)
{
	struct rec *r = calloc(n, sizeof *r);
	size_t bad = 0, found = 0;

	if (!r) {
		printf("out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(r[i].name, sizeof r[i].name, "n%05u", (unsigned)(lcg() % 3000));
		r[i].group = (int)(lcg() % 10);
		r[i].score = (double)(lcg() % 1000) / 8.0;
		r[i].id = (unsigned)i;
	}
	qsort(r, n, sizeof *r, cmp_rec);
	uint64_t h = FNV0;
	for (size_t i = 0; i < n; i++) {
		if (i && cmp_rec(&r[i - 1], &r[i]) > 0)
			bad++;
		h = fnv(h, r[i].name, strlen(r[i].name));
		h = fnv(h, &r[i].group, sizeof r[i].group);
		h = fnv(h, &r[i].score, sizeof r[i].score);
		h = fnv(h, &r[i].id, sizeof r[i].id);
	}
	for (size_t i = 0; i < n; i += 3) {
		struct rec key = r[i];
		struct rec *p = bsearch(&key, r, n, sizeof *r, cmp_rec);
		if (p && p->id == key.id)
			found++;
	}
	printf("records n=%zu out-of-order=%zu found=%zu hash=%016llx\n", n, bad,
	       found, (unsigned long long)h);
	for (size_t i = 0; i < n; i += n / 8)
		printf("  %s g%d %.3f #%u\n", r[i].name, r[i].group, r[i].score, r[i].id);
	free(r);
}

static int cmp_chars(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void edge_cases(void)
{
	int one = 5, key = 5, none = 0;

	qsort(&one, 1, sizeof one, cmp_int);
	qsort(&none, 0, sizeof none, cmp_int);
	printf("one element: %d, bsearch found: %d, empty bsearch: %s\n", one,
	       bsearch(&key, &one, 1, sizeof one, cmp_int) != NULL,
	       bsearch(&key, &none, 0, sizeof none, cmp_int) ? "found" : "NULL");

	/* Odd element sizes. */
	char wide[50][37];
	for (int i = 0; i < 50; i++) {
		memset(wide[i], 0, sizeof wide[i]);
		snprintf(wide[i], sizeof wide[i], "%08x", lcg());
	}
	qsort(wide, 50, sizeof wide[0], cmp_chars);
	size_t bad = 0;
	for (int i = 1; i < 50; i++)
		if (strcmp(wide[i - 1], wide[i]) > 0)
			bad++;
	printf("37-byte elements out-of-order=%zu first=%s last=%s\n", bad, wide[0],
	       wide[49]);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	static const char *kinds[] = { "random", "sorted", "reversed", "equal",
				       "few", "pipe" };

	if (n < 16)
		n = 16;
	lcg_seed(argc > 2 ? strtoull(argv[2], NULL, 0) : 1);
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		ints(n, kinds[k]);
	ints(1, "random");
	ints(2, "reversed");
	ints(3, "random");
	strings(n);
	records(n);
	edge_cases();
	return 0;
}
