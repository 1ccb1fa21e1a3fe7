/* SPDX-License-Identifier: ISC */
/* Unit tests for the checked number parser and size formatter (common/num.c). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/num.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

struct u64_case {
	const char *in;
	int ret;
	uint64_t want; /* only when ret == 0 */
};

/* Runs fn over cases; on failure *out must be left alone. */
static void check_u64(int (*fn)(const char *, uint64_t *),
		      const struct u64_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = SENTINEL;
		int r = fn(c[i].in, &v);

		if (r != c[i].ret)
			fail_msg("input \"%s\": returned %d, want %d", c[i].in ? c[i].in : "(null)",
				 r, c[i].ret);
		if (r == 0 && v != c[i].want)
			fail_msg("input \"%s\": got %llu, want %llu", c[i].in,
				 (unsigned long long)v, (unsigned long long)c[i].want);
		if (r != 0 && v != SENTINEL)
			fail_msg("input \"%s\": failed but wrote %llu", c[i].in ? c[i].in : "(null)",
				 (unsigned long long)v);
	}
}

#define CHECK_U64(fn, cases) check_u64(fn, cases, sizeof(cases) / sizeof(cases[0]))

static void u64_decimal_and_hex(void **state)
{
	static const struct u64_case c[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },
		{ "42", 0, 42 },
		{ "4096", 0, 4096 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "0x0", 0, 0 },
		{ "0x10", 0, 16 },
		{ "0XfF", 0, 255 },
		{ "0xdeadBEEF", 0, 0xdeadbeef },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
	};

	(void)state;
	CHECK_U64(num_parse_u64, c);
}

static void u64_overflow(void **state)
{
	static const struct u64_case c[] = {
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
	};

	(void)state;
	CHECK_U64(num_parse_u64, c);
}

static void u64_junk(void **state)
{
	static const struct u64_case c[] = {
		{ "", -EINVAL, 0 },
		{ NULL, -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-0", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "\t1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1\n", -EINVAL, 0 },
		{ "12abc", -EINVAL, 0 },
		{ "abc", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "0xg", -EINVAL, 0 },
		{ "1.5", -EINVAL, 0 },
		{ "1K", -EINVAL, 0 }, /* suffixes are for sizes only */
		{ "0b101", -EINVAL, 0 }, /* no binary, even where C23 strtoull has it */
		{ "0B1", -EINVAL, 0 },
	};

	(void)state;
	CHECK_U64(num_parse_u64, c);
}

/* num.h promises "decimal, or hex with 0x": a leading zero is not octal. */
static void u64_leading_zero_is_decimal(void **state)
{
	static const struct u64_case c[] = {
		{ "010", 0, 10 },
		{ "09", 0, 9 },
		{ "0100", 0, 100 },
	};

	(void)state;
	CHECK_U64(num_parse_u64, c);
}

static void size_plain_and_hex(void **state)
{
	static const struct u64_case c[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },
		{ "4096", 0, 4096 },
		{ "0x1000", 0, 4096 },
		{ "0x10K", 0, 16 << 10 },
		{ "18446744073709551615", 0, UINT64_MAX },
	};

	(void)state;
	CHECK_U64(num_parse_size, c);
}

static void size_suffixes(void **state)
{
	static const struct u64_case c[] = {
		{ "1K", 0, 1ull << 10 },
		{ "1k", 0, 1ull << 10 },
		{ "1KB", 0, 1ull << 10 },
		{ "1kb", 0, 1ull << 10 },
		{ "1Kb", 0, 1ull << 10 },
		{ "1KiB", 0, 1ull << 10 },
		{ "1kib", 0, 1ull << 10 },
		{ "1KIB", 0, 1ull << 10 },
		{ "64M", 0, 64ull << 20 },
		{ "64m", 0, 64ull << 20 },
		{ "64MB", 0, 64ull << 20 },
		{ "64MiB", 0, 64ull << 20 },
		{ "2G", 0, 2ull << 30 },
		{ "2g", 0, 2ull << 30 },
		{ "2GiB", 0, 2ull << 30 },
		{ "3T", 0, 3ull << 40 },
		{ "3tb", 0, 3ull << 40 },
		{ "3TiB", 0, 3ull << 40 },
		{ "0M", 0, 0 },
		{ "16777215T", 0, 16777215ull << 40 },
		{ "17179869183G", 0, 17179869183ull << 30 },
	};

	(void)state;
	CHECK_U64(num_parse_size, c);
}

static void size_overflow(void **state)
{
	static const struct u64_case c[] = {
		{ "16777216T", -ERANGE, 0 },       /* 2^24 TiB = 2^64 */
		{ "17179869184G", -ERANGE, 0 },    /* 2^34 GiB = 2^64 */
		{ "18014398509481984K", -ERANGE, 0 }, /* 2^54 KiB = 2^64 */
		{ "18446744073709551615K", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
	};

	(void)state;
	CHECK_U64(num_parse_size, c);
}

static void size_junk(void **state)
{
	static const struct u64_case c[] = {
		{ "", -EINVAL, 0 },
		{ NULL, -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-1M", -EINVAL, 0 },
		{ "+1M", -EINVAL, 0 },
		{ " 1M", -EINVAL, 0 },
		{ "1M ", -EINVAL, 0 },
		{ "1 M", -EINVAL, 0 },
		{ "1X", -EINVAL, 0 },
		{ "1P", -EINVAL, 0 },
		{ "1MM", -EINVAL, 0 },
		{ "1MBB", -EINVAL, 0 },
		{ "1Mi", -EINVAL, 0 },
		{ "1MiBx", -EINVAL, 0 },
		{ "1B", -EINVAL, 0 },
		{ "1iB", -EINVAL, 0 },
		{ "1.5M", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "1M\n", -EINVAL, 0 },
		{ "0b1M", -EINVAL, 0 },
	};

	(void)state;
	CHECK_U64(num_parse_size, c);
}

/* As for num_parse_u64: "010M" is ten mebibytes, not eight. */
static void size_leading_zero_is_decimal(void **state)
{
	static const struct u64_case c[] = {
		{ "010M", 0, 10ull << 20 },
		{ "08", 0, 8 },
	};

	(void)state;
	CHECK_U64(num_parse_size, c);
}

struct int_case {
	const char *in;
	long min, max;
	int ret;
	long want;
};

static void check_int(const struct int_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long v = 0x5a5a5a5a;
		int r = num_parse_int(c[i].in, c[i].min, c[i].max, &v);

		if (r != c[i].ret)
			fail_msg("input \"%s\" in [%ld, %ld]: returned %d, want %d",
				 c[i].in ? c[i].in : "(null)", c[i].min, c[i].max, r,
				 c[i].ret);
		if (r == 0 && v != c[i].want)
			fail_msg("input \"%s\": got %ld, want %ld", c[i].in, v, c[i].want);
		if (r != 0 && v != 0x5a5a5a5a)
			fail_msg("input \"%s\": failed but wrote %ld",
				 c[i].in ? c[i].in : "(null)", v);
	}
}

static void int_values_and_range(void **state)
{
	static const struct int_case c[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "-10", -10, 10, 0, -10 },
		{ "7", -10, 10, 0, 7 },
		{ "010", 0, 100, 0, 10 }, /* always decimal */
		{ "9223372036854775807", LONG_MIN, LONG_MAX, 0, LONG_MAX },
		{ "-9223372036854775808", LONG_MIN, LONG_MAX, 0, LONG_MIN },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "-1", 0, 10, -ERANGE, 0 },
		{ "-11", -10, 10, -ERANGE, 0 },
		{ "9223372036854775808", LONG_MIN, LONG_MAX, -ERANGE, 0 },
		{ "-9223372036854775809", LONG_MIN, LONG_MAX, -ERANGE, 0 },
		{ "99999999999999999999", 0, 10, -ERANGE, 0 },
	};

	(void)state;
	check_int(c, sizeof(c) / sizeof(c[0]));
}

static void int_junk(void **state)
{
	static const struct int_case c[] = {
		{ "", 0, 10, -EINVAL, 0 },
		{ NULL, 0, 10, -EINVAL, 0 },
		{ " 5", 0, 10, -EINVAL, 0 },
		{ "\t5", 0, 10, -EINVAL, 0 },
		{ "5 ", 0, 10, -EINVAL, 0 },
		{ "5\n", 0, 10, -EINVAL, 0 },
		{ "-", -10, 10, -EINVAL, 0 },
		{ "0x5", 0, 10, -EINVAL, 0 },
		{ "5x", 0, 10, -EINVAL, 0 },
		{ "abc", 0, 10, -EINVAL, 0 },
		{ "1.0", 0, 10, -EINVAL, 0 },
		{ "5K", 0, 10000, -EINVAL, 0 },
	};

	(void)state;
	check_int(c, sizeof(c) / sizeof(c[0]));
}

static void format_size(void **state)
{
	static const struct {
		uint64_t n;
		const char *want;
	} c[] = {
		{ 0, "0 bytes" },
		{ 512, "512 bytes" },
		{ 1023, "1023 bytes" },
		{ 1024, "1 KiB" },
		{ 1536, "1.5 KiB" },
		{ 4096, "4 KiB" },
		{ 1ull << 20, "1 MiB" },
		{ 64ull << 20, "64 MiB" },
		{ (64ull << 20) + (512ull << 10), "64.5 MiB" },
		{ 3ull << 29, "1.5 GiB" },
		{ 1ull << 30, "1 GiB" },
		{ 64ull << 30, "64 GiB" },
		{ 1ull << 40, "1 TiB" },
		{ 1ull << 50, "1024 TiB" }, /* TiB is the largest unit */
		{ UINT64_MAX, "16777216.0 TiB" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char buf[64];
		const char *r = num_format_size(c[i].n, buf, sizeof(buf));

		assert_ptr_equal(r, buf);
		if (strcmp(buf, c[i].want))
			fail_msg("%llu: got \"%s\", want \"%s\"",
				 (unsigned long long)c[i].n, buf, c[i].want);
	}
}

static void format_size_truncates(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	num_format_size(64ull << 20, buf, 4);
	assert_string_equal(buf, "64 ");
	assert_int_equal(buf[4], 'X'); /* nothing written past len */
}

/* A symbol table of two names for num_parse_addr. */
static int fake_sym(void *ctx, const char *name, uint64_t *addr)
{
	assert_ptr_equal(ctx, (void *)&fake_sym);
	if (!strcmp(name, "main")) {
		*addr = 0x100010;
		return 0;
	}
	if (!strcmp(name, "__libc$x.y")) {
		*addr = 0x108900;
		return 0;
	}
	if (!strcmp(name, "dup"))
		return -ENOTUNIQ;
	return -ENOENT;
}

static void addr_numbers_symbols_offsets(void **state)
{
	static const struct u64_case c[] = {
		{ "0x1000", 0, 0x1000 },
		{ "4096", 0, 4096 },
		{ "0x1000+16", 0, 0x1010 },
		{ "0x1000+0x10", 0, 0x1010 },
		{ "main", 0, 0x100010 },
		{ "main+4", 0, 0x100014 },
		{ "main+0x40", 0, 0x100050 },
		{ "__libc$x.y", 0, 0x108900 },
		{ "0xffffffffffffffff+0", 0, UINT64_MAX },
		/* errors */
		{ "nosuch", -ENOENT, 0 },
		{ "nosuch+4", -ENOENT, 0 },
		{ "dup", -ENOTUNIQ, 0 },
		{ "", -EINVAL, 0 },
		{ "+4", -EINVAL, 0 },
		{ "main+", -EINVAL, 0 },
		{ "main+x", -EINVAL, 0 },
		{ "main+4+4", -EINVAL, 0 },
		{ "main-4", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "0x10g", -EINVAL, 0 },
		{ "12ab", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ " main", -EINVAL, 0 },
		{ "ma in", -EINVAL, 0 },
		{ "$x", -EINVAL, 0 },
		{ "0xffffffffffffffff+1", -ERANGE, 0 },
		{ "main+0xffffffffffffffff", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint64_t v = SENTINEL;
		int r = num_parse_addr(c[i].in, fake_sym, (void *)&fake_sym, &v);

		if (r != c[i].ret)
			fail_msg("input \"%s\": returned %d, want %d", c[i].in, r, c[i].ret);
		if (r == 0 && v != c[i].want)
			fail_msg("input \"%s\": got 0x%llx, want 0x%llx", c[i].in,
				 (unsigned long long)v, (unsigned long long)c[i].want);
		if (r != 0 && v != SENTINEL)
			fail_msg("input \"%s\": failed but wrote 0x%llx", c[i].in,
				 (unsigned long long)v);
	}
}

static void addr_without_symbols(void **state)
{
	uint64_t v = SENTINEL;

	(void)state;
	assert_int_equal(num_parse_addr("main", NULL, NULL, &v), -ENOENT);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(num_parse_addr("0x20+0x2", NULL, NULL, &v), 0);
	assert_int_equal(v, 0x22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u64_decimal_and_hex),
		cmocka_unit_test(u64_overflow),
		cmocka_unit_test(u64_junk),
		cmocka_unit_test(u64_leading_zero_is_decimal),
		cmocka_unit_test(size_plain_and_hex),
		cmocka_unit_test(size_suffixes),
		cmocka_unit_test(size_overflow),
		cmocka_unit_test(size_junk),
		cmocka_unit_test(size_leading_zero_is_decimal),
		cmocka_unit_test(int_values_and_range),
		cmocka_unit_test(int_junk),
		cmocka_unit_test(format_size),
		cmocka_unit_test(format_size_truncates),
		cmocka_unit_test(addr_numbers_symbols_offsets),
		cmocka_unit_test(addr_without_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
