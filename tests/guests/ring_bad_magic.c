/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks:
 * a ring whose header has the wrong magic number.
 * It must never run.
 */
#include <lpar.h>

#define RAW_RING(SYM, BYTES, ...)                                                     \
	__attribute__((section(".lpar.rings"), aligned(4096), used)) union {          \
		struct lpar_ring_hdr hdr;                                              \
		uint8_t b[BYTES];                                                      \
	} SYM = { .hdr = { __VA_ARGS__ } }

RAW_RING(__lpar_ring_bad, LPAR_RING_BYTES_TOTAL(4096), .magic = 0x12345678u,
	 .version = LPAR_RING_VERSION, .kind = LPAR_RING_MSGS, .size = 4096, .name = "bad");

int main(void)
{
	return 0;
}
