/* SPDX-License-Identifier: ISC */
/* hello: greets, prints its arguments, and exits 0. */
#include <lpar.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("Hello from partition '%s' (%llu MiB, hcall ABI %d)\n",
	       (const char *)(uintptr_t)lpar_boot->name,
	       (unsigned long long)(lpar_boot->mem_size >> 20),
	       (int)lpar_boot->abi_version);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return 0;
}
