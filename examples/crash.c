/* SPDX-License-Identifier: ISC
 * crash: faults on purpose, to show how a partition crash is reported.
 * Usage: crash [null|write-text|exec-data|stack|ud|div0|int3|int-3|int80|hlt|abort|
 *               port|port-dx]
 */
#include <lpar.h>
#include <stdio.h>
#include <string.h>

static volatile int zero, one = 1;
/* How it was asked to crash, for a debugger to read in its core file. */
const char *volatile crash_how;
static unsigned char data_code[16] = { 0xc3 }; /* ret, in a data page */

/* Recurses until the stack runs into its guard (depth never reaches 0). */
__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[4096];

	pad[0] = (char)n;
	if (n == 0)
		return pad[0];
	return recurse(n + 1) + pad[0];
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "null";

	crash_how = how;
	printf("crash: %s\n", how);
	if (!strcmp(how, "null"))
		return *(volatile int *)0;
	if (!strcmp(how, "write-text"))
		*(volatile unsigned char *)(uintptr_t)main = 0x90;
	else if (!strcmp(how, "exec-data"))
		((void (*)(void))(uintptr_t)data_code)();
	else if (!strcmp(how, "stack"))
		return recurse(1);
	else if (!strcmp(how, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(how, "div0"))
		return one / zero;
	else if (!strcmp(how, "int3"))
		__asm__ volatile("int3");
	else if (!strcmp(how, "int-3"))
		__asm__ volatile(".byte 0xcd, 0x03"); /* int $3, the two-byte form */
	else if (!strcmp(how, "int80"))
		__asm__ volatile("int $0x80" ::"a"(60), "D"(0)); /* i386's system call */
	else if (!strcmp(how, "hlt"))
		__asm__ volatile("hlt");
	else if (!strcmp(how, "abort"))
		lpar_abort("crash example gave up");
	else if (!strcmp(how, "port"))
		__asm__ volatile("outb %%al, $0x80" ::"a"(0));
	else if (!strcmp(how, "port-dx"))
		__asm__ volatile("outw %%ax, %%dx" ::"a"(0), "d"(0x3f8));
	else {
		printf("crash: unknown way to crash: %s\n", how);
		return 2;
	}
	printf("crash: still alive?\n");
	return 1;
}
