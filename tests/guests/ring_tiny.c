/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks:
 * a 64-byte object named like a ring (smaller than its header page).
 * It must never run.
 */
#include <lpar.h>

__attribute__((section(".lpar.rings"), aligned(4096), used))
struct lpar_ring_hdr __lpar_ring_tiny = { .magic = LPAR_RING_MAGIC, .version = LPAR_RING_VERSION,
					   .kind = LPAR_RING_BYTES, .size = 4096, .name = "tiny" };

int main(void)
{
	return 0;
}
