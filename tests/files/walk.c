/* SPDX-License-Identifier: ISC */
/*
 * walk DIR: every entry under DIR (nftw, symlinks not followed), one line
 * each, sorted bytewise: "TYPE SIZE PATH", TYPE f (file), d (directory,
 * size "-"), l (symlink, "-> TARGET" after), o (other); PATH relative to
 * DIR ("." for DIR itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **lines;
static size_t nlines, cap;
static size_t skip;

static int add(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path[skip] && path[skip + 1] ? path + skip + 1 : ".";
	char target[4096], *l;
	ssize_t n;
	int r;

	(void)ftw;
	if (nlines == cap) {
		cap = cap ? 2 * cap : 256;
		lines = realloc(lines, cap * sizeof(*lines));
		if (!lines)
			return -1;
	}
	switch (type) {
	case FTW_D:
	case FTW_DNR:
		r = asprintf(&l, "d - %s", rel);
		break;
	case FTW_SL:
	case FTW_SLN:
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			n = snprintf(target, sizeof(target), "(readlink: %s)", strerror(errno));
		target[n] = 0;
		r = asprintf(&l, "l %lld %s -> %s", (long long)st->st_size, rel, target);
		break;
	case FTW_F:
		r = asprintf(&l, "%c %lld %s", S_ISREG(st->st_mode) ? 'f' : 'o',
			     S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL, rel);
		break;
	default:
		r = asprintf(&l, "? - %s", rel);
		break;
	}
	if (r < 0)
		return -1;
	lines[nlines++] = l;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: walk DIR\n");
		return 2;
	}
	skip = strlen(argv[1]);
	while (skip > 1 && argv[1][skip - 1] == '/')
		skip--;
	if (nftw(argv[1], add, 16, FTW_PHYS) != 0) {
		fprintf(stderr, "walk: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	qsort(lines, nlines, sizeof(*lines), cmp);
	for (i = 0; i < nlines; i++)
		printf("%s\n", lines[i]);
	return 0;
}
