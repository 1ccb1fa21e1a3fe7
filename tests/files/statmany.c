/* SPDX-License-Identifier: ISC */
/*
 * statmany DIR ROUNDS: stat()s every entry of DIR ROUNDS times (by its
 * path DIR/NAME) and prints "files=N calls=N bytes=N ns=N": the bytes are
 * the files' sizes added up (once), ns the time the calls took.  For
 * bench/files; the test compares all but ns.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	long rounds, r, calls = 0;
	long long bytes = 0, t0, t1;
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (argc != 3 || (rounds = atol(argv[2])) < 1) {
		fprintf(stderr, "usage: statmany DIR ROUNDS\n");
		return 2;
	}
	dir = opendir(argv[1]);
	if (!dir) {
		printf("statmany: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				return 1;
		}
		if (asprintf(&names[n++], "%s/%s", argv[1], d->d_name) < 0)
			return 1;
	}
	closedir(dir);
	t0 = now_ns();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			if (stat(names[i], &st) < 0) {
				printf("statmany: %s: %s\n", names[i], strerror(errno));
				return 1;
			}
			if (!r)
				bytes += st.st_size;
			calls++;
		}
	t1 = now_ns();
	printf("files=%zu calls=%ld bytes=%lld ns=%lld\n", n, calls, bytes, t1 - t0);
	return 0;
}
