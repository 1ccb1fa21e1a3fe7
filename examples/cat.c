/* cat: copies console input to console output until end of input. */
#include <lpar.h>
#include <errno.h>

int main(void)
{
	char buf[4096];

	for (;;) {
		long n = lpar_console_read(buf, sizeof(buf));

		if (n == -EAGAIN) {
			lpar_block(LPAR_DEADLINE_NEVER);
			continue;
		}
		if (n <= 0)
			return n < 0 ? 1 : 0;
		if (lpar_console_write(buf, (size_t)n) < 0)
			return 1;
	}
}
