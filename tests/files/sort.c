/* SPDX-License-Identifier: ISC */
/*
 * sort FILE: the file's lines in byte order on stdout, as 'LC_ALL=C sort'
 * prints them.  The file is read whole: fstat for its size, then read().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	struct stat st;
	char *buf, **line, *p;
	size_t n = 0, i, len, got = 0;
	ssize_t r;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: sort FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "sort: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	len = (size_t)st.st_size;
	buf = malloc(len + 2);
	if (!buf)
		return 1;
	while (got < len && (r = read(fd, buf + got, len - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got != len) {
		fprintf(stderr, "sort: %s: read %zu of %zu bytes\n", argv[1], got, len);
		return 1;
	}
	if (len && buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = 0;
	for (p = buf; *p; p++)
		n += *p == '\n';
	line = malloc((n + 1) * sizeof(*line));
	if (!line)
		return 1;
	for (i = 0, p = buf; i < n; i++) {
		line[i] = p;
		p = strchr(p, '\n');
		*p++ = 0;
	}
	qsort(line, n, sizeof(*line), cmp);
	for (i = 0; i < n; i++)
		printf("%s\n", line[i]);
	return 0;
}
