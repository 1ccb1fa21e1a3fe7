/*
 * The library OS's vDSO: what musl's clock_gettime calls before making a
 * syscall (found through AT_SYSINFO_EHDR).  It reads the partition's TSC
 * clock, so reading the time costs no exit; what it does not serve it
 * leaves to the syscall.
 */
#include <errno.h>
#include <lpar.h>
#include <time.h>

#include "clock.h"

__attribute__((visibility("default"))) int __vdso_clock_gettime(clockid_t clk, struct timespec *ts);

__attribute__((visibility("default"))) int __vdso_clock_gettime(clockid_t clk, struct timespec *ts)
{
	struct los_clock *c = (struct los_clock *)(uintptr_t)lpar_boot->clock;
	uint64_t ns;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		ns = los_clock_wall(c);
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		ns = los_clock_mono(c);
		break;
	default:
		return -EINVAL;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}
