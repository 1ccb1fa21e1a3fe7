/* SPDX-License-Identifier: ISC
 * The partition's clock, read from the TSC without leaving the partition:
 * shared by the library OS (clock_gettime, nanosleep) and its vDSO (what
 * musl's clock_gettime calls first), which read and calibrate the same
 * state in the library OS's data.  The monitor's clock (the time hcalls)
 * is the reference; the TSC is calibrated against it over an ever longer
 * baseline and the difference slewed away, never stepped back.
 */
#ifndef LPAR_LOS_CLOCK_H
#define LPAR_LOS_CLOCK_H

#include <stdint.h>

struct los_clock {
	uint64_t tsc0, ns0;        /* the current segment starts here */
	uint64_t mult;             /* ns per TSC tick, 32.32 fixed point */
	uint64_t ticks;            /* the segment's length: calibrate again after it */
	uint64_t first_tsc, first_ns; /* the first sample: the baseline for the rate */
	uint64_t last;             /* the last monotonic value read: never go back */
	int64_t wall_off;          /* wall clock minus monotonic, ns */
	uint32_t ready;            /* mult and the segment are set */
};

/* Monotonic ns since the partition booted, as the monitor's time hcall counts. */
uint64_t los_clock_mono(struct los_clock *c);
/* The wall clock: ns since the Epoch. */
uint64_t los_clock_wall(struct los_clock *c);
/*
 * Clock clk (a clockid_t) in *ns: REALTIME and its kin the wall clock,
 * every other clock the monotonic one (CPU time is elapsed time); 0, or
 * -EINVAL for a clock there is not.
 */
int los_clock_read(struct los_clock *c, long clk, uint64_t *ns);

#endif
