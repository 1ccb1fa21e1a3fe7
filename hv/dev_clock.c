/* The clock device: monotonic and wall-clock time, and block(deadline). */
#include <errno.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
 * What the controller has raised, and controller input waiting, of the
 * bits in want: a bit not wanted is neither reported nor used up.
 */
static uint64_t raised(struct hv *hv, uint64_t want)
{
	uint64_t r;

	pthread_mutex_lock(&hv->lock);
	r = hv->raised & want;
	if (want & LPAR_READY_EVENT)
		hv->raised &= ~LPAR_READY_EVENT; /* reported once per raise; the bits wait in event_take */
	if ((want & LPAR_READY_TIMER) && hv->wake_at && hv_now(hv) >= hv->wake_at) {
		hv->wake_at = 0;
		r |= LPAR_READY_TIMER;
	}
	pthread_mutex_unlock(&hv->lock);
	if ((want & LPAR_READY_CONSOLE) && hv_console_ready(hv))
		r |= LPAR_READY_CONSOLE;
	return r;
}

/* The rings whose eventfds fired, which are read (cleared). */
static uint64_t ring_ready(const struct pollfd *fds, const uint64_t *bits, int n)
{
	uint64_t ready = 0, val;

	for (int i = 0; i < n; i++)
		if (fds[i].revents && read(fds[i].fd, &val, sizeof(val)) == sizeof(val))
			ready |= bits[i];
	return ready;
}

/* Drops the rings whose bits are not wanted (their eventfds keep the news). */
static int keep_wanted(struct pollfd *fds, uint64_t *bits, int n, uint64_t want)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (bits[i] & want) {
			fds[k] = fds[i];
			bits[k++] = bits[i];
		}
	return k;
}

/*
 * Sleeps the vCPU in ppoll() until something block() waits on is ready or
 * the deadline (monotonic ns) passes; returns the ready set.  A request
 * from the controller interrupts it: a pause sleeps here and then goes on
 * waiting; a kill or stop signal returns at once and the run loop ends.
 */
static int64_t hc_block(struct hv *hv, const uint64_t *a)
{
	uint64_t deadline = a[0], want = a[1] ? a[1] : ~0ull;
	struct pollfd fds[HV_WAKE_MAX + 2 + LPAR_RINGS_MAX];
	uint64_t ring_bit[LPAR_RINGS_MAX];

	for (;;) {
		int n = hv->nwake, con = -1, rings, nring;
		struct timespec ts, *tp = NULL;
		uint64_t ready = raised(hv, want);
		uint64_t now = hv_now(hv), val;
		int k;

		memcpy(fds, hv->wake, sizeof(hv->wake[0]) * (size_t)n);
		fds[n++] = (struct pollfd){ .fd = hv->event_fd, .events = POLLIN };
		rings = n;
		nring = hv_ring_pollfds(hv, fds + rings, ring_bit);
		nring = keep_wanted(fds + rings, ring_bit, nring, want);
		n += nring;
		if (ready)
			return (int64_t)ready;
		/* Input not wanted stays in the pipe: polling it would wake at once. */
		if (hv_console_in_fd(hv) >= 0 && (want & LPAR_READY_CONSOLE)) {
			con = n;
			fds[n++] = (struct pollfd){ .fd = hv_console_in_fd(hv), .events = POLLIN };
		}
		if (deadline != LPAR_DEADLINE_NEVER || hv->wake_at) {
			uint64_t until = deadline, left;

			/* A controller wake-up may come first. */
			pthread_mutex_lock(&hv->lock);
			if (hv->wake_at && hv->wake_at < until)
				until = hv->wake_at;
			pthread_mutex_unlock(&hv->lock);
			left = until > now ? until - now : 0;

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
		if (fds[hv->nwake].revents && read(hv->event_fd, &val, sizeof(val)) < 0)
			val = 0;
		if (con >= 0 && fds[con].revents)
			hv_console_fill(hv);
		for (int i = 0; i < hv->nwake; i++)
			if (fds[i].revents)
				ready |= hv->wake_bit[i];
		ready |= ring_ready(fds + rings, ring_bit, nring);
		ready |= raised(hv, want);
		if (ready)
			return (int64_t)ready;
		/* A timeout may have been for a wake-up that moved: only the deadline ends it. */
		if (k == 0 && deadline != LPAR_DEADLINE_NEVER && hv_now(hv) >= deadline)
			return 0;
	}
}

static const struct hv_hcall clock_hcalls[] = {
	{ .nr = LPAR_HC_TIME_MONOTONIC, .name = "time_monotonic", .who = HV_WHO_GUEST,
	  .fn = hc_time_monotonic, .types = "" },
	{ .nr = LPAR_HC_TIME_WALL, .name = "time_wall", .who = HV_WHO_GUEST,
	  .fn = hc_time_wall, .types = "" },
	{ .nr = LPAR_HC_BLOCK, .name = "block", .who = HV_WHO_GUEST, .args = { "deadline", "mask" },
	  .fn = hc_block, .types = "uu" },
};

const struct hv_device hv_dev_clock = {
	.name = "clock",
	.hcalls = clock_hcalls,
	.nhcalls = sizeof(clock_hcalls) / sizeof(clock_hcalls[0]),
};
