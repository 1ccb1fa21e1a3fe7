/* SPDX-License-Identifier: ISC */
/* Unit tests for the debugger's output shapes (debug/format.c): x/NFU, print, labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dbg_fake.h"

/* A pretend disassembler: every instruction is 2 bytes of "nop". */
static int fake_insn(void *ctx, uint64_t addr, char *text, size_t len, struct lerr *err)
{
	uint8_t b[2];
	int e = fake_read(ctx, addr, b, 2, err);

	if (e)
		return e;
	snprintf(text, len, "nop%u", b[0]);
	return 2;
}

static struct dbg_fmt_env fenv(void)
{
	struct dbg_fmt_env e = {
		.mem_read = fake_read, .insn = fake_insn, .img = &fake_img,
		.have_pc = 1, .pc = 0x10002,
	};

	return e;
}

static char *out_buf;
static size_t out_len;

static FILE *out_open(void)
{
	FILE *f;

	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	assert_non_null(f);
	return f;
}

/* Runs x/... at addr; checks the output and the error ("" for none). */
static void check_x(struct dbg_xstate *st, const char *spec, uint64_t addr, const char *want,
		    const char *want_err)
{
	struct dbg_fmt_env e = fenv();
	struct lerr err = { 0 };
	unsigned count = 1;
	char fmt = 0, size = 0;
	FILE *f = out_open();
	int r;

	assert_int_equal(dbg_fmt_parse(spec, strlen(spec), &count, &fmt, &size, &err), 0);
	r = dbg_examine(f, &e, st, addr, count, fmt, size, &err);
	fclose(f);
	if (strcmp(out_buf, want))
		fail_msg("x/%s 0x%llx printed\n%s\nwant\n%s", spec, (unsigned long long)addr,
			 out_buf, want);
	if (*want_err ? !r || strcmp(err.msg, want_err) : r != 0)
		fail_msg("x/%s: error \"%s\" (%d), want \"%s\"", spec, r ? err.msg : "", r, want_err);
}

static int setup(void **state)
{
	uint64_t g[2] = { 1, 0x10024 };

	(void)state;
	fake_reset();
	fake_put(0x13000, g, sizeof(g));
	return 0;
}

static void test_x_giants(void **state)
{
	struct dbg_xstate st;

	(void)state;
	dbg_xstate_init(&st);
	check_x(&st, "4gx", 0x12000,
		"0x12000 <counter>:\t0x0000000000000029\t0x00000000fffffffe\n"
		"0x12010 <buffer>:\t0x0000000000000000\t0x0000000000000000\n", "");
	/* Sticky: a bare x goes on in the same format and size. */
	assert_true(st.have_next);
	assert_int_equal(st.next, 0x12020);
	check_x(&st, "", st.next, "0x12020 <greeting>:\t0x79220a6f6c6c6568\n", "");
}

static void test_x_units(void **state)
{
	struct dbg_xstate st;

	(void)state;
	dbg_xstate_init(&st);
	check_x(&st, "xw", 0x12008, "0x12008 <small>:\t0xfffffffe\n", "");
	check_x(&st, "dw", 0x12008, "0x12008 <small>:\t-2\n", "");
	check_x(&st, "uw", 0x12008, "0x12008 <small>:\t4294967294\n", "");
	check_x(&st, "2xh", 0x12000, "0x12000 <counter>:\t0x0029\t0x0000\n", "");
	check_x(&st, "9xb", 0x12020,
		"0x12020 <greeting>:\t0x68\t0x65\t0x6c\t0x6c\t0x6f\t0x0a\t0x22\t0x79\n"
		"0x12028 <greeting+8>:\t0x6f\n", "");
	check_x(&st, "tb", 0x12000, "0x12000 <counter>:\t00101001\n", "");
	check_x(&st, "ob", 0x12000, "0x12000 <counter>:\t051\n", "");
	check_x(&st, "3c", 0x12020, "0x12020 <greeting>:\t104 'h'\t101 'e'\t108 'l'\n", "");
}

static void test_x_strings_addrs(void **state)
{
	struct dbg_xstate st;

	(void)state;
	dbg_xstate_init(&st);
	check_x(&st, "s", 0x12020, "0x12020 <greeting>:\t\"hello\\n\\\"you\\\"\"\n", "");
	check_x(&st, "2a", 0x13000, "0x13000:\t0x1\t0x10024 <bump+4>\n", "");
	/* 'a' sets the size to giants; x/x afterwards keeps it. */
	check_x(&st, "x", 0x13000, "0x13000:\t0x0000000000000001\n", "");
}

static void test_x_insns(void **state)
{
	struct dbg_xstate st;

	(void)state;
	dbg_xstate_init(&st);
	check_x(&st, "3i", 0x10000,
		"   0x10000 <main>:\tnop0\n"
		"=> 0x10002 <main+2>:\tnop0\n"
		"   0x10004 <main+4>:\tnop0\n", "");
	assert_int_equal(st.next, 0x10006);
}

static void test_x_bad_address(void **state)
{
	struct dbg_xstate st;

	(void)state;
	dbg_xstate_init(&st);
	check_x(&st, "xg", 0x5, "0x5:\t", "Cannot access memory at address 0x5");
	/* What could be read is printed before the error, which ends the line. */
	check_x(&st, "3xg", 0x1fff8, "0x1fff8:\t0x0000000000000000\t",
		"Cannot access memory at address 0x20000");
}

static void test_fmt_parse(void **state)
{
	struct lerr err = { 0 };
	unsigned count = 1;
	char fmt = 0, size = 0;

	(void)state;
	assert_int_equal(dbg_fmt_parse("10xg", 4, &count, &fmt, &size, &err), 0);
	assert_int_equal(count, 10);
	assert_int_equal(fmt, 'x');
	assert_int_equal(size, 'g');
	assert_int_equal(dbg_fmt_parse("bd", 2, &count, &fmt, &size, &err), 0);
	assert_int_equal(fmt, 'd');
	assert_int_equal(size, 'b');
	assert_int_not_equal(dbg_fmt_parse("4q", 2, &count, &fmt, &size, &err), 0);
	assert_string_equal(err.msg, "Undefined output format \"q\".");
}

/* Prints v in format fmt; checks the text. */
static void check_print(const struct dbg_value *v, char fmt, const char *want)
{
	struct dbg_fmt_env e = fenv();
	struct lerr err = { 0 };
	FILE *f = out_open();
	int r = dbg_value_print(f, &e, v, fmt, &err);

	fclose(f);
	if (r)
		fail_msg("print failed: %s", err.msg);
	if (strcmp(out_buf, want))
		fail_msg("printed \"%s\", want \"%s\"", out_buf, want);
}

static void test_print(void **state)
{
	struct dbg_value v;
	struct lerr err = { 0 };
	FILE *f;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.type.base = DB_INT;
	v.type.size = 4;
	v.type.is_signed = 1;
	strcpy(v.type.name, "int");
	v.v = (uint64_t)-1;
	check_print(&v, 0, "-1");
	check_print(&v, 'x', "0xffffffff");
	check_print(&v, 'u', "4294967295");
	check_print(&v, 't', "11111111111111111111111111111111");
	v.v = 8;
	check_print(&v, 'o', "010");
	check_print(&v, 't', "1000");
	v.v = 65;
	check_print(&v, 'c', "65 'A'");
	v.type.size = 1;
	v.type.is_char = 1;
	check_print(&v, 0, "65 'A'");
	v.v = 0;
	check_print(&v, 0, "0 '\\000'");
	/* Pointers show their type and the symbol they point into. */
	memset(&v, 0, sizeof(v));
	v.type.base = DB_INT;
	v.type.size = 8;
	v.type.is_signed = 1;
	v.type.ptr = 1;
	strcpy(v.type.name, "long");
	v.v = 0x12000;
	check_print(&v, 0, "(long *) 0x12000 <counter>");
	check_print(&v, 'x', "0x12000");
	v.type.base = DB_VOID;
	strcpy(v.type.name, "void");
	v.v = 0x1fff0;
	check_print(&v, 0, "(void *) 0x1fff0");
	v.type.base = DB_INT;
	v.type.size = 1;
	v.type.is_char = 1;
	strcpy(v.type.name, "char");
	v.v = 0x12020;
	check_print(&v, 0, "(char *) 0x12020 \"hello\\n\\\"you\\\"\"");
	memset(&v, 0, sizeof(v));
	v.type.base = DB_FUNC;
	v.v = 0x10004;
	check_print(&v, 0, "(void (*)()) 0x10004 <main+4>");
	v.type.base = DB_CODE;
	v.v = 0x10020;
	check_print(&v, 0, "{<text variable, no debug info>} 0x10020 <bump>");
	v.type.ptr = 1;
	check_print(&v, 0, "(<text variable, no debug info> *) 0x10020 <bump>");
	v.type.ptr = 0;
	v.type.base = DB_FLAGS;
	v.type.size = 4;
	v.v = 0x246;
	check_print(&v, 0, "[ IF ZF PF ]");
	check_print(&v, 'x', "0x246");
	/* A data symbol without a type is refused, as gdb does. */
	memset(&v, 0, sizeof(v));
	v.type.base = DB_DATA;
	strcpy(v.reg, "buffer");
	f = out_open();
	assert_int_not_equal(dbg_value_print(f, &(struct dbg_fmt_env){ 0 }, &v, 0, &err), 0);
	fclose(f);
	assert_string_equal(err.msg, "'buffer' has unknown type; cast it to its declared type");
}

static void test_labels(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(dbg_label(&fake_img, 0x10000, buf, sizeof(buf)), " <main>");
	assert_string_equal(dbg_label(&fake_img, 0x10021, buf, sizeof(buf)), " <bump+1>");
	assert_string_equal(dbg_label(&fake_img, 0x1fff0, buf, sizeof(buf)), "");
	assert_string_equal(dbg_label(NULL, 0x10000, buf, sizeof(buf)), "");
	dbg_eflags_text(0x10202, buf, sizeof(buf));
	assert_string_equal(buf, "[ RF IF ]");
	dbg_eflags_text(0x2, buf, sizeof(buf));
	assert_string_equal(buf, "[ ]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_x_giants, setup),
		cmocka_unit_test_setup(test_x_units, setup),
		cmocka_unit_test_setup(test_x_strings_addrs, setup),
		cmocka_unit_test_setup(test_x_insns, setup),
		cmocka_unit_test_setup(test_x_bad_address, setup),
		cmocka_unit_test_setup(test_fmt_parse, setup),
		cmocka_unit_test_setup(test_print, setup),
		cmocka_unit_test_setup(test_labels, setup),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(out_buf);
	return r;
}
