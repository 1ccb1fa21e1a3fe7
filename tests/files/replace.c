/* SPDX-License-Identifier: ISC */
/*
 * replace FILE TEXT: writes TEXT (and a newline) to FILE.tmp, fsyncs it,
 * renames it over FILE, then reads FILE back and prints it, and says
 * whether FILE.tmp is gone: the atomic-replace idiom editors use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *name)
{
	printf("replace: %s %s: %s\n", what, name, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char tmp[4096], buf[4096];
	ssize_t n;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: replace FILE TEXT\n");
		return 2;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fail("create", tmp);
	if (write(fd, argv[2], strlen(argv[2])) != (ssize_t)strlen(argv[2]) ||
	    write(fd, "\n", 1) != 1)
		return fail("write", tmp);
	if (fsync(fd) < 0)
		return fail("fsync", tmp);
	if (close(fd) < 0)
		return fail("close", tmp);
	if (rename(tmp, argv[1]) < 0)
		return fail("rename", tmp);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail("open", argv[1]);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return fail("read", argv[1]);
	buf[n] = 0;
	close(fd);
	printf("%s now holds: %s", argv[1], buf);
	printf("%s: %s\n", tmp, access(tmp, F_OK) == 0 ? "still there" : strerror(errno));
	return 0;
}
