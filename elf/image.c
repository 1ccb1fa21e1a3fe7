/* SPDX-License-Identifier: ISC */
/* Opening and validating partition images with libelf. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/infile.h"
#include "../common/num.h"
#include "elf.h"
#include "sym.h"

#define PAGE 0x1000ull

static uint64_t page_down(uint64_t a) { return a & ~(PAGE - 1); }

static int check_header(Elf *e, const char *ident, size_t identlen,
			struct elf_image *img, struct lerr *err)
{
	GElf_Ehdr eh;

	if (elf_kind(e) != ELF_K_ELF || identlen < EI_NIDENT)
		return lerr_set(err, ENOEXEC, "not an ELF file");
	if (ident[EI_CLASS] != ELFCLASS64)
		return lerr_set(err, ENOEXEC, "not a 64-bit ELF file (ELFCLASS%d)",
				ident[EI_CLASS] == ELFCLASS32 ? 32 : 0);
	if (ident[EI_DATA] != ELFDATA2LSB)
		return lerr_set(err, ENOEXEC, "not a little-endian ELF file");
	if (!gelf_getehdr(e, &eh))
		return lerr_set(err, ENOEXEC, "unreadable ELF header: %s",
				elf_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		return lerr_set(err, ENOEXEC,
				"not an x86-64 image (e_machine %u)", eh.e_machine);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return lerr_set(err, ENOEXEC, "not an executable (e_type %u)",
				eh.e_type);
	img->pie = eh.e_type == ET_DYN;
	img->entry = eh.e_entry;
	img->phoff = eh.e_phoff;
	img->phnum = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct elf_seg *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/*
 * A static PIE (musl's rcrt1.o relocates it) goes at ELF_PIE_BASE, or the
 * first address above that its segments' alignment allows: every address
 * in the image moves by the same bias.
 */
static int place_pie(struct elf_image *img, int dynamic, uint64_t align, struct lerr *err)
{
	uint64_t lo = page_down(img->segs[0].vaddr), base = ELF_PIE_BASE;

	if (!dynamic)
		return lerr_set(err, ENOEXEC,
				"a position-independent image without a dynamic section cannot be relocated: link with -static -no-pie");
	if (align & (align - 1) || align > ELF_PIE_ALIGN_MAX)
		return lerr_set(err, ENOEXEC,
				"a position-independent image with segment alignment 0x%llx cannot be placed (at most 0x%llx)",
				(unsigned long long)align, (unsigned long long)ELF_PIE_ALIGN_MAX);
	if (align > PAGE)
		base = (base + align - 1) & ~(align - 1);
	if (lo > base || (lo & (align > PAGE ? align - 1 : PAGE - 1)))
		return lerr_set(err, ENOEXEC,
				"a position-independent image linked at 0x%llx cannot be placed at 0x%llx",
				(unsigned long long)img->segs[0].vaddr, (unsigned long long)base);
	img->bias = base - lo;
	for (size_t i = 0; i < img->nsegs; i++)
		img->segs[i].vaddr += img->bias;
	img->entry += img->bias;
	if (img->phdr)
		img->phdr += img->bias;
	return 0;
}

static int read_segments(Elf *e, struct elf_image *img, struct lerr *err)
{
	GElf_Ehdr eh;
	uint64_t phend, align = PAGE;
	size_t n;
	int dynamic = 0;

	if (elf_getphdrnum(e, &n) != 0)
		return lerr_set(err, ENOEXEC, "unreadable program headers: %s",
				elf_errmsg(-1));
	/* libelf quietly drops headers past the end of the file: check first. */
	if (!gelf_getehdr(e, &eh) ||
	    __builtin_mul_overflow((uint64_t)eh.e_phnum, (uint64_t)eh.e_phentsize, &phend) ||
	    __builtin_add_overflow(phend, eh.e_phoff, &phend) || phend > img->file_size)
		return lerr_set(err, ENOEXEC,
				"program headers run past the end of the file (truncated file?)");
	img->segs = calloc(n ? n : 1, sizeof(*img->segs));
	if (!img->segs)
		return lerr_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		struct elf_seg *s;
		uint64_t end;

		if (!gelf_getphdr(e, (int)i, &ph))
			return lerr_set(err, ENOEXEC,
					"program header %zu is unreadable (truncated file?)", i);
		if (ph.p_type == PT_INTERP || (ph.p_type == PT_DYNAMIC && !img->pie))
			return lerr_set(err, ENOEXEC,
					"a dynamically linked program cannot run in a partition: it needs a static one (link with -static)");
		if (ph.p_type == PT_DYNAMIC)
			dynamic = 1;
		if (ph.p_type == PT_PHDR)
			img->phdr = ph.p_vaddr;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_align > align)
			align = ph.p_align;
		if (ph.p_filesz > ph.p_memsz)
			return lerr_set(err, ENOEXEC,
					"segment %zu has more file bytes (0x%llx) than memory bytes (0x%llx)",
					i, (unsigned long long)ph.p_filesz,
					(unsigned long long)ph.p_memsz);
		if (__builtin_add_overflow(ph.p_offset, ph.p_filesz, &end) ||
		    end > img->file_size)
			return lerr_set(err, ENOEXEC,
					"segment %zu runs past the end of the file (truncated file?)", i);
		if (__builtin_add_overflow(ph.p_vaddr, ph.p_memsz, &end) ||
		    end > (1ull << 47))
			return lerr_set(err, ENOEXEC,
					"segment %zu has an address range that overflows", i);
		if ((ph.p_flags & PF_W) && (ph.p_flags & PF_X))
			return lerr_set(err, ENOEXEC,
					"segment %zu is both writable and executable (W^X policy)", i);
		s = &img->segs[img->nsegs++];
		s->index = (unsigned)i;
		s->flags = ph.p_flags & (PF_R | PF_W | PF_X);
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->filesz = ph.p_filesz;
		s->offset = ph.p_offset;
	}
	if (!img->nsegs)
		return lerr_set(err, ENOEXEC, "no loadable segments");
	qsort(img->segs, img->nsegs, sizeof(*img->segs), seg_cmp);
	/* Where the program headers are in memory, for AT_PHDR: in the segment that holds them. */
	for (size_t i = 0; i < img->nsegs && !img->phdr; i++)
		if (img->phoff >= img->segs[i].offset &&
		    img->phoff + (uint64_t)img->phnum * img->phentsize <=
			    img->segs[i].offset + img->segs[i].filesz)
			img->phdr = img->segs[i].vaddr + (img->phoff - img->segs[i].offset);
	return img->pie ? place_pie(img, dynamic, align, err) : 0;
}

/*
 * Segments may not overlap, and because permissions are per 4 KiB page,
 * two segments that share a page must not add up to writable + executable.
 */
static int check_segments(struct elf_image *img, struct lerr *err)
{
	img->lo = page_down(img->segs[0].vaddr);
	img->hi = 0;
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint64_t end = s->vaddr + s->memsz;

		if (i > 0) {
			const struct elf_seg *p = &img->segs[i - 1];
			uint64_t pend = p->vaddr + p->memsz;

			if (pend > s->vaddr)
				return lerr_set(err, ENOEXEC,
						"segments %u and %u overlap at 0x%llx",
						p->index, s->index,
						(unsigned long long)s->vaddr);
		}
		/* Every earlier segment reaching into this one's first page counts. */
		for (size_t k = 0; k < i; k++) {
			const struct elf_seg *p = &img->segs[k];
			unsigned all = s->flags;

			if (page_down(p->vaddr + p->memsz - 1) < page_down(s->vaddr))
				continue;
			for (size_t m = k; m < i; m++)
				all |= img->segs[m].flags;
			if ((all & (ELF_SEG_W | ELF_SEG_X)) == (ELF_SEG_W | ELF_SEG_X))
				return lerr_set(err, ENOEXEC,
						"segments %u and %u share the page at 0x%llx, making it writable and executable (W^X policy)",
						p->index, s->index,
						(unsigned long long)page_down(s->vaddr));
			break;
		}
		if (end > img->hi)
			img->hi = end;
	}
	img->hi = (img->hi + PAGE - 1) & ~(PAGE - 1);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry < s->vaddr + s->filesz)
			return 0;
	}
	return lerr_set(err, ENOEXEC,
			"entry point 0x%llx is not inside an executable segment",
			(unsigned long long)img->entry);
}

int elf_open(const char *path, struct elf_image **out, struct lerr *err)
{
	int fd = infile_open(path, err);

	return fd < 0 ? fd : elf_open_fd(fd, path, out, err);
}

int elf_open_fd(int fd, const char *path, struct elf_image **out, struct lerr *err)
{
	struct elf_image *img;
	struct stat st;
	Elf *e = NULL;
	char *ident;
	size_t identlen = 0;
	int r;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		if (fd >= 0)
			close(fd);
		return lerr_set(err, ENOSYS, "libelf is too old");
	}
	img = calloc(1, sizeof(*img));
	if (!img) {
		if (fd >= 0)
			close(fd);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	img->fd = fd;
	img->path = strdup(path);
	if (!img->path) {
		r = lerr_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if (img->fd < 0) {
		r = lerr_set(err, errno, "%s", strerror(errno));
		goto fail;
	}
	if (fstat(img->fd, &st) < 0) {
		r = lerr_set(err, errno, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		r = lerr_set(err, S_ISDIR(st.st_mode) ? EISDIR : ENOEXEC,
			     "not a regular file");
		goto fail;
	}
	img->file_size = (uint64_t)st.st_size;
	e = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (!e) {
		r = lerr_set(err, ENOEXEC, "not an ELF file");
		goto fail;
	}
	ident = elf_getident(e, &identlen);
	if (!ident) {
		r = lerr_set(err, ENOEXEC, "not an ELF file");
		goto fail;
	}
	r = check_header(e, ident, identlen, img, err);
	if (!r)
		r = read_segments(e, img, err);
	if (!r)
		r = check_segments(img, err);
	if (!r)
		r = elf_read_symbols(e, img, err);
	if (!r)
		r = elf_read_rings(e, img, err);
	if (r)
		goto fail;
	elf_end(e);
	*out = img;
	return 0;
fail:
	if (e)
		elf_end(e);
	elf_close(img);
	return r;
}

int elf_check_fit(const struct elf_image *img, uint64_t lo, uint64_t hi,
		  uint64_t mem_size, struct lerr *err)
{
	char sz[32];

	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint64_t end = s->vaddr + s->memsz;

		if (s->vaddr < lo)
			return lerr_set(err, ENOEXEC,
					"segment %u starts at 0x%llx, inside the monitor's reserved memory below 0x%llx",
					s->index, (unsigned long long)s->vaddr,
					(unsigned long long)lo);
		if (end > mem_size)
			return lerr_set(err, EFBIG,
					"segment %u ends past partition memory (%s)",
					s->index,
					num_format_size(mem_size, sz, sizeof(sz)));
		if (end > hi)
			return lerr_set(err, EFBIG,
					"segment %u ends at 0x%llx, inside the stack area that starts at 0x%llx (give the partition more memory)",
					s->index, (unsigned long long)end,
					(unsigned long long)hi);
	}
	return 0;
}

int elf_read_seg(const struct elf_image *img, const struct elf_seg *seg,
		 void *dst, struct lerr *err)
{
	uint8_t *p = dst;
	uint64_t done = 0;

	while (done < seg->filesz) {
		ssize_t n = pread(img->fd, p + done, seg->filesz - done,
				  (off_t)(seg->offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lerr_set(err, errno, "reading segment %u: %s",
					seg->index, strerror(errno));
		if (n == 0)
			return lerr_set(err, ENOEXEC,
					"segment %u: file ended early (truncated file?)",
					seg->index);
		done += (uint64_t)n;
	}
	memset(p + seg->filesz, 0, seg->memsz - seg->filesz);
	return 0;
}

void elf_close(struct elf_image *img)
{
	if (!img)
		return;
	if (img->fd >= 0)
		close(img->fd);
	free(img->path);
	free(img->segs);
	free(img->syms);
	free(img->strtab);
	free(img);
}
