/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks:
 * a ring whose size (6000) is not a power of two.
 * It must never run.
 */
#include <lpar.h>

#define RAW_RING(SYM, BYTES, ...)                                                     \
	__attribute__((section(".lpar.rings"), aligned(4096), used)) union {          \
		struct lpar_ring_hdr hdr;                                              \
		uint8_t b[BYTES];                                                      \
	} SYM = { .hdr = { __VA_ARGS__ } }

RAW_RING(__lpar_ring_six, LPAR_RING_BYTES_TOTAL(6000), .magic = LPAR_RING_MAGIC,
	 .version = LPAR_RING_VERSION, .kind = LPAR_RING_BYTES, .size = 6000, .name = "six");

int main(void)
{
	return 0;
}
