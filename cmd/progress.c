/* SPDX-License-Identifier: ISC
 * The progress line of cmd/progress.h.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "../common/num.h"
#include "progress.h"

#define MIN_TOTAL (1024 * 1024)
#define EVERY_NS 200000000ull

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->what = what;
	p->total = total;
	p->t0 = p->last = now_ns();
	p->on = total >= MIN_TOTAL && isatty(STDERR_FILENO);
}

/* Bytes per second over [t0, now], as "12.3 MiB". */
static const char *rate(const struct progress *p, uint64_t done, uint64_t now, char *buf,
			size_t len)
{
	uint64_t ns = now > p->t0 ? now - p->t0 : 1;

	return num_format_size((uint64_t)((double)done * 1e9 / (double)ns), buf, len);
}

void progress_update(struct progress *p, uint64_t done)
{
	char d[32], t[32], r[32];
	uint64_t now;

	if (!p->on)
		return;
	now = now_ns();
	if (now - p->last < EVERY_NS)
		return;
	p->last = now;
	rate(p, done, now, r, sizeof(r));
	num_format_size(done, d, sizeof(d));
	num_format_size(p->total, t, sizeof(t));
	if (done && done < p->total) {
		double left = (double)(now - p->t0) / 1e9 * (double)(p->total - done) / (double)done;

		fprintf(stderr, "\r%s: %s of %s (%u%%), %s/s, %.0f s left\033[K", p->what, d, t,
			(unsigned)(done * 100 / p->total), r, left);
	} else {
		fprintf(stderr, "\r%s: %s of %s, %s/s\033[K", p->what, d, t, r);
	}
}

void progress_end(struct progress *p, uint64_t done)
{
	char d[32], r[32];
	uint64_t now;

	if (!p->on)
		return;
	now = now_ns();
	fprintf(stderr, "\r%s: %s in %.1f s, %s/s\033[K\n", p->what,
		num_format_size(done, d, sizeof(d)), (double)(now - p->t0) / 1e9,
		rate(p, done, now, r, sizeof(r)));
}

void progress_stop(struct progress *p)
{
	if (p->on && p->last != p->t0)
		fputs("\r\033[K", stderr);
}
