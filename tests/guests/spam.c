/* SPDX-License-Identifier: ISC */
/* spam: writes lines to the console forever, for tests of a closed output. */
#include <lpar.h>
#include <string.h>

int main(void)
{
	char buf[4096];

	for (size_t i = 0; i < sizeof(buf); i += 2)
		memcpy(buf + i, "y\n", 2);
	for (;;)
		if (lpar_console_write(buf, sizeof(buf)) < 0)
			return 3;
}
