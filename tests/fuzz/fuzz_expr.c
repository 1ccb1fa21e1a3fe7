/* SPDX-License-Identifier: ISC */
/*
 * The debugger's expressions (debug/expr.c) and output formats
 * (debug/format.c) on the unit tests' pretend partition
 * (tests/unit/dbg_fake.h: memory, registers, symbols).  The input is
 * lines, each evaluated as lpar attach's print and x commands take them:
 *
 *   /FMT EXPR   print/FMT EXPR (the value printed)
 *   x/FMT EXPR  x/FMT at the address EXPR evaluates to (at most 64 units)
 *   t TYPE      a type name parsed and named again
 *   EXPR        print EXPR (the value printed)
 *
 * The memory, registers and convenience variables start over for each input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/dbg_fake.h"

static struct dbg_value history[4];
static struct dbg_conv conv;
static FILE *devnull;


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "we");
	if (!devnull)
		exit(2);
	return 0;
}

static void one(const struct dbg_expr_env *e, const struct dbg_fmt_env *f, char *line)
{
	struct lerr err = { 0, "" };
	struct dbg_xstate xs;
	struct dbg_value v;
	struct dbg_type t;
	unsigned count = 1;
	char fmt = 0, size = 0, name[64];
	char *expr = line;
	int x = 0;

	if (line[0] == 't' && line[1] == ' ') {
		if (dbg_type_parse(line + 2, &t))
			dbg_type_name(&t, name, sizeof(name));
		return;
	}
	if (line[0] == 'x' && line[1] == '/')
		x = 1, line++;
	if (line[0] == '/') {
		size_t n = strcspn(line + 1, " ");

		if (dbg_fmt_parse(line + 1, n, &count, &fmt, &size, &err))
			return;
		expr = line + 1 + n;
		while (*expr == ' ')
			expr++;
	}
	if (dbg_expr_eval(e, expr, &v, &err))
		return;
	if (x) {
		dbg_xstate_init(&xs);
		dbg_examine(devnull, f, &xs, v.v, count > 64 ? 64 : count, fmt, size, &err);
	} else {
		dbg_value_print(devnull, f, &v, fmt, &err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbg_expr_env e = {
		.reg_get = fake_reg_get, .reg_set = fake_reg_set, .mem_read = fake_read,
		.mem_write = fake_write, .img = &fake_img, .history = history,
		.nhistory = 2, .conv = &conv,
	};
	struct dbg_fmt_env f = { .mem_read = fake_read, .img = &fake_img, .have_pc = 1,
				 .pc = 0x10004 };
	char *text = malloc(size + 1), *line, *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fake_reset();
	memset(&conv, 0, sizeof(conv));
	memset(history, 0, sizeof(history));
	history[0].type = (struct dbg_type){ .base = DB_INT, .size = 4, .is_signed = 1 };
	history[0].v = 10;
	history[1] = history[0];
	history[1].v = 20;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		one(&e, &f, line);
	free(text);
	return 0;
}
