/* SPDX-License-Identifier: ISC
 * Ring declarations: the objects in an image's .lpar.rings section, found
 * by symbol (__lpar_ring_NAME) as the PROSE wrapper scripts found them with
 * nm(1), and checked before anything runs: see <lpar/ring.h>.
 */
#include <errno.h>
#include <gelf.h>
#include <lpar/ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "elf.h"
#include "sym.h"

_Static_assert(ELF_RINGS_MAX == LPAR_RINGS_MAX, "one limit on rings");
_Static_assert(sizeof(((struct elf_ring *)0)->name) == LPAR_RING_NAME_MAX + 1, "ring names");

/* The .lpar.rings section's index, or 0 if the image has none. */
static size_t ring_section(Elf *e, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(e, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, out))
			continue;
		n = elf_strptr(e, shstrndx, out->sh_name);
		if (n && !strcmp(n, LPAR_RING_SECTION))
			return elf_ndxscn(scn);
	}
	return 0;
}

static const struct elf_seg *seg_holding(const struct elf_image *img, uint64_t lo,
					 uint64_t hi)
{
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		if (lo >= s->vaddr && hi <= s->vaddr + s->memsz)
			return s;
	}
	return NULL;
}

/* Checks the ring named by symbol s and fills r from its header in the file. */
static int check_ring(const struct elf_image *img, const char *sym, uint64_t addr,
		      uint64_t symsize, struct elf_ring *r, struct lerr *err)
{
	const char *name = sym + strlen(LPAR_RING_PREFIX);
	const struct elf_seg *seg;
	struct lpar_ring_hdr h;
	uint64_t end;

	if (!*name || strlen(name) > LPAR_RING_NAME_MAX)
		return lerr_set(err, ENOEXEC, "ring symbol '%s': the name after %s must be 1 to %d characters",
				sym, LPAR_RING_PREFIX, LPAR_RING_NAME_MAX);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->addr = addr;
	if (addr % LPAR_RING_PAGE)
		return lerr_set(err, ENOEXEC, "ring '%s' at 0x%llx is not page-aligned", name,
				(unsigned long long)addr);
	if (__builtin_add_overflow(addr, symsize, &end) || symsize < LPAR_RING_PAGE ||
	    !(seg = seg_holding(img, addr, end)))
		return lerr_set(err, ENOEXEC, "ring '%s' (0x%llx, %llu bytes) is not inside a loaded segment",
				name, (unsigned long long)addr, (unsigned long long)symsize);
	if (!(seg->flags & ELF_SEG_W) || (seg->flags & ELF_SEG_X))
		return lerr_set(err, ENOEXEC, "ring '%s' is in segment %u, which is not read-write data",
				name, seg->index);
	if (addr + sizeof(h) > seg->vaddr + seg->filesz ||
	    pread(img->fd, &h, sizeof(h), (off_t)(seg->offset + (addr - seg->vaddr))) !=
		    (ssize_t)sizeof(h))
		return lerr_set(err, ENOEXEC, "ring '%s' has no header in the file (declare it with LPAR_RING)",
				name);
	if (h.magic != LPAR_RING_MAGIC)
		return lerr_set(err, ENOEXEC, "ring '%s' has a bad magic number 0x%08x (declare it with LPAR_RING)",
				name, h.magic);
	if (h.version != LPAR_RING_VERSION)
		return lerr_set(err, ENOEXEC, "ring '%s' has layout version %u; this lpar knows version %d",
				name, h.version, LPAR_RING_VERSION);
	if (h.kind != LPAR_RING_BYTES && h.kind != LPAR_RING_MSGS)
		return lerr_set(err, ENOEXEC, "ring '%s' has unknown kind %u", name, h.kind);
	if (h.size < LPAR_RING_MIN || h.size > LPAR_RING_MAX_SIZE || (h.size & (h.size - 1)))
		return lerr_set(err, ENOEXEC, "ring '%s' has size %u; it must be a power of two from %u to %u",
				name, h.size, LPAR_RING_MIN, LPAR_RING_MAX_SIZE);
	if (symsize != LPAR_RING_BYTES_TOTAL(h.size))
		return lerr_set(err, ENOEXEC, "ring '%s' is %llu bytes, but a ring of size %u takes %zu",
				name, (unsigned long long)symsize, h.size,
				LPAR_RING_BYTES_TOTAL(h.size));
	if (strncmp(h.name, name, sizeof(h.name)) || !memchr(h.name, 0, sizeof(h.name)))
		return lerr_set(err, ENOEXEC, "ring '%s' has the name '%.*s' in its header", name,
				(int)strnlen(h.name, sizeof(h.name)), h.name);
	r->kind = h.kind;
	r->size = h.size;
	r->len = symsize;
	return 0;
}

static int ring_cmp(const void *a, const void *b)
{
	const struct elf_ring *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int elf_read_rings(Elf *e, struct elf_image *img, struct lerr *err)
{
	Elf_Scn *scn;
	GElf_Shdr sh, rs;
	Elf_Data *data;
	size_t ndx = ring_section(e, &rs), n;
	int r;

	if (!ndx)
		return 0;
	scn = elf_symtab(e, &sh);
	if (!scn)
		return lerr_set(err, ENOEXEC, "the image has a %s section but no symbols to find its rings by (stripped?)",
				LPAR_RING_SECTION);
	data = elf_getdata(scn, NULL);
	if (!data || !sh.sh_entsize)
		return lerr_set(err, ENOEXEC, "unreadable symbol table (truncated file?)");
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s) || s.st_shndx != ndx ||
		    GELF_ST_TYPE(s.st_info) != STT_OBJECT)
			continue;
		name = elf_strptr(e, sh.sh_link, s.st_name);
		if (!name || strncmp(name, LPAR_RING_PREFIX, strlen(LPAR_RING_PREFIX)))
			return lerr_set(err, ENOEXEC, "'%s' in section %s is not a ring (ring symbols are %sNAME)",
					name ? name : "?", LPAR_RING_SECTION, LPAR_RING_PREFIX);
		if (img->nrings == LPAR_RINGS_MAX)
			return lerr_set(err, ENOEXEC, "too many rings (at most %d)", LPAR_RINGS_MAX);
		r = check_ring(img, name, s.st_value + img->bias, s.st_size, &img->rings[img->nrings], err);
		if (r)
			return r;
		img->nrings++;
	}
	qsort(img->rings, img->nrings, sizeof(img->rings[0]), ring_cmp);
	for (size_t i = 0; i + 1 < img->nrings; i++) {
		const struct elf_ring *a = &img->rings[i], *b = &img->rings[i + 1];

		if (a->addr + a->len > b->addr)
			return lerr_set(err, ENOEXEC, "rings '%s' and '%s' overlap", a->name, b->name);
	}
	for (size_t i = 0; i < img->nrings; i++)
		for (size_t j = i + 1; j < img->nrings; j++)
			if (!strcmp(img->rings[i].name, img->rings[j].name))
				return lerr_set(err, ENOEXEC, "two rings are named '%s'",
						img->rings[i].name);
	return 0;
}

const struct elf_ring *elf_ring_lookup(const struct elf_image *img, const char *name)
{
	for (size_t i = 0; i < img->nrings; i++)
		if (!strcmp(img->rings[i].name, name))
			return &img->rings[i];
	return NULL;
}
