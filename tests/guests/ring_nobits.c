/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks: a ring
 * in a .lpar.rings section with no bytes in the file (@nobits, like .bss),
 * so it has no header to check.  Written in assembler, as no C
 * declaration makes one.  It must never run.
 */
#include <lpar.h>

__asm__(".pushsection .lpar.rings,\"aw\",@nobits\n"
	".balign 4096\n"
	".type __lpar_ring_ghost, @object\n"
	".size __lpar_ring_ghost, 20480\n"
	"__lpar_ring_ghost:\n"
	".skip 20480\n"
	".popsection\n");

int main(void)
{
	return 0;
}
