/* SPDX-License-Identifier: ISC */
/* Batch-benchmark partition: sleeps MS milliseconds, then exits with CODE.  Usage: guest-batch MS CODE */
#include <lpar.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long ms = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	int code = argc > 2 ? atoi(argv[2]) : 0;
	uint64_t deadline = lpar_time_monotonic() + ms * 1000000ull;

	while (lpar_time_monotonic() < deadline)
		if (lpar_block(deadline) & LPAR_READY_SHUTDOWN)
			break;
	return code;
}
