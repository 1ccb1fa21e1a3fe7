/* SPDX-License-Identifier: ISC
 * Memory: brk and anonymous mmap over the RAM between the image and the
 * stack guard.  The program break grows up from the end of the image;
 * mappings are taken top-down, first fit, from a sorted list of free
 * extents.  Free memory is always zero: what is unmapped is cleared at
 * once, so a new mapping needs no clearing (fresh RAM is zero).  There is
 * one address space and no page table of the library OS's own, so
 * protections are accepted but not enforced.
 */
#include <errno.h>
#include <sys/mman.h>

#include "los.h"

#define PAGE     4096ull
#define EXTS_MAX 1024

struct ext {
	uint64_t lo, hi;
};

static struct ext ext[EXTS_MAX]; /* free memory, sorted, never touching */
static unsigned next;
static uint64_t heap_lo, heap_hi; /* [heap_lo, heap_hi): brk and mmap */
static uint64_t brk_cur;          /* the break as the program set it */

static uint64_t up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

void los_mm_init(uint64_t lo, uint64_t hi)
{
	heap_lo = brk_cur = lo;
	heap_hi = hi;
	if (hi > lo) {
		ext[0] = (struct ext){ lo, hi };
		next = 1;
	}
}

/*
 * Frees [lo, hi) (page aligned): clears it and merges it into the list.
 * With the list full and nothing to merge with, it frees nothing and
 * clears nothing: -ENOMEM.
 */
static int ext_free(uint64_t lo, uint64_t hi)
{
	unsigned i = 0, j;

	if (lo >= hi)
		return 0;
	while (i < next && ext[i].hi < lo)
		i++;
	if (next == EXTS_MAX && (i == next || ext[i].lo > hi))
		return -ENOMEM;
	memset((void *)(uintptr_t)lo, 0, hi - lo);
	/* Extents i..j-1 touch or overlap [lo, hi): they become one. */
	for (j = i; j < next && ext[j].lo <= hi; j++) {
		if (ext[j].lo < lo)
			lo = ext[j].lo;
		if (ext[j].hi > hi)
			hi = ext[j].hi;
	}
	if (j == i) {
		for (unsigned k = next; k > i; k--)
			ext[k] = ext[k - 1];
		next++;
	} else if (j > i + 1) {
		for (unsigned k = j; k < next; k++)
			ext[i + 1 + k - j] = ext[k];
		next -= j - i - 1;
	}
	ext[i] = (struct ext){ lo, hi };
	return 0;
}

/* Takes [lo, hi) out of extent i, which holds it; -ENOMEM if the list is full. */
static int ext_take(unsigned i, uint64_t lo, uint64_t hi)
{
	struct ext e = ext[i];

	if (e.lo < lo && e.hi > hi) {
		if (next == EXTS_MAX)
			return -ENOMEM;
		for (unsigned k = next; k > i + 1; k--)
			ext[k] = ext[k - 1];
		next++;
		ext[i].hi = lo;
		ext[i + 1] = (struct ext){ hi, e.hi };
	} else if (e.lo < lo) {
		ext[i].hi = lo;
	} else if (e.hi > hi) {
		ext[i].lo = hi;
	} else {
		for (unsigned k = i; k + 1 < next; k++)
			ext[k] = ext[k + 1];
		next--;
	}
	return 0;
}

/* The extent that holds all of [lo, hi), or -1. */
static int ext_holding(uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < next; i++)
		if (ext[i].lo <= lo && ext[i].hi >= hi)
			return (int)i;
	return -1;
}

long los_brk(uint64_t addr)
{
	uint64_t old = up(brk_cur), new = up(addr);
	int i;

	if (addr < heap_lo || addr > heap_hi)
		return (long)brk_cur;
	if (new > old) {
		i = ext_holding(old, new);
		if (i < 0 || ext_take((unsigned)i, old, new))
			return (long)brk_cur;
	} else if (new < old && ext_free(new, old)) {
		return (long)brk_cur;
	}
	brk_cur = addr;
	return (long)brk_cur;
}

/* MAP_FIXED at [lo, hi); with noreplace, memory in use is -EEXIST. */
static long map_at(uint64_t lo, uint64_t hi, int noreplace)
{
	int i;

	if (hi < lo || lo < up(brk_cur) || hi > heap_hi)
		return -ENOMEM;
	i = ext_holding(lo, hi);
	if (i >= 0)
		return ext_take((unsigned)i, lo, hi) ? -ENOMEM : (long)lo;
	if (noreplace)
		return -EEXIST;
	/* MAP_FIXED over memory already in use replaces it: clear it. */
	for (unsigned k = 0; k < next; k++)
		if (ext[k].lo < hi && ext[k].hi > lo)
			return -ENOMEM; /* partly free, partly not: not worth the rules */
	memset((void *)(uintptr_t)lo, 0, hi - lo);
	return (long)lo;
}

long los_mmap(uint64_t addr, uint64_t len, long prot, long flags, long fd, long off)
{
	uint64_t n = up(len);

	(void)prot;
	(void)off;
	if (!len || n < len)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) || fd != -1)
		return -ENODEV; /* no files yet */
	if ((addr & (PAGE - 1)) && (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		return -EINVAL;
	/* Without MAP_FIXED the address is only a hint, which the library OS does not take. */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		return map_at(addr, addr + n, !(flags & MAP_FIXED));
	for (unsigned i = next; i-- > 0;)
		if (ext[i].hi - ext[i].lo >= n && ext[i].lo >= up(brk_cur)) {
			uint64_t lo = ext[i].hi - n;

			return ext_take(i, lo, ext[i].hi) ? -ENOMEM : (long)lo;
		}
	return -ENOMEM;
}

long los_munmap(uint64_t addr, uint64_t len)
{
	uint64_t hi = addr + up(len);

	if ((addr & (PAGE - 1)) || !len || up(len) < len || hi < addr)
		return -EINVAL;
	/* Outside the heap there is nothing mmap gave: Linux would unmap it; we keep it. */
	if (addr < up(brk_cur))
		addr = up(brk_cur);
	if (hi > heap_hi)
		hi = heap_hi;
	return addr < hi ? ext_free(addr, hi) : 0;
}

long los_mremap(uint64_t old, uint64_t oldlen, uint64_t len, long flags, uint64_t to)
{
	uint64_t o = up(oldlen), n = up(len);
	long r;
	int i;

	(void)to;
	if ((old & (PAGE - 1)) || !len || n < len || (flags & ~MREMAP_MAYMOVE))
		return -EINVAL;
	if (o < oldlen || old < up(brk_cur) || old + o > heap_hi || old + o < old)
		return -EFAULT;
	if (n <= o)
		return ext_free(old + n, old + o) ? -ENOMEM : (long)old;
	if (old + n < old)
		return -ENOMEM;
	i = ext_holding(old + o, old + n);
	if (i >= 0)
		return ext_take((unsigned)i, old + o, old + n) ? -ENOMEM : (long)old;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	r = los_mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r < 0)
		return r;
	memcpy((void *)(uintptr_t)r, (const void *)(uintptr_t)old, oldlen);
	ext_free(old, old + o); /* with the list full the old pages stay taken: lost, not wrong */
	return r;
}

long los_mprotect(uint64_t addr, uint64_t len, long prot)
{
	(void)prot;
	if ((addr & (PAGE - 1)) || addr + len < addr)
		return -EINVAL;
	if (addr + len > lpar_boot->mem_size)
		return -ENOMEM;
	return 0;
}
