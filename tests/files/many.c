/* SPDX-License-Identifier: ISC */
/*
 * many DIR N [WANT]: creates N empty files DIR/f00000... (DIR made if
 * missing), then lists DIR with readdir and prints how many entries it
 * saw, how many of f00000 to f<WANT - 1> (WANT defaults to N) it missed,
 * how many it saw twice and how many other names.  N 0 only lists.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];
	unsigned char *seen;
	struct dirent *d;
	long n, want, i, entries = 0, dup = 0, missing = 0, other = 0;
	DIR *dir;
	int fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: many DIR N [WANT]\n");
		return 2;
	}
	n = atol(argv[2]);
	want = argc == 4 ? atol(argv[3]) : n;
	if (n < 0 || n > 100000 || want < 0 || want > 100000) {
		fprintf(stderr, "many: N and WANT are at most 100000\n");
		return 2;
	}
	if (n && mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
		printf("many: mkdir %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", argv[1], i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd) < 0) {
			printf("many: create %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	seen = calloc(100000, 1);
	dir = opendir(argv[1]);
	if (!seen || !dir) {
		printf("many: opendir %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	errno = 0;
	while ((d = readdir(dir))) {
		char *end;
		long k;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		entries++;
		k = d->d_name[0] == 'f' ? strtol(d->d_name + 1, &end, 10) : -1;
		if (k < 0 || k >= 100000 || *end || strlen(d->d_name) != 6) {
			other++;
			continue;
		}
		if (seen[k]++)
			dup++;
	}
	if (errno) {
		printf("many: readdir %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	closedir(dir);
	for (i = 0; i < want; i++)
		missing += !seen[i];
	printf("entries %ld, missing %ld of %ld, seen twice %ld, others %ld\n", entries, missing,
	       want, dup, other);
	return 0;
}
