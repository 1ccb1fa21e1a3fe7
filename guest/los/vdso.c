/* SPDX-License-Identifier: ISC
 * The library OS's vDSO: what musl's clock_gettime calls before making a
 * syscall (found through AT_SYSINFO_EHDR).  It reads the partition's TSC
 * clock, so reading the time costs no exit; what it does not serve it
 * leaves to the syscall.
 */
#include <lpar.h>
#include <time.h>

#include "clock.h"

__attribute__((visibility("default"))) int __vdso_clock_gettime(clockid_t clk, struct timespec *ts);

__attribute__((visibility("default"))) int __vdso_clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;
	int r = los_clock_read((struct los_clock *)(uintptr_t)lpar_boot->clock, clk, &ns);

	if (r)
		return r;
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}
