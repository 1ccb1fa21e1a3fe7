/* SPDX-License-Identifier: ISC
 * bulk-recv: takes what bulk-send streams over the channel its ring
 * "bulk" joins, checks every byte, and reports the rate when the empty
 * message ends the stream.  With -n it only counts (for measuring the
 * ring, not the check).
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
	int check = !(argc > 1 && !strcmp(argv[1], "-n"));
	struct lpar_ring_hdr *r = lpar_ring(bulk);
	uint64_t bytes = 0, i = 0, t0 = 0;

	for (;;) {
		long n = lpar_ring_recv(r, buf, sizeof(buf), 0);

		if (n == -EAGAIN || n == -ENOTCONN) {
			if (lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN)
				return 0;
			continue;
		}
		if (n == -ECONNRESET) {
			bytes = i = t0 = 0; /* a new sender: start over */
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "bulk-recv: %s\n", strerror((int)-n));
			return 1;
		}
		if (!t0)
			t0 = lpar_time_monotonic();
		if (n == 0)
			break;
		for (uint32_t k = 0; check && k < (uint32_t)n; k++)
			if (buf[k] != (uint8_t)(i * 131 + k)) {
				fprintf(stderr, "bulk-recv: message %llu, byte %u: got %u, want %u\n",
					(unsigned long long)i, k, buf[k], (uint8_t)(i * 131 + k));
				return 1;
			}
		bytes += (uint64_t)n;
		i++;
	}
	{
		uint64_t ns = lpar_time_monotonic() - t0;

		printf("bulk-recv: %llu MiB in %llu ms (%llu MB/s)%s, %llu doorbells [bytes=%llu ns=%llu doorbells=%llu]\n",
		       (unsigned long long)(bytes >> 20), (unsigned long long)(ns / 1000000),
		       (unsigned long long)(ns ? bytes * 1000 / ns : 0),
		       check ? ", every byte as sent" : "",
		       (unsigned long long)lpar_ring_doorbells, (unsigned long long)bytes,
		       (unsigned long long)ns, (unsigned long long)lpar_ring_doorbells);
	}
	return 0;
}
