/* SPDX-License-Identifier: ISC */
/* gdb's output shapes for x and print. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "expr.h"
#include "format.h"

void dbg_xstate_init(struct dbg_xstate *st)
{
	memset(st, 0, sizeof(*st));
	st->fmt = 'x';
	st->size = 'w';
}

int dbg_fmt_parse(const char *spec, size_t len, unsigned *count, char *fmt, char *size,
		  struct lerr *err)
{
	size_t i = 0;

	while (i < len) {
		char c = spec[i];

		if (isdigit((unsigned char)c)) {
			unsigned long n = 0;

			while (i < len && isdigit((unsigned char)spec[i])) {
				n = n * 10 + (unsigned long)(spec[i++] - '0');
				if (n > 1000000)
					return lerr_set(err, ERANGE, "Item count too large.");
			}
			*count = (unsigned)n;
			continue;
		}
		if (strchr("bhwg", c) && c)
			*size = c;
		else if (strchr("xduotacsiz", c) && c)
			*fmt = c == 'z' ? 'x' : c;
		else
			return lerr_set(err, EINVAL, "Undefined output format \"%c\".", c);
		i++;
	}
	return 0;
}

const char *dbg_symname(const struct elf_sym *s, char *buf, size_t len)
{
	if (!s)
		return "??";
	return text_sanitize(buf, len, s->name, strlen(s->name));
}

const char *dbg_label(const struct elf_image *img, uint64_t addr, char *buf, size_t len)
{
	const struct elf_sym *s;
	uint64_t off = 0;
	char name[256];

	buf[0] = '\0';
	if (!img || !(s = elf_sym_at(img, addr, &off)))
		return buf;
	if (off)
		snprintf(buf, len, " <%s+%" PRIu64 ">", dbg_symname(s, name, sizeof(name)), off);
	else
		snprintf(buf, len, " <%s>", dbg_symname(s, name, sizeof(name)));
	return buf;
}

static unsigned unit_bytes(char size)
{
	switch (size) {
	case 'b': return 1;
	case 'h': return 2;
	case 'w': return 4;
	default: return 8;
	}
}

/* A character as gdb quotes it: 'A', '\n', '\000'. */
static void char_text(int c, char q, char *buf, size_t len)
{
	unsigned char u = (unsigned char)c;

	switch (u) {
	case '\n': snprintf(buf, len, "\\n"); return;
	case '\t': snprintf(buf, len, "\\t"); return;
	case '\r': snprintf(buf, len, "\\r"); return;
	case 7: snprintf(buf, len, "\\a"); return;
	case 8: snprintf(buf, len, "\\b"); return;
	case 12: snprintf(buf, len, "\\f"); return;
	case 11: snprintf(buf, len, "\\v"); return;
	case 27: snprintf(buf, len, "\\033"); return;
	}
	if (u == '\\' || u == (unsigned char)q)
		snprintf(buf, len, "\\%c", u);
	else if (u >= 0x20 && u < 0x7f)
		snprintf(buf, len, "%c", u);
	else
		snprintf(buf, len, "\\%03o", u);
}

static void binary_text(uint64_t v, unsigned bits, int pad, char *buf)
{
	unsigned n = 0, top = bits;

	if (!pad) {
		top = 1;
		for (unsigned b = bits; b > 0; b--)
			if (v >> (b - 1) & 1) {
				top = b;
				break;
			}
	}
	for (unsigned b = top; b > 0; b--)
		buf[n++] = (char)('0' + (v >> (b - 1) & 1));
	buf[n] = '\0';
}

/* One integer in format fmt; pad: zero-pad hex and binary to the size (x does). */
static void int_text(uint64_t v, unsigned bytes, int is_signed, char fmt, int pad,
		     const struct elf_image *img, char *buf, size_t len)
{
	uint64_t mask = bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
	uint64_t u = v & mask;
	int64_t s = bytes >= 8 ? (int64_t)u : (int64_t)(u << (64 - 8 * bytes)) >> (64 - 8 * bytes);
	char lab[300], ch[8], bin[72];

	switch (fmt) {
	case 'd':
		snprintf(buf, len, "%" PRId64, s);
		break;
	case 'u':
		snprintf(buf, len, "%" PRIu64, u);
		break;
	case 'o':
		snprintf(buf, len, u ? "0%" PRIo64 : "0", u);
		break;
	case 't':
		binary_text(u, 8 * bytes, pad, bin);
		snprintf(buf, len, "%s", bin);
		break;
	case 'c':
		char_text((int)(u & 0xff), '\'', ch, sizeof(ch));
		snprintf(buf, len, "%" PRId64 " '%s'",
			 is_signed ? (int64_t)(int8_t)(u & 0xff) : (int64_t)(u & 0xff), ch);
		break;
	case 'a':
		snprintf(buf, len, "0x%" PRIx64 "%s", u, dbg_label(img, u, lab, sizeof(lab)));
		break;
	case 'x':
		if (pad)
			snprintf(buf, len, "0x%0*" PRIx64, (int)(2 * bytes), u);
		else
			snprintf(buf, len, "0x%" PRIx64, u);
		break;
	default: /* natural */
		snprintf(buf, len, is_signed ? "%" PRId64 : "%" PRIu64,
			 is_signed ? s : (int64_t)u);
		break;
	}
}

/* A string at addr as x/s prints it; returns the bytes used (with the NUL). */
static int string_text(FILE *out, const struct dbg_fmt_env *env, uint64_t addr,
		       uint64_t *used, struct lerr *err)
{
	const unsigned limit = 200;
	unsigned n = 0;
	uint8_t c = 0;
	char ch[8];

	fputc('"', out);
	for (; n < limit; n++) {
		int e = env->mem_read(env->ctx, addr + n, &c, 1, err);

		if (e) {
			if (!n) {
				fputs("\"\n", out);
				return e;
			}
			break;
		}
		if (!c)
			break;
		char_text(c, '"', ch, sizeof(ch));
		fputs(ch, out);
	}
	fputc('"', out);
	if (n == limit && c)
		fputs("...", out);
	*used = n + (c ? 0 : 1);
	return 0;
}

int dbg_examine(FILE *out, const struct dbg_fmt_env *env, struct dbg_xstate *st,
		uint64_t addr, unsigned count, char fmt, char size, struct lerr *err)
{
	char lab[300], text[128];
	unsigned per_line, bytes;
	int e = 0;

	if (!fmt)
		fmt = st->fmt;
	if (fmt == 'a')
		size = 'g';
	else if (!size)
		size = fmt == 'c' ? 'b' : st->size;
	st->fmt = fmt;
	if (fmt != 's' && fmt != 'i')
		st->size = size;
	bytes = unit_bytes(size);
	if (!env->mem_read)
		return lerr_set(err, EFAULT, "Cannot access memory at address 0x%" PRIx64, addr);
	if (fmt == 's' || fmt == 'i') {
		for (unsigned i = 0; i < count; i++) {
			uint64_t used = 0;

			if (fmt == 'i') {
				int n;

				if (!env->insn)
					return lerr_set(err, ENOTSUP, "no disassembler");
				n = env->insn(env->ctx, addr, text, sizeof(text), err);
				if (n < 0)
					return n;
				fprintf(out, "%s0x%" PRIx64 "%s:\t%s\n",
					env->have_pc && env->pc == addr ? "=> " : "   ", addr,
					dbg_label(env->img, addr, lab, sizeof(lab)), text);
				used = (uint64_t)n;
			} else {
				fprintf(out, "0x%" PRIx64 "%s:\t", addr,
					dbg_label(env->img, addr, lab, sizeof(lab)));
				e = string_text(out, env, addr, &used, err);
				if (e)
					return e;
				fputc('\n', out);
			}
			addr += used;
			st->next = addr;
			st->have_next = 1;
		}
		return 0;
	}
	switch (fmt) {
	case 'c':
		per_line = 8;
		break;
	case 'a':
		per_line = 2;
		break;
	default:
		per_line = bytes == 8 ? 2 : bytes == 4 ? 4 : 8;
		break;
	}
	for (unsigned i = 0; i < count; i++) {
		uint64_t v = 0;

		if (i % per_line == 0)
			fprintf(out, "%s0x%" PRIx64 "%s:", i ? "\n" : "", addr,
				dbg_label(env->img, addr, lab, sizeof(lab)));
		e = env->mem_read(env->ctx, addr, &v, bytes, err);
		if (e) {
			/* gdb's shape: the error ends the line ("0x0:\tCannot access ..."). */
			fputc('\t', out);
			return e;
		}
		int_text(v, bytes, fmt == 'd' || fmt == 'c', fmt, 1, env->img, text,
			 sizeof(text));
		fprintf(out, "\t%s", text);
		addr += bytes;
		st->next = addr;
		st->have_next = 1;
	}
	if (count)
		fputc('\n', out);
	return 0;
}

void dbg_eflags_text(uint64_t f, char *buf, size_t len)
{
	static const struct {
		int bit;
		const char *name;
	} flags[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" }, { 8, "TF" },
		{ 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" }, { 16, "RF" },
		{ 17, "VM" }, { 18, "AC" }, { 19, "VIF" }, { 20, "VIP" }, { 21, "ID" },
	};
	size_t n = (size_t)snprintf(buf, len, "[ ");

	/* gdb lists them from the highest bit down. */
	for (int i = (int)(sizeof(flags) / sizeof(flags[0])) - 1; i >= 0; i--)
		if ((f >> flags[i].bit & 1) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s ", flags[i].name);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

int dbg_value_print(FILE *out, const struct dbg_fmt_env *env, const struct dbg_value *v,
		    char fmt, struct lerr *err)
{
	const struct dbg_type *t = &v->type;
	char text[300], lab[300], tname[64];
	unsigned bytes = t->ptr ? 8 : t->size;

	if (v->is_void) {
		fputs("void", out);
		return 0;
	}
	if (t->base == DB_DATA && !t->ptr)
		return lerr_set(err, EINVAL, "'%s' has unknown type; cast it to its declared type",
				v->reg);
	if (t->base == DB_VOID && !t->ptr) {
		fputs("void", out);
		return 0;
	}
	if (t->base == DB_CODE && !t->ptr) {
		if (fmt && fmt != 'a') {
			int_text(v->v, 8, 0, fmt, 0, env->img, text, sizeof(text));
			fputs(text, out);
		} else {
			fprintf(out, "{<text variable, no debug info>} 0x%" PRIx64 "%s", v->v,
				dbg_label(env->img, v->v, lab, sizeof(lab)));
		}
		return 0;
	}
	if (t->ptr || t->base == DB_FUNC) {
		if (fmt && fmt != 'a') {
			int_text(v->v, 8, 0, fmt, 0, env->img, text, sizeof(text));
			fputs(text, out);
			return 0;
		}
		if (fmt == 'a') {
			fprintf(out, "0x%" PRIx64 "%s", v->v, dbg_label(env->img, v->v, lab, sizeof(lab)));
			return 0;
		}
		dbg_type_name(t, tname, sizeof(tname));
		fprintf(out, "(%s) 0x%" PRIx64, tname, v->v);
		/* char * shows the string, as gdb does. */
		if (t->ptr == 1 && t->base == DB_INT && t->is_char && env->mem_read) {
			struct lerr e2 = { 0 };
			uint64_t used;
			uint8_t c;

			if (env->mem_read(env->ctx, v->v, &c, 1, &e2) == 0) {
				fputc(' ', out);
				string_text(out, env, v->v, &used, &e2);
			} else {
				fprintf(out, " <error: %s>", e2.msg);
			}
			return 0;
		}
		fputs(dbg_label(env->img, v->v, lab, sizeof(lab)), out);
		return 0;
	}
	if (t->base == DB_FLAGS && !fmt) {
		dbg_eflags_text(v->v, text, sizeof(text));
		fputs(text, out);
		return 0;
	}
	if (!fmt && t->is_char)
		fmt = 'c';
	int_text(v->v, bytes ? bytes : 8, t->is_signed, fmt, 0, env->img, text, sizeof(text));
	fputs(text, out);
	return 0;
}
