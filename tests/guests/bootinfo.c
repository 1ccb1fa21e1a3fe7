/* SPDX-License-Identifier: ISC
 * bootinfo: prints what the monitor handed the partition at entry, as
 * "key=value" lines for the tests to compare, after touching both ends of
 * the heap (a fault there would crash the partition).
 */
#include <lpar.h>
#include <stdio.h>

extern char _start[], _end[];

int main(int argc, char **argv)
{
	const struct lpar_boot_info *bi = lpar_boot;
	char **envp = argv + argc + 1;
	uint64_t *auxv;
	uint64_t pagesz = 0, entry = 0;

	while (*envp)
		envp++;
	for (auxv = (uint64_t *)(envp + 1); auxv[0]; auxv += 2) {
		if (auxv[0] == 6) /* AT_PAGESZ */
			pagesz = auxv[1];
		else if (auxv[0] == 9) /* AT_ENTRY */
			entry = auxv[1];
	}
	if (bi->heap_end > bi->heap_start) {
		*(volatile char *)(uintptr_t)bi->heap_start = 1;
		*(volatile char *)(uintptr_t)(bi->heap_end - 1) = 1;
	}
	printf("magic=0x%x\n", bi->magic);
	printf("abi_version=%u\n", bi->abi_version);
	printf("mem_size=%llu\n", (unsigned long long)bi->mem_size);
	printf("heap_start=%llu\n", (unsigned long long)bi->heap_start);
	printf("heap_end=%llu\n", (unsigned long long)bi->heap_end);
	printf("stack_top=%llu\n", (unsigned long long)bi->stack_top);
	printf("stack_size=%llu\n", (unsigned long long)bi->stack_size);
	printf("image_end=%llu\n", (unsigned long long)(uintptr_t)_end);
	printf("argc=%llu\n", (unsigned long long)bi->argc);
	printf("main_argc=%d\n", argc);
	printf("argv_matches=%s\n", bi->argv == (uint64_t)(uintptr_t)argv ? "yes" : "no");
	printf("cmdline=%s\n", (const char *)(uintptr_t)bi->cmdline);
	printf("name=%s\n", (const char *)(uintptr_t)bi->name);
	printf("envp_empty=%s\n", envp == argv + argc + 1 ? "yes" : "no");
	printf("at_pagesz=%llu\n", (unsigned long long)pagesz);
	printf("at_entry_matches=%s\n", entry == (uint64_t)(uintptr_t)_start ? "yes" : "no");
	printf("stack_in_range=%s\n",
	       (uint64_t)(uintptr_t)&bi < bi->stack_top &&
	       (uint64_t)(uintptr_t)&bi >= bi->stack_top - bi->stack_size ? "yes" : "no");
	for (int i = 0; i < argc; i++)
		printf("argv.%d=%s\n", i, argv[i]);
	return 0;
}
