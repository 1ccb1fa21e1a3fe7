/* SPDX-License-Identifier: ISC */
/*
 * big FILE: a sparse file past 4 GiB.  Writes a marker at 4 GiB + 123 and
 * at 5 GiB (lseek, then write; pwrite), reads them back, reads zeros from
 * the hole, extends it with ftruncate to 6 GiB and prints sizes and
 * offsets as fstat and lseek see them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB (1024LL * 1024 * 1024)

static int fail(const char *what)
{
	printf("big: %s: %s\n", what, strerror(errno));
	return 1;
}

static void show(int fd, const char *when)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		printf("%s: fstat: %s\n", when, strerror(errno));
		return;
	}
	printf("%s: size %lld, sparse %s\n", when, (long long)st.st_size,
	       (long long)st.st_blocks * 512 < st.st_size / 2 ? "yes" : "no");
}

int main(int argc, char **argv)
{
	static const char mark[] = "past-four-gib", mark2[] = "five";
	char buf[64], hole[4096];
	off_t off;
	int fd, i, nonzero = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: big FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("open");
	off = lseek(fd, 4 * GIB + 123, SEEK_SET);
	printf("lseek to 4 GiB + 123: %lld\n", (long long)off);
	if (write(fd, mark, sizeof(mark) - 1) != sizeof(mark) - 1)
		return fail("write");
	printf("offset after write: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	if (pwrite(fd, mark2, sizeof(mark2) - 1, 5 * GIB) != sizeof(mark2) - 1)
		return fail("pwrite");
	show(fd, "after the writes");
	memset(buf, 0, sizeof(buf));
	if (pread(fd, buf, sizeof(mark) - 1, 4 * GIB + 123) != sizeof(mark) - 1)
		return fail("pread");
	printf("read at 4 GiB + 123: %s\n", buf);
	memset(buf, 0, sizeof(buf));
	if (lseek(fd, 5 * GIB, SEEK_SET) != 5 * GIB || read(fd, buf, 100) != sizeof(mark2) - 1)
		return fail("read at 5 GiB");
	printf("read at 5 GiB: %s (then at end: %zd)\n", buf, read(fd, buf, 100));
	if (pread(fd, hole, sizeof(hole), 2 * GIB) != sizeof(hole))
		return fail("pread in the hole");
	for (i = 0; i < (int)sizeof(hole); i++)
		nonzero += hole[i] != 0;
	printf("nonzero bytes in the hole at 2 GiB: %d\n", nonzero);
	printf("lseek SEEK_END: %lld\n", (long long)lseek(fd, 0, SEEK_END));
	if (ftruncate(fd, 6 * GIB) < 0)
		return fail("ftruncate");
	show(fd, "after ftruncate to 6 GiB");
	printf("lseek SEEK_END - 1: %lld\n", (long long)lseek(fd, -1, SEEK_END));
	if (close(fd) < 0)
		return fail("close");
	return 0;
}
