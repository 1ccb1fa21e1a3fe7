/* SPDX-License-Identifier: ISC */
/*
 * readbig FILE: reads FILE with read() in 1 MiB pieces and prints
 * "bytes=N ns=N" (ns: the time from open to the last read).
 * For bench/files; the test compares all but ns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PIECE (1024 * 1024)

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long bytes = 0, t0;
	char *buf = malloc(PIECE);
	ssize_t n;
	int fd;

	if (argc != 2 || !buf) {
		fprintf(stderr, "usage: readbig FILE\n");
		return 2;
	}
	t0 = now_ns();
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("readbig: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, PIECE)) > 0) {
		bytes += n;
	}
	if (n < 0) {
		printf("readbig: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("bytes=%lld ns=%lld\n", bytes, now_ns() - t0);
	close(fd);
	return 0;
}
