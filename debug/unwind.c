/* SPDX-License-Identifier: ISC
 * Unwinding the partition's stack with the image's call frame information
 * (.eh_frame or .debug_frame, through libdw), falling back to frame
 * pointers where there is none.  Only rsp, rbp and the return address are
 * tracked: enough for backtrace and finish.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "unwind.h"

#define DW_RBP 6
#define DW_RSP 7
#define DW_RA 16

struct dbg_unwind {
	Elf *elf;
	Dwarf_CFI *cfi;
	const struct elf_image *img;
};

struct dbg_unwind *dbg_unwind_open(const struct elf_image *img)
{
	struct dbg_unwind *u;

	if (!img || img->fd < 0 || elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->img = img;
	u->elf = elf_begin(img->fd, ELF_C_READ, NULL);
	if (u->elf)
		u->cfi = dwarf_getcfi_elf(u->elf);
	return u;
}

void dbg_unwind_close(struct dbg_unwind *u)
{
	if (!u)
		return;
	if (u->cfi)
		dwarf_cfi_end(u->cfi);
	if (u->elf)
		elf_end(u->elf);
	free(u);
}

static int in_code(const struct elf_image *img, uint64_t a)
{
	for (size_t i = 0; img && i < img->nsegs; i++)
		if ((img->segs[i].flags & ELF_SEG_X) && a >= img->segs[i].vaddr &&
		    a - img->segs[i].vaddr < img->segs[i].memsz)
			return 1;
	return 0;
}

static int reg_value(const struct dbg_frame *f, unsigned reg, uint64_t *v)
{
	if (reg == DW_RSP)
		*v = f->rsp;
	else if (reg == DW_RBP)
		*v = f->rbp;
	else
		return -ENOENT; /* a register this unwinder does not track */
	return 0;
}

/*
 * Evaluates the simple DWARF expressions CFI uses; *is_value says the
 * result is the register's value (DW_OP_stack_value), not its address.
 */
static int eval(const Dwarf_Op *ops, size_t n, const struct dbg_frame *f, uint64_t cfa,
		uint64_t *out, int *is_value)
{
	uint64_t st[8];
	size_t sp = 0;

	*is_value = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t a = ops[i].atom;
		uint64_t v;

		if (sp == 8)
			return -E2BIG;
		if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if (reg_value(f, a - DW_OP_breg0, &v))
				return -ENOENT;
			st[sp++] = v + ops[i].number;
		} else if (a == DW_OP_bregx) {
			if (reg_value(f, (unsigned)ops[i].number, &v))
				return -ENOENT;
			st[sp++] = v + ops[i].number2;
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			st[sp++] = a - DW_OP_lit0;
		} else if (a == DW_OP_call_frame_cfa) {
			st[sp++] = cfa;
		} else if (a == DW_OP_consts || a == DW_OP_constu || a == DW_OP_const1u ||
			   a == DW_OP_const1s || a == DW_OP_const2u || a == DW_OP_const2s ||
			   a == DW_OP_const4u || a == DW_OP_const4s || a == DW_OP_const8u ||
			   a == DW_OP_const8s) {
			st[sp++] = ops[i].number;
		} else if (a == DW_OP_plus_uconst && sp) {
			st[sp - 1] += ops[i].number;
		} else if ((a == DW_OP_plus || a == DW_OP_minus) && sp >= 2) {
			sp--;
			st[sp - 1] = a == DW_OP_plus ? st[sp - 1] + st[sp] : st[sp - 1] - st[sp];
		} else if (a == DW_OP_stack_value && i == n - 1) {
			*is_value = 1;
		} else {
			return -ENOTSUP;
		}
	}
	if (sp != 1)
		return -EINVAL;
	*out = st[0];
	return 0;
}

/* The caller's frame by CFI; -ENOENT where CFI does not cover pc. */
static int cfi_step(struct dbg_unwind *u, const struct dbg_frame *f, int inner,
		    dbg_unwind_read_fn rd, void *ctx, struct dbg_frame *caller)
{
	Dwarf_Frame *fr = NULL;
	Dwarf_Op mem[3], *ops;
	size_t n;
	uint64_t cfa, v;
	int isv, e = -ENOENT;

	/* A return address points after its call: look the call up. */
	if (!u->cfi || dwarf_cfi_addrframe(u->cfi, inner ? f->pc : f->pc - 1, &fr))
		return -ENOENT;
	if (dwarf_frame_cfa(fr, &ops, &n) || !n || eval(ops, n, f, 0, &cfa, &isv))
		goto out;
	caller->rsp = cfa;
	if (dwarf_frame_register(fr, DW_RA, mem, &ops, &n) || !n ||
	    eval(ops, n, f, cfa, &v, &isv))
		goto out;
	if (!isv && rd(ctx, v, &v))
		goto out;
	caller->pc = v;
	caller->rbp = f->rbp;
	if (dwarf_frame_register(fr, DW_RBP, mem, &ops, &n) == 0 && n &&
	    eval(ops, n, f, cfa, &v, &isv) == 0 && (isv || rd(ctx, v, &v) == 0))
		caller->rbp = v;
	e = 0;
out:
	free(fr);
	return e;
}

int dbg_unwind_step(struct dbg_unwind *u, const struct dbg_frame *f, int inner,
		    dbg_unwind_read_fn rd, void *ctx, struct dbg_frame *caller)
{
	uint64_t saved[2];

	if (u && cfi_step(u, f, inner, rd, ctx, caller) == 0)
		return in_code(u->img, caller->pc) && caller->rsp > f->rsp ? 0 : -ENOENT;
	/* No CFI here: frame pointers, [rbp] the caller's rbp, [rbp+8] the return. */
	if (!f->rbp || (f->rbp & 7) || f->rbp < f->rsp || rd(ctx, f->rbp, &saved[0]) ||
	    rd(ctx, f->rbp + 8, &saved[1]))
		return -ENOENT;
	if (!in_code(u ? u->img : NULL, saved[1]) || saved[0] <= f->rbp)
		return -ENOENT;
	caller->pc = saved[1];
	caller->rsp = f->rbp + 16;
	caller->rbp = saved[0];
	return 0;
}
