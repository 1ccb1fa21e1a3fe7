/* SPDX-License-Identifier: ISC
 * A hostile channel peer: "ring_hostile MODE" joins the channel its ring
 * "link" (messages, 4 KiB) is on, sends "before", waits until the peer
 * has taken it, then breaks the shared ring the peer reads from, by MODE:
 *   prod  prod = cons + 10 * size (impossible indices);
 *   len   a message header that claims 100000 bytes (sane indices);
 *   cons  the peer's consumer index, moved ahead of the producer's.
 * It rings the doorbell, waits for the link to go down and up again (the
 * peer's reset: a new generation, which may come before a poll sees the
 * link down), sends "after" and "quit", waits until the peer has taken
 * them, and exits 0 (1 if the link started over again meanwhile; a peer
 * that took "quit" may end, and the link go down, at once).  Each step is
 * a line "hostile: ..."; a step that does not come within 10 s is a crash.
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>
#include <string.h>

LPAR_RING(link, LPAR_RING_MSGS, 4096);

static uint64_t deadline(void)
{
	return lpar_time_monotonic() + 10000000000ull;
}

static void doorbell(const struct lpar_ring_hdr *r)
{
	__asm__ volatile("outl %%eax, %[port]" ::"a"(r->index), [port] "i"(LPAR_DOORBELL_PORT)
			 : "memory");
}

static void send(struct lpar_ring_hdr *r, const char *msg)
{
	long n = lpar_ring_send(r, msg, strlen(msg), deadline());

	if (n < 0) {
		printf("hostile: cannot send '%s': %s\n", msg, strerror((int)-n));
		lpar_abort("send failed");
	}
}

int main(int argc, char **argv)
{
	struct lpar_ring_hdr *r = lpar_ring(link);
	struct lpar_ring_dir tx = lpar_ring_dir_at(r, r->size, 0);
	const char *mode = argc > 1 ? argv[1] : "prod";
	uint32_t gen, gen0;
	uint64_t end;

	if (lpar_ring_wait_up(r, deadline()))
		lpar_abort("no peer came");
	printf("hostile: linked to %s\n", r->peer);
	send(r, "before");
	for (end = deadline(); lpar_ring_load(&tx.ctl->cons) != lpar_ring_load(&tx.ctl->prod);) {
		if (lpar_time_monotonic() > end)
			lpar_abort("the peer never took 'before'");
		lpar_block(lpar_time_monotonic() + 1000000);
	}
	if (!strcmp(mode, "len")) {
		struct lpar_msg h = { 100000, 0 };
		uint32_t p = lpar_ring_load(&tx.ctl->prod);

		lpar_ring_copy_in(&tx, p, &h, sizeof(h));
		lpar_ring_store(&tx.ctl->prod, p + 16);
	} else if (!strcmp(mode, "cons")) {
		lpar_ring_store(&tx.ctl->cons, lpar_ring_load(&tx.ctl->prod) + 64);
		lpar_ring_store(&tx.ctl->prod, lpar_ring_load(&tx.ctl->prod) + 16);
	} else {
		lpar_ring_store(&tx.ctl->prod, lpar_ring_load(&tx.ctl->cons) + 10 * r->size);
	}
	gen0 = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
	doorbell(r);
	printf("hostile: broke the ring (%s)\n", mode);
	for (end = deadline();
	     lpar_ring_link(r) == LPAR_LINK_UP && __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) == gen0;) {
		if (lpar_time_monotonic() > end)
			lpar_abort("the link never went down");
		lpar_block(lpar_time_monotonic() + 1000000);
	}
	printf("hostile: link down\n");
	if (lpar_ring_wait_up(r, deadline()))
		lpar_abort("the link never came back");
	printf("hostile: linked again to %s\n", r->peer);
	gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
	send(r, "after");
	send(r, "quit");
	/* What is in the ring when this side ends is lost: wait until it is taken. */
	for (end = deadline(); lpar_ring_load(&tx.ctl->cons) != lpar_ring_load(&tx.ctl->prod);) {
		if (lpar_time_monotonic() > end)
			lpar_abort("the peer never took 'quit'");
		lpar_block(lpar_time_monotonic() + 1000000);
	}
	if (__atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) != gen) {
		printf("hostile: the link started over (link %d, generation %u, was %u) before the peer took 'after' and 'quit'\n",
		       lpar_ring_link(r), r->gen, gen);
		return 1;
	}
	printf("hostile: done\n");
	return 0;
}
