/* SPDX-License-Identifier: ISC */
/* The capstone wrapper: one x86-64 handle, gdb's spacing and labels. */
#include <capstone/capstone.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "format.h"

struct dbg_disasm {
	csh h;
	cs_insn *insn;
	enum dbg_flavor flavor;
};

int dbg_disasm_open(struct dbg_disasm **out)
{
	struct dbg_disasm *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->h) != CS_ERR_OK) {
		free(d);
		return -ENOTSUP;
	}
	cs_option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
	d->flavor = DBG_INTEL;
	dbg_disasm_flavor(d, DBG_ATT);
	d->insn = cs_malloc(d->h);
	if (!d->insn) {
		cs_close(&d->h);
		free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void dbg_disasm_close(struct dbg_disasm *d)
{
	if (!d)
		return;
	cs_free(d->insn, 1);
	cs_close(&d->h);
	free(d);
}

int dbg_disasm_flavor(struct dbg_disasm *d, enum dbg_flavor f)
{
	if (cs_option(d->h, CS_OPT_SYNTAX, f == DBG_ATT ? CS_OPT_SYNTAX_ATT
							 : CS_OPT_SYNTAX_INTEL) != CS_ERR_OK)
		return -ENOTSUP;
	d->flavor = f;
	return 0;
}

enum dbg_flavor dbg_disasm_get_flavor(const struct dbg_disasm *d)
{
	return d->flavor;
}

/*
 * Operands as gdb spells them: no space after commas (or inside Intel's
 * brackets), numbers in hex except scale factors, "QWORD PTR".
 */
static void operands(const char *in, enum dbg_flavor f, char *out, size_t len)
{
	size_t n = 0;
	int depth = 0;

	for (const char *p = in; *p && n + 24 < len; p++) {
		char c = *p;

		if (c == '(' || c == '[')
			depth++;
		else if (c == ')' || c == ']')
			depth--;
		if (c == ' ' && n && (out[n - 1] == ',' || (f == DBG_INTEL && depth > 0)))
			continue;
		if (c == ' ' && f == DBG_INTEL && depth > 0)
			continue;
		if (c >= '0' && c <= '9' && (p == in || !isalnum((unsigned char)p[-1])) &&
		    !(p[0] == '0' && p[1] == 'x') &&
		    !(f == DBG_ATT && depth > 0) && !(p > in && p[-1] == '*')) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);

			if (!isalnum((unsigned char)*end)) {
				n += (size_t)snprintf(out + n, len - n, "0x%llx", v);
				p = end - 1;
				continue;
			}
		}
		if (f == DBG_INTEL && !strncmp(p, "ptr ", 4) && (p == in || p[-1] == ' ')) {
			/*
			 * "qword ptr" -> "QWORD PTR"; xsave's operand is a bare
			 * "ptr [rax]", with nothing before it (n is 0).
			 */
			for (size_t k = n; k > 0 && out[k - 1] != ','; k--)
				out[k - 1] = (char)toupper((unsigned char)out[k - 1]);
			n += (size_t)snprintf(out + n, len - n, "PTR ");
			p += 3;
			continue;
		}
		out[n++] = c;
	}
	out[n] = '\0';
}

/* "movq %rsp,%rsi" is "mov" in gdb: a register says the size already. */
static void mnemonic(const char *m, const char *ops, enum dbg_flavor f, char *out, size_t len)
{
	static const char *const bases[] = {
		"mov", "add", "sub", "xor", "and", "or", "cmp", "test", "lea", "push", "pop",
		"inc", "dec", "neg", "not", "shl", "shr", "sar", "sal", "rol", "ror", "imul",
		"adc", "sbb", "xchg", "call", "ret", "jmp", "leave", NULL,
	};
	size_t n = strlen(m);
	int reg = 0, depth = 0;

	snprintf(out, len, "%s", m);
	if (f != DBG_ATT || n < 2 || !strchr("bwlq", m[n - 1]))
		return;
	/* A register operand, not one inside a memory reference. */
	for (const char *p = ops; *p; p++) {
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		reg |= *p == '%' && !depth;
	}
	for (int i = 0; bases[i]; i++) {
		size_t bl = strlen(bases[i]);
		int always = !strcmp(bases[i], "call") || !strcmp(bases[i], "ret") ||
			     !strcmp(bases[i], "jmp") || !strcmp(bases[i], "push") ||
			     !strcmp(bases[i], "pop") || !strcmp(bases[i], "leave");

		if (bl == n - 1 && !strncmp(m, bases[i], bl) && (always || reg)) {
			out[bl] = '\0';
			return;
		}
	}
}

int dbg_disasm_one(struct dbg_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		   const struct elf_image *img, struct dbg_insn *out)
{
	const uint8_t *p = code;
	uint64_t a = addr;
	size_t left = len;
	char ops[112], mn[40], lab[300];
	cs_x86 *x;

	memset(out, 0, sizeof(*out));
	if (!cs_disasm_iter(d->h, &p, &left, &a, d->insn)) {
		out->len = 1;
		snprintf(out->text, sizeof(out->text), "(bad)");
		return 0;
	}
	out->len = d->insn->size;
	out->is_call = d->insn->id == X86_INS_CALL;
	operands(d->insn->op_str, d->flavor, ops, sizeof(ops));
	mnemonic(d->insn->mnemonic, ops, d->flavor, mn, sizeof(mn));
	if (ops[0])
		snprintf(out->text, sizeof(out->text), "%-6s %s", mn, ops);
	else
		snprintf(out->text, sizeof(out->text), "%s", mn);
	x = &d->insn->detail->x86;
	for (unsigned i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		size_t n = strlen(out->text);

		if (op->type == X86_OP_IMM && cs_insn_group(d->h, d->insn, CS_GRP_JUMP))
			snprintf(out->text + n, sizeof(out->text) - n, "%s",
				 dbg_label(img, (uint64_t)op->imm, lab, sizeof(lab)));
		else if (op->type == X86_OP_IMM && cs_insn_group(d->h, d->insn, CS_GRP_CALL))
			snprintf(out->text + n, sizeof(out->text) - n, "%s",
				 dbg_label(img, (uint64_t)op->imm, lab, sizeof(lab)));
		else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP) {
			uint64_t t = addr + d->insn->size + (uint64_t)op->mem.disp;

			snprintf(out->text + n, sizeof(out->text) - n, "        # 0x%" PRIx64 "%s",
				 t, dbg_label(img, t, lab, sizeof(lab)));
		}
	}
	return 0;
}
