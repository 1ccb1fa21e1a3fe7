/* SPDX-License-Identifier: ISC
 * The clock device: monotonic and wall-clock time, the controller's
 * wake-up, and the block hcall's place in the table (its home is block.c).
 */
#include <errno.h>
#include <lpar/hcall.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/err.h"
#include "priv.h"

static int64_t hc_time_monotonic(struct hv *hv, const uint64_t *a)
{
	(void)a;
	return (int64_t)hv_now(hv);
}

static int64_t hc_time_wall(struct hv *hv, const uint64_t *a)
{
	struct timespec ts;

	(void)hv;
	(void)a;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The clock's own state: the controller's wake-up (hcall "wake"). */
struct hv_clock {
	uint64_t wake_at;          /* ns since boot it is due, or 0; under hv->lock */
};

void hv_clock_wake(struct hv *hv, uint64_t ns)
{
	pthread_mutex_lock(&hv->lock);
	hv->clock->wake_at = hv_now(hv) + ns;
	pthread_mutex_unlock(&hv->lock);
}

/* block(): the wake-up has come; reported once. */
static uint64_t timer_ready(struct hv *hv, void *arg, uint64_t want)
{
	struct hv_clock *c = arg;
	uint64_t r = 0;

	if (!(want & LPAR_READY_TIMER))
		return 0;
	pthread_mutex_lock(&hv->lock);
	if (c->wake_at && hv_now(hv) >= c->wake_at) {
		c->wake_at = 0;
		r = LPAR_READY_TIMER;
	}
	pthread_mutex_unlock(&hv->lock);
	return r;
}

/* block() looks again when the wake-up is due. */
static uint64_t timer_due(struct hv *hv, void *arg)
{
	struct hv_clock *c = arg;
	uint64_t at;

	pthread_mutex_lock(&hv->lock);
	at = c->wake_at;
	pthread_mutex_unlock(&hv->lock);
	return at;
}

static const struct hv_block_src timer_src = { .ready = timer_ready, .due = timer_due };

static int clock_init(struct hv *hv, struct lerr *err)
{
	int e;

	hv->clock = calloc(1, sizeof(*hv->clock));
	if (!hv->clock)
		return lerr_set(err, ENOMEM, "out of memory");
	e = hv_block_add(hv, &timer_src, hv->clock);
	if (e) {
		free(hv->clock);
		hv->clock = NULL;
		return lerr_set(err, -e, "block() cannot wait on the clock: %s", strerror(-e));
	}
	return 0;
}

static void clock_fini(struct hv *hv)
{
	free(hv->clock);
	hv->clock = NULL;
}

static const struct hv_hcall clock_hcalls[] = {
	{ .nr = LPAR_HC_TIME_MONOTONIC, .fn = hc_time_monotonic },
	{ .nr = LPAR_HC_TIME_WALL, .fn = hc_time_wall },
	/* Waiting is the clock's hcall; what it waits on is in block.c. */
	{ .nr = LPAR_HC_BLOCK, .fn = hv_block_hcall },
};

const struct hv_device hv_dev_clock = {
	.name = "clock",
	.init = clock_init,
	.fini = clock_fini,
	.hcalls = clock_hcalls,
	.nhcalls = sizeof(clock_hcalls) / sizeof(clock_hcalls[0]),
};
