/* SPDX-License-Identifier: ISC
 * Unit tests for the GDB stub's register layout (debug/gdbregs.c): gdb's
 * amd64 order and sizes, little-endian hex, unavailable registers, writes
 * that cannot reach the partition, and the target description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../debug/gdbregs.h"
#include "../../debug/target.h"

/* gdb's amd64 numbering (amd64-tdep.h) with the segment bases after mxcsr. */
static const struct {
	unsigned n;
	const char *name;
	unsigned bits;
} known[] = {
	{ 0, "rax", 64 },   { 1, "rbx", 64 },    { 2, "rcx", 64 },    { 3, "rdx", 64 },
	{ 4, "rsi", 64 },   { 5, "rdi", 64 },    { 6, "rbp", 64 },    { 7, "rsp", 64 },
	{ 8, "r8", 64 },    { 15, "r15", 64 },   { 16, "rip", 64 },   { 17, "eflags", 32 },
	{ 18, "cs", 32 },   { 19, "ss", 32 },    { 20, "ds", 32 },    { 21, "es", 32 },
	{ 22, "fs", 32 },   { 23, "gs", 32 },    { 24, "st0", 80 },   { 31, "st7", 80 },
	{ 32, "fctrl", 32 }, { 39, "fop", 32 },  { 40, "xmm0", 128 }, { 55, "xmm15", 128 },
	{ 56, "mxcsr", 32 }, { 57, "fs_base", 64 }, { 58, "gs_base", 64 },
};

static void layout_is_gdbs(void **state)
{
	(void)state;
	assert_int_equal(gdbregs_count(), 59);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct gdb_reg *g = gdbregs_get(known[i].n);

		assert_non_null(g);
		assert_string_equal(g->name, known[i].name);
		assert_int_equal(g->bits, known[i].bits);
	}
	assert_null(gdbregs_get(59));
	/* 16*8 + 8 + 4 + 6*4 + 8*10 + 8*4 + 16*16 + 4 + 2*8 */
	assert_int_equal(gdbregs_gsize(), 552);
}

static void encode_little_endian(void **state)
{
	struct vcpu_regs r;
	char hex[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rip = 0x100010;
	r.rflags = 0x246;
	r.cs = 0x23;
	r.rax = 0x1122334455667788ull;
	assert_int_equal(gdbregs_encode(&r, 16, hex), 16);
	assert_string_equal(hex, "1000100000000000");
	gdbregs_encode(&r, 0, hex);
	assert_string_equal(hex, "8877665544332211");
	assert_int_equal(gdbregs_encode(&r, 17, hex), 8);
	assert_string_equal(hex, "46020000");
	gdbregs_encode(&r, 18, hex);
	assert_string_equal(hex, "23000000");
	assert_int_equal(gdbregs_encode(&r, 99, hex), 0);
	assert_string_equal(hex, "");
}

static void unavailable_registers_are_x(void **state)
{
	struct vcpu_regs r;
	char hex[64];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(gdbregs_encode(&r, 24, hex), 20);
	assert_string_equal(hex, "xxxxxxxxxxxxxxxxxxxx");
	assert_int_equal(gdbregs_encode(&r, 40, hex), 32);
	assert_int_equal(strspn(hex, "x"), 32);
}

static void encode_all_is_the_g_packet(void **state)
{
	struct vcpu_regs r;
	char hex[2 * 552 + 1];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rip = 0xabcdef;
	r.gs_base = 0x77;
	assert_int_equal(gdbregs_encode_all(&r, hex), 2 * 552);
	/* rip after 16 registers of 8 bytes */
	assert_memory_equal(hex + 2 * 128, "efcdab0000000000", 16);
	/* gs_base is the last 8 bytes */
	assert_string_equal(hex + 2 * 544, "7700000000000000");
}

static void decode_writes_what_can_be_written(void **state)
{
	struct vcpu_regs r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rflags = 0xffffffff00000002ull;
	r.cs = 0x23;
	assert_int_equal(gdbregs_decode(&r, 3, "0100000000000080"), 0);
	assert_true(r.rdx == 0x8000000000000001ull);
	/* eflags is 32 bits: the upper half of rflags stays */
	assert_int_equal(gdbregs_decode(&r, 17, "46020000"), 0);
	assert_true(r.rflags == 0xffffffff00000246ull);
	/* read-only: its own value is accepted, another is refused */
	assert_int_equal(gdbregs_decode(&r, 18, "23000000"), 0);
	assert_int_equal(gdbregs_decode(&r, 18, "2b000000"), -2);
	assert_int_equal(r.cs, 0x23);
	/* unavailable: 'x's leave it alone, a value cannot be stored */
	assert_int_equal(gdbregs_decode(&r, 40, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 0);
	assert_int_equal(gdbregs_decode(&r, 40, "00000000000000000000000000000000"), -2);
	/* bad hex, short hex, no such register */
	assert_int_equal(gdbregs_decode(&r, 0, "zz00000000000000"), -1);
	assert_int_equal(gdbregs_decode(&r, 0, "00"), -1);
	assert_int_equal(gdbregs_decode(&r, 59, "00"), -1);
}

static void target_xml_declares_every_register(void **state)
{
	size_t len;
	const char *xml = gdbregs_target_xml(&len);
	char tag[96];

	(void)state;
	assert_int_equal(strlen(xml), len);
	assert_non_null(strstr(xml, "<architecture>i386:x86-64</architecture>"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.sse\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.segments\">"));
	for (unsigned n = 0; n < gdbregs_count(); n++) {
		snprintf(tag, sizeof(tag), "<reg name=\"%s\" bitsize=\"%u\"", gdbregs_get(n)->name,
			 gdbregs_get(n)->bits);
		if (!strstr(xml, tag))
			fail_msg("target.xml lacks %s", tag);
	}
	/* whole, not cut off by its buffer */
	assert_true(len > 20);
	assert_string_equal(xml + len - 10, "</target>\n");
	/* the same text every time */
	assert_ptr_equal(gdbregs_target_xml(&len), xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_is_gdbs),
		cmocka_unit_test(encode_little_endian),
		cmocka_unit_test(unavailable_registers_are_x),
		cmocka_unit_test(encode_all_is_the_g_packet),
		cmocka_unit_test(decode_writes_what_can_be_written),
		cmocka_unit_test(target_xml_declares_every_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
