/* SPDX-License-Identifier: ISC
 * A hostile console: "ring_scribble MODE [wait]" prints "before", waits
 * until the monitor has taken it, then breaks its console ring's tx
 * indices (prod = cons + 10 * size) and, by MODE:
 *   bell   rings the doorbell, so the monitor finds the broken ring, and
 *          waits until it has reset it (a new generation);
 *   write  prints at once, so its own ring code finds it.
 * Then it prints 500 numbered "after" lines and "done", and with "wait"
 * "waiting" and waits for a stop request.  It exits with status 7.
 */
#include <lpar.h>
#include <stdio.h>
#include <string.h>

LPAR_RING(console, LPAR_RING_BYTES, 4096);

static uint64_t deadline(void)
{
	return lpar_time_monotonic() + 5000000000ull;
}

int main(int argc, char **argv)
{
	struct lpar_ring_hdr *r = lpar_ring(console);
	struct lpar_ring_dir d = lpar_ring_dir_at(r, r->size, 0);
	const char *mode = argc > 1 ? argv[1] : "bell";
	uint32_t gen = r->gen;
	uint64_t end;

	printf("before\n");
	for (end = deadline(); lpar_ring_load(&d.ctl->cons) != lpar_ring_load(&d.ctl->prod);) {
		if (lpar_time_monotonic() > end)
			lpar_abort("the monitor never took 'before'");
		lpar_block(lpar_time_monotonic() + 1000000);
	}
	gen = r->gen;
	lpar_ring_store(&d.ctl->prod, lpar_ring_load(&d.ctl->cons) + 10 * r->size);
	if (!strcmp(mode, "bell")) {
		__asm__ volatile("outl %%eax, %[port]" ::"a"(r->index),
				 [port] "i"(LPAR_DOORBELL_PORT) : "memory");
		for (end = deadline(); __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) == gen;) {
			if (lpar_time_monotonic() > end)
				lpar_abort("the monitor never reset the broken ring");
			lpar_block(lpar_time_monotonic() + 1000000);
		}
	}
	for (int i = 0; i < 500; i++)
		printf("after %03d\n", i);
	printf("done\n");
	if (argc > 2 && !strcmp(argv[2], "wait")) {
		printf("waiting\n");
		while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN))
			;
	}
	return 7;
}
