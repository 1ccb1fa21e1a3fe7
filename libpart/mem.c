/* SPDX-License-Identifier: ISC */
/* Partition memory for controllers: the window or the mem file, checked, optionally virtual. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../elf/core.h"
#include "../p9/client.h"
#include "mem.h"
#include "pagewalk.h"
#include "conn.h"
#include "part.h"

struct part_mem {
	struct part *p;
	const struct elf_core *core; /* a core file's memory instead of p's */
	uint8_t *win;            /* the memory window, or NULL: the mem file */
	uint64_t size;
	uint32_t fid;            /* the mem file, opened on first use */
	int fid_open, fid_write;
	int virt;
	struct pagewalk_mmu mmu;
	/* Rings joined to channels: their pages are shared, not in the RAM file. */
	uint64_t shared_lo[PART_RINGS_MAX], shared_hi[PART_RINGS_MAX];
	int nshared;
};

/*
 * A channel's shared pages are mapped over the ring in the monitor, not in
 * the RAM file the window maps: reads and writes there go through the mem
 * file, which sees what the partition sees.
 */
static void shared_ranges(struct part_mem *m, const struct part_status *st)
{
	for (int i = 0; i < st->nrings; i++)
		if (!strncmp(st->rings[i].attach, "channel", 7)) {
			m->shared_lo[m->nshared] = st->rings[i].addr;
			m->shared_hi[m->nshared++] = st->rings[i].addr + st->rings[i].len;
		}
}

static int in_shared(const struct part_mem *m, uint64_t pa, size_t len)
{
	for (int i = 0; i < m->nshared; i++)
		if (pa < m->shared_hi[i] && pa + len > m->shared_lo[i])
			return 1;
	return 0;
}

int part_mem_open(struct part *p, const struct part_status *st, struct part_mem **out,
		  struct lerr *err)
{
	struct part_mem *m = calloc(1, sizeof(*m));
	void *base;

	if (!m)
		return lerr_set(err, ENOMEM, "out of memory");
	m->p = p;
	if (part_map(p, &base, &m->size, NULL) == 0) {
		m->win = base;
		shared_ranges(m, st);
	} else {
		/* Not ours to map (or not local): the control tree serves it. */
		if (!st->mem) {
			free(m);
			return lerr_set(err, EIO, "the memory of '%s' has no size", part_name(p));
		}
		m->size = st->mem;
	}
	*out = m;
	return 0;
}

/*
 * A core holds the partition's virtual address space, which is its
 * physical one too (identity-mapped): its addresses count as virtual, so
 * that a page the core lacks reads as unmapped, as with --virt.
 */
int part_mem_open_core(const struct elf_core *core, struct part_mem **out, struct lerr *err)
{
	struct part_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return lerr_set(err, ENOMEM, "out of memory");
	m->core = core;
	m->size = core->have_lpar && core->lpar.mem ? core->lpar.mem : elf_core_top(core);
	m->virt = 1;
	*out = m;
	return 0;
}

void part_mem_close(struct part_mem *m)
{
	if (!m)
		return;
	if (m->fid_open)
		p9c_clunk(part_conn(m->p), m->fid);
	part_unmap(m->win, m->size);
	free(m);
}

uint64_t part_mem_size(const struct part_mem *m) { return m->size; }
int part_mem_windowed(const struct part_mem *m) { return m->win != NULL; }
int part_mem_virt(const struct part_mem *m) { return m->virt; }

/*
 * Guest-physical I/O; the caller has checked the range against RAM.  Reads
 * take the window where there is one; writes always go through the mem
 * file, so that the monitor sees every change (a software CPU must drop
 * what it translated from code that changed).
 */
static int phys_rw(struct part_mem *m, uint64_t pa, void *buf, size_t len, int write)
{
	struct p9c *c = part_conn(m->p);
	size_t done = 0;
	uint32_t max;

	if (m->win && !write && !in_shared(m, pa, len)) {
		memcpy(buf, m->win + pa, len);
		return 0;
	}
	if (!m->fid_open || (write && !m->fid_write)) {
		uint32_t fid;
		int e = p9c_open_path(c, "mem", write ? P9_ORDWR : P9_ORDONLY, &fid);

		if (e)
			return e;
		if (m->fid_open)
			p9c_clunk(c, m->fid);
		m->fid = fid;
		m->fid_open = 1;
		m->fid_write = write;
	}
	max = p9c_msize(c) - P9_IOHDR;
	while (done < len) {
		uint32_t chunk = len - done > max ? max : (uint32_t)(len - done);
		ssize_t n = write ? p9c_write(c, m->fid, pa + done, (char *)buf + done, chunk)
				  : p9c_read(c, m->fid, pa + done, (char *)buf + done, chunk);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EFAULT; /* RAM ended early: it cannot, but do not spin */
		done += (size_t)n;
	}
	return 0;
}

static int pte_read(void *ctx, uint64_t pa, uint64_t *out)
{
	struct part_mem *m = ctx;

	if (pa > m->size || m->size - pa < sizeof(*out))
		return -EFAULT;
	return phys_rw(m, pa, out, sizeof(*out), 0);
}

/* The value of register name in a regs file's "name 0xvalue" lines. */
static int reg_value(const char *text, const char *name, uint64_t *out)
{
	size_t n = strlen(name);

	for (const char *l = text; *l; ) {
		const char *end = strchr(l, '\n');
		char val[32];
		size_t vlen;

		if (!end)
			end = l + strlen(l);
		if (!strncmp(l, name, n) && l[n] == ' ') {
			vlen = (size_t)(end - (l + n + 1));
			if (vlen >= sizeof(val))
				return -EPROTO;
			memcpy(val, l + n + 1, vlen);
			val[vlen] = '\0';
			return num_parse_u64(val, out) ? -EPROTO : 0;
		}
		l = *end ? end + 1 : end;
	}
	return -EPROTO;
}

int part_mem_set_virt(struct part_mem *m, struct lerr *err)
{
	char *text = NULL;
	ssize_t n;
	int e;

	if (m->core)
		return 0;
	/* Fixed since boot (CPL 3 can't change them): read whatever the state. */
	n = p9c_read_path(part_conn(m->p), "vcpu/0/mmu", &text, 4096);

	if (n < 0)
		return lerr_set(err, (int)-n, "cannot read the paging registers of '%s': %s",
				part_name(m->p), strerror((int)-n));
	e = reg_value(text, "cr0", &m->mmu.cr0);
	if (!e)
		e = reg_value(text, "cr3", &m->mmu.cr3);
	if (!e)
		e = reg_value(text, "cr4", &m->mmu.cr4);
	free(text);
	if (e)
		return lerr_set(err, EPROTO, "partition '%s' sent malformed paging registers",
				part_name(m->p));
	m->virt = 1;
	return 0;
}

int part_mem_translate(struct part_mem *m, uint64_t va, uint64_t *pa, uint64_t *left)
{
	int e;

	if (m->core) {
		*pa = va;
		return elf_core_find(m->core, va, left);
	}
	e = pagewalk_translate(&m->mmu, va, pte_read, m, pa, left);

	/* A page-table entry that points past RAM is as good as not present. */
	if (!e && (*pa >= m->size))
		e = -EFAULT;
	if (!e && m->size - *pa < *left)
		*left = m->size - *pa;
	return e;
}

int part_mem_check(struct part_mem *m, uint64_t addr, uint64_t len, uint64_t *bad,
		   struct lerr *err)
{
	char size[32];
	uint64_t end;

	if (m->core) {
		if (elf_core_check(m->core, addr, len, bad) == 0)
			return 0;
		return lerr_set(err, EFAULT, "address 0x%llx is not in the core (not mapped, or never touched)",
				(unsigned long long)*bad);
	}
	num_format_size(m->size, size, sizeof(size));
	if (!m->virt && addr >= m->size) {
		*bad = addr;
		return lerr_set(err, EFAULT, "0x%llx is past the end of RAM (%s, up to 0x%llx)",
				(unsigned long long)addr, size, (unsigned long long)m->size);
	}
	if (__builtin_add_overflow(addr, len, &end)) {
		*bad = addr;
		return lerr_set(err, EFAULT, "0x%llx+%llu wraps around the address space",
				(unsigned long long)addr, (unsigned long long)len);
	}
	if (!m->virt) {
		if (end > m->size) {
			*bad = m->size;
			return lerr_set(err, EFAULT,
					"0x%llx+%llu ends past the end of RAM (%s, up to 0x%llx)",
					(unsigned long long)addr, (unsigned long long)len, size,
					(unsigned long long)m->size);
		}
		return 0;
	}
	for (uint64_t a = addr; a < end || (a == addr && len == 0); ) {
		uint64_t pa, left;

		if (part_mem_translate(m, a, &pa, &left)) {
			*bad = a;
			return lerr_set(err, EFAULT,
					"virtual address 0x%llx is not mapped in the partition's page tables",
					(unsigned long long)a);
		}
		if (len == 0 || left >= end - a)
			break;
		a += left;
	}
	return 0;
}

static int rw(struct part_mem *m, uint64_t addr, void *buf, size_t len, int write,
	      struct lerr *err)
{
	uint64_t bad, done = 0;
	int e = part_mem_check(m, addr, len, &bad, err);

	if (m->core && !e)
		return write ? lerr_set(err, EROFS, "a core file cannot be written")
			     : elf_core_read(m->core, addr, buf, len, err);

	while (!e && done < len) {
		uint64_t pa = addr + done, left = len - done;

		if (m->virt && part_mem_translate(m, addr + done, &pa, &left))
			return lerr_set(err, EFAULT,
					"virtual address 0x%llx is not mapped in the partition's page tables",
					(unsigned long long)(addr + done));
		if (left > len - done)
			left = len - done;
		e = phys_rw(m, pa, (uint8_t *)buf + done, (size_t)left, write);
		if (e)
			return lerr_set(err, -e, "the control tree's mem file failed at 0x%llx: %s",
					(unsigned long long)pa, strerror(-e));
		done += left;
	}
	return e;
}

int part_mem_read(struct part_mem *m, uint64_t addr, void *buf, size_t len,
		  struct lerr *err)
{
	return rw(m, addr, buf, len, 0, err);
}

int part_mem_write(struct part_mem *m, uint64_t addr, const void *buf, size_t len,
		   struct lerr *err)
{
	return rw(m, addr, (void *)buf, len, 1, err);
}
