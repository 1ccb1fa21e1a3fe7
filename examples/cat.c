/* SPDX-License-Identifier: ISC */
/* cat: copies console input to console output until end of input, or until asked to stop. */
#include <lpar.h>
#include <errno.h>

int main(void)
{
	char buf[4096];

	for (;;) {
		long n = lpar_console_read(buf, sizeof(buf));

		if (n == -EAGAIN) {
			if (lpar_block(LPAR_DEADLINE_NEVER) & LPAR_READY_SHUTDOWN)
				return 0;
			continue;
		}
		if (n <= 0)
			return n < 0 ? 1 : 0;
		if (lpar_console_write(buf, (size_t)n) < 0)
			return 1;
	}
}
