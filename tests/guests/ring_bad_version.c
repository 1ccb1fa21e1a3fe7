/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks:
 * a ring of layout version 9.
 * It must never run.
 */
#include <lpar.h>

#define RAW_RING(SYM, BYTES, ...)                                                     \
	__attribute__((section(".lpar.rings"), aligned(4096), used)) union {          \
		struct lpar_ring_hdr hdr;                                              \
		uint8_t b[BYTES];                                                      \
	} SYM = { .hdr = { __VA_ARGS__ } }

RAW_RING(__lpar_ring_future, LPAR_RING_BYTES_TOTAL(4096), .magic = LPAR_RING_MAGIC,
	 .version = 9, .kind = LPAR_RING_MSGS, .size = 4096, .name = "future");

int main(void)
{
	return 0;
}
