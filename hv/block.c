/* SPDX-License-Identifier: ISC */
/*
 * block(deadline, mask), the one wait of every partition: the vCPU thread
 * sleeps in ppoll() on what the sources the devices registered offer
 * (console input, rings, the controller's event fd, its timer) until one
 * has a ready bit the partition wants, or the deadline passes.
 */
#include <errno.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/err.h"
#include "priv.h"

#define BLOCK_SRC_MAX (8 + LPAR_RINGS_MAX)
#define BLOCK_FDS_MAX (2 * BLOCK_SRC_MAX)

struct hv_block {
	struct {
		const struct hv_block_src *src;
		void *arg;
	} s[BLOCK_SRC_MAX];
	int n;
};

int hv_block_init(struct hv *hv, struct lerr *err)
{
	hv->block = calloc(1, sizeof(*hv->block));
	if (!hv->block)
		return lerr_set(err, ENOMEM, "out of memory");
	return 0;
}

void hv_block_fini(struct hv *hv)
{
	free(hv->block);
	hv->block = NULL;
}

int hv_block_add(struct hv *hv, const struct hv_block_src *src, void *arg)
{
	struct hv_block *b = hv->block;

	if (b->n == BLOCK_SRC_MAX)
		return -ENOSPC;
	b->s[b->n].src = src;
	b->s[b->n++].arg = arg;
	return 0;
}

/* What every source has ready now, of want. */
static uint64_t sources_ready(struct hv *hv, uint64_t want)
{
	struct hv_block *b = hv->block;
	uint64_t ready = 0;

	for (int i = 0; i < b->n; i++)
		if (b->s[i].src->ready)
			ready |= b->s[i].src->ready(hv, b->s[i].arg, want);
	return ready;
}

/* The first time a source must be looked at again, if before until. */
static uint64_t sources_due(struct hv *hv, uint64_t until)
{
	struct hv_block *b = hv->block;

	for (int i = 0; i < b->n; i++) {
		uint64_t d = b->s[i].src->due ? b->s[i].src->due(hv, b->s[i].arg) : 0;

		if (d && d < until)
			until = d;
	}
	return until;
}

/*
 * Sleeps the vCPU in ppoll() until something block() waits on is ready or
 * the deadline (monotonic ns) passes; returns the ready set.  A request
 * from the controller interrupts it: a pause sleeps here and then goes on
 * waiting; a kill or stop signal returns at once and the run loop ends.
 */
int64_t hv_block_hcall(struct hv *hv, const uint64_t *a)
{
	uint64_t deadline = a[0], want = a[1] ? a[1] : ~0ull;
	struct hv_block *b = hv->block;
	struct pollfd fds[BLOCK_FDS_MAX];
	int at[BLOCK_SRC_MAX + 1];

	for (;;) {
		uint64_t ready = sources_ready(hv, want);
		uint64_t now = hv_now(hv), until;
		struct timespec ts, *tp = NULL;
		int n = 0, k;

		if (ready)
			return (int64_t)ready;
		for (int i = 0; i < b->n; i++) {
			at[i] = n;
			if (b->s[i].src->fds)
				n += b->s[i].src->fds(hv, b->s[i].arg, want, fds + n,
						      BLOCK_FDS_MAX - n);
		}
		at[b->n] = n;
		/* A source's own time (the controller's wake-up) may come first. */
		until = sources_due(hv, deadline);
		if (until != LPAR_DEADLINE_NEVER) {
			uint64_t left = until > now ? until - now : 0;

			ts.tv_sec = (time_t)(left / 1000000000);
			ts.tv_nsec = (long)(left % 1000000000);
			tp = &ts;
		}
		k = ppoll(fds, (nfds_t)n, tp, &hv->run_mask);
		if (k < 0 && errno == EINTR) {
			if (hv_yield(hv))
				return 0;
			continue;
		}
		if (k < 0)
			return -errno;
		for (int i = 0; i < b->n; i++)
			if (b->s[i].src->polled && at[i + 1] > at[i])
				ready |= b->s[i].src->polled(hv, b->s[i].arg, fds + at[i],
							     at[i + 1] - at[i]);
		ready |= sources_ready(hv, want);
		if (ready)
			return (int64_t)ready;
		/* A timeout may have been for a wake-up that moved: only the deadline ends it. */
		if (k == 0 && deadline != LPAR_DEADLINE_NEVER && hv_now(hv) >= deadline)
			return 0;
	}
}
