/* SPDX-License-Identifier: ISC */
/*
 * x86-64 instruction facts for the TCG backend (hv/x86_insn.h), from
 * capstone's decoder with operand details.  Capstone is loaded when the
 * first decoder opens (dlopen), so that an lpar that never runs a TCG
 * partition neither binds nor maps it.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/dlib.h"
#include "x86_insn.h"

#define CS_FUNCS(X) X(cs_open) X(cs_option) X(cs_malloc) X(cs_free) X(cs_close) X(cs_disasm_iter)

static struct {
	void *lib;
#define CS_MEMBER(f) __typeof__(f) *f;
	CS_FUNCS(CS_MEMBER)
} cs_lib;

static int lib_load(void)
{
#define CS_SYM(f) { #f, (void **)&cs_lib.f },
	static const struct dlib_sym syms[] = { CS_FUNCS(CS_SYM) };

	return dlib_load("libcapstone.so.4", &cs_lib.lib, syms, sizeof(syms) / sizeof(syms[0]), NULL);
}

/* From here on, a call of cs_X goes through what lib_load() bound. */
#define cs_open (cs_lib.cs_open)
#define cs_option (cs_lib.cs_option)
#define cs_malloc (cs_lib.cs_malloc)
#define cs_free (cs_lib.cs_free)
#define cs_close (cs_lib.cs_close)
#define cs_disasm_iter (cs_lib.cs_disasm_iter)

struct x86_dec {
	csh h;
	cs_insn *insn;
};

int x86_dec_open(struct x86_dec **out)
{
	struct x86_dec *d;
	int e = lib_load();

	if (e)
		return e;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->h) != CS_ERR_OK) {
		free(d);
		return -ENOTSUP;
	}
	cs_option(d->h, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs_malloc(d->h);
	if (!d->insn) {
		x86_dec_close(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void x86_dec_close(struct x86_dec *d)
{
	if (!d)
		return;
	if (d->insn)
		cs_free(d->insn, 1);
	cs_close(&d->h);
	free(d);
}

/*
 * The x87 instructions QEMU 5.0 (libunicorn 2.0.1) computes in the host's
 * double precision, or (fprem, fprem1, for exponents 53 or more apart)
 * wrongly: all are d9 with no operands, and the host's FPU runs them right.
 */
static const struct {
	unsigned id;
	uint8_t op;
} x87_inexact[] = {
	{ X86_INS_F2XM1, 0xf0 }, { X86_INS_FYL2X, 0xf1 }, { X86_INS_FPTAN, 0xf2 },
	{ X86_INS_FPATAN, 0xf3 }, { X86_INS_FPREM1, 0xf5 }, { X86_INS_FPREM, 0xf8 },
	{ X86_INS_FYL2XP1, 0xf9 }, { X86_INS_FSINCOS, 0xfb }, { X86_INS_FSIN, 0xfe },
	{ X86_INS_FCOS, 0xff },
};

/* Fills io if insn is one the backend runs itself. */
static int site_of(const cs_insn *insn, struct x86_site *io)
{
	const cs_x86 *x = &insn->detail->x86;

	memset(io, 0, sizeof(*io));
	io->addr = insn->address;
	io->len = (uint8_t)insn->size;
	io->port = -1;
	for (size_t i = 0; i < sizeof(x87_inexact) / sizeof(x87_inexact[0]); i++)
		if (insn->id == x87_inexact[i].id) {
			io->kind = X86_SITE_X87;
			io->x87 = x87_inexact[i].op;
			return 1;
		}
	if (insn->id == X86_INS_INT && x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
		io->kind = X86_SITE_INT;
		io->vector = (uint8_t)x->operands[0].imm;
		return 1;
	}
	io->kind = X86_SITE_IO;
	switch (insn->id) {
	case X86_INS_IN:
	case X86_INS_OUT:
		io->out = insn->id == X86_INS_OUT;
		io->size = 1;
		for (int i = 0; i < x->op_count; i++) {
			if (x->operands[i].type == X86_OP_IMM)
				io->port = (int32_t)(x->operands[i].imm & 0xff);
			else if (x->operands[i].type == X86_OP_REG &&
				 x->operands[i].reg != X86_REG_DX)
				io->size = x->operands[i].size;
		}
		return 1;
	case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
	case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
		io->out = insn->id == X86_INS_OUTSB || insn->id == X86_INS_OUTSW ||
			  insn->id == X86_INS_OUTSD;
		io->size = insn->id == X86_INS_INSB || insn->id == X86_INS_OUTSB ? 1 :
			   insn->id == X86_INS_INSW || insn->id == X86_INS_OUTSW ? 2 : 4;
		io->string = 1;
		return 1;
	}
	return 0;
}

size_t x86_sites_scan(struct x86_dec *d, const uint8_t *code, size_t n, uint64_t addr,
		      struct x86_site *site, size_t max)
{
	size_t found = 0;

	while (n && cs_disasm_iter(d->h, &code, &n, &addr, d->insn)) {
		struct x86_site one;

		if (site_of(d->insn, &one)) {
			if (found < max)
				site[found] = one;
			found++;
		}
	}
	return found;
}

void x86_x87_run(uint8_t x87, struct x86_fsave *s)
{
	uint8_t host[108];

	_Static_assert(sizeof(*s) == 108, "FNSAVE's image is 108 bytes");
	__asm__ volatile("fnsave %0" : "=m"(host));
	__asm__ volatile("frstor %0" : : "m"(*s));
	switch (x87) {
	case 0xf0: __asm__ volatile("f2xm1"); break;
	case 0xf1: __asm__ volatile("fyl2x"); break;
	case 0xf2: __asm__ volatile("fptan"); break;
	case 0xf3: __asm__ volatile("fpatan"); break;
	case 0xf5: __asm__ volatile("fprem1"); break;
	case 0xf8: __asm__ volatile("fprem"); break;
	case 0xf9: __asm__ volatile("fyl2xp1"); break;
	case 0xfb: __asm__ volatile("fsincos"); break;
	case 0xfe: __asm__ volatile("fsin"); break;
	case 0xff: __asm__ volatile("fcos"); break;
	}
	__asm__ volatile("fnsave %0" : "=m"(*s));
	__asm__ volatile("frstor %0" : : "m"(host));
}

size_t x86_insn_len(struct x86_dec *d, const uint8_t *code, size_t n, uint64_t addr)
{
	return cs_disasm_iter(d->h, &code, &n, &addr, d->insn) ? d->insn->size : 0;
}

/* The value of a register used in an address, or 0 for none. */
static uint64_t reg_value(unsigned reg, const struct hv_regs *r, uint64_t next)
{
	static const unsigned r64[16] = {
		X86_REG_RAX, X86_REG_RBX, X86_REG_RCX, X86_REG_RDX, X86_REG_RSI, X86_REG_RDI,
		X86_REG_RSP, X86_REG_RBP, X86_REG_R8, X86_REG_R9, X86_REG_R10, X86_REG_R11,
		X86_REG_R12, X86_REG_R13, X86_REG_R14, X86_REG_R15,
	};
	static const unsigned r32[16] = {
		X86_REG_EAX, X86_REG_EBX, X86_REG_ECX, X86_REG_EDX, X86_REG_ESI, X86_REG_EDI,
		X86_REG_ESP, X86_REG_EBP, X86_REG_R8D, X86_REG_R9D, X86_REG_R10D, X86_REG_R11D,
		X86_REG_R12D, X86_REG_R13D, X86_REG_R14D, X86_REG_R15D,
	};
	const uint64_t *v = &r->rax; /* struct hv_regs keeps KVM's order */

	if (reg == X86_REG_RIP)
		return next;
	if (reg == X86_REG_EIP)
		return (uint32_t)next;
	for (int i = 0; i < 16; i++) {
		if (reg == r64[i])
			return v[i];
		if (reg == r32[i])
			return (uint32_t)v[i];
	}
	return 0;
}

/*
 * Capstone 4.0.2 marks many stores as reads (movq and movd from an XMM
 * register, movnti, movntdq, movups, pextr*, cmpxchg, and the x87 and SSE
 * stores of state): a memory destination of an instruction that has a
 * source too is written, and these have none.
 */
static const unsigned stores[] = {
	X86_INS_STMXCSR, X86_INS_FNSTCW, X86_INS_FNSTSW, X86_INS_FST, X86_INS_FSTP,
	X86_INS_FIST, X86_INS_FISTP, X86_INS_FISTTP, X86_INS_FBSTP, X86_INS_FXSAVE,
	X86_INS_FXSAVE64, X86_INS_FNSAVE, X86_INS_FNSTENV, X86_INS_XSAVE, X86_INS_XSAVE64,
	X86_INS_XSAVEOPT, X86_INS_XSAVEOPT64, X86_INS_SGDT, X86_INS_SIDT, X86_INS_SLDT,
	X86_INS_STR, X86_INS_SMSW, X86_INS_SETA, X86_INS_SETAE, X86_INS_SETB, X86_INS_SETBE,
	X86_INS_SETE, X86_INS_SETG, X86_INS_SETGE, X86_INS_SETL, X86_INS_SETLE, X86_INS_SETNE,
	X86_INS_SETNO, X86_INS_SETNP, X86_INS_SETNS, X86_INS_SETO, X86_INS_SETP, X86_INS_SETS,
};

/* Instructions whose memory operand, first or not, is read or not touched at all. */
static const unsigned reads_first[] = {
	X86_INS_CMP, X86_INS_TEST, X86_INS_BT, X86_INS_PTEST, X86_INS_UCOMISS, X86_INS_UCOMISD,
	X86_INS_COMISS, X86_INS_COMISD, X86_INS_PUSH, X86_INS_CALL, X86_INS_JMP, X86_INS_CMPSB,
	X86_INS_CMPSW, X86_INS_CMPSD, X86_INS_CMPSQ, X86_INS_SCASB, X86_INS_SCASW, X86_INS_SCASD,
	X86_INS_SCASQ, X86_INS_LODSB, X86_INS_LODSW, X86_INS_LODSD, X86_INS_LODSQ,
};

static int listed(unsigned id, const unsigned *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Whether the instruction writes its memory operand number i. */
static int writes(const cs_insn *insn, int i)
{
	const cs_x86 *x = &insn->detail->x86;

	if (x->operands[i].access & CS_AC_WRITE)
		return 1; /* read-modify-write too: hardware reports it as a write */
	if (listed(insn->id, reads_first, sizeof(reads_first) / sizeof(reads_first[0])))
		return 0;
	if (listed(insn->id, stores, sizeof(stores) / sizeof(stores[0])))
		return 1;
	return i == 0 && x->op_count > 1;
}

/* The bytes the operand covers: capstone gives 8 for the state stores. */
static uint64_t op_size(const cs_insn *insn, const cs_x86_op *op)
{
	switch (insn->id) {
	case X86_INS_FXSAVE: case X86_INS_FXSAVE64: case X86_INS_FXRSTOR: case X86_INS_FXRSTOR64:
		return 512;
	case X86_INS_FNSAVE: case X86_INS_FRSTOR:
		return 108;
	case X86_INS_FNSTENV: case X86_INS_FLDENV:
		return 28;
	}
	return op->size ? op->size : 1;
}

/*
 * The access of the decoded instruction's first memory operand that covers
 * any of [lo, hi): X86_ACCESS_READ or X86_ACCESS_WRITE, with its address
 * and size; 0 if none does.  lea, nop and the prefetches touch nothing.
 */
static int mem_operand(struct x86_dec *d, const struct hv_regs *r, uint64_t fs_base,
		       uint64_t gs_base, uint64_t lo, uint64_t hi, uint64_t *addr, unsigned *size)
{
	const cs_insn *insn = d->insn;
	const cs_x86 *x = &insn->detail->x86;
	uint64_t next = r->rip + insn->size;

	if (insn->id == X86_INS_LEA || insn->id == X86_INS_NOP ||
	    (insn->id >= X86_INS_PREFETCH && insn->id <= X86_INS_PREFETCHW))
		return 0;
	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		uint64_t ea, len = op_size(insn, op);

		if (op->type != X86_OP_MEM)
			continue;
		ea = reg_value(op->mem.base, r, next) +
		     reg_value(op->mem.index, r, next) * (uint64_t)op->mem.scale +
		     (uint64_t)op->mem.disp;
		if (op->mem.segment == X86_REG_FS)
			ea += fs_base;
		else if (op->mem.segment == X86_REG_GS)
			ea += gs_base;
		if (ea < hi && ea + len > lo) {
			*addr = ea > lo ? ea : lo;
			*size = (unsigned)len;
			return writes(insn, i) ? X86_ACCESS_WRITE : X86_ACCESS_READ;
		}
	}
	return 0;
}

int x86_insn_access(struct x86_dec *d, const uint8_t *code, size_t n, const struct hv_regs *r,
		    uint64_t fs_base, uint64_t gs_base, uint64_t fault, unsigned *size)
{
	uint64_t at;
	int kind;

	*size = 0;
	if (!code || !x86_insn_len(d, code, n, r->rip) ||
	    (fault >= r->rip && fault - r->rip < d->insn->size))
		return X86_ACCESS_FETCH;
	kind = mem_operand(d, r, fs_base, gs_base, fault, fault + 1, &at, size);
	if (kind)
		return kind;
	/* Near the stack: push, call, enter write below %rsp; pop, ret, leave read. */
	if (r->rsp - fault - 1 < 4096)
		return X86_ACCESS_WRITE;
	if (fault - r->rsp < 4096)
		return X86_ACCESS_READ;
	return 0;
}

int x86_insn_touches(struct x86_dec *d, const uint8_t *code, size_t n, const struct hv_regs *r,
		     uint64_t fs_base, uint64_t gs_base, uint64_t lo, uint64_t hi, uint64_t *addr,
		     unsigned *size)
{
	*size = 0;
	if (!code || !x86_insn_len(d, code, n, r->rip))
		return 0;
	return mem_operand(d, r, fs_base, gs_base, lo, hi, addr, size);
}
