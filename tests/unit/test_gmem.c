/* SPDX-License-Identifier: ISC */
/* Unit tests for the checked guest-memory accessor (hv/gmem.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../hv/gmem.h"

#define SIZE 0x4000u

static uint8_t ram[SIZE];
static const struct gmem mem = { ram, SIZE };

static void in_range(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_at(&mem, 0, 1), ram);
	assert_ptr_equal(gmem_at(&mem, 0, SIZE), ram);
	assert_ptr_equal(gmem_at(&mem, 0x1000, 0x1000), ram + 0x1000);
	assert_ptr_equal(gmem_at(&mem, SIZE - 1, 1), ram + SIZE - 1);
	assert_ptr_equal(gmem_at(&mem, 123, 0), ram + 123);
}

static void exact_end(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_at(&mem, SIZE - 8, 8), ram + SIZE - 8);
	assert_ptr_equal(gmem_at(&mem, 1, SIZE - 1), ram + 1);
}

static void one_past(void **state)
{
	(void)state;
	assert_null(gmem_at(&mem, SIZE - 8, 9));
	assert_null(gmem_at(&mem, 0, SIZE + 1));
	assert_null(gmem_at(&mem, 1, SIZE));
	assert_null(gmem_at(&mem, SIZE, 1));
	assert_null(gmem_at(&mem, SIZE + 0x1000, 4));
}

/* An empty range at the very end is in bounds; one byte further is not. */
static void len_zero(void **state)
{
	(void)state;
	assert_ptr_equal(gmem_at(&mem, SIZE, 0), ram + SIZE);
	assert_null(gmem_at(&mem, SIZE + 1, 0));
	assert_null(gmem_at(&mem, UINT64_MAX, 0));
}

/* gpa + len wraps past 2^64 to a small number: must still be refused. */
static void overflow(void **state)
{
	(void)state;
	assert_null(gmem_at(&mem, UINT64_MAX, 1));
	assert_null(gmem_at(&mem, UINT64_MAX, 2));       /* wraps to 1 */
	assert_null(gmem_at(&mem, UINT64_MAX - 7, 16));  /* wraps to 8 */
	assert_null(gmem_at(&mem, 1, UINT64_MAX));       /* wraps to 0 */
	assert_null(gmem_at(&mem, 0x10, UINT64_MAX - 0xf)); /* wraps to 0 */
	assert_null(gmem_at(&mem, 0x100, UINT64_MAX));
	assert_null(gmem_at(&mem, 0, UINT64_MAX));
	assert_null(gmem_at(&mem, (uint64_t)1 << 63, (uint64_t)1 << 63));
}

static void empty_memory(void **state)
{
	const struct gmem none = { ram, 0 };

	(void)state;
	assert_ptr_equal(gmem_at(&none, 0, 0), ram);
	assert_null(gmem_at(&none, 0, 1));
	assert_null(gmem_at(&none, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_range),
		cmocka_unit_test(exact_end),
		cmocka_unit_test(one_past),
		cmocka_unit_test(len_zero),
		cmocka_unit_test(overflow),
		cmocka_unit_test(empty_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
