/* SPDX-License-Identifier: ISC
 * window: maps a partition's RAM through libpart's memory window and checks
 * it against the boot protocol: prints the boot info's magic, memory size
 * and name as the partition sees them, then the partition's status.
 * Usage: window NAME
 */
#include <lpar/boot.h>
#include <stdio.h>
#include <string.h>

#include "../../common/err.h"
#include "../../libpart/part.h"

int main(int argc, char **argv)
{
	struct part_status st;
	struct lerr err = { 0 };
	struct part *p = NULL;
	const struct lpar_boot_info *bi;
	uint64_t size;
	void *base;

	if (argc != 2) {
		fprintf(stderr, "usage: window NAME\n");
		return 2;
	}
	if (part_open(argv[1], &p, &st, &err) || part_map(p, &base, &size, &err)) {
		fprintf(stderr, "window: %s\n", err.msg);
		part_close(p);
		return 1;
	}
	bi = (const struct lpar_boot_info *)((const char *)base + LPAR_BOOT_INFO);
	printf("size %llu\n", (unsigned long long)size);
	printf("magic 0x%x\n", bi->magic);
	printf("mem_size %llu\n", (unsigned long long)bi->mem_size);
	if (bi->name < size)
		printf("name %.64s\n", (const char *)base + bi->name);
	part_unmap(base, size);
	part_close(p);
	return 0;
}
