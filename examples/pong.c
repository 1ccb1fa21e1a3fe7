/* SPDX-License-Identifier: ISC
 * pong: answers every "ping N" on the channel its ring "link" joins with
 * "pong N", until asked to stop (lpar stop) or, given COUNT, after COUNT
 * answers.  It waits the event-loop way: take what is there without
 * waiting, else block() for whatever comes next, so a stop request, the
 * link going down and up, and new messages all wake it.
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LPAR_RING(link, LPAR_RING_MSGS, 4096);

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
	struct lpar_ring_hdr *r = lpar_ring(link);
	char buf[256];

	if (lpar_ring_link(r) == LPAR_LINK_NONE) {
		fprintf(stderr, "pong: ring 'link' joins no channel (run me with --chan NAME)\n");
		return 2;
	}
	while (count) {
		long n = lpar_ring_recv(r, buf, sizeof(buf) - 8, 0);

		if (n == -EAGAIN || n == -ENOTCONN) {
			if (lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN)
				return 0;
			continue;
		}
		if (n == -ECONNRESET) {
			printf("pong: the link was reset; now linked to %s\n", r->peer);
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "pong: %s\n", strerror((int)-n));
			return 1;
		}
		buf[n] = '\0';
		if (strncmp(buf, "ping ", 5)) {
			fprintf(stderr, "pong: unexpected message '%s'\n", buf);
			continue;
		}
		memcpy(buf, "pong", 4);
		if ((n = lpar_ring_send(r, buf, (size_t)n, LPAR_DEADLINE_NEVER)) < 0)
			fprintf(stderr, "pong: cannot answer: %s\n", strerror((int)-n));
		else if (count > 0)
			count--;
	}
	return 0;
}
