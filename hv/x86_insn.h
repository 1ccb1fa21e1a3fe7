/* SPDX-License-Identifier: ISC */
/*
 * What an x86-64 instruction does, for a backend that runs partitions on a
 * software CPU: which instructions in a block of code the backend must run
 * itself (port I/O, and x87 instructions a software FPU gets wrong), and
 * which way an instruction touched the memory it faulted on.  Decoded with
 * capstone; the x87 ones run on the host's FPU.
 */
#ifndef LPAR_HV_X86_INSN_H
#define LPAR_HV_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct x86_dec;

/* An instruction the backend runs itself. */
enum x86_site_kind { X86_SITE_IO, X86_SITE_X87, X86_SITE_INT };

struct x86_site {
	uint64_t addr;
	uint8_t len;       /* bytes of the instruction */
	uint8_t kind;      /* enum x86_site_kind */
	/* X86_SITE_IO */
	uint8_t size;      /* 1, 2 or 4 bytes a transfer */
	uint8_t out;       /* out, outs: 1; in, ins: 0 */
	uint8_t string;    /* ins, outs (with or without rep) */
	int32_t port;      /* the immediate port, or -1: in %dx */
	/* X86_SITE_X87: the instruction's second byte (d9 xx) */
	uint8_t x87;
	/* X86_SITE_INT: int N's vector */
	uint8_t vector;
};

/* -ENOENT if libcapstone.so.4 cannot be loaded. */
int x86_dec_open(struct x86_dec **out);
void x86_dec_close(struct x86_dec *d);

/*
 * Finds the instructions a backend must run itself in the straight-line
 * code at addr (n bytes at code), up to max of them into site; returns how
 * many there are.
 */
size_t x86_sites_scan(struct x86_dec *d, const uint8_t *code, size_t n, uint64_t addr,
		      struct x86_site *site, size_t max);

/* The x87 state as FNSAVE stores it in 64-bit mode (32-bit layout). */
struct x86_fsave {
	uint16_t fcw, pad0, fsw, pad1, ftw, pad2;
	uint32_t fip, fcs_fop, fdp, fds;
	uint8_t st[8][10];   /* ST(0) to ST(7) */
} __attribute__((packed));

/*
 * Runs the X86_SITE_X87 instruction x87 (d9 x87) on the host's FPU with
 * the state in s, in place.  The host's own x87 state is kept.
 */
void x86_x87_run(uint8_t x87, struct x86_fsave *s);

/* The instruction at addr: its length, or 0 if it does not decode. */
size_t x86_insn_len(struct x86_dec *d, const uint8_t *code, size_t n, uint64_t addr);

#define X86_ACCESS_READ  'r'
#define X86_ACCESS_WRITE 'w'
#define X86_ACCESS_FETCH 'x'
/*
 * How the instruction at r->rip touched fault (the page-fault address): an
 * instruction fetch, or the read or write of whichever memory operand
 * covers it (a read-modify-write is a write, as hardware reports it).
 * *size is that operand's size, or 0 if unknown.  Implicit stack accesses
 * near %rsp count as writes below it and reads at or above it.  0 if the
 * instruction does not account for the fault (an instruction fetch past
 * it, say, while a block of code was being translated).
 */
int x86_insn_access(struct x86_dec *d, const uint8_t *code, size_t n, const struct hv_regs *r,
		    uint64_t fs_base, uint64_t gs_base, uint64_t fault, unsigned *size);

/*
 * Whether the instruction at r->rip reads or writes any of [lo, hi)
 * through an explicit memory operand: X86_ACCESS_READ or _WRITE with the
 * first such address and the operand's size, or 0.
 */
int x86_insn_touches(struct x86_dec *d, const uint8_t *code, size_t n, const struct hv_regs *r,
		     uint64_t fs_base, uint64_t gs_base, uint64_t lo, uint64_t hi, uint64_t *addr,
		     unsigned *size);

#endif
