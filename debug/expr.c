/* SPDX-License-Identifier: ISC */
/* The expression evaluator: recursive descent that evaluates as it parses. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "expr.h"

struct ps {
	const struct dbg_expr_env *env;
	const char *s, *p;
	struct lerr *err;
	int skip;            /* evaluating the unused side of && or ||: no effects */
	int depth;           /* nesting: parentheses, prefix operators, assignments */
};

/* Deeper nesting is refused: each level costs stack, and text can nest without end. */
#define EXPR_DEPTH_MAX 256

static int assign(struct ps *ps, struct dbg_value *v);

static void skipws(struct ps *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static int syntax(struct ps *ps)
{
	return lerr_set(ps->err, EINVAL, "A syntax error in expression, near `%s'.", ps->p);
}

static int too_deep(struct ps *ps)
{
	return lerr_set(ps->err, EINVAL, "Expression nested too deeply (more than %d levels).",
			EXPR_DEPTH_MAX);
}

/* ---- types ---- */

static void int_type(struct dbg_type *t, unsigned size, int is_signed)
{
	static const char *const sn[] = { "", "char", "short", "", "int", "", "", "", "long" };
	static const char *const un[] = { "", "unsigned char", "unsigned short", "",
					  "unsigned int", "", "", "", "unsigned long" };

	memset(t, 0, sizeof(*t));
	t->base = DB_INT;
	t->size = size;
	t->is_signed = is_signed;
	t->is_char = size == 1;
	snprintf(t->name, sizeof(t->name), "%s", is_signed ? sn[size] : un[size]);
}

static const struct {
	const char *name;
	unsigned size;
	int is_signed;
} typedefs[] = {
	{ "uint8_t", 1, 0 }, { "uint16_t", 2, 0 }, { "uint32_t", 4, 0 }, { "uint64_t", 8, 0 },
	{ "int8_t", 1, 1 }, { "int16_t", 2, 1 }, { "int32_t", 4, 1 }, { "int64_t", 8, 1 },
	{ "size_t", 8, 0 }, { "ssize_t", 8, 1 }, { "uintptr_t", 8, 0 }, { "intptr_t", 8, 1 },
	{ "_Bool", 1, 0 }, { "bool", 1, 0 },
};

/* The word at s if it is an identifier; its length. */
static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !strncmp(s, w, n);
}

size_t dbg_type_parse(const char *s, struct dbg_type *t)
{
	const char *p = s;
	int sign = 0, uns = 0, chr = 0, shrt = 0, lng = 0, in = 0, vd = 0, any = 0;
	size_t n;

	memset(t, 0, sizeof(*t));
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		n = ident_len(p);
		if (!n)
			break;
		if (word_is(p, n, "unsigned"))
			uns = 1;
		else if (word_is(p, n, "signed"))
			sign = 1;
		else if (word_is(p, n, "char"))
			chr = 1;
		else if (word_is(p, n, "short"))
			shrt = 1;
		else if (word_is(p, n, "long"))
			lng++;
		else if (word_is(p, n, "int"))
			in = 1;
		else if (word_is(p, n, "void"))
			vd = 1;
		else if (word_is(p, n, "const") || word_is(p, n, "volatile"))
			;
		else if (!any) {
			size_t i;

			for (i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++)
				if (word_is(p, n, typedefs[i].name))
					break;
			if (i == sizeof(typedefs) / sizeof(typedefs[0]))
				return 0;
			int_type(t, typedefs[i].size, typedefs[i].is_signed);
			snprintf(t->name, sizeof(t->name), "%s", typedefs[i].name);
			t->is_char = 0;
			p += n;
			any = 2;
			continue;
		} else {
			break;
		}
		if (any == 2)
			return 0; /* "uint8_t long" */
		any = 1;
		p += n;
	}
	if (!any)
		return 0;
	if (any == 1) {
		if (vd) {
			if (uns || sign || chr || shrt || lng || in)
				return 0;
			t->base = DB_VOID;
			snprintf(t->name, sizeof(t->name), "void");
		} else if (chr) {
			int_type(t, 1, !uns);
			if (!uns && !sign)
				snprintf(t->name, sizeof(t->name), "char");
			else if (sign)
				snprintf(t->name, sizeof(t->name), "signed char");
		} else {
			int_type(t, shrt ? 2 : lng ? 8 : 4, !uns);
			if (lng == 2)
				snprintf(t->name, sizeof(t->name), "%slong long", uns ? "unsigned " : "");
		}
	}
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '*')
			break;
		t->ptr++;
		p++;
	}
	return (size_t)(p - s);
}

void dbg_type_name(const struct dbg_type *t, char *buf, size_t len)
{
	const char *base = t->name;
	char stars[16] = "";

	for (int i = 0; i < t->ptr && i < 15; i++)
		stars[i] = '*';
	switch (t->base) {
	case DB_CODE:
		base = "<text variable, no debug info>";
		break;
	case DB_DATA:
		base = "<data variable, no debug info>";
		break;
	case DB_FUNC:
		snprintf(buf, len, "void (*%s)()", stars);
		return;
	case DB_FLAGS:
		base = "i386_eflags";
		break;
	case DB_VOID:
		base = "void";
		break;
	case DB_INT:
		break;
	}
	snprintf(buf, len, "%s%s%s", base, t->ptr ? " " : "", stars);
}

/* ---- values ---- */

int64_t dbg_value_signed(const struct dbg_value *v)
{
	unsigned size = v->type.ptr ? 8 : v->type.size;

	if (!v->type.is_signed || v->type.ptr || size >= 8 || !size)
		return (int64_t)v->v;
	return (int64_t)(v->v << (64 - 8 * size)) >> (64 - 8 * size);
}

/* Truncates and extends v->v to its type. */
static void normalize(struct dbg_value *v)
{
	unsigned size = v->type.ptr ? 8 : v->type.size;

	if (size && size < 8) {
		v->v &= (1ull << (8 * size)) - 1;
		v->v = (uint64_t)dbg_value_signed(v);
		if (!v->type.is_signed)
			v->v &= (1ull << (8 * size)) - 1;
	}
}

static void int_value(struct dbg_value *v, unsigned size, int is_signed, uint64_t x)
{
	memset(v, 0, sizeof(*v));
	int_type(&v->type, size, is_signed);
	v->v = x;
	normalize(v);
}

/* The size of what a pointer of type t points to (1 for void and code). */
static unsigned pointee_size(const struct dbg_type *t)
{
	if (t->ptr > 1)
		return 8;
	return t->base == DB_INT ? t->size : 1;
}

static int read_typed(struct ps *ps, uint64_t addr, const struct dbg_type *t,
		      struct dbg_value *out)
{
	unsigned size = t->ptr ? 8 : t->size;
	uint64_t x = 0;
	int e;

	memset(out, 0, sizeof(*out));
	out->type = *t;
	out->lval = LV_MEM;
	out->addr = addr;
	if (ps->skip || !size)
		return 0;
	if (!ps->env->mem_read)
		return lerr_set(ps->err, EFAULT, "Cannot access memory at address 0x%llx",
				(unsigned long long)addr);
	e = ps->env->mem_read(ps->env->ctx, addr, &x, size, ps->err);
	if (e)
		return e;
	out->v = x;
	normalize(out);
	return 0;
}

/* A value usable in arithmetic: numbers, pointers, code addresses. */
static int arith_ok(struct ps *ps, const struct dbg_value *v)
{
	if (v->is_void)
		return lerr_set(ps->err, EINVAL,
				"Argument to arithmetic operation not a number or boolean.");
	if (v->type.base == DB_DATA && !v->type.ptr)
		return lerr_set(ps->err, EINVAL,
				"'%s' has unknown type; cast it to its declared type", v->reg);
	if (v->type.base == DB_VOID && !v->type.ptr)
		return lerr_set(ps->err, EINVAL,
				"Argument to arithmetic operation not a number or boolean.");
	return 0;
}

static int is_ptr(const struct dbg_value *v)
{
	return v->type.ptr || v->type.base == DB_CODE || v->type.base == DB_FUNC;
}

/* The usual arithmetic conversions, reduced to sizes and signedness. */
static void common_int(const struct dbg_value *a, const struct dbg_value *b,
		       unsigned *size, int *is_signed)
{
	unsigned sa = a->type.size < 4 ? 4 : a->type.size;
	unsigned sb = b->type.size < 4 ? 4 : b->type.size;
	int ua = a->type.size >= 4 && !a->type.is_signed;
	int ub = b->type.size >= 4 && !b->type.is_signed;

	if (a->type.base == DB_FLAGS)
		sa = 8, ua = 0;
	if (b->type.base == DB_FLAGS)
		sb = 8, ub = 0;
	*size = sa > sb ? sa : sb;
	*is_signed = !((sa == *size && ua) || (sb == *size && ub));
}

/* ---- primaries ---- */

static int number(struct ps *ps, struct dbg_value *v)
{
	const char *p = ps->p;
	unsigned long long x;
	char *end;

	errno = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		x = strtoull(p + 2, &end, 16), end = end == p + 2 ? (char *)p + 1 : end;
	else if (p[0] == '0')
		x = strtoull(p, &end, 8);
	else
		x = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return lerr_set(ps->err, ERANGE, "Numeric constant too large.");
	/* C's suffixes: u, l, ul, ll, ull. */
	{
		int u = 0, l = 0;

		while ((*end == 'u' || *end == 'U') ? !u++ : (*end == 'l' || *end == 'L') ? l++ < 2 : 0)
			end++;
		if (isalnum((unsigned char)*end) || *end == '_') {
			ps->p = end;
			return lerr_set(ps->err, EINVAL, "Invalid number \"%.*s\".",
					(int)(ident_len(end) + (size_t)(end - p)), p);
		}
		ps->p = end;
		if (u || l) {
			unsigned size = l || x > 0xffffffffull ? 8 : 4;

			int_value(v, size, !u && !(size == 8 && x > 0x7fffffffffffffffull), x);
			return 0;
		}
	}
	if (isalnum((unsigned char)*end) || *end == '_') {
		ps->p = end;
		return lerr_set(ps->err, EINVAL, "Invalid number \"%.*s\".",
				(int)(ident_len(end) + (size_t)(end - p)), p);
	}
	ps->p = end;
	if (x <= 0x7fffffffull)
		int_value(v, 4, 1, x);
	else if (x <= 0xffffffffull && p[0] == '0' && p[1])
		int_value(v, 4, 0, x);
	else if (x <= 0x7fffffffffffffffull)
		int_value(v, 8, 1, x);
	else
		int_value(v, 8, 0, x);
	return 0;
}

static int char_lit(struct ps *ps, struct dbg_value *v)
{
	const char *p = ps->p + 1;
	int c;

	if (*p == '\\') {
		p++;
		switch (*p) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '0': c = 0; break;
		case 'a': c = 7; break;
		case 'b': c = 8; break;
		case 'f': c = 12; break;
		case 'v': c = 11; break;
		case 'e': c = 27; break;
		case '\\': case '\'': case '"': c = *p; break;
		default: return syntax(ps);
		}
	} else if (*p && *p != '\'') {
		c = (unsigned char)*p;
	} else {
		return lerr_set(ps->err, EINVAL, "Unmatched single quote.");
	}
	if (p[1] != '\'')
		return lerr_set(ps->err, EINVAL, "Unmatched single quote.");
	ps->p = p + 2;
	int_value(v, 1, 1, (uint64_t)(int64_t)(signed char)c);
	return 0;
}

static struct dbg_conv_var *conv_find(const struct dbg_expr_env *env, const char *name)
{
	if (!env->conv)
		return NULL;
	for (size_t i = 0; i < env->conv->n; i++)
		if (!strcmp(env->conv->vars[i].name, name))
			return &env->conv->vars[i];
	return NULL;
}

static int history(struct ps *ps, long back, long abs, struct dbg_value *v)
{
	const struct dbg_expr_env *env = ps->env;
	long idx = abs ? abs - 1 : (long)env->nhistory - 1 - back;

	if (abs && (size_t)abs > env->nhistory)
		return lerr_set(ps->err, EINVAL, "History has not yet reached $%ld.", abs);
	if (idx < 0 || (size_t)idx >= env->nhistory) {
		memset(v, 0, sizeof(*v));
		v->is_void = 1;
		return 0;
	}
	*v = env->history[idx];
	v->lval = v->lval == LV_MEM ? LV_MEM : LV_NONE;
	return 0;
}

static int dollar(struct ps *ps, struct dbg_value *v)
{
	const char *p = ps->p + 1;
	char name[32];
	size_t n;
	int e;

	if (*p == '$') {
		p++;
		ps->p = p;
		if (isdigit((unsigned char)*p)) {
			long k = strtol(p, (char **)&ps->p, 10);

			return history(ps, k, 0, v);
		}
		return history(ps, 1, 0, v);
	}
	if (isdigit((unsigned char)*p)) {
		long k = strtol(p, (char **)&ps->p, 10);

		return k ? history(ps, 0, k, v) : history(ps, 0, 0, v);
	}
	n = ident_len(p);
	if (!n) {
		ps->p = p;
		return history(ps, 0, 0, v);
	}
	if (n >= sizeof(name))
		return syntax(ps);
	memcpy(name, p, n);
	name[n] = '\0';
	ps->p = p + n;
	if (ps->env->reg_get) {
		e = ps->env->reg_get(ps->env->ctx, name, v, ps->err);
		if (e != -ENOENT)
			return e;
	}
	{
		struct dbg_conv_var *c = conv_find(ps->env, name);

		if (c) {
			*v = c->val;
		} else {
			memset(v, 0, sizeof(*v));
			v->is_void = 1;
		}
		v->lval = LV_CONV;
		snprintf(v->reg, sizeof(v->reg), "%.23s", name);
	}
	return 0;
}

static int symbol(struct ps *ps, struct dbg_value *v)
{
	size_t n = ident_len(ps->p);
	const struct elf_sym *s = NULL;
	char name[256];

	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, ps->p, n);
	name[n] = '\0';
	ps->p += n;
	if (ps->env->img)
		s = elf_sym_lookup(ps->env->img, name);
	if (!s)
		return lerr_set(ps->err, ENOENT, "No symbol \"%s\" in current context.", name);
	memset(v, 0, sizeof(*v));
	if (s->is_func) {
		v->type.base = DB_CODE;
		v->v = s->addr;
		v->lval = LV_MEM;
		v->addr = s->addr;
		snprintf(v->reg, sizeof(v->reg), "%.23s", name);
		return 0;
	}
	/* Without debug info an object of a scalar's size reads as an integer. */
	if (s->size == 1 || s->size == 2 || s->size == 4 || s->size == 8) {
		struct dbg_type t;

		int_type(&t, (unsigned)s->size, 1);
		t.is_char = 0;
		return read_typed(ps, s->addr, &t, v);
	}
	v->type.base = DB_DATA;
	v->v = s->addr;
	v->lval = LV_MEM;
	v->addr = s->addr;
	snprintf(v->reg, sizeof(v->reg), "%.23s", name);
	return 0;
}

static int unary(struct ps *ps, struct dbg_value *v);

static int cast(struct ps *ps, const struct dbg_type *t, struct dbg_value *v)
{
	int e = unary(ps, v);

	if (e)
		return e;
	if (v->is_void)
		return lerr_set(ps->err, EINVAL, "Invalid cast.");
	/* An object of unknown type is reinterpreted in place, as gdb does. */
	if (v->type.base == DB_DATA && !v->type.ptr && v->lval == LV_MEM) {
		if (t->base == DB_VOID && !t->ptr)
			return lerr_set(ps->err, EINVAL, "Invalid cast.");
		return read_typed(ps, v->addr, t, v);
	}
	if (t->base == DB_VOID && !t->ptr) {
		memset(v, 0, sizeof(*v));
		v->is_void = 1;
		return 0;
	}
	v->type = *t;
	v->lval = LV_NONE;
	normalize(v);
	return 0;
}

static int primary(struct ps *ps, struct dbg_value *v)
{
	int e;

	skipws(ps);
	if (isdigit((unsigned char)*ps->p))
		return number(ps, v);
	if (*ps->p == '\'')
		return char_lit(ps, v);
	if (*ps->p == '$')
		return dollar(ps, v);
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		struct dbg_type t;

		if (dbg_type_parse(ps->p, &t))
			return lerr_set(ps->err, EINVAL,
					"Attempt to use a type name as an expression");
		return symbol(ps, v);
	}
	if (*ps->p == '(') {
		ps->p++;
		e = assign(ps, v);
		if (e)
			return e;
		skipws(ps);
		if (*ps->p != ')')
			return syntax(ps);
		ps->p++;
		return 0;
	}
	return syntax(ps);
}

static int unary(struct ps *ps, struct dbg_value *v)
{
	char op;
	int e;

	skipws(ps);
	op = *ps->p;
	if (op == '(') {
		struct dbg_type t;
		size_t n = dbg_type_parse(ps->p + 1, &t);

		if (n) {
			const char *q = ps->p + 1 + n;

			while (isspace((unsigned char)*q))
				q++;
			if (*q == ')') {
				ps->p = q + 1;
				return cast(ps, &t, v);
			}
		}
		return primary(ps, v);
	}
	if (op == '-' || op == '+' || op == '~' || op == '!' || op == '*' || op == '&') {
		ps->p++;
		if (ps->depth >= EXPR_DEPTH_MAX)
			return too_deep(ps);
		ps->depth++;
		e = unary(ps, v);
		ps->depth--;
		if (e)
			return e;
		if (op == '&') {
			if (v->lval != LV_MEM)
				return lerr_set(ps->err, EINVAL,
						"Attempt to take address of value not located in memory.");
			v->v = v->addr;
			v->type.ptr++;
			v->lval = LV_NONE;
			return 0;
		}
		if (op == '*') {
			struct dbg_type t;

			if (v->type.base == DB_CODE && !v->type.ptr)
				return 0; /* *main is main */
			if (!v->type.ptr || (v->type.ptr == 1 && v->type.base == DB_VOID))
				return lerr_set(ps->err, EINVAL,
						"Attempt to take contents of a non-pointer value.");
			t = v->type;
			t.ptr--;
			if (!t.ptr && (t.base == DB_CODE || t.base == DB_DATA)) {
				uint64_t a = v->v;

				memset(v, 0, sizeof(*v));
				v->type = t;
				v->v = a;
				v->lval = LV_MEM;
				v->addr = a;
				snprintf(v->reg, sizeof(v->reg), "0x%llx", (unsigned long long)a);
				return 0;
			}
			return read_typed(ps, v->v, &t, v);
		}
		if ((e = arith_ok(ps, v)))
			return e;
		if (op == '!') {
			int_value(v, 4, 1, v->v == 0);
			return 0;
		}
		if (is_ptr(v) && op != '+')
			return lerr_set(ps->err, EINVAL,
					"Argument to arithmetic operation not a number or boolean.");
		if (v->type.base == DB_INT || v->type.base == DB_FLAGS) {
			unsigned size;
			int sg;

			common_int(v, v, &size, &sg);
			int_value(v, size, sg, op == '-' ? -v->v : op == '~' ? ~v->v : v->v);
		}
		v->lval = LV_NONE;
		return 0;
	}
	return primary(ps, v);
}

/* ---- binary operators ---- */

static int binop(struct ps *ps, const char *op, struct dbg_value *a, struct dbg_value *b)
{
	unsigned size;
	int sg, e;
	uint64_t x = a->v, y = b->v, r = 0;

	if ((e = arith_ok(ps, a)) || (e = arith_ok(ps, b)))
		return e;
	if (!strcmp(op, "&&") || !strcmp(op, "||")) {
		int_value(a, 4, 1, op[0] == '&' ? (x && y) : (x || y));
		return 0;
	}
	if (!strcmp(op, "==") || !strcmp(op, "!=") || op[0] == '<' || op[0] == '>') {
		int lt, eq = x == y;

		if (!strcmp(op, "<<") || !strcmp(op, ">>"))
			goto arith;
		common_int(a, b, &size, &sg);
		if (is_ptr(a) || is_ptr(b))
			sg = 0;
		lt = sg ? dbg_value_signed(a) < dbg_value_signed(b) : x < y;
		if (!strcmp(op, "=="))
			r = eq;
		else if (!strcmp(op, "!="))
			r = !eq;
		else if (!strcmp(op, "<"))
			r = lt;
		else if (!strcmp(op, "<="))
			r = lt || eq;
		else if (!strcmp(op, ">"))
			r = !lt && !eq;
		else
			r = !lt;
		int_value(a, 4, 1, r);
		return 0;
	}
arith:
	/* Pointer arithmetic: scaled by what the pointer points to. */
	if ((op[0] == '+' || op[0] == '-') && (is_ptr(a) || is_ptr(b))) {
		if (is_ptr(a) && is_ptr(b)) {
			if (op[0] == '+')
				return lerr_set(ps->err, EINVAL, "Cannot add two pointers.");
			int_value(a, 8, 1, (x - y) / pointee_size(&a->type));
			return 0;
		}
		if (is_ptr(b)) {
			struct dbg_value t = *a;

			if (op[0] == '-')
				return lerr_set(ps->err, EINVAL,
						"Argument to arithmetic operation not a number or boolean.");
			*a = *b;
			*b = t;
			x = a->v;
			y = b->v;
		}
		if (a->type.base == DB_CODE && !a->type.ptr)
			a->type.ptr = 1; /* main + 1: the function's address */
		y = (uint64_t)dbg_value_signed(b) * pointee_size(&a->type);
		a->v = op[0] == '+' ? x + y : x - y;
		a->lval = LV_NONE;
		return 0;
	}
	if (is_ptr(a) || is_ptr(b)) {
		if (!strchr("&|^", op[0]) || a->type.base == DB_CODE || b->type.base == DB_CODE)
			return lerr_set(ps->err, EINVAL,
					"Argument to arithmetic operation not a number or boolean.");
	}
	common_int(a, b, &size, &sg);
	if (is_ptr(a) || is_ptr(b))
		size = 8, sg = 0;
	{
		struct dbg_value ca = *a, cb = *b;

		int_value(&ca, size, sg, (uint64_t)dbg_value_signed(a));
		int_value(&cb, size, sg, (uint64_t)dbg_value_signed(b));
		if (!a->type.is_signed || a->type.ptr)
			int_value(&ca, size, sg, a->v);
		if (!b->type.is_signed || b->type.ptr)
			int_value(&cb, size, sg, b->v);
		x = ca.v;
		y = cb.v;
	}
	switch (op[0]) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/':
	case '%':
		if (!y)
			return lerr_set(ps->err, EDOM, "Division by zero");
		if (sg) {
			int64_t sx = (int64_t)x, sy = (int64_t)y;

			if (size == 4) {
				sx = (int32_t)sx;
				sy = (int32_t)sy;
			}
			if (sy == -1)
				r = op[0] == '/' ? (uint64_t)0 - x : 0;
			else
				r = (uint64_t)(op[0] == '/' ? sx / sy : sx % sy);
		} else {
			r = op[0] == '/' ? x / y : x % y;
		}
		break;
	case '&': r = x & y; break;
	case '|': r = x | y; break;
	case '^': r = x ^ y; break;
	case '<': r = y >= 64 ? 0 : x << y; break;
	case '>':
		if (sg)
			r = (uint64_t)(y >= 64 ? (int64_t)x >> 63 : (int64_t)x >> y);
		else
			r = y >= 64 ? 0 : x >> y;
		if (sg && size == 4)
			r = (uint64_t)(y >= 32 ? (int32_t)x >> 31 : (int32_t)x >> y);
		break;
	}
	int_value(a, size, sg, r);
	return 0;
}

/* One level of left-associative binary operators, from tightest (0) out. */
static const char *const levels[][6] = {
	{ "*", "/", "%", NULL },
	{ "+", "-", NULL },
	{ "<<", ">>", NULL },
	{ "<=", ">=", "<", ">", NULL },
	{ "==", "!=", NULL },
	{ "&", NULL },
	{ "^", NULL },
	{ "|", NULL },
	{ "&&", NULL },
	{ "||", NULL },
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

/* The operator of this level at p, not the start of a longer one. */
static const char *op_at(int level, const char *p)
{
	for (int i = 0; levels[level][i]; i++) {
		const char *o = levels[level][i];
		size_t n = strlen(o);

		if (strncmp(p, o, n))
			continue;
		/* "&" is not "&&", "<" is not "<<" or "<=", "=" is not "==". */
		if (n == 1 && (p[1] == o[0] || (strchr("<>!=", o[0]) && p[1] == '=')))
			continue;
		if (n == 1 && strchr("+-*/%&|^", o[0]) && p[1] == '=')
			continue;
		if (n == 2 && (!strcmp(o, "<<") || !strcmp(o, ">>")) && p[2] == '=')
			continue;
		return o;
	}
	return NULL;
}

static int binary(struct ps *ps, int level, struct dbg_value *v)
{
	const char *op;
	int e;

	if (level < 0)
		return unary(ps, v);
	e = binary(ps, level - 1, v);
	if (e)
		return e;
	for (;;) {
		struct dbg_value rhs;
		int saved = ps->skip;

		skipws(ps);
		op = op_at(level, ps->p);
		if (!op)
			return 0;
		ps->p += strlen(op);
		/* && and || do not evaluate what they need not. */
		if ((!strcmp(op, "&&") && !v->v) || (!strcmp(op, "||") && v->v))
			ps->skip = 1;
		e = binary(ps, level - 1, &rhs);
		ps->skip = saved;
		if (e)
			return e;
		e = binop(ps, op, v, &rhs);
		if (e)
			return e;
	}
}

static int store(struct ps *ps, struct dbg_value *lhs, const struct dbg_value *rhs)
{
	const struct dbg_expr_env *env = ps->env;
	uint64_t x = rhs->v;
	unsigned size;
	int e;

	if (ps->skip)
		return 0;
	switch (lhs->lval) {
	case LV_CONV: {
		struct dbg_conv_var *c = conv_find(env, lhs->reg);

		if (!c) {
			if (!env->conv || env->conv->n == sizeof(env->conv->vars) /
			    sizeof(env->conv->vars[0]))
				return lerr_set(ps->err, ENOSPC, "too many convenience variables");
			c = &env->conv->vars[env->conv->n++];
			snprintf(c->name, sizeof(c->name), "%s", lhs->reg);
		}
		c->val = *rhs;
		c->val.lval = LV_NONE;
		*lhs = c->val;
		return 0;
	}
	case LV_REG:
		if (!env->reg_set)
			return lerr_set(ps->err, EROFS, "cannot write registers here");
		e = env->reg_set(env->ctx, lhs->reg, x, ps->err);
		if (e)
			return e;
		lhs->v = x;
		normalize(lhs);
		return 0;
	case LV_MEM:
		if (lhs->type.base == DB_DATA && !lhs->type.ptr)
			return lerr_set(ps->err, EINVAL,
					"'%s' has unknown type; cast it to its declared type", lhs->reg);
		if (lhs->type.base == DB_CODE && !lhs->type.ptr)
			return lerr_set(ps->err, EINVAL, "Invalid cast.");
		size = lhs->type.ptr ? 8 : lhs->type.size;
		if (!env->mem_write)
			return lerr_set(ps->err, EROFS, "cannot write memory here");
		e = env->mem_write(env->ctx, lhs->addr, &x, size, ps->err);
		if (e)
			return e;
		lhs->v = x;
		normalize(lhs);
		return 0;
	case LV_NONE:
		break;
	}
	return lerr_set(ps->err, EINVAL, "Left operand of assignment is not an lvalue.");
}

static int assign(struct ps *ps, struct dbg_value *v)
{
	struct dbg_value rhs;
	int e;

	if (ps->depth >= EXPR_DEPTH_MAX)
		return too_deep(ps);
	ps->depth++;
	e = binary(ps, NLEVELS - 1, v);
	ps->depth--;
	if (e)
		return e;
	skipws(ps);
	if (ps->p[0] != '=' || ps->p[1] == '=')
		return 0;
	ps->p++;
	if (ps->depth >= EXPR_DEPTH_MAX)
		return too_deep(ps);
	ps->depth++;
	e = assign(ps, &rhs);
	ps->depth--;
	if (e)
		return e;
	if ((e = arith_ok(ps, &rhs)) && !(v->lval == LV_CONV && !rhs.is_void))
		return e;
	return store(ps, v, &rhs);
}

int dbg_expr_eval(const struct dbg_expr_env *env, const char *s, struct dbg_value *out,
		  struct lerr *err)
{
	struct ps ps = { env, s, s, err, 0, 0 };
	int e;

	skipws(&ps);
	if (!*ps.p)
		return lerr_set(err, EINVAL, "Argument required (expression to compute).");
	e = assign(&ps, out);
	if (e)
		return e;
	skipws(&ps);
	if (*ps.p)
		return syntax(&ps);
	return 0;
}
