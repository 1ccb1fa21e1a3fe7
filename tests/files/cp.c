/* SPDX-License-Identifier: ISC */
/*
 * cp SRC DST: copies SRC to DST (created or truncated) in 64 KiB pieces,
 * fsyncs DST, and prints the bytes copied and DST's size from fstat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, const char *name)
{
	fprintf(stderr, "cp: %s %s: %s\n", what, name, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	long long total = 0;
	struct stat st;
	ssize_t n, w, off;
	int in, out;

	if (argc != 3) {
		fprintf(stderr, "usage: cp SRC DST\n");
		return 2;
	}
	in = open(argv[1], O_RDONLY);
	if (in < 0)
		return fail("open", argv[1]);
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return fail("open", argv[2]);
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				return fail("write", argv[2]);
		}
		total += n;
	}
	if (n < 0)
		return fail("read", argv[1]);
	if (fsync(out) < 0)
		return fail("fsync", argv[2]);
	if (fstat(out, &st) < 0)
		return fail("fstat", argv[2]);
	if (close(out) < 0)
		return fail("close", argv[2]);
	close(in);
	printf("copied %lld bytes, %s is %lld bytes\n", total, argv[2], (long long)st.st_size);
	return 0;
}
