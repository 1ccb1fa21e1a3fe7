/* SPDX-License-Identifier: ISC
 * bulk-send: streams MIB mebibytes (default 64) to bulk-recv over the
 * channel its ring "bulk" joins, in 64 KiB messages, then an empty
 * message to say it is done.  Message i holds bytes (i * 131 + k) & 0xff,
 * so the receiver can check every byte; with -n as a second argument
 * every message is the first one (for measuring the ring alone).
 *
 *   lpar run -d --chan bulk examples/bulk-recv.elf
 *   lpar run --chan bulk examples/bulk-send.elf 256
 */
#include <errno.h>
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG (64u << 10)

LPAR_RING(bulk, LPAR_RING_MSGS, 1u << 20);

static uint8_t buf[MSG];

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 64;
	int fill = !(argc > 2 && !strcmp(argv[2], "-n"));
	uint64_t n = (uint64_t)mib * (1u << 20) / MSG, t0;
	struct lpar_ring_hdr *r = lpar_ring(bulk);

	if (lpar_ring_wait_up(r, lpar_time_monotonic() + 10000000000ull)) {
		fprintf(stderr, "bulk-send: no receiver came within 10 s (run me with --chan NAME)\n");
		return 1;
	}
	t0 = lpar_time_monotonic();
	for (uint64_t i = 0; i < n; i++) {
		long e;

		for (uint32_t k = 0; (fill || !i) && k < MSG; k++)
			buf[k] = (uint8_t)(i * 131 + k);
		e = lpar_ring_send(r, buf, MSG, LPAR_DEADLINE_NEVER);
		if (e < 0) {
			fprintf(stderr, "bulk-send: message %llu: %s\n", (unsigned long long)i,
				strerror((int)-e));
			return 1;
		}
	}
	if (lpar_ring_send(r, buf, 0, LPAR_DEADLINE_NEVER) < 0)
		return 1;
	printf("bulk-send: sent %ld MiB in %llu ms to %s, %llu doorbells [doorbells=%llu]\n", mib,
	       (unsigned long long)((lpar_time_monotonic() - t0) / 1000000), r->peer,
	       (unsigned long long)lpar_ring_doorbells, (unsigned long long)lpar_ring_doorbells);
	return 0;
}
