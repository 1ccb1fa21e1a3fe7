/* SPDX-License-Identifier: ISC
 * hcallmem: checks that hcall buffers reach only memory the partition may
 * use itself, the way read(2) and write(2) fail with EFAULT on Linux.  Run
 * with "XYZ" waiting on console input: the bad reads must fail and leave it
 * there for the good read at the end.  Prints "ok: ..." or "FAIL: ..." per
 * check and exits 0 only if every check passed.
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>

#include "check.h"
#include <string.h>

#define MONITOR_PAGE   0x5000  /* below 1 MiB: the monitor's, never the partition's */
#define PAGE_TABLES    0x10000 /* the monitor's page tables */

static const char rodata[64] = "read-only";
/* Never called: its code is the target of a read that must fail. */
__attribute__((used, noinline)) static void never_called(void)
{
	__asm__ volatile("nop; nop; nop; nop");
}

int main(void)
{
	char buf[16] = "";
	long n;

	while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_CONSOLE))
		;
	check("console_write from address 0 (NULL)",
	      lpar_hcall2(LPAR_HC_CONSOLE_WRITE, 0, 1), -EFAULT);
	check("console_write from the monitor's page tables",
	      lpar_hcall2(LPAR_HC_CONSOLE_WRITE, PAGE_TABLES, 8), -EFAULT);
	check("console_read into address 0 (NULL)",
	      lpar_hcall2(LPAR_HC_CONSOLE_READ, 0, 1), -EFAULT);
	check("console_read into the monitor's memory",
	      lpar_hcall2(LPAR_HC_CONSOLE_READ, MONITOR_PAGE, 1), -EFAULT);
	check("console_read into read-only data",
	      lpar_hcall2(LPAR_HC_CONSOLE_READ, rodata, 1), -EFAULT);
	check("console_read into code",
	      lpar_hcall2(LPAR_HC_CONSOLE_READ, (uintptr_t)never_called, 1), -EFAULT);
	n = lpar_console_read(buf, sizeof(buf) - 1);
	check("console_read into a stack buffer", n, 3);
	check("input intact", strcmp(buf, "XYZ"), 0);
	return check_failed ? 1 : 0;
}
