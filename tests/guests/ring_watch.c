/* SPDX-License-Identifier: ISC
 * Watches the link of its ring "link" (messages, 4 KiB) through a peer's
 * end and a new peer's coming, and says what the SDK shows at each step:
 *
 *   watch: up: peer P
 *   watch: down: ring bit 1, link 1, peer '', recv ENOTCONN, send ENOTCONN
 *   watch: up again: ring bit 1, link 2, peer P2, recv ECONNRESET then EAGAIN
 *
 * It exits 0 after that, 1 if a step does not come within 10 s.
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>

LPAR_RING(link, LPAR_RING_MSGS, 4096);

static const char *err_name(long e)
{
	switch (e) {
	case -ENOTCONN:
		return "ENOTCONN";
	case -ECONNRESET:
		return "ECONNRESET";
	case -EAGAIN:
		return "EAGAIN";
	case 0:
		return "0";
	default:
		return "other";
	}
}

/* Waits for the link to be want; returns whether block() gave the ring's bit, -1 on timeout. */
static int wait_link(struct lpar_ring_hdr *r, int want)
{
	uint64_t end = lpar_time_monotonic() + 10000000000ull, bit = LPAR_READY_RING(r->index);
	int seen = 0;

	while (lpar_ring_link(r) != want) {
		if (lpar_time_monotonic() > end)
			return -1;
		if (lpar_block(end) & bit)
			seen = 1;
	}
	/* The change signals the ring: if block() has not said so yet, it must now. */
	if (!seen && (lpar_block(lpar_time_monotonic()) & bit))
		seen = 1;
	return seen;
}

int main(void)
{
	struct lpar_ring_hdr *r = lpar_ring(link);
	char buf[64];
	long a, b;
	int bit;

	if (lpar_ring_wait_up(r, lpar_time_monotonic() + 10000000000ull))
		return 1;
	printf("watch: up: peer %s\n", r->peer);
	if ((bit = wait_link(r, LPAR_LINK_DOWN)) < 0)
		return 1;
	a = lpar_ring_recv(r, buf, sizeof(buf), 0);
	b = lpar_ring_send(r, "x", 1, 0);
	printf("watch: down: ring bit %d, link %d, peer '%s', recv %s, send %s\n", bit,
	       lpar_ring_link(r), r->peer, err_name(a), err_name(b));
	if ((bit = wait_link(r, LPAR_LINK_UP)) < 0)
		return 1;
	a = lpar_ring_recv(r, buf, sizeof(buf), 0);
	b = lpar_ring_recv(r, buf, sizeof(buf), 0);
	printf("watch: up again: ring bit %d, link %d, peer %s, recv %s then %s\n", bit,
	       lpar_ring_link(r), r->peer, err_name(a), err_name(b));
	return 0;
}
