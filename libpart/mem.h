/* SPDX-License-Identifier: ISC
 * A controller's access to a partition's memory: the memory window when the
 * partition is local (and ours), else the control tree's mem file; every
 * address and length checked against RAM, optionally translated through
 * vCPU 0's page tables.  Functions return 0 or -errno and fill a struct lerr.
 */
#ifndef LPAR_PART_MEM_H
#define LPAR_PART_MEM_H

#include <stddef.h>
#include <stdint.h>

struct lerr;
struct part;
struct part_status;
struct part_mem;
struct elf_core;

/*
 * Opens p's memory; st is its status (the RAM size, used when the window
 * cannot be mapped, and the rings joined to channels, whose shared pages
 * are read through the mem file).  p must stay open until part_mem_close().
 */
int part_mem_open(struct part *p, const struct part_status *st, struct part_mem **out,
		  struct lerr *err);
/*
 * The memory a core file holds, read-only, with the same checks; its
 * addresses are virtual from the start.  core must stay open until
 * part_mem_close().
 */
int part_mem_open_core(const struct elf_core *core, struct part_mem **out, struct lerr *err);
void part_mem_close(struct part_mem *m);
uint64_t part_mem_size(const struct part_mem *m);
/* 1 if the window is mapped, 0 if the mem file serves instead. */
int part_mem_windowed(const struct part_mem *m);

/*
 * From now on addresses are guest-virtual, translated through the page
 * tables vCPU 0 uses (the tree's vcpu/0/mmu: fixed since boot, so this
 * works whether the partition runs or not).
 */
int part_mem_set_virt(struct part_mem *m, struct lerr *err);
int part_mem_virt(const struct part_mem *m);

/*
 * Checks that [addr, addr + len) is memory: inside RAM or, with virtual
 * addresses, mapped page by page.  *bad is the first address that is not.
 */
int part_mem_check(struct part_mem *m, uint64_t addr, uint64_t len, uint64_t *bad,
		   struct lerr *err);

/* Copies [addr, addr + len) out of or into the partition; nothing partial on a bad range. */
int part_mem_read(struct part_mem *m, uint64_t addr, void *buf, size_t len,
		  struct lerr *err);
int part_mem_write(struct part_mem *m, uint64_t addr, const void *buf, size_t len,
		   struct lerr *err);

/* With virtual addresses, where va is: 0, or -EFAULT if it is not mapped. */
int part_mem_translate(struct part_mem *m, uint64_t va, uint64_t *pa, uint64_t *left);

#endif
