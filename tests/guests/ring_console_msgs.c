/* SPDX-License-Identifier: ISC
 * A malformed ring declaration, for tests of the load-time checks:
 * a console ring that carries messages, not bytes.
 * It must never run.
 */
#include <lpar.h>

LPAR_RING(console, LPAR_RING_MSGS, 4096);

int main(void)
{
	return 0;
}
