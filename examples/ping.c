/* SPDX-License-Identifier: ISC
 * ping: sends "ping N" over the channel its ring "link" joins and waits
 * for "pong N", ROUNDS times (default 5).  Run it beside pong:
 *
 *   lpar run -d --chan pp examples/pong.elf
 *   lpar run --chan pp examples/ping.elf 3
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LPAR_RING(link, LPAR_RING_MSGS, 4096);

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 5;
	uint64_t timeout = 10 * 1000000000ull;

	if (lpar_ring_link(lpar_ring(link)) == LPAR_LINK_NONE) {
		fprintf(stderr, "ping: ring 'link' joins no channel (run me with --chan NAME)\n");
		return 2;
	}
	if (lpar_ring_wait_up(lpar_ring(link), lpar_time_monotonic() + timeout)) {
		fprintf(stderr, "ping: no peer came within 10 s\n");
		return 1;
	}
	printf("ping: linked to %s\n", lpar_ring(link)->peer);
	for (long i = 1; i <= rounds; i++) {
		char msg[64], reply[64], want[64];
		uint64_t t0 = lpar_time_monotonic();
		long n;

		snprintf(msg, sizeof(msg), "ping %ld", i);
		snprintf(want, sizeof(want), "pong %ld", i);
		n = lpar_ring_send(lpar_ring(link), msg, strlen(msg), t0 + timeout);
		if (n >= 0)
			n = lpar_ring_recv(lpar_ring(link), reply, sizeof(reply) - 1, t0 + timeout);
		if (n < 0) {
			fprintf(stderr, "ping: round %ld: %s\n", i, strerror((int)-n));
			return 1;
		}
		reply[n] = '\0';
		if (strcmp(reply, want)) {
			fprintf(stderr, "ping: round %ld: got '%s', want '%s'\n", i, reply, want);
			return 1;
		}
		printf("%s: %llu us\n", reply,
		       (unsigned long long)((lpar_time_monotonic() - t0) / 1000));
	}
	return 0;
}
