/* SPDX-License-Identifier: ISC
 * Rings that cannot join ping's and pong's ring "link" (messages, 4 KiB):
 * "big" (messages, 8 KiB) and "bytes" (bytes, 4 KiB), for tests of the
 * channel handshake's refusals.  If it runs, it waits for a stop request.
 */
#include <lpar.h>

LPAR_RING(big, LPAR_RING_MSGS, 8192);
LPAR_RING(bytes, LPAR_RING_BYTES, 4096);

int main(void)
{
	while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN))
		;
	return 0;
}
