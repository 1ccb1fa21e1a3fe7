/* SPDX-License-Identifier: ISC
 * Guest-virtual to guest-physical translation by walking x86-64 page
 * tables (4 and 5 levels; 4 KiB, 2 MiB and 1 GiB pages), independent of
 * how physical memory is reached.  Used by lpar mem --virt and the debugger.
 */
#ifndef LPAR_PAGEWALK_H
#define LPAR_PAGEWALK_H

#include <stdint.h>

/* Reads the 8-byte entry at guest-physical pa; 0 or -errno. */
typedef int (*pagewalk_read_fn)(void *ctx, uint64_t pa, uint64_t *out);

/* The control registers a walk needs, as the vCPU's regs file gives them. */
struct pagewalk_mmu {
	uint64_t cr0, cr3, cr4;
};

/*
 * Translates va; *pa is its physical address and *left the bytes from va
 * to the end of its page.  -EFAULT for a non-canonical address or a page
 * that is not present, or whatever rd returns.  With paging off the
 * translation is the identity.
 */
int pagewalk_translate(const struct pagewalk_mmu *mmu, uint64_t va, pagewalk_read_fn rd,
		       void *ctx, uint64_t *pa, uint64_t *left);

#endif
