/* SPDX-License-Identifier: ISC
 * hcalls: checks the hcall ABI from inside a partition and prints one line
 * per check, "ok: ..." or "FAIL: ...".  Exits 0 only if every check passed.
 * Run with console input from a pipe that stays open and has no data, so
 * that console_read has nothing waiting.
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>

#include "check.h"

int main(void)
{
	uint64_t mem = lpar_boot->mem_size;
	char buf[16];

	check("abi_version", lpar_abi_version(), LPAR_ABI_VERSION);
	check("hcall 14 (unassigned)", lpar_hcall0(14), -ENOSYS);
	check("hcall 32 (the controller's info)", lpar_hcall0(LPAR_HC_CTL_INFO), -ENOSYS);
	check("hcall 63 (last reserved)", lpar_hcall0(63), -ENOSYS);
	check("hcall 64 (past the table)", lpar_hcall0(64), -ENOSYS);
	check("hcall 1000", lpar_hcall0(1000), -ENOSYS);
	check("hcall -1", lpar_hcall0(-1), -ENOSYS);
	check("console_write past the end of RAM",
	      lpar_hcall2(LPAR_HC_CONSOLE_WRITE, mem, 1), -EFAULT);
	check("console_write across the end of RAM",
	      lpar_hcall2(LPAR_HC_CONSOLE_WRITE, mem - 4, 8), -EFAULT);
	check("console_write with an overflowing length",
	      lpar_hcall2(LPAR_HC_CONSOLE_WRITE, 0x401000, -1L), -EFAULT);
	check("console_write of 0 bytes", lpar_console_write(buf, 0), 0);
	check("console_read past the end of RAM",
	      lpar_hcall2(LPAR_HC_CONSOLE_READ, mem + 4096, 1), -EFAULT);
	check("console_read with nothing waiting",
	      lpar_console_read(buf, sizeof(buf)), -EAGAIN);
	check("block with a deadline already past",
	      lpar_block(0), 0);
	return check_failed ? 1 : 0;
}
