/* SPDX-License-Identifier: ISC */
/* Commands that read and change data: print, x, set, show, display, disassemble. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "session.h"

/* Parses a leading "/FMT"; moves *args past it. */
static int take_fmt(const char **args, unsigned *count, char *fmt, char *size, int *given,
		    struct lerr *err)
{
	const char *p = *args;
	size_t n;
	int e;

	*given = 0;
	if (*p != '/')
		return 0;
	p++;
	n = strcspn(p, " \t");
	if (!n)
		return lerr_set(err, EINVAL, "Missing format letter after \"/\".");
	e = dbg_fmt_parse(p, n, count, fmt, size, err);
	if (e)
		return e;
	*given = 1;
	p += n;
	while (isspace((unsigned char)*p))
		p++;
	*args = p;
	return 0;
}

static void history_add(struct dbg_session *s, const struct dbg_value *v)
{
	if (s->nhist == s->histcap) {
		size_t cap = s->histcap ? s->histcap * 2 : 64;
		struct dbg_value *h = realloc(s->hist, cap * sizeof(*h));

		if (!h)
			return;
		s->hist = h;
		s->histcap = cap;
	}
	s->hist[s->nhist++] = *v;
}

int dbg_cmd_print(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_fmt_env env;
	struct dbg_value v;
	unsigned count = 1;
	char fmt = 0, size = 0, *text = NULL;
	size_t len = 0;
	FILE *m;
	int given, e;

	e = take_fmt(&args, &count, &fmt, &size, &given, err);
	if (e)
		return e;
	if (fmt == 'i' || fmt == 's')
		return lerr_set(err, EINVAL, "Format letter \"%c\" is meaningless in \"print\" command.",
				fmt);
	if (size)
		return lerr_set(err, EINVAL, "Size letters are meaningless in \"print\" command.");
	if (!*args) {
		if (!s->nhist)
			return lerr_set(err, EINVAL, "History is empty.");
		v = s->hist[s->nhist - 1];
	} else if ((e = dbg_session_eval(s, args, &v, err))) {
		return e;
	}
	/* Printed to memory first, so that an error leaves no half line. */
	m = open_memstream(&text, &len);
	if (!m)
		return lerr_set(err, ENOMEM, "out of memory");
	dbg_session_fmt_env(s, &env);
	e = dbg_value_print(m, &env, &v, fmt, err);
	fclose(m);
	if (!e) {
		history_add(s, &v);
		fprintf(s->out, "$%zu = %s\n", s->nhist, text);
	}
	free(text);
	return e;
}

int dbg_cmd_x(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_fmt_env env;
	unsigned count = 1;
	char fmt = 0, size = 0;
	uint64_t addr;
	int given, e;

	e = take_fmt(&args, &count, &fmt, &size, &given, err);
	if (e)
		return e;
	if (*args) {
		struct dbg_value v;

		e = dbg_session_eval(s, args, &v, err);
		if (e)
			return e;
		/* A function means its address; anything else its value (gdb's rule). */
		if (v.is_void || (v.type.base == DB_DATA && !v.type.ptr) ||
		    (v.type.base == DB_VOID && !v.type.ptr))
			return lerr_set(err, EINVAL, v.type.base == DB_DATA ?
					"'%s' has unknown type; cast it to its declared type" :
					"Invalid number \"%s\".", v.type.base == DB_DATA ? v.reg : args);
		addr = v.v;
	} else if (s->xs.have_next) {
		addr = s->xs.next;
	} else {
		return lerr_set(err, EINVAL, "Argument required (starting display address).");
	}
	if ((e = dbg_session_need(s, err)))
		return e;
	dbg_session_fmt_env(s, &env);
	return dbg_examine(s->out, &env, &s->xs, addr, count, fmt, size, err);
}

static int word_eq(const char **args, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*args, w, n) || (*args)[n] == '_' || isalnum((unsigned char)(*args)[n]) ||
	    (*args)[n] == '-')
		return 0;
	*args += n;
	while (isspace((unsigned char)**args))
		(*args)++;
	return 1;
}

int dbg_cmd_set(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_value v;

	if (word_eq(&args, "var") || word_eq(&args, "variable")) {
		if (!*args)
			return lerr_set(err, EINVAL, "Argument required (expression to compute).");
		return dbg_session_eval(s, args, &v, err);
	}
	if (word_eq(&args, "disassembly-flavor")) {
		enum dbg_flavor f;

		if (!strcmp(args, "att"))
			f = DBG_ATT;
		else if (!strcmp(args, "intel"))
			f = DBG_INTEL;
		else
			return lerr_set(err, EINVAL,
					"Undefined item: \"%s\".  Requires an argument. Valid arguments are att, intel.",
					args);
		return dbg_disasm_flavor(s->dis, f) ? lerr_set(err, ENOTSUP, "capstone refused") : 0;
	}
	/* Settings scripts written for gdb turn off; they mean nothing here. */
	if (word_eq(&args, "confirm") || word_eq(&args, "pagination") ||
	    word_eq(&args, "height") || word_eq(&args, "width") || word_eq(&args, "verbose"))
		return 0;
	if (!*args)
		return lerr_set(err, EINVAL, "Argument required (expression to compute).");
	return dbg_session_eval(s, args, &v, err);
}

int dbg_cmd_show(struct dbg_session *s, const char *args, struct lerr *err)
{
	if (!strcmp(args, "disassembly-flavor")) {
		fprintf(s->out, "The disassembly flavor is \"%s\".\n",
			dbg_disasm_get_flavor(s->dis) == DBG_ATT ? "att" : "intel");
		return 0;
	}
	if (!strcmp(args, "version")) {
		fprintf(s->out, "lpar attach %s, a gdb-like debugger for lpar partitions\n",
#ifdef LPAR_VERSION
			LPAR_VERSION
#else
			""
#endif
		);
		return 0;
	}
	return lerr_set(err, EINVAL, "Undefined show command: \"%s\".  Try \"help show\".", args);
}

int dbg_cmd_display(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_display d;
	int given, e;

	if (!*args) {
		dbg_session_displays(s);
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.count = 0;
	e = take_fmt(&args, &d.count, &d.fmt, &d.size, &given, err);
	if (e)
		return e;
	if (!*args)
		return lerr_set(err, EINVAL, "Argument required (expression to compute).");
	d.is_x = d.fmt == 'i' || d.fmt == 's' || d.size || d.count;
	if (!d.count)
		d.count = 1;
	if (d.is_x && !d.fmt)
		d.fmt = 'x';
	if (s->ndisp == DBG_MAX_DISPLAYS)
		return lerr_set(err, ENOSPC, "too many displays (at most %d)", DBG_MAX_DISPLAYS);
	snprintf(d.expr, sizeof(d.expr), "%s", args);
	d.num = s->next_disp++;
	s->disp[s->ndisp++] = d;
	if (s->t)
		return dbg_session_display_one(s, &d, err);
	return 0;
}

int dbg_cmd_undisplay(struct dbg_session *s, const char *args, struct lerr *err)
{
	if (!*args) {
		s->ndisp = 0;
		return 0;
	}
	while (*args) {
		char *end;
		long n = strtol(args, &end, 10);
		size_t i;

		if (end == args)
			return lerr_set(err, EINVAL, "Arguments must be display numbers.");
		for (i = 0; i < s->ndisp && s->disp[i].num != n; i++)
			;
		if (i == s->ndisp)
			return lerr_set(err, ENOENT, "No display number %ld.", n);
		memmove(&s->disp[i], &s->disp[i + 1], (s->ndisp - i - 1) * sizeof(s->disp[0]));
		s->ndisp--;
		args = end;
		while (isspace((unsigned char)*args))
			args++;
	}
	return 0;
}

/* ---- disassemble ---- */

static int dump(struct dbg_session *s, uint64_t lo, uint64_t hi, const struct elf_sym *fn,
		int raw, struct lerr *err)
{
	struct dbg_fmt_env env;
	uint64_t a = lo, pc = 0;
	char lab[300];

	dbg_session_fmt_env(s, &env);
	pc = env.pc;
	if (fn)
		fprintf(s->out, "Dump of assembler code for function %s:\n",
			dbg_symname(fn, lab, sizeof(lab)));
	else
		fprintf(s->out, "Dump of assembler code from 0x%" PRIx64 " to 0x%" PRIx64 ":\n", lo, hi);
	while (a < hi) {
		uint8_t code[16];
		struct dbg_insn in;
		size_t n = hi - a < 16 ? (size_t)(hi - a) : 16;
		int e;

		/* An instruction may run past hi, as the last of a function does not. */
		if (dbg_mem_read(s->t, a, code, 16, err) == 0)
			n = 16;
		else if ((e = dbg_mem_read(s->t, a, code, n, err)))
			return e;
		dbg_disasm_one(s->dis, code, n, a, s->img, &in);
		if (fn)
			snprintf(lab, sizeof(lab), " <+%" PRIu64 ">", a - fn->addr);
		else
			dbg_label(s->img, a, lab, sizeof(lab));
		if (!fn && lab[0]) {
			/* gdb writes <sym+0> in ranges. */
			size_t l = strlen(lab);

			if (!strchr(lab, '+') && l >= 2)
				snprintf(lab + l - 1, sizeof(lab) - l + 1, "+0>");
		}
		fprintf(s->out, "%s0x%016" PRIx64 "%s:\t", env.have_pc && pc == a ? "=> " : "   ",
			a, lab);
		if (raw) {
			for (unsigned i = 0; i < in.len; i++)
				fprintf(s->out, "%s%02x", i ? " " : "", code[i]);
			fputc('\t', s->out);
		}
		fprintf(s->out, "%s\n", in.text);
		a += in.len;
	}
	fprintf(s->out, "End of assembler dump.\n");
	return 0;
}

int dbg_cmd_disassemble(struct dbg_session *s, const char *args, struct lerr *err)
{
	const struct elf_sym *fn;
	uint64_t lo, hi, off;
	const char *comma;
	int raw = 0, e;

	if ((e = dbg_session_need(s, err)))
		return e;
	while (*args == '/') {
		args++;
		while (*args && !isspace((unsigned char)*args)) {
			if (*args == 'r')
				raw = 1;
			else if (*args != 'm' && *args != 's')
				return lerr_set(err, EINVAL, "Invalid disassembly modifier.");
			args++;
		}
		while (isspace((unsigned char)*args))
			args++;
	}
	comma = strchr(args, ',');
	if (comma) {
		char first[256];
		size_t n = (size_t)(comma - args);
		const char *second = comma + 1;

		if (n >= sizeof(first))
			return lerr_set(err, EINVAL, "expression too long");
		memcpy(first, args, n);
		first[n] = '\0';
		if ((e = dbg_session_addr(s, first, &lo, err)))
			return e;
		while (isspace((unsigned char)*second))
			second++;
		if (*second == '+') {
			uint64_t len;

			if ((e = dbg_session_addr(s, second + 1, &len, err)))
				return e;
			hi = lo + len;
		} else if ((e = dbg_session_addr(s, second, &hi, err))) {
			return e;
		}
		if (hi < lo)
			return lerr_set(err, EINVAL, "Invalid range: the end is before the start.");
		return dump(s, lo, hi, NULL, raw, err);
	}
	if (*args)
		e = dbg_session_addr(s, args, &lo, err);
	else
		e = dbg_session_pc(s, &lo, err);
	if (e)
		return e;
	fn = s->img ? elf_sym_at(s->img, lo, &off) : NULL;
	if (!fn || !fn->size)
		return lerr_set(err, ENOENT, *args ? "No function contains specified address."
					      : "No function contains program counter for selected frame.");
	return dump(s, fn->addr, fn->addr + fn->size, fn, raw, err);
}
