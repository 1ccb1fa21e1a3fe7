/* SPDX-License-Identifier: ISC */
/* The image's symbol table: kept sorted by address for address->symbol. */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "elf.h"
#include "sym.h"

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer sized function symbols when several share an address. */
	if (x->is_func != y->is_func)
		return y->is_func - x->is_func;
	return x->size < y->size ? 1 : (x->size > y->size ? -1 : 0);
}

static int keep(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);

	return s->st_shndx != SHN_UNDEF && s->st_shndx != SHN_ABS &&
	       s->st_name != 0 &&
	       (t == STT_FUNC || t == STT_OBJECT || t == STT_NOTYPE);
}

Elf_Scn *elf_symtab(Elf *e, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

int elf_read_symbols(Elf *e, struct elf_image *img, struct lerr *err)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_symtab(e, &sh);
	Elf_Data *data;
	size_t n, total = 0, used = 0;

	if (!scn)
		return 0; /* stripped: no symbols, not an error */
	data = elf_getdata(scn, NULL);
	if (!data || !sh.sh_entsize)
		return lerr_set(err, ENOEXEC, "unreadable symbol table (truncated file?)");
	n = sh.sh_size / sh.sh_entsize;
	img->syms = calloc(n ? n : 1, sizeof(*img->syms));
	if (!img->syms)
		return lerr_set(err, ENOMEM, "out of memory");
	/* First pass sizes the name pool so names survive elf_end(). */
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s) || !keep(&s))
			continue;
		name = elf_strptr(e, sh.sh_link, s.st_name);
		if (name && *name)
			total += strlen(name) + 1;
	}
	img->strtab = malloc(total ? total : 1);
	if (!img->strtab)
		return lerr_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;
		size_t len;
		struct elf_sym *o;

		if (!gelf_getsym(data, (int)i, &s) || !keep(&s))
			continue;
		name = elf_strptr(e, sh.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		len = strlen(name) + 1;
		memcpy(img->strtab + used, name, len);
		o = &img->syms[img->nsyms++];
		o->name = img->strtab + used;
		o->addr = s.st_value + img->bias;
		o->size = s.st_size;
		o->is_func = GELF_ST_TYPE(s.st_info) == STT_FUNC;
		used += len;
	}
	qsort(img->syms, img->nsyms, sizeof(*img->syms), sym_cmp);
	return 0;
}

const struct elf_sym *elf_sym_lookup(const struct elf_image *img,
				     const char *name)
{
	for (size_t i = 0; i < img->nsyms; i++)
		if (!strcmp(img->syms[i].name, name))
			return &img->syms[i];
	return NULL;
}

static const struct elf_seg *seg_of(const struct elf_image *img, uint64_t a)
{
	for (size_t i = 0; i < img->nsegs; i++)
		if (a >= img->segs[i].vaddr &&
		    a < img->segs[i].vaddr + img->segs[i].memsz)
			return &img->segs[i];
	return NULL;
}

const struct elf_sym *elf_sym_at(const struct elf_image *img, uint64_t addr,
				 uint64_t *off)
{
	size_t lo = 0, hi = img->nsyms;
	const struct elf_seg *seg;

	/* Last symbol with sym.addr <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	seg = seg_of(img, addr);
	while (lo > 0) {
		const struct elf_sym *s = &img->syms[--lo];

		/* Among equal addresses sym_cmp put the best first. */
		while (lo > 0 && img->syms[lo - 1].addr == s->addr)
			s = &img->syms[--lo];
		if (s->size ? addr < s->addr + s->size
			    : (seg && seg == seg_of(img, s->addr))) {
			*off = addr - s->addr;
			return s;
		}
		if (s->size)
			return NULL; /* addr is in a gap past a sized symbol */
	}
	return NULL;
}
