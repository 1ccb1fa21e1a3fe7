/* SPDX-License-Identifier: ISC */
/* The partition SDK's few functions that are not inline: around musl's stdio and exit. */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lpar_flush(void)
{
	fflush(stdout);
}

void lpar_exit(int status)
{
	exit(status);
}

void lpar_abort(const char *msg)
{
	fflush(stdout);
	for (;;)
		lpar_hcall2(LPAR_HC_ABORT, msg, strlen(msg));
}
