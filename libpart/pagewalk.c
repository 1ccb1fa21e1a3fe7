/* SPDX-License-Identifier: ISC */
/* Walks a vCPU's page tables to translate a guest-virtual address. */
#include <errno.h>

#include "pagewalk.h"

#define CR0_PG   (1ull << 31)
#define CR4_LA57 (1ull << 12)
#define PTE_P    (1ull << 0)
#define PTE_PS   (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

int pagewalk_translate(const struct pagewalk_mmu *mmu, uint64_t va, pagewalk_read_fn rd,
		       void *ctx, uint64_t *pa, uint64_t *left)
{
	int levels = mmu->cr4 & CR4_LA57 ? 5 : 4;
	unsigned vbits = levels == 5 ? 57 : 48;
	uint64_t table = mmu->cr3 & ADDR_MASK;
	int64_t sx = (int64_t)(va << (64 - vbits)) >> (64 - vbits);

	if (!(mmu->cr0 & CR0_PG)) {
		*pa = va;
		*left = 0x1000 - (va & 0xfff);
		return 0;
	}
	if ((uint64_t)sx != va)
		return -EFAULT; /* not canonical */
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t e, size;
		int r = rd(ctx, table + ((va >> shift) & 511) * 8, &e);

		if (r)
			return r;
		if (!(e & PTE_P))
			return -EFAULT;
		/* A large page: a 1 GiB one in the PDPT, a 2 MiB one in the PD. */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			size = 1ull << shift;
			*pa = (e & ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			*left = size - (va & (size - 1));
			return 0;
		}
		table = e & ADDR_MASK;
	}
	return -EFAULT;
}
