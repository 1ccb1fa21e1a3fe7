/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks: a ring
 * that starts half-way into a page (2 KiB after the start of the
 * page-aligned .lpar.rings section, behind a pad with no symbol).  Written
 * in assembler so that the placement is exact.  It must never run.
 */
#include <lpar.h>

__asm__(".pushsection .lpar.rings,\"aw\",@progbits\n"
	".balign 4096\n"
	".skip 2048\n"
	".type __lpar_ring_half, @object\n"
	".size __lpar_ring_half, 20480\n"
	"__lpar_ring_half:\n"
	".long 0x474e4952, 1, 1, 4096\n"
	".asciz \"half\"\n"
	".skip 20480 - 16 - 5\n"
	".popsection\n");

int main(void)
{
	return 0;
}
