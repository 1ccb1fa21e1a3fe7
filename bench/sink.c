/* SPDX-License-Identifier: ISC
 * sink: reads standard input to its end as fast as it can (a pipe made
 * 1 MiB large, 1 MiB reads) and prints only its last line: the consumer
 * for "partition -> monitor" streams.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BUF (1u << 20)

int main(void)
{
	static char buf[BUF], last[4096];
	size_t keep = 0;
	ssize_t n;

	fcntl(0, F_SETPIPE_SZ, BUF);
	while ((n = read(0, buf, BUF)) > 0) {
		char *nl = NULL;

		/* The last line: what follows the next-to-last newline. */
		for (ssize_t i = n - 1; i >= 0 && !nl; i--)
			if (buf[i] == '\n' && i != n - 1)
				nl = buf + i;
		if (nl) {
			size_t k = (size_t)(buf + n - nl - 1);

			keep = k < sizeof(last) ? k : 0;
			memcpy(last, nl + 1, keep);
		} else if (keep + (size_t)n < sizeof(last)) {
			memcpy(last + keep, buf, (size_t)n);
			keep += (size_t)n;
		} else {
			keep = 0;
		}
	}
	fwrite(last, 1, keep, stdout);
	return n < 0;
}
