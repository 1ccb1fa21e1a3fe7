/* SPDX-License-Identifier: ISC */
/* Unit tests for the trace-line parser (libpart/tev.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../libpart/tev.h"

static void hcall_line(void **state)
{
	char line[] = "t=1234567 ev=hcall nr=1 name=console_write args=buf=0x104000,len=0x2a "
		      "ret=42 dur=71234";
	struct part_tev e;

	(void)state;
	part_tev_parse(line, &e);
	assert_int_equal(e.n, 7);
	assert_string_equal(part_tev_get(&e, "ev"), "hcall");
	assert_string_equal(part_tev_get(&e, "name"), "console_write");
	/* The first '=' splits: args keeps its own pairs. */
	assert_string_equal(part_tev_get(&e, "args"), "buf=0x104000,len=0x2a");
	assert_string_equal(part_tev_get(&e, "ret"), "42");
	assert_int_equal(part_tev_u64(&e, "t"), 1234567);
	assert_int_equal(part_tev_u64(&e, "dur"), 71234);
	assert_null(part_tev_get(&e, "nosuch"));
	assert_int_equal(part_tev_u64(&e, "nosuch"), 0);
}

static void text_takes_the_rest(void **state)
{
	char mark[] = "t=1400000 ev=mark text=phase 2 begins x=y";
	char end[] = "t=9 ev=end state=crashed reason=page fault at 0x0 (read) at rip 0x1000f7";
	struct part_tev e;

	(void)state;
	part_tev_parse(mark, &e);
	assert_int_equal(e.n, 3);
	assert_string_equal(part_tev_get(&e, "text"), "phase 2 begins x=y");
	assert_null(part_tev_get(&e, "x"));
	part_tev_parse(end, &e);
	assert_string_equal(part_tev_get(&e, "state"), "crashed");
	assert_string_equal(part_tev_get(&e, "reason"), "page fault at 0x0 (read) at rip 0x1000f7");
}

static void odd_lines(void **state)
{
	char empty[] = "", words[] = "no pairs here", mixed[] = "a=1 junk b= =c c=0x10 d=12x";
	char ret[] = "ret=-11", many[400];
	struct part_tev e;
	size_t n = 0;

	(void)state;
	part_tev_parse(empty, &e);
	assert_int_equal(e.n, 0);
	part_tev_parse(words, &e);
	assert_int_equal(e.n, 0);
	part_tev_parse(mixed, &e);
	assert_string_equal(part_tev_get(&e, "a"), "1");
	assert_string_equal(part_tev_get(&e, "b"), "");
	assert_string_equal(part_tev_get(&e, ""), "c");
	assert_int_equal(part_tev_u64(&e, "c"), 16);
	assert_int_equal(part_tev_u64(&e, "d"), 0); /* not a number */
	part_tev_parse(ret, &e);
	assert_int_equal(part_tev_u64(&e, "ret"), 0); /* negative: read it as text */
	assert_string_equal(part_tev_get(&e, "ret"), "-11");
	/* More pairs than it keeps: the first PART_TEV_MAX, no overrun. */
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "k%d=%d ", i, i);
	part_tev_parse(many, &e);
	assert_int_equal(e.n, PART_TEV_MAX);
	assert_string_equal(part_tev_get(&e, "k23"), "23");
	assert_null(part_tev_get(&e, "k24"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hcall_line),
		cmocka_unit_test(text_takes_the_rest),
		cmocka_unit_test(odd_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
