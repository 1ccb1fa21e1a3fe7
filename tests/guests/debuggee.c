/* SPDX-License-Identifier: ISC
 * debuggee: the partition the debugger tests drive.  A loop bumps a
 * counter through a function until it reaches a limit (which a debugger
 * may change), then exits with the counter as its status.
 */
#include <lpar.h>
#include <stdio.h>

volatile long counter;
volatile long limit = 5;
const char greeting[] = "hello, debugger";

__attribute__((noinline)) long bump(long x)
{
	return x + 1;
}

int main(void)
{
	puts(greeting);
	while (counter < limit) {
		counter = bump(counter);
		lpar_block(lpar_time_monotonic() + 20 * 1000000ull);
	}
	printf("counter %ld\n", counter);
	return (int)(counter & 0x7f);
}
