/* SPDX-License-Identifier: ISC */
/* cat FILE...: each file's bytes on stdout, in order; "-" is stdin (tests/shares.bats). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int cat_fd(int fd, const char *name)
{
	static char buf[65536];
	ssize_t n, w, off;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		for (off = 0; off < n; off += w) {
			w = write(1, buf + off, (size_t)(n - off));
			if (w < 0) {
				fprintf(stderr, "cat: write: %s\n", strerror(errno));
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, fd, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			rc |= cat_fd(0, "-");
			continue;
		}
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		rc |= cat_fd(fd, argv[i]);
		close(fd);
	}
	return rc;
}
