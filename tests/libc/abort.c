/* SPDX-License-Identifier: ISC */
/* abort.c: output, then abort().  Usage: abort [flushed|buffered].
 * abort does not flush stdio and does not run atexit handlers: what stdout
 * still holds is lost, what was flushed and what went to stderr is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void handler(void)
{
	printf("an atexit handler ran on abort\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "flushed";

	atexit(handler);
	printf("about to abort (%s)\n", how);
	if (!strcmp(how, "flushed")) {
		printf("flushed before abort\n");
		fflush(stdout);
	} else {
		fflush(stdout);
		/* No newline, so that it stays in the buffer even if stdout
		 * were line buffered. */
		printf("still buffered at abort, so lost");
	}
	fputs("stderr is unbuffered, so this is shown\n", stderr);
	abort();
}
