/* SPDX-License-Identifier: ISC */
/* Unit tests for the debugger's expressions (debug/expr.c), on a pretend partition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dbg_fake.h"


static struct dbg_value history[4];
static struct dbg_conv conv;

static struct dbg_expr_env env(void)
{
	struct dbg_expr_env e = {
		.reg_get = fake_reg_get, .reg_set = fake_reg_set, .mem_read = fake_read,
		.mem_write = fake_write, .img = &fake_img, .history = history,
		.nhistory = 2, .conv = &conv,
	};

	return e;
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	memset(&conv, 0, sizeof(conv));
	memset(history, 0, sizeof(history));
	history[0].type.base = DB_INT;
	history[0].type.size = 4;
	history[0].type.is_signed = 1;
	history[0].v = 10;
	history[1] = history[0];
	history[1].v = 20;
	return 0;
}

/* Evaluates s; it must succeed with the signed value want. */
static void check(const char *s, int64_t want)
{
	struct dbg_expr_env e = env();
	struct dbg_value v;
	struct lerr err = { 0 };
	int r = dbg_expr_eval(&e, s, &v, &err);

	if (r)
		fail_msg("\"%s\": failed: %s", s, err.msg);
	if (dbg_value_signed(&v) != want)
		fail_msg("\"%s\": got %lld, want %lld", s, (long long)dbg_value_signed(&v),
			 (long long)want);
}

/* Evaluates s; it must fail with exactly msg. */
static void check_err(const char *s, const char *msg)
{
	struct dbg_expr_env e = env();
	struct dbg_value v;
	struct lerr err = { 0 };
	int r = dbg_expr_eval(&e, s, &v, &err);

	if (!r)
		fail_msg("\"%s\": succeeded (%lld), want error \"%s\"", s,
			 (long long)dbg_value_signed(&v), msg);
	if (strcmp(err.msg, msg))
		fail_msg("\"%s\": error \"%s\", want \"%s\"", s, err.msg, msg);
}

static void test_arith(void **state)
{
	(void)state;
	check("1 + 2 * 3", 7);
	check("(1 + 2) * 3", 9);
	check("0x10 | 1", 17);
	check("010", 8);
	check("~0", -1);
	check("1 << 4", 16);
	check("-8 >> 1", -4);
	check("7 / 2", 3);
	check("-7 / 2", -3);
	check("7 % 3", 1);
	check("6 ^ 3", 5);
	check("6 & 3", 2);
	check("!0", 1);
	check("3 > 2 && 1 < 2", 1);
	check("1 == 2 || 2 != 2", 0);
	check("2 <= 2", 1);
	check("-(3)", -3);
	check("'A'", 65);
	check("'\\n'", 10);
	check("0xffffffffffffffff", -1);
}

static void test_int_types(void **state)
{
	(void)state;
	/* int arithmetic wraps at 32 bits, long at 64, as in C. */
	check("2147483647 + 1", -2147483648LL);
	check("2147483647L + 1", 2147483648LL);
	check("4294967295u + 1", 0);
	check("-1UL > 0", 1);
}

static void test_casts(void **state)
{
	(void)state;
	check("(char)300", 44);
	check("(unsigned char)-1", 255);
	check("(short)0x12345", 0x2345);
	check("(int)0x100000001", 1);
	check("(uint16_t)-1", 65535);
	check("(int8_t)0x80", -128);
	check("(unsigned long)-1 > 0", 1);
	check("(long)-1 > 0", 0);
}

static void test_registers(void **state)
{
	(void)state;
	check("$rax", 0x1234);
	check("$rax + 1", 0x1235);
	check("$rsp + 8", 0x1fff8);
	check("$pc", 0x10004);
	check("$rax = 5", 5);
	assert_int_equal(fake_rax, 5);
	check_err("$pc = 7", "read-only");
}

static void test_symbols(void **state)
{
	struct dbg_expr_env e = env();
	struct dbg_value v;
	struct lerr err = { 0 };

	(void)state;
	check("counter", 41);
	check("small", -2);
	check("&counter", 0x12000);
	check("&counter + 1", 0x12008); /* scaled by sizeof(long) */
	check("main", 0x10000);
	check("&main", 0x10000);
	check("main + 4", 0x10004);
	check("*&counter", 41);
	check("(long)buffer", 0);
	check("*(int *)&counter", 41);
	check("*(unsigned char *)0x12020", 'h');
	check("*(long *)0x12000 + 1", 42);
	assert_int_equal(dbg_expr_eval(&e, "main", &v, &err), 0);
	assert_int_equal(v.type.base, DB_CODE);
	assert_int_equal(dbg_expr_eval(&e, "&counter", &v, &err), 0);
	assert_int_equal(v.type.ptr, 1);
	assert_int_equal(v.type.size, 8);
}

static void test_assign(void **state)
{
	(void)state;
	check("counter = 9", 9);
	check("counter", 9);
	check("*(int *)0x12008 = 7", 7);
	check("small", 7);
	check("*(unsigned char *)&counter = 0x1ff", 255);
	check("counter", 255);
	check("$foo = 3", 3);
	check("$foo * 2", 6);
	check("$foo = $foo + 1", 4);
}

static void test_history(void **state)
{
	(void)state;
	check("$1", 10);
	check("$2", 20);
	check("$", 20);
	check("$$", 10);
	check("$$1", 10);
	check("$1 + $2", 30);
	check_err("$9", "History has not yet reached $9.");
}

static void test_errors(void **state)
{
	(void)state;
	check_err("nosuch", "No symbol \"nosuch\" in current context.");
	check_err("nosuch + 1", "No symbol \"nosuch\" in current context.");
	check_err("*(int *)0x5", "Cannot access memory at address 0x5");
	check_err("1 +", "A syntax error in expression, near `'.");
	check_err("1 2", "A syntax error in expression, near `2'.");
	check_err("(1", "A syntax error in expression, near `'.");
	check_err("1 / 0", "Division by zero");
	check_err("5 % 0", "Division by zero");
	check_err("*5", "Attempt to take contents of a non-pointer value.");
	check_err("*$rsp", "Attempt to take contents of a non-pointer value.");
	check_err("&$rax", "Attempt to take address of value not located in memory.");
	check_err("3 = 4", "Left operand of assignment is not an lvalue.");
	check_err("buffer + 1", "'buffer' has unknown type; cast it to its declared type");
	check_err("buffer = 1", "'buffer' has unknown type; cast it to its declared type");
	check_err("$unset + 1", "Argument to arithmetic operation not a number or boolean.");
	check_err("", "Argument required (expression to compute).");
	check_err("12abc", "Invalid number \"12abc\".");
	check_err("int", "Attempt to use a type name as an expression");
	check_err("99999999999999999999", "Numeric constant too large.");
	/* A failed write leaves memory alone. */
	check_err("*(long *)0x5 = 1", "Cannot access memory at address 0x5");
	assert_int_equal(fake_writes, 0);
}

static void test_short_circuit(void **state)
{
	(void)state;
	/* The side not taken is neither read nor written. */
	check("0 && *(int *)0x5", 0);
	check("1 || *(int *)0x5", 1);
	check("0 && (counter = 3)", 0);
	check("counter", 41);
}

static void test_type_parse(void **state)
{
	struct dbg_type t;
	char name[64];

	(void)state;
	assert_int_equal(dbg_type_parse("unsigned char *", &t), 15);
	assert_int_equal(t.size, 1);
	assert_int_equal(t.ptr, 1);
	assert_false(t.is_signed);
	dbg_type_name(&t, name, sizeof(name));
	assert_string_equal(name, "unsigned char *");
	assert_int_not_equal(dbg_type_parse("long long", &t), 0);
	assert_int_equal(t.size, 8);
	assert_int_not_equal(dbg_type_parse("uint32_t**", &t), 0);
	assert_int_equal(t.ptr, 2);
	assert_int_equal(dbg_type_parse("counter", &t), 0);
	assert_int_equal(dbg_type_parse("void long", &t), 0);
}

/* Text nested deeper than the evaluator goes (or the stack holds) is refused, not a crash. */
static char *repeat(const char *open, size_t n, const char *mid, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
	char *s = malloc(n * (lo + lc) + lm + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (size_t i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void test_deep_nesting(void **state)
{
	static const struct {
		const char *open, *mid, *close;
		size_t n;
		int64_t want; /* what 100 levels give */
	} c[] = {
		{ "(", "1", ")", 0, 1 },
		{ "-", "1", "", 0, 1 },        /* an even count of minus signs */
		{ "!", "0", "", 0, 0 },
		{ "$a=", "3", "", 0, 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *s = repeat(c[i].open, 100, c[i].mid, c[i].close);

		check(s, c[i].want);
		free(s);
		s = repeat(c[i].open, 1000000, c[i].mid, c[i].close);
		check_err(s, "Expression nested too deeply (more than 256 levels).");
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_arith, setup),
		cmocka_unit_test_setup(test_int_types, setup),
		cmocka_unit_test_setup(test_casts, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_symbols, setup),
		cmocka_unit_test_setup(test_assign, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_short_circuit, setup),
		cmocka_unit_test_setup(test_type_parse, setup),
		cmocka_unit_test_setup(test_deep_nesting, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
