/* SPDX-License-Identifier: ISC
 * Shared by the test partitions: one "ok: ..." or "FAIL: ..." line per
 * check; a partition exits with check_failed so that any failure shows.
 */
#ifndef LPAR_TEST_CHECK_H
#define LPAR_TEST_CHECK_H

#include <stdio.h>

static int check_failed;

static void check(const char *what, long got, long want)
{
	if (got == want) {
		printf("ok: %s = %ld\n", what, got);
	} else {
		printf("FAIL: %s = %ld, want %ld\n", what, got, want);
		check_failed = 1;
	}
}

#endif
