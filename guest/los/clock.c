/* SPDX-License-Identifier: ISC */
/* The TSC clock (clock.h): built into the library OS and into its vDSO. */
#include <errno.h>
#include <lpar.h>
#include <time.h>

#include "clock.h"

#define SEGMENT_NS  1000000000ull /* calibrate again after about a second */
#define BASELINE_NS 20000000ull   /* the rate needs a baseline this long */

static uint64_t mul32(uint64_t ticks, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
}

/* (n << 32) / d, for n / d below 2^32 (no libgcc here for a 128-bit division). */
static uint64_t div32(uint64_t n, uint64_t d)
{
	uint64_t q, r, hi = n >> 32, lo = n << 32;

	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
	(void)r;
	return q;
}

/*
 * One sample of the monitor's clock, with the TSC at the middle of the
 * exit that read it: off by at most half the exit's length.
 */
static uint64_t sample(uint64_t *tsc)
{
	uint64_t a = __builtin_ia32_rdtsc(), ns, b;

	ns = (uint64_t)lpar_hcall0(LPAR_HC_TIME_MONOTONIC);
	b = __builtin_ia32_rdtsc();
	*tsc = a + (b - a) / 2;
	return ns;
}

/* Takes a sample; sets the rate and a new segment once the baseline is long enough. */
static uint64_t calibrate(struct los_clock *c)
{
	uint64_t tsc, ns = sample(&tsc), rate, v;
	int64_t ahead;

	if (!c->first_tsc) {
		c->first_tsc = tsc;
		c->first_ns = ns;
	}
	c->wall_off = (int64_t)((uint64_t)lpar_hcall0(LPAR_HC_TIME_WALL) - ns);
	if (ns - c->first_ns < BASELINE_NS || tsc <= c->first_tsc)
		return ns; /* not yet: the monitor's reading it is */
	/* ns per tick, 32.32: a TSC slower than 1 Hz or faster than 2^32 GHz is not one. */
	if ((ns - c->first_ns) >> 32 >= tsc - c->first_tsc)
		return ns;
	rate = div32(ns - c->first_ns, tsc - c->first_tsc);
	if (!rate)
		return ns;
	if (!c->ready) {
		v = ns;
		ahead = 0;
	} else {
		/* Go on from where this clock is; run slower or faster to meet the monitor's. */
		v = c->ns0 + mul32(tsc - c->tsc0, c->mult);
		ahead = (int64_t)(v - ns);
		if (ahead > (int64_t)(SEGMENT_NS / 100))
			ahead = (int64_t)(SEGMENT_NS / 100);
		if (ahead < -(int64_t)(SEGMENT_NS / 100))
			ahead = -(int64_t)(SEGMENT_NS / 100);
	}
	/* |ahead| <= 10^7 and rate < 2^40 or so: the product fits. */
	c->mult = (uint64_t)((int64_t)rate - (int64_t)rate / 1000 * ahead / (int64_t)(SEGMENT_NS / 1000));
	c->tsc0 = tsc;
	c->ns0 = v;
	c->ticks = (SEGMENT_NS << 32) / rate;
	c->ready = 1;
	return v;
}

uint64_t los_clock_mono(struct los_clock *c)
{
	uint64_t t = __builtin_ia32_rdtsc(), v;

	if (c->ready && t >= c->tsc0 && t - c->tsc0 < c->ticks)
		v = c->ns0 + mul32(t - c->tsc0, c->mult);
	else
		v = calibrate(c);
	if (v < c->last)
		v = c->last;
	c->last = v;
	return v;
}

uint64_t los_clock_wall(struct los_clock *c)
{
	uint64_t m = los_clock_mono(c);

	return m + (uint64_t)c->wall_off;
}

int los_clock_read(struct los_clock *c, long clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = los_clock_wall(c);
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = los_clock_mono(c);
		return 0;
	default:
		return -EINVAL;
	}
}
