/* SPDX-License-Identifier: ISC */
/* Unit tests for the terminal sanitiser (common/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/text.h"

/* Sanitises src[0..srclen) into a buffer of dstlen bytes pre-filled with 'X'. */
static const char *san(char *buf, size_t bufsize, size_t dstlen,
		       const char *src, size_t srclen)
{
	char *r;

	memset(buf, 'X', bufsize);
	r = text_sanitize(buf, dstlen, src, srclen);
	assert_ptr_equal(r, buf);
	return buf;
}

#define SAN(src) san(buf, sizeof(buf), sizeof(buf), (src), strlen(src))

static void printable_unchanged(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(SAN("hello, world"), "hello, world");
	assert_string_equal(SAN(" ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}"),
			    " ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}");
	assert_string_equal(SAN(""), "");
}

static void control_chars_escaped(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(SAN("a\nb"), "a\\x0ab");
	assert_string_equal(SAN("\r\t\a\b\f\v"), "\\x0d\\x09\\x07\\x08\\x0c\\x0b");
	assert_string_equal(SAN("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
	assert_string_equal(SAN("\x01"), "\\x01");
	assert_string_equal(SAN("\x1f"), "\\x1f");
	assert_string_equal(SAN("\x7f"), "\\x7f");
}

static void high_bytes_escaped(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(SAN("\x80"), "\\x80");
	assert_string_equal(SAN("\xff"), "\\xff");
	/* UTF-8 is not trusted either: "é" */
	assert_string_equal(SAN("caf\xc3\xa9"), "caf\\xc3\\xa9");
	/* a C1 CSI that some terminals honour */
	assert_string_equal(SAN("\x9b" "2J"), "\\x9b2J");
}

static void backslash_escaped(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(SAN("a\\b"), "a\\\\b");
	assert_string_equal(SAN("\\x41"), "\\\\x41"); /* cannot pose as an escape */
	assert_string_equal(SAN("\\"), "\\\\");
}

/* Every byte value comes out as printable ASCII only. */
static void output_always_printable(void **state)
{
	char buf[16];

	(void)state;
	for (int c = 1; c < 256; c++) {
		char src[1] = { (char)c };

		san(buf, sizeof(buf), sizeof(buf), src, 1);
		for (size_t i = 0; buf[i]; i++)
			if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
				fail_msg("byte 0x%02x gave unprintable 0x%02x", c,
					 (unsigned char)buf[i]);
		if (c >= 0x20 && c < 0x7f && c != '\\')
			assert_int_equal(strlen(buf), 1);
		else
			assert_true(strlen(buf) >= 2);
	}
}

static void truncation_terminates(void **state)
{
	char buf[16];

	(void)state;
	san(buf, sizeof(buf), 4, "abcdef", 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'X'); /* nothing past dstlen */

	san(buf, sizeof(buf), 1, "abcdef", 6);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'X');

	/* exactly fits: 5 characters and the NUL */
	san(buf, sizeof(buf), 6, "abcde", 5);
	assert_string_equal(buf, "abcde");
	assert_int_equal(buf[6], 'X');
}

/* An escape is never cut in half: it is all there or not at all. */
static void truncation_keeps_escapes_whole(void **state)
{
	char buf[16];

	(void)state;
	san(buf, sizeof(buf), 5, "a\n", 2); /* "a\x0a" needs 6 bytes */
	assert_string_equal(buf, "a");
	san(buf, sizeof(buf), 6, "a\n", 2);
	assert_string_equal(buf, "a\\x0a");
	san(buf, sizeof(buf), 3, "a\\", 2); /* "a\\\\" needs 4 bytes */
	assert_string_equal(buf, "a");
	san(buf, sizeof(buf), 4, "a\\", 2);
	assert_string_equal(buf, "a\\\\");
	/* nothing after a cut escape either, even if it would fit */
	san(buf, sizeof(buf), 5, "a\nb", 3);
	assert_string_equal(buf, "a");
}

static void zero_dstlen_writes_nothing(void **state)
{
	char buf[4] = { 'X', 'X', 'X', 'X' };

	(void)state;
	assert_ptr_equal(text_sanitize(buf, 0, "abc", 3), buf);
	assert_memory_equal(buf, "XXXX", 4);
}

static void stops_at_nul(void **state)
{
	char buf[32];

	(void)state;
	san(buf, sizeof(buf), sizeof(buf), "ab\0cd", 5);
	assert_string_equal(buf, "ab");
	san(buf, sizeof(buf), sizeof(buf), "\0cd", 3);
	assert_string_equal(buf, "");
}

static void stops_at_srclen(void **state)
{
	/* not NUL-terminated: reading past srclen would be a bug */
	static const char src[6] = { 'a', 'b', 'c', 'd', 'e', 'f' };
	char buf[32];

	(void)state;
	san(buf, sizeof(buf), sizeof(buf), src, 3);
	assert_string_equal(buf, "abc");
	san(buf, sizeof(buf), sizeof(buf), src, 6);
	assert_string_equal(buf, "abcdef");
	san(buf, sizeof(buf), sizeof(buf), src, 0);
	assert_string_equal(buf, "");
}

/* A whole message: controls and high bytes escaped, earlier escapes kept as they are. */
static void message_keeps_backslashes(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(text_sanitize_msg(buf, sizeof(buf), "name 'a\\x1bb' and a\\b"),
			    "name 'a\\x1bb' and a\\b");
	assert_string_equal(text_sanitize_msg(buf, sizeof(buf), "option '--x\x1b[2J'"),
			    "option '--x\\x1b[2J'");
	assert_string_equal(text_sanitize_msg(buf, sizeof(buf), "caf\xc3\xa9 \x9b" "2J\x7f"),
			    "caf\\xc3\\xa9 \\x9b2J\\x7f");
	assert_string_equal(text_sanitize_msg(buf, 8, "abc\x1b"), "abc\\x1b");
	assert_string_equal(text_sanitize_msg(buf, 7, "abc\x1b"), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_unchanged),
		cmocka_unit_test(control_chars_escaped),
		cmocka_unit_test(high_bytes_escaped),
		cmocka_unit_test(backslash_escaped),
		cmocka_unit_test(output_always_printable),
		cmocka_unit_test(truncation_terminates),
		cmocka_unit_test(truncation_keeps_escapes_whole),
		cmocka_unit_test(zero_dstlen_writes_nothing),
		cmocka_unit_test(stops_at_nul),
		cmocka_unit_test(stops_at_srclen),
		cmocka_unit_test(message_keeps_backslashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
