/* SPDX-License-Identifier: ISC */
/*
 * The registers of the control tree's vcpu/N/regs file, one table for the
 * monitor, which writes the file (hv/ctltree.c), and the debugger, which
 * parses it (debug/proto.c).  Each is one "name 0xvalue" line, in the
 * table's order; the general registers come first, and only they are
 * accepted back.
 */
#ifndef LPAR_REGS_H
#define LPAR_REGS_H

#include <stddef.h>
#include <stdint.h>

/* What vcpu/N/regs holds: every register as 64 bits (selectors are 16). */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t cs, ss, ds, es, fs, gs, fs_base, gs_base;
	uint64_t cr0, cr2, cr3, cr4, efer;
};

/* Which part of the vCPU's state a register is; the file lists them in this order. */
enum vcpu_reg_group {
	VCPU_REG_GPR = 1,  /* rax..r15, rip, rflags: writable while stopped */
	VCPU_REG_SEG = 2,  /* selectors and the fs and gs bases */
	VCPU_REG_CTRL = 4, /* cr0, cr2, cr3, cr4, efer */
};

struct vcpu_reg {
	const char *name;  /* its line in vcpu/N/regs */
	size_t off;        /* its field in struct vcpu_regs */
	enum vcpu_reg_group group;
};

extern const struct vcpu_reg vcpu_reg_table[];
extern const size_t vcpu_reg_count;

/* The register called name in the regs file, or NULL. */
const struct vcpu_reg *vcpu_reg_find(const char *name);
uint64_t vcpu_reg_get(const struct vcpu_regs *r, const struct vcpu_reg *ri);
void vcpu_reg_put(struct vcpu_regs *r, const struct vcpu_reg *ri, uint64_t v);

/*
 * The "name 0xvalue\n" lines of the registers in groups (VCPU_REG_* ORed),
 * in the file's order, into buf[len]: returns the length, at most len (a
 * text cut short if buf is too small).
 */
size_t vcpu_regs_format(const struct vcpu_regs *r, unsigned groups, char *buf, size_t len);

#endif
