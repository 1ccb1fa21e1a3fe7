/* SPDX-License-Identifier: ISC
 * gdb's register names over struct vcpu_regs: 64-bit registers with the
 * types gdb gives them, their 32-, 16- and 8-bit parts, and $pc, $sp, $fp.
 */
#include <errno.h>
#include <string.h>

#include "../common/err.h"
#include "../common/regs.h"
#include "session.h"

enum rtype { RT_LONG, RT_INT, RT_SHORT, RT_CHAR, RT_FUNC, RT_VOIDP, RT_FLAGS };

static const struct regname {
	const char *name;
	const char *full;    /* the register in the regs file */
	unsigned size, shift;
	enum rtype type;
} regs[] = {
	{ "rax", "rax", 8, 0, RT_LONG }, { "rbx", "rbx", 8, 0, RT_LONG },
	{ "rcx", "rcx", 8, 0, RT_LONG }, { "rdx", "rdx", 8, 0, RT_LONG },
	{ "rsi", "rsi", 8, 0, RT_LONG }, { "rdi", "rdi", 8, 0, RT_LONG },
	{ "rbp", "rbp", 8, 0, RT_VOIDP }, { "rsp", "rsp", 8, 0, RT_VOIDP },
	{ "r8", "r8", 8, 0, RT_LONG }, { "r9", "r9", 8, 0, RT_LONG },
	{ "r10", "r10", 8, 0, RT_LONG }, { "r11", "r11", 8, 0, RT_LONG },
	{ "r12", "r12", 8, 0, RT_LONG }, { "r13", "r13", 8, 0, RT_LONG },
	{ "r14", "r14", 8, 0, RT_LONG }, { "r15", "r15", 8, 0, RT_LONG },
	{ "rip", "rip", 8, 0, RT_FUNC }, { "eflags", "rflags", 4, 0, RT_FLAGS },
	{ "cs", "cs", 4, 0, RT_INT }, { "ss", "ss", 4, 0, RT_INT },
	{ "ds", "ds", 4, 0, RT_INT }, { "es", "es", 4, 0, RT_INT },
	{ "fs", "fs", 4, 0, RT_INT }, { "gs", "gs", 4, 0, RT_INT },
	{ "fs_base", "fs_base", 8, 0, RT_LONG }, { "gs_base", "gs_base", 8, 0, RT_LONG },
	{ "cr0", "cr0", 8, 0, RT_LONG }, { "cr2", "cr2", 8, 0, RT_LONG },
	{ "cr3", "cr3", 8, 0, RT_LONG }, { "cr4", "cr4", 8, 0, RT_LONG },
	{ "efer", "efer", 8, 0, RT_LONG },
	/* aliases */
	{ "pc", "rip", 8, 0, RT_FUNC }, { "sp", "rsp", 8, 0, RT_VOIDP },
	{ "fp", "rbp", 8, 0, RT_VOIDP }, { "rflags", "rflags", 8, 0, RT_FLAGS },
	{ "ps", "rflags", 4, 0, RT_FLAGS },
	/* parts */
	{ "eax", "rax", 4, 0, RT_INT }, { "ebx", "rbx", 4, 0, RT_INT },
	{ "ecx", "rcx", 4, 0, RT_INT }, { "edx", "rdx", 4, 0, RT_INT },
	{ "esi", "rsi", 4, 0, RT_INT }, { "edi", "rdi", 4, 0, RT_INT },
	{ "ebp", "rbp", 4, 0, RT_INT }, { "esp", "rsp", 4, 0, RT_INT },
	{ "r8d", "r8", 4, 0, RT_INT }, { "r9d", "r9", 4, 0, RT_INT },
	{ "r10d", "r10", 4, 0, RT_INT }, { "r11d", "r11", 4, 0, RT_INT },
	{ "r12d", "r12", 4, 0, RT_INT }, { "r13d", "r13", 4, 0, RT_INT },
	{ "r14d", "r14", 4, 0, RT_INT }, { "r15d", "r15", 4, 0, RT_INT },
	{ "ax", "rax", 2, 0, RT_SHORT }, { "bx", "rbx", 2, 0, RT_SHORT },
	{ "cx", "rcx", 2, 0, RT_SHORT }, { "dx", "rdx", 2, 0, RT_SHORT },
	{ "si", "rsi", 2, 0, RT_SHORT }, { "di", "rdi", 2, 0, RT_SHORT },
	{ "bp", "rbp", 2, 0, RT_SHORT },
	{ "al", "rax", 1, 0, RT_CHAR }, { "bl", "rbx", 1, 0, RT_CHAR },
	{ "cl", "rcx", 1, 0, RT_CHAR }, { "dl", "rdx", 1, 0, RT_CHAR },
	{ "ah", "rax", 1, 8, RT_CHAR }, { "bh", "rbx", 1, 8, RT_CHAR },
	{ "ch", "rcx", 1, 8, RT_CHAR }, { "dh", "rdx", 1, 8, RT_CHAR },
	{ "sil", "rsi", 1, 0, RT_CHAR }, { "dil", "rdi", 1, 0, RT_CHAR },
};

const char *const dbg_reg_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11",
	"r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
	"fs_base", "gs_base", "cr0", "cr2", "cr3", "cr4", "efer", "pc", "sp", "fp",
	"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", NULL,
};

static const struct regname *find(const char *name)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(regs[i].name, name))
			return &regs[i];
	return NULL;
}

static void set_type(struct dbg_type *t, enum rtype rt)
{
	memset(t, 0, sizeof(*t));
	t->base = DB_INT;
	t->is_signed = 1;
	switch (rt) {
	case RT_LONG:
		t->size = 8;
		strcpy(t->name, "long");
		break;
	case RT_INT:
		t->size = 4;
		strcpy(t->name, "int");
		break;
	case RT_SHORT:
		t->size = 2;
		strcpy(t->name, "short");
		break;
	case RT_CHAR:
		t->size = 1;
		strcpy(t->name, "int8_t");
		break;
	case RT_FUNC:
		t->base = DB_FUNC;
		t->size = 8;
		t->is_signed = 0;
		break;
	case RT_VOIDP:
		t->base = DB_VOID;
		t->ptr = 1;
		t->is_signed = 0;
		strcpy(t->name, "void");
		break;
	case RT_FLAGS:
		t->base = DB_FLAGS;
		t->size = 4;
		t->is_signed = 0;
		break;
	}
}

int dbg_session_reg_get(void *ctx, const char *name, struct dbg_value *out,
			struct lerr *err)
{
	struct dbg_session *s = ctx;
	const struct regname *rn = find(name);
	struct vcpu_regs r;
	uint64_t v;
	int e;

	if (!rn)
		return -ENOENT;
	if ((e = dbg_session_need(s, err)) || (e = dbg_regs_get(s->t, &r, err)))
		return e;
	v = vcpu_reg_get(&r, vcpu_reg_find(rn->full)) >> rn->shift;
	if (rn->size < 8)
		v &= (1ull << (8 * rn->size)) - 1;
	memset(out, 0, sizeof(*out));
	set_type(&out->type, rn->type);
	out->v = v;
	if (out->type.is_signed && rn->size < 8)
		out->v = (uint64_t)((int64_t)(v << (64 - 8 * rn->size)) >> (64 - 8 * rn->size));
	out->lval = LV_REG;
	strncpy(out->reg, name, sizeof(out->reg) - 1);
	return 0;
}

int dbg_session_reg_set(void *ctx, const char *name, uint64_t v, struct lerr *err)
{
	struct dbg_session *s = ctx;
	const struct regname *rn = find(name);
	const struct vcpu_reg *ri;
	struct vcpu_regs r;
	uint64_t old, mask;
	int e;

	if (!rn)
		return lerr_set(err, ENOENT, "Invalid register `%s'", name);
	ri = vcpu_reg_find(rn->full);
	if (ri->group != VCPU_REG_GPR)
		return lerr_set(err, EPERM, "cannot set $%s: the monitor keeps it", name);
	if ((e = dbg_session_need(s, err)) || (e = dbg_regs_get(s->t, &r, err)))
		return e;
	old = vcpu_reg_get(&r, ri);
	mask = (rn->size == 8 ? ~0ull : (1ull << (8 * rn->size)) - 1) << rn->shift;
	/* A 32-bit part zero-extends, as a write to it would in the CPU. */
	if (rn->size == 4 && rn->type == RT_INT)
		old = 0;
	vcpu_reg_put(&r, ri, (old & ~mask) | ((v << rn->shift) & mask));
	return dbg_regs_set(s->t, &r, err);
}
