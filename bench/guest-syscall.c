/* SPDX-License-Identifier: ISC
 * guest-syscall: the cost of a system call served by the library OS.  An
 * ordinary musl program: N getppid() calls (default 20000), timed with
 * clock_gettime, printed as ns per call.  Natively it measures Linux's.
 * With "clock", N clock_gettime() calls instead (the vDSO's).
 * Usage: guest-syscall [N [clock]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	struct timespec t0, t1;
	long long ns;

	if (!n) {
		fprintf(stderr, "guest-syscall: bad count '%s'\n", argv[1]);
		return 2;
	}
	if (argc > 2 && !strcmp(argv[2], "clock")) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned long i = 0; i < n; i++)
			clock_gettime(CLOCK_MONOTONIC, &t);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
		printf("calls=%lu ns_per_clock=%lld\n", n, ns / (long long)n);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++)
		if (syscall(SYS_getppid) < 0)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
	printf("syscalls=%lu ns_per_syscall=%lld\n", n, ns / (long long)n);
	return 0;
}
