/* SPDX-License-Identifier: ISC
 * Resets its channel from inside: "ring_reset [again|event]" joins the
 * channel its ring "link" (messages, 4 KiB) is on, as ping does: sends
 * "ping 1" and waits for "pong 1"; then calls lpar_ring_reset(), waits for
 * the link to come back in a new generation, and does the same with
 * "ping 2".  With "again" it also resets the ring every 200 us while the
 * link is down, which must only clear the ring; with "event" it waits for
 * an event from the controller (lpar hcall NAME event BITS) before it
 * resets.  With either, after ping 2 it checks for 300 ms that the link
 * stays up in the same generation.  It exits 0 if all went so; each step
 * is a line "reset: ...".
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

static int round_trip(struct lpar_ring_hdr *r, int i)
{
	char msg[32], want[32], reply[64];
	long n;

	snprintf(msg, sizeof(msg), "ping %d", i);
	snprintf(want, sizeof(want), "pong %d", i);
	n = lpar_ring_send(r, msg, strlen(msg), deadline());
	if (n >= 0)
		n = lpar_ring_recv(r, reply, sizeof(reply) - 1, deadline());
	if (n < 0) {
		printf("reset: round %d: %s\n", i, strerror((int)-n));
		return 1;
	}
	reply[n] = '\0';
	printf("reset: got '%s'\n", reply);
	return strcmp(reply, want) != 0;
}

int main(int argc, char **argv)
{
	struct lpar_ring_hdr *r = lpar_ring(link);
	int again = argc > 1 && !strcmp(argv[1], "again");
	int event = argc > 1 && !strcmp(argv[1], "event");
	uint32_t gen;
	uint64_t end;

	if (lpar_ring_wait_up(r, deadline())) {
		printf("reset: no peer came\n");
		return 1;
	}
	printf("reset: linked to %s\n", r->peer);
	if (round_trip(r, 1))
		return 1;
	if (event) {
		printf("reset: waiting for an event\n");
		while (!(lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_EVENT))
			;
		lpar_hcall0(LPAR_HC_EVENT_TAKE);
	}
	gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
	lpar_ring_reset(r);
	printf("reset: reset the ring\n");
	for (end = deadline(); lpar_ring_link(r) != LPAR_LINK_UP ||
			       __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE) == gen;) {
		if (lpar_time_monotonic() > end) {
			printf("reset: the link never came back\n");
			return 1;
		}
		if (again) {
			uint64_t t = lpar_time_monotonic() + 200000;

			/*
			 * For the generation that went down: if the link came
			 * up meanwhile, the monitor must ignore it.
			 */
			lpar_hcall2(LPAR_HC_RING_RESET, r->index, gen);
			while (lpar_time_monotonic() < t)
				;
		} else {
			lpar_block(lpar_time_monotonic() + 1000000);
		}
	}
	if (lpar_ring_wait_up(r, deadline()))
		return 1;
	printf("reset: linked again to %s\n", r->peer);
	if (round_trip(r, 2))
		return 1;
	if (again || event) {
		gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
		end = lpar_time_monotonic() + 300000000;
		while (lpar_time_monotonic() < end)
			lpar_block(end);
		if (lpar_ring_link(r) != LPAR_LINK_UP || r->gen != gen) {
			printf("reset: the link went down again by itself (link %d, generation %u, was %u)\n",
			       lpar_ring_link(r), r->gen, gen);
			return 1;
		}
		printf("reset: the link stays up\n");
	}
	return 0;
}
