/*
 * hcallperm: hcall buffers must be memory the partition itself may access:
 * the monitor's tables below 1 MiB and the partition's read-only pages are
 * refused with -EFAULT.  Prints "ok:"/"FAIL:" lines; exits 0 only if all
 * are right.
 */
#include <lpar.h>
#include <stdio.h>

static int failed;

static void expect(const char *what, long got, long want)
{
	printf("%s: %s = %ld\n", got == want ? "ok" : "FAIL", what, got);
	if (got != want)
		failed = 1;
}

static const char rodata[] = "read-only data";

int main(void)
{
	char buf[16] = "x";

	expect("console_read into the page tables (0x10000)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, 0x10000, 8), -14);
	expect("console_read into the IDT (0x3000)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, 0x3000, 8), -14);
	expect("console_read into the exception stubs (0x4000)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, 0x4000, 8), -14);
	expect("console_read into the boot info (read-only)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, LPAR_BOOT_INFO, 8), -14);
	expect("console_read into code (read-only)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, (long)main, 8), -14);
	expect("console_read into rodata (read-only)",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, (long)rodata, 8), -14);
	expect("console_read into page 0",
	       lpar_hcall2(LPAR_HC_CONSOLE_READ, 0, 8), -14);
	expect("console_write from the GDT (0x2000)",
	       lpar_hcall2(LPAR_HC_CONSOLE_WRITE, 0x2000, 8), -14);
	expect("console_write from the page tables (0x10000)",
	       lpar_hcall2(LPAR_HC_CONSOLE_WRITE, 0x10000, 8), -14);
	expect("console_write from the boot info (readable)",
	       lpar_hcall2(LPAR_HC_CONSOLE_WRITE, LPAR_BOOT_INFO, 0), 0);
	expect("console_write from the stack (readable)",
	       lpar_hcall2(LPAR_HC_CONSOLE_WRITE, buf, 1), 1);
	printf("\n");
	return failed;
}
