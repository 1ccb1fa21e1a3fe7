/* SPDX-License-Identifier: ISC */
/* lpar mem find: every address where a byte pattern, string or integer occurs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/num.h"
#include "../libpart/mem.h"
#include "json.h"
#include "mem.h"

#define SCAN 65536u  /* bytes read at a time */

struct finder {
	struct mem_ctx *x;
	const uint8_t *pat;
	size_t plen;
	uint8_t *buf;        /* the last plen - 1 bytes of the previous read, then this one */
	size_t carry;        /* how many of those there are */
	unsigned long hits;
	struct json_list jl;
};

static void hit(struct finder *fd, uint64_t a)
{
	char sym[600];
	const char *s = mem_symbolize(fd->x, a, sym, sizeof(sym));

	if (lpar_opts.json) {
		json_list_next(&fd->jl);
		printf("{\"addr\": %llu", (unsigned long long)a);
		if (s) {
			fputs(", \"symbol\": ", stdout);
			json_string(stdout, s);
		}
		fputs("}", stdout);
	} else if (s) {
		printf("0x%llx <%s>\n", (unsigned long long)a, s);
	} else {
		printf("0x%llx\n", (unsigned long long)a);
	}
	fd->hits++;
}

/* Searches n new bytes (already at fd->buf + fd->carry) that start at address a. */
static void scan(struct finder *fd, uint64_t a, size_t n)
{
	size_t total = fd->carry + n, keep;
	uint64_t base = a - fd->carry;

	for (size_t i = 0; i + fd->plen <= total;) {
		const uint8_t *p = memmem(fd->buf + i, total - i, fd->pat, fd->plen);

		if (!p)
			break;
		i = (size_t)(p - fd->buf);
		hit(fd, base + i);
		i++;
	}
	/* A match needs plen bytes, so plen - 1 carried bytes never repeat a hit. */
	keep = fd->plen - 1 < total ? fd->plen - 1 : total;
	memmove(fd->buf, fd->buf + total - keep, keep);
	fd->carry = keep;
}

/* Scans [start, end); with --virt, pages that are not mapped are skipped. */
static int scan_range(struct finder *fd, uint64_t start, uint64_t end)
{
	struct lerr err = { 0 };
	uint64_t a = start;

	while (a < end) {
		uint64_t n = end - a > SCAN ? SCAN : end - a, pa, left;

		if (part_mem_virt(fd->x->m)) {
			if (part_mem_translate(fd->x->m, a, &pa, &left)) {
				/* Not mapped: no match runs across it. */
				fd->carry = 0;
				a = (a | 0xfff) + 1;
				if (!a)
					break;
				continue;
			}
			if (n > left)
				n = left;
		}
		if (part_mem_read(fd->x->m, a, fd->buf + fd->carry, (size_t)n, &err)) {
			if (!lpar_opts.json)
				return mem_fail(fd->x, "search", &err);
			/* The array is open: the error is its last element. */
			json_list_error(&fd->jl, fd->x->name, err.msg);
			return 1;
		}
		scan(fd, a, (size_t)n);
		a += n;
		if (ferror(stdout))
			break;
	}
	return 0;
}

/* The pattern from PATTERN, --string or --int/--size; uses an operand for PATTERN. */
static int pattern(struct mem_ctx *x, int *argc, char ***argv, uint8_t **pat, size_t *plen)
{
	uint64_t v, size = 4;
	int r;

	if (x->string && x->intval)
		return lpar_usage_error(x->self, "find: --string and --int together");
	if (x->size && !x->intval)
		return lpar_usage_error(x->self, "find: --size goes with --int");
	if (x->string) {
		*plen = strlen(x->string);
		if (!*plen)
			return lpar_usage_error(x->self, "find: the string is empty");
		*pat = malloc(*plen);
		if (!*pat)
			goto nomem;
		memcpy(*pat, x->string, *plen);
		return 0;
	}
	if (x->intval) {
		if (num_parse_u64(x->intval, &v))
			return lpar_usage_error(x->self, "find: '%s' is not a number", x->intval);
		if (x->size && (num_parse_u64(x->size, &size) ||
				(size != 1 && size != 2 && size != 4 && size != 8)))
			return lpar_usage_error(x->self, "find: size '%s' is not 1, 2, 4 or 8",
						x->size);
		if (size < 8 && v >> (size * 8))
			return lpar_usage_error(x->self, "find: %s does not fit in %llu bytes (it needs --size %d)",
						x->intval, (unsigned long long)size,
						v >> 32 ? 8 : v >> 16 ? 4 : 2);
		*plen = (size_t)size;
		*pat = malloc(*plen);
		if (!*pat)
			goto nomem;
		for (size_t i = 0; i < *plen; i++, v >>= 8)
			(*pat)[i] = (uint8_t)v; /* little-endian, as the partition stores it */
		return 0;
	}
	if (*argc < 1)
		return lpar_usage_error(x->self, "find: no pattern (hex bytes, --string TEXT or --int N)");
	r = mem_hex_bytes((*argv)[0], pat, plen);
	if (r == -ENOMEM)
		goto nomem;
	if (r)
		return lpar_usage_error(x->self,
					"find: pattern '%s' is not hex bytes (like 'de ad be ef', quoted as one argument)",
					(*argv)[0]);
	(*argc)--;
	(*argv)++;
	return 0;
nomem:
	lpar_error("out of memory");
	return 1;
}

int mem_find(struct mem_ctx *x, int argc, char **argv)
{
	struct finder fd = { .x = x };
	struct lerr err = { 0 };
	uint64_t start = 0, len = 0, end, bad;
	uint8_t *pat = NULL;
	size_t plen = 0;
	int r;

	r = pattern(x, &argc, &argv, &pat, &plen);
	if (!r && argc > 2)
		r = lpar_usage_error(x->self, "find: unexpected argument '%s'", argv[2]);
	if (!r && argc > 0)
		r = mem_addr_syntax(x, "address", argv[0]);
	if (!r && argc > 1) {
		r = num_parse_size(argv[1], &len);
		if (r || !len)
			r = lpar_usage_error(x->self, "find: length '%s' is not a size (bytes, or with K, M, G)",
					     argv[1]);
	}
	if (!r)
		r = mem_attach(x, MEM_ATTACH_MEM);
	if (!r && argc > 0)
		r = mem_addr(x, argv[0], &start, NULL);
	if (r)
		goto out;
	if (argc < 2) {
		/* To the end of RAM: virtual addresses are identity-mapped there too. */
		if (start >= part_mem_size(x->m)) {
			lpar_error("cannot search the memory of '%s': 0x%llx is past the end of RAM",
				   x->name, (unsigned long long)start);
			r = 1;
			goto out;
		}
		len = part_mem_size(x->m) - start;
	} else if (!part_mem_virt(x->m) && part_mem_check(x->m, start, len, &bad, &err)) {
		r = mem_fail(x, "search", &err);
		goto out;
	} else if (__builtin_add_overflow(start, len, &end)) {
		r = lpar_usage_error(x->self, "find: the range wraps around the address space");
		goto out;
	}
	end = start + len;
	fd.pat = pat;
	fd.plen = plen;
	fd.buf = malloc(SCAN + plen);
	if (!fd.buf) {
		lpar_error("out of memory");
		r = 1;
		goto out;
	}
	if (lpar_opts.json)
		json_list_begin(&fd.jl);
	r = scan_range(&fd, start, end);
	if (lpar_opts.json)
		json_list_end(&fd.jl);
	/* Like grep: status 1 when nothing was found. */
	if (!r && !fd.hits)
		r = 1;
out:
	free(fd.buf);
	free(pat);
	return r;
}
