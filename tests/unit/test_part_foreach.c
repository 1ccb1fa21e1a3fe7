/* SPDX-License-Identifier: ISC */
/* Unit tests for listing the partitions of a run directory (libpart/part.c: part_foreach). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/err.h"
#include "../../libpart/part.h"

static int count(void *arg, const char *name)
{
	(void)name;
	++*(int *)arg;
	return 0;
}

/* An empty run directory: no names, so nothing to sort (qsort of NULL). */
static void empty_rundir(void **state)
{
	char dir[] = "/tmp/lpar-test-foreach-XXXXXX";
	struct lerr err = { 0 };
	int n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("LPAR_RUNDIR", dir, 1), 0);
	assert_int_equal(part_foreach(count, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_rundir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
