/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks: ring
 * 'inner' starts at the second page of ring 'outer' (where outer's tx
 * control page is), with a header of its own there; each is well formed
 * on its own.  Written in assembler so that the placement is exact.  It
 * must never run.
 */
#include <lpar.h>

__asm__(".pushsection .lpar.rings,\"aw\",@progbits\n"
	".balign 4096\n"
	".type __lpar_ring_outer, @object\n"
	".size __lpar_ring_outer, 20480\n"
	"__lpar_ring_outer:\n"
	".long 0x474e4952, 1, 1, 4096\n"
	".asciz \"outer\"\n"
	".skip 4096 - 16 - 6\n"
	".type __lpar_ring_inner, @object\n"
	".size __lpar_ring_inner, 20480\n"
	"__lpar_ring_inner:\n"
	".long 0x474e4952, 1, 2, 4096\n"
	".asciz \"inner\"\n"
	".skip 20480 - 16 - 6\n"
	".popsection\n");

int main(void)
{
	return 0;
}
