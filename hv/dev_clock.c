/* The clock device: monotonic and wall-clock time, and block(deadline). */
#include <errno.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <time.h>

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

/*
 * Sleeps the vCPU in ppoll() until something block() waits on is ready or
 * the deadline (monotonic ns) passes; returns the ready set.  A stop signal
 * wakes it too and the run loop ends the partition.
 */
static int64_t hc_block(struct hv *hv, const uint64_t *a)
{
	uint64_t deadline = a[0];

	for (;;) {
		struct timespec ts, *tp = NULL;
		uint32_t ready = 0;
		uint64_t now = hv_now(hv);
		int n;

		if (deadline != LPAR_DEADLINE_NEVER) {
			uint64_t left = deadline > now ? deadline - now : 0;

			ts.tv_sec = (time_t)(left / 1000000000);
			ts.tv_nsec = (long)(left % 1000000000);
			tp = &ts;
		}
		n = ppoll(hv->wake, (nfds_t)hv->nwake, tp, &hv->run_mask);
		if (n < 0 && errno == EINTR) {
			if (hv_pending_signal)
				return 0;
			continue;
		}
		if (n < 0)
			return -errno;
		for (int i = 0; i < hv->nwake; i++)
			if (hv->wake[i].revents)
				ready |= hv->wake_bit[i];
		return ready;
	}
}

static const struct hv_hcall clock_hcalls[] = {
	{ LPAR_HC_TIME_MONOTONIC, "time_monotonic", HV_WHO_GUEST, { NULL }, hc_time_monotonic },
	{ LPAR_HC_TIME_WALL, "time_wall", HV_WHO_GUEST, { NULL }, hc_time_wall },
	{ LPAR_HC_BLOCK, "block", HV_WHO_GUEST, { "deadline" }, hc_block },
};

const struct hv_device hv_dev_clock = {
	.name = "clock",
	.hcalls = clock_hcalls,
	.nhcalls = sizeof(clock_hcalls) / sizeof(clock_hcalls[0]),
};
