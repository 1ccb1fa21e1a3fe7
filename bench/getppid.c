/* SPDX-License-Identifier: ISC */
/*
 * getppid: the host's cheapest system call round trip, bench/run's baseline
 * for a TCG partition's null hcall and library-OS syscall where there is no
 * KVM to compare with.  Does N getppid() calls (default 1000000) and prints
 * the mean, timed with the monotonic clock.  Usage: getppid [N]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000;
	uint64_t t0, t1;
	char *end;

	if (argc > 1) {
		errno = 0;
		n = strtoul(argv[1], &end, 10);
		if (errno || *end || end == argv[1] || n == 0) {
			fprintf(stderr, "getppid: bad count '%s'\n", argv[1]);
			return 2;
		}
	}
	t0 = now_ns();
	/* syscall(), not getppid(): a libc must not answer from a cache */
	for (unsigned long i = 0; i < n; i++)
		if (syscall(SYS_getppid) < 0) {
			perror("getppid: getppid");
			return 1;
		}
	t1 = now_ns();
	printf("calls=%lu ns_per_call=%llu\n", n,
	       (unsigned long long)((t1 - t0 + n / 2) / n));
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "getppid: cannot write the result\n");
		return 1;
	}
	return 0;
}
