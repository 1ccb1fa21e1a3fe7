/* SPDX-License-Identifier: ISC */
/*
 * mapread FILE: maps FILE MAP_PRIVATE and prints its size and an FNV-1a
 * checksum of the mapping, the same of a mapping from offset 4096, then
 * writes to the private mapping and shows the file did not change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

int main(int argc, char **argv)
{
	unsigned char *m, *m2, first;
	struct stat st;
	size_t len;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mapread FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("mapread: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	len = (size_t)st.st_size;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		printf("mapread: mmap: %s\n", strerror(errno));
		return 1;
	}
	printf("size %zu, fnv1a %016llx\n", len, (unsigned long long)fnv(m, len));
	if (len > 4096) {
		m2 = mmap(NULL, len - 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
		if (m2 == MAP_FAILED) {
			printf("mapread: mmap at 4096: %s\n", strerror(errno));
			return 1;
		}
		printf("from 4096: fnv1a %016llx, same bytes: %s\n",
		       (unsigned long long)fnv(m2, len - 4096),
		       memcmp(m2, m + 4096, len - 4096) ? "no" : "yes");
		munmap(m2, len - 4096);
	}
	if (len) {
		m[0] ^= 0xff;
		if (pread(fd, &first, 1, 0) != 1) {
			printf("mapread: pread: %s\n", strerror(errno));
			return 1;
		}
		printf("a write to the private mapping reached the file: %s\n",
		       first == m[0] ? "yes" : "no");
	}
	munmap(m, len);
	close(fd);
	return 0;
}
