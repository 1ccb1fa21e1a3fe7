/* SPDX-License-Identifier: ISC */
/* exitcode: exits with the status it is given (default 0). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char *end;
	long v;

	if (argc < 2)
		return 0;
	v = strtol(argv[1], &end, 0);
	if (*end || end == argv[1]) {
		printf("exitcode: not a number: %s\n", argv[1]);
		return 255;
	}
	return (int)v;
}
