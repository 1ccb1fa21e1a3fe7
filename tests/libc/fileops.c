/* SPDX-License-Identifier: ISC */
/* fileops.c: a few file operations, each named on the command line, for
 * tests of what a partition asks of its shares (trace.bats).  Each prints
 * one line: what it did and its result, or the errno name of its failure.
 * Usage: fileops OP:PATH...  with OP one of
 *   cat    open, read to the end in 4096-byte reads, close: "cat PATH N"
 *   stat   stat(): "stat PATH size N"
 *   open   open for reading and close: "open PATH ok"
 *   write  create or truncate, write "hello\n", close: "write PATH 6"
 * and a failure prints "OP PATH ENAME" and makes the status 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EISDIR: return "EISDIR";
	case ENOTDIR: return "ENOTDIR";
	case EROFS: return "EROFS";
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	default: return "EOTHER";
	}
}

static int fail(const char *op, const char *path)
{
	printf("%s %s %s\n", op, path, ename(errno));
	return 1;
}

static int do_cat(const char *path)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("cat", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0) {
		close(fd);
		return fail("cat", path);
	}
	close(fd);
	printf("cat %s %ld\n", path, total);
	return 0;
}

static int do_stat(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail("stat", path);
	printf("stat %s size %lld\n", path, (long long)st.st_size);
	return 0;
}

static int do_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	close(fd);
	printf("open %s ok\n", path);
	return 0;
}

static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return fail("write", path);
	n = write(fd, "hello\n", 6);
	if (close(fd) < 0 || n != 6)
		return fail("write", path);
	printf("write %s %zd\n", path, n);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		const char *colon = strchr(argv[i], ':'), *path;
		size_t oplen;

		if (!colon) {
			fprintf(stderr, "fileops: '%s': expected OP:PATH\n", argv[i]);
			return 2;
		}
		oplen = (size_t)(colon - argv[i]);
		path = colon + 1;
		if (oplen == 3 && !strncmp(argv[i], "cat", 3))
			status |= do_cat(path);
		else if (oplen == 4 && !strncmp(argv[i], "stat", 4))
			status |= do_stat(path);
		else if (oplen == 4 && !strncmp(argv[i], "open", 4))
			status |= do_open(path);
		else if (oplen == 5 && !strncmp(argv[i], "write", 5))
			status |= do_write(path);
		else {
			fprintf(stderr, "fileops: unknown op in '%s'\n", argv[i]);
			return 2;
		}
		fflush(stdout);
	}
	return status;
}
