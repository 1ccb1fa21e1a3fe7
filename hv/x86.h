/* SPDX-License-Identifier: ISC */
/* The monitor's fixed guest-physical layout below 1 MiB, shared with stubs.S. */
#ifndef LPAR_HV_X86_H
#define LPAR_HV_X86_H

#include <lpar/boot.h>

#define X86_GDT        0x2000   /* GDT; the TSS follows at X86_TSS */
#define X86_TSS        0x2800
#define X86_IDT        0x3000
#define X86_STUBS      0x4000   /* exception stubs, one per 16 bytes */
#define X86_IST_LO     0x6000   /* exception stack (0x5000 stays unmapped) */
#define X86_IST_TOP    0x8000
#define X86_PT_LO      0x10000  /* page tables */
#define X86_PT_HI      LPAR_LOS_BASE

#define X86_NVECTORS   32
#define X86_STUB_SIZE  16

/* The exception stubs report a fault with "outl %eax, $X86_FAULT_PORT". */
#define X86_FAULT_PORT 0x54 /* CPL 0 only: outside the hcall port's bytes */

/*
 * The partition runs at CPL 3: on kvm-pvm only user-mode code runs natively
 * (CPL 0 is emulated instruction by instruction), and at CPL 3 the monitor's
 * tables are out of the partition's reach.  Only the exception stubs and
 * the syscall stub run at CPL 0.  The syscall stub pushes its iretq frame
 * at the partition's own %rsp with CPL 0 rights, so a partition that
 * points %rsp at its exception stack can scribble there: it harms only
 * itself, as the monitor copies a fault frame out before reading it.
 * hcalls reach the monitor because the TSS's I/O bitmap allows exactly
 * the hcall port and the doorbell port.
 */
#define X86_SEL_KCODE  0x08
#define X86_SEL_KDATA  0x10
#define X86_SEL_UDATA  0x1b
#define X86_SEL_UCODE  0x23
#define X86_SEL_TSS    0x28
#define X86_GDT_ENTRIES 7      /* null, kcode, kdata, udata, ucode, tss (2) */
#define X86_TSS_IOMAP  0x68    /* I/O bitmap offset in the TSS */
#define X86_TSS_LIMIT  (X86_TSS_IOMAP + 32)  /* bitmap for ports 0-255, then 0xff */

#endif
