/* SPDX-License-Identifier: ISC
 * A well-behaved receiver on the channel its ring "link" (messages, 4 KiB)
 * joins, for tests of hostile peers: prints every message it gets as
 * "recv: got 'TEXT'", every reset as "recv: reset", and goes on until it
 * has got COUNT messages (argv[1], default: until a stop request).  A
 * message "quit" ends it too.  It waits the event-loop way, as pong does.
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
	char buf[512];

	if (lpar_ring_link(r) == LPAR_LINK_NONE) {
		printf("recv: ring 'link' joins no channel\n");
		return 2;
	}
	printf("recv: ready\n");
	while (count) {
		long n = lpar_ring_recv(r, buf, sizeof(buf) - 1, 0);

		if (n == -EAGAIN || n == -ENOTCONN) {
			if (lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN) {
				printf("recv: stopping\n");
				return 0;
			}
			continue;
		}
		if (n == -ECONNRESET) {
			printf("recv: reset\n");
			continue;
		}
		if (n < 0) {
			printf("recv: error %s\n", strerror((int)-n));
			return 1;
		}
		buf[n] = '\0';
		printf("recv: got '%s'\n", buf);
		if (!strcmp(buf, "quit"))
			return 0;
		if (count > 0)
			count--;
	}
	return 0;
}
