/* SPDX-License-Identifier: ISC
 * The console, which fds 0, 1 and 2 start as (fd.c).  Output goes through the image's console
 * ring when it declares one and the monitor linked it, else through the
 * console hcall; input comes from the console hcall, waiting in block()
 * while none is there.  A shutdown request from the controller (lpar stop)
 * ends the partition while it waits, as SIGTERM ends a Linux process.
 */
#include <errno.h>

#include "los.h"

static long con_write(const char *s, size_t n)
{
	struct lpar_ring_hdr *ring = (struct lpar_ring_hdr *)(uintptr_t)lpar_boot->console_ring;
	size_t done = 0;

	if (ring && lpar_ring_link(ring) == LPAR_LINK_UP) {
		long r = lpar_ring_write(ring, s, n, LPAR_DEADLINE_NEVER);

		if (r == -ECONNRESET) /* the monitor reset it: the rest goes on */
			r = lpar_ring_write(ring, s, n, LPAR_DEADLINE_NEVER);
		if (r > 0)
			done = (size_t)r;
	}
	while (done < n) {
		long r = lpar_hcall2(LPAR_HC_CONSOLE_WRITE, s + done, n - done);

		if (r <= 0)
			return done ? (long)done : (r ? r : -EIO);
		done += (size_t)r;
	}
	return (long)n;
}

long los_con_write(const void *buf, size_t len)
{
	if (!len)
		return 0;
	return con_write(buf, len);
}

long los_con_read(void *buf, size_t len)
{
	if (!len)
		return 0;
	for (;;) {
		long n = lpar_hcall2(LPAR_HC_CONSOLE_READ, buf, len);

		if (n != -EAGAIN)
			return n;
		los_wait(LPAR_DEADLINE_NEVER, LPAR_READY_CONSOLE);
	}
}
