/* SPDX-License-Identifier: ISC
 * Doorbells that are no ring's: "ring_doorbell bogus" rings port 0x50
 * with values that no ring has (this image has one ring, index 0), then
 * its own ring's, and says "still here"; "ring_doorbell byte" writes one
 * byte to the doorbell port, which is not a doorbell and must crash it;
 * "ring_doorbell read" reads the port, likewise.
 */
#include <lpar.h>
#include <stdio.h>
#include <string.h>

LPAR_RING(only, LPAR_RING_MSGS, 4096);

static void bell(uint32_t v)
{
	__asm__ volatile("outl %%eax, %[port]" ::"a"(v), [port] "i"(LPAR_DOORBELL_PORT) : "memory");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "bogus";

	if (!strcmp(mode, "byte")) {
		__asm__ volatile("outb %%al, %[port]" ::"a"(0), [port] "i"(LPAR_DOORBELL_PORT) : "memory");
	} else if (!strcmp(mode, "read")) {
		uint32_t v;

		__asm__ volatile("inl %[port], %%eax" : "=a"(v) : [port] "i"(LPAR_DOORBELL_PORT) : "memory");
		printf("read %u\n", v);
	} else {
		bell(1);
		bell(16);
		bell(0xffffffffu);
		for (int i = 0; i < 1000; i++)
			bell(7);
		bell(lpar_ring(only)->index);
	}
	printf("still here\n");
	return 0;
}
