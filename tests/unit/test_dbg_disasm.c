/* SPDX-License-Identifier: ISC */
/* Unit tests for the debugger's disassembly text (debug/disasm.c) on operands capstone spells oddly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../debug/disasm.h"

static void one(enum dbg_flavor f, const uint8_t *code, size_t len, const char *want)
{
	struct dbg_disasm *d;
	struct dbg_insn in;

	assert_int_equal(dbg_disasm_open(&d), 0);
	assert_int_equal(dbg_disasm_flavor(d, f), 0);
	assert_int_equal(dbg_disasm_one(d, code, len, 0x401000, NULL, &in), 0);
	assert_int_equal(in.len, len);
	assert_string_equal(in.text, want);
	dbg_disasm_close(d);
}

/*
 * Intel syntax gives xsave's operand as a bare "ptr [rax]": the "ptr"
 * comes first, with no size word before it to raise to capitals.
 */
static void bare_ptr_first(void **state)
{
	static const uint8_t xsave[] = { 0x0f, 0xae, 0x20 };       /* xsave [rax] */
	static const uint8_t lss[] = { 0x0f, 0xb2, 0x00 };         /* lss eax, [rax] */
	static const uint8_t movq[] = { 0x48, 0x8b, 0x00 };        /* mov rax, [rax] */

	(void)state;
	one(DBG_INTEL, xsave, sizeof(xsave), "xsave  PTR [rax]");
	one(DBG_INTEL, lss, sizeof(lss), "lss    eax,PTR [rax]");
	one(DBG_INTEL, movq, sizeof(movq), "mov    rax,QWORD PTR [rax]");
	one(DBG_ATT, xsave, sizeof(xsave), "xsave  (%rax)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_ptr_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
