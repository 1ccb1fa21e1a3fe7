/* SPDX-License-Identifier: ISC */
/* The image's allocated sections by address: names for "info symbol" and lpar mem map. */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "elf.h"

/*
 * Calls fn for each allocated section that overlaps [lo, hi), in section
 * header order, until fn returns non-zero.
 */
static void each_section(const struct elf_image *img, uint64_t lo, uint64_t hi,
			 int (*fn)(void *arg, const char *name), void *arg)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *e;

	if (!img || elf_version(EV_CURRENT) == EV_NONE)
		return;
	e = elf_begin(img->fd, ELF_C_READ, NULL);
	if (!e)
		return;
	if (elf_getshdrstrndx(e, &shstrndx) == 0) {
		while ((scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			uint64_t end;
			const char *n;

			if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
				continue;
			sh.sh_addr += img->bias;
			if (__builtin_add_overflow(sh.sh_addr, sh.sh_size, &end) ||
			    sh.sh_addr >= hi || end <= lo)
				continue;
			n = elf_strptr(e, shstrndx, sh.sh_name);
			if (n && fn(arg, n))
				break;
		}
	}
	elf_end(e);
}

struct names {
	char *buf;
	size_t len, used;
};

static int first(void *arg, const char *name)
{
	struct names *nm = arg;

	snprintf(nm->buf, nm->len, "%s", name);
	nm->used = 1;
	return 1;
}

static int append(void *arg, const char *name)
{
	struct names *nm = arg;
	int n = snprintf(nm->buf + nm->used, nm->len - nm->used, "%s%s",
			 nm->used ? " " : "", name);

	if (n < 0 || (size_t)n >= nm->len - nm->used) {
		nm->buf[nm->used] = '\0'; /* drop the name that does not fit */
		return 1;
	}
	nm->used += (size_t)n;
	return 0;
}

const char *elf_section_at(const struct elf_image *img, uint64_t addr, char *buf,
			   size_t len)
{
	struct names nm = { buf, len, 0 };

	if (!len || addr == UINT64_MAX)
		return NULL;
	buf[0] = '\0';
	each_section(img, addr, addr + 1, first, &nm);
	return nm.used ? buf : NULL;
}

size_t elf_sections_in(const struct elf_image *img, uint64_t lo, uint64_t hi, char *buf,
		       size_t len)
{
	struct names nm = { buf, len, 0 };

	if (!len)
		return 0;
	buf[0] = '\0';
	each_section(img, lo, hi, append, &nm);
	return nm.used;
}
