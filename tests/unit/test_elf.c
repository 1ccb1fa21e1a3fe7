/* SPDX-License-Identifier: ISC
 * Unit tests for the ELF validator and symbol lookup (elf/image.c, elf/sym.c).
 * Small images are written from raw <elf.h> structs into a temporary
 * directory, one defect at a time; examples/hello.elf is the real-world case.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/err.h"
#include "../../elf/elf.h"

#define TEXT_VA   0x100000ull
#define TEXT_OFF  0x1000ull
#define TEXT_SZ   0x100ull
#define DATA_VA   0x200000ull
#define DATA_OFF  0x2000ull
#define DATA_FSZ  0x10ull
#define DATA_MSZ  0x1000ull
#define SYM_OFF   0x3000ull

#define MAX_PH 8

struct spec {
	unsigned char cls, data;
	uint16_t type, machine;
	uint64_t entry;
	size_t nph;
	Elf64_Phdr ph[MAX_PH];
	uint64_t file_size;  /* bytes written; 0: just past the last segment */
	int symtab;          /* append section headers and a symbol table */
};

static char tmpdir[256];
static char files[64][512];
static int nfiles;

/* Formats a path into buf, failing the test rather than truncating it. */
static char *path_fmt(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		fail_msg("path too long: %s/%s", dir, name);
	return buf;
}

/* A new file name in tmpdir, removed by teardown(). */
static char *tmp_path(const char *name)
{
	assert_true(nfiles < 64);
	return path_fmt(files[nfiles++], sizeof(files[0]), tmpdir, name);
}

static Elf64_Phdr load(uint32_t flags, uint64_t off, uint64_t va,
		       uint64_t filesz, uint64_t memsz)
{
	return (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = flags, .p_offset = off,
			     .p_vaddr = va, .p_paddr = va, .p_filesz = filesz,
			     .p_memsz = memsz, .p_align = 0x1000 };
}

/* A good image: R+X text at 1 MiB, R+W data with .bss at 2 MiB. */
static struct spec good(void)
{
	struct spec s = {
		.cls = ELFCLASS64, .data = ELFDATA2LSB, .type = ET_EXEC,
		.machine = EM_X86_64, .entry = TEXT_VA, .nph = 2,
	};

	s.ph[0] = load(PF_R | PF_X, TEXT_OFF, TEXT_VA, TEXT_SZ, TEXT_SZ);
	s.ph[1] = load(PF_R | PF_W, DATA_OFF, DATA_VA, DATA_FSZ, DATA_MSZ);
	return s;
}

/* The byte written at file offset off: segments get a recognisable pattern. */
static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + 3);
}

struct symdef {
	const char *name;
	unsigned char bind, type;
	uint16_t shndx;
	uint64_t value, size;
};

/* Locals first, as ELF requires; sh_info is the index of the first global. */
static const struct symdef symdefs[] = {
	{ "file.c", STB_LOCAL, STT_FILE, SHN_ABS, 0, 0 },
	{ "", STB_LOCAL, STT_SECTION, 1, TEXT_VA, 0 },
	{ "lf", STB_LOCAL, STT_FUNC, 1, TEXT_VA + 0x60, 4 },
	{ "f", STB_GLOBAL, STT_FUNC, 1, TEXT_VA, 0x10 },
	{ "g", STB_GLOBAL, STT_FUNC, 1, TEXT_VA + 0x20, 0x10 },
	{ "label", STB_GLOBAL, STT_NOTYPE, 1, TEXT_VA + 0x40, 0 },
	{ "alias", STB_GLOBAL, STT_NOTYPE, 1, TEXT_VA, 0 },
	{ "tail", STB_GLOBAL, STT_NOTYPE, 1, TEXT_VA + 0xf0, 0 },
	{ "d", STB_GLOBAL, STT_OBJECT, 2, DATA_VA, 8 },
	{ "dtail", STB_GLOBAL, STT_NOTYPE, 2, DATA_VA + 0x800, 0 },
	{ "absym", STB_GLOBAL, STT_NOTYPE, SHN_ABS, TEXT_VA + 0x50, 0 },
	{ "undef", STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0 },
};
#define NSYMDEFS (sizeof(symdefs) / sizeof(symdefs[0]))
#define FIRST_GLOBAL 4 /* counting the null symbol */

static void put(uint8_t *buf, size_t cap, uint64_t off, const void *p, size_t n)
{
	/* Returns on failure (not only cmocka's longjmp), so gcc sees the bound. */
	if (off > cap || n > cap - off) {
		fail_msg("%zu bytes at %llu overrun a buffer of %zu", n, (unsigned long long)off, cap);
		return;
	}
	memcpy(buf + off, p, n);
}

/* Appends .symtab, .strtab, .shstrtab and section headers at SYM_OFF. */
static uint64_t add_sections(uint8_t *buf, size_t cap, Elf64_Ehdr *eh)
{
	static const char shstr[] = "\0.text\0.data\0.symtab\0.strtab\0.shstrtab";
	char str[256] = "";
	size_t strlen_used = 1;
	Elf64_Sym syms[NSYMDEFS + 1];
	Elf64_Shdr sh[6];
	uint64_t symoff = SYM_OFF, stroff, shstroff, shoff;

	memset(syms, 0, sizeof(syms));
	for (size_t i = 0; i < NSYMDEFS; i++) {
		const struct symdef *d = &symdefs[i];
		Elf64_Sym *s = &syms[i + 1];

		if (*d->name) {
			s->st_name = (Elf64_Word)strlen_used;
			memcpy(str + strlen_used, d->name, strlen(d->name) + 1);
			strlen_used += strlen(d->name) + 1;
		}
		s->st_info = ELF64_ST_INFO(d->bind, d->type);
		s->st_shndx = d->shndx;
		s->st_value = d->value;
		s->st_size = d->size;
	}
	stroff = symoff + sizeof(syms);
	shstroff = stroff + strlen_used;
	shoff = (shstroff + sizeof(shstr) + 7) & ~7ull;
	put(buf, cap, symoff, syms, sizeof(syms));
	put(buf, cap, stroff, str, strlen_used);
	put(buf, cap, shstroff, shstr, sizeof(shstr));

	memset(sh, 0, sizeof(sh));
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_EXECINSTR, .sh_addr = TEXT_VA,
			      .sh_offset = TEXT_OFF, .sh_size = TEXT_SZ, .sh_addralign = 16 };
	sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_WRITE, .sh_addr = DATA_VA,
			      .sh_offset = DATA_OFF, .sh_size = DATA_FSZ, .sh_addralign = 8 };
	sh[3] = (Elf64_Shdr){ .sh_name = 13, .sh_type = SHT_SYMTAB, .sh_offset = symoff,
			      .sh_size = sizeof(syms), .sh_link = 4,
			      .sh_info = FIRST_GLOBAL, .sh_addralign = 8,
			      .sh_entsize = sizeof(Elf64_Sym) };
	sh[4] = (Elf64_Shdr){ .sh_name = 21, .sh_type = SHT_STRTAB, .sh_offset = stroff,
			      .sh_size = strlen_used, .sh_addralign = 1 };
	sh[5] = (Elf64_Shdr){ .sh_name = 29, .sh_type = SHT_STRTAB, .sh_offset = shstroff,
			      .sh_size = sizeof(shstr), .sh_addralign = 1 };
	put(buf, cap, shoff, sh, sizeof(sh));
	eh->e_shoff = shoff;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 6;
	eh->e_shstrndx = 5;
	return shoff + sizeof(sh);
}

/* Writes the image s describes to tmpdir/name and returns its path. */
static const char *write_elf(const char *name, const struct spec *s)
{
	size_t cap = 0x10000;
	uint8_t *buf = calloc(1, cap);
	uint64_t end = sizeof(Elf64_Ehdr) + s->nph * sizeof(Elf64_Phdr);
	Elf64_Ehdr eh = { 0 };
	char *path;
	FILE *f;

	assert_non_null(buf);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = s->cls;
	eh.e_ident[EI_DATA] = s->data;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = s->type;
	eh.e_machine = s->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = s->entry;
	eh.e_phoff = s->nph ? sizeof(Elf64_Ehdr) : 0;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)s->nph;
	put(buf, cap, sizeof(eh), s->ph, s->nph * sizeof(Elf64_Phdr));
	for (size_t i = 0; i < s->nph; i++) {
		const Elf64_Phdr *p = &s->ph[i];

		/* contents only where they fit; defects may point far away */
		if (p->p_type != PT_LOAD || p->p_offset >= SYM_OFF ||
		    p->p_filesz > SYM_OFF - p->p_offset)
			continue;
		for (uint64_t o = p->p_offset; o < p->p_offset + p->p_filesz; o++)
			buf[o] = pattern(o);
		if (p->p_offset + p->p_filesz > end)
			end = p->p_offset + p->p_filesz;
	}
	if (s->symtab)
		end = add_sections(buf, cap, &eh);
	put(buf, cap, 0, &eh, sizeof(eh));
	if (s->file_size)
		end = s->file_size;
	assert_true(end <= cap);

	path = tmp_path(name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, end, f), end);
	assert_int_equal(fclose(f), 0);
	free(buf);
	return path;
}

static const char *write_raw(const char *name, const void *p, size_t n)
{
	char *path = tmp_path(name);
	FILE *f;

	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static struct elf_image *open_ok(const char *path)
{
	struct elf_image *img = NULL;
	struct lerr err = { 0 };
	int r = elf_open(path, &img, &err);

	if (r)
		fail_msg("elf_open(%s) failed: %d: %s", path, r, err.msg);
	assert_non_null(img);
	return img;
}

/* elf_open must refuse path with code and a message containing want. */
static void expect_error(const char *path, int code, const char *want)
{
	struct elf_image *img = NULL;
	struct lerr err = { 0 };
	int r = elf_open(path, &img, &err);

	if (r == 0)
		elf_close(img);
	if (r != -code)
		fail_msg("%s: elf_open returned %d (\"%s\"), want %d (\"%s\")", path,
			 r, err.msg, -code, want);
	assert_int_equal(err.code, code);
	assert_null(img);
	if (!strstr(err.msg, want))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path, err.msg, want);
}

static void reject(const char *name, const struct spec *s, const char *want)
{
	expect_error(write_elf(name, s), ENOEXEC, want);
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	int n = snprintf(tmpdir, sizeof(tmpdir), "%s/lpar-test-elf.XXXXXX",
			 t && *t ? t : "/tmp");

	if (n < 0 || (size_t)n >= sizeof(tmpdir))
		return -1;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < nfiles; i++)
		unlink(files[i]);
	return rmdir(tmpdir);
}

/* ---- accepted images ----------------------------------------------------- */

static void valid_image(void **state)
{
	struct spec s = good();
	struct elf_image *img;

	(void)state;
	img = open_ok(write_elf("good.elf", &s));
	assert_int_equal(img->entry, TEXT_VA);
	assert_int_equal(img->nsegs, 2);
	assert_int_equal(img->segs[0].vaddr, TEXT_VA);
	assert_int_equal(img->segs[0].flags, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(img->segs[0].filesz, TEXT_SZ);
	assert_int_equal(img->segs[0].memsz, TEXT_SZ);
	assert_int_equal(img->segs[0].offset, TEXT_OFF);
	assert_int_equal(img->segs[0].index, 0);
	assert_int_equal(img->segs[1].vaddr, DATA_VA);
	assert_int_equal(img->segs[1].flags, ELF_SEG_R | ELF_SEG_W);
	assert_int_equal(img->segs[1].filesz, DATA_FSZ);
	assert_int_equal(img->segs[1].memsz, DATA_MSZ);
	assert_int_equal(img->segs[1].index, 1);
	assert_int_equal(img->lo, TEXT_VA);
	assert_int_equal(img->hi, DATA_VA + DATA_MSZ);
	assert_int_equal(img->file_size, DATA_OFF + DATA_FSZ);
	assert_int_equal(img->nsyms, 0); /* no symbol table: not an error */
	assert_string_equal(img->path, files[nfiles - 1]);
	elf_close(img);
}

/* Segments come back sorted by address, keeping their header numbers. */
static void segments_sorted(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	Elf64_Phdr t = s.ph[0];

	(void)state;
	s.ph[0] = s.ph[1];
	s.ph[1] = t;
	s.ph[2] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x1000, .p_filesz = 4 };
	s.ph[3] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	s.ph[4] = load(PF_R, TEXT_OFF, 0x180000, 0, 0); /* empty: skipped */
	s.nph = 5;
	img = open_ok(write_elf("sorted.elf", &s));
	assert_int_equal(img->nsegs, 2);
	assert_int_equal(img->segs[0].vaddr, TEXT_VA);
	assert_int_equal(img->segs[0].index, 1);
	assert_int_equal(img->segs[1].vaddr, DATA_VA);
	assert_int_equal(img->segs[1].index, 0);
	elf_close(img);
}

/* Unaligned segment ends: lo and hi are rounded out to pages. */
static void lo_hi_page_rounded(void **state)
{
	struct spec s = good();
	struct elf_image *img;

	(void)state;
	s.ph[0] = load(PF_R | PF_X, TEXT_OFF + 0x123, TEXT_VA + 0x123, 0x10, 0x10);
	s.ph[1] = load(PF_R | PF_W, DATA_OFF, DATA_VA, 8, 0x1001);
	s.entry = TEXT_VA + 0x124;
	img = open_ok(write_elf("rounded.elf", &s));
	assert_int_equal(img->lo, TEXT_VA);
	assert_int_equal(img->hi, DATA_VA + 0x2000);
	elf_close(img);
}

/* Read-only data may share a page with code, and with data: no page is W+X. */
static void shared_page_without_wx(void **state)
{
	struct spec s = good();
	struct elf_image *img;

	(void)state;
	s.ph[0] = load(PF_R | PF_X, TEXT_OFF, TEXT_VA, 0x80, 0x80);
	s.ph[1] = load(PF_R, TEXT_OFF + 0x80, TEXT_VA + 0x80, 0x80, 0x80);
	img = open_ok(write_elf("rx-r.elf", &s));
	assert_int_equal(img->nsegs, 2);
	elf_close(img);

	s.ph[0] = load(PF_R, TEXT_OFF, TEXT_VA, 0x80, 0x80);
	s.ph[1] = load(PF_R | PF_W, TEXT_OFF + 0x80, TEXT_VA + 0x80, 0x80, 0x80);
	s.ph[2] = load(PF_R | PF_X, DATA_OFF, DATA_VA, 0x10, 0x10);
	s.nph = 3;
	s.entry = DATA_VA;
	img = open_ok(write_elf("r-rw.elf", &s));
	assert_int_equal(img->nsegs, 3);
	elf_close(img);
}

/* Segments that touch at a page boundary share no page. */
static void adjacent_pages_wx(void **state)
{
	struct spec s = good();
	struct elf_image *img;

	(void)state;
	s.ph[1] = load(PF_R | PF_W, DATA_OFF, TEXT_VA + 0x1000, 0x10, 0x1000);
	img = open_ok(write_elf("adjacent.elf", &s));
	assert_int_equal(img->hi, TEXT_VA + 0x2000);
	elf_close(img);
}

static void read_seg_contents(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	struct lerr err = { 0 };
	uint8_t *dst = malloc(DATA_MSZ);

	(void)state;
	assert_non_null(dst);
	img = open_ok(write_elf("contents.elf", &s));
	memset(dst, 0xaa, DATA_MSZ);
	assert_int_equal(elf_read_seg(img, &img->segs[0], dst, &err), 0);
	for (uint64_t i = 0; i < TEXT_SZ; i++)
		assert_int_equal(dst[i], pattern(TEXT_OFF + i));
	assert_int_equal(dst[TEXT_SZ], 0xaa); /* memsz bytes only */

	memset(dst, 0xaa, DATA_MSZ);
	assert_int_equal(elf_read_seg(img, &img->segs[1], dst, &err), 0);
	for (uint64_t i = 0; i < DATA_FSZ; i++)
		assert_int_equal(dst[i], pattern(DATA_OFF + i));
	for (uint64_t i = DATA_FSZ; i < DATA_MSZ; i++)
		if (dst[i])
			fail_msg(".bss byte 0x%llx is 0x%02x, not zero",
				 (unsigned long long)i, dst[i]);
	elf_close(img);
	free(dst);
}

/* ---- rejected images ------------------------------------------------------ */

static void reject_32bit(void **state)
{
	Elf32_Ehdr eh = { 0 };

	(void)state;
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0x100000;
	eh.e_ehsize = sizeof(eh);
	expect_error(write_raw("elf32.elf", &eh, sizeof(eh)), ENOEXEC,
		     "not a 64-bit ELF file (ELFCLASS32)");
}

static void reject_big_endian(void **state)
{
	struct spec s = good();

	(void)state;
	s.data = ELFDATA2MSB;
	reject("be.elf", &s, "not a little-endian ELF file");
}

static void reject_machine(void **state)
{
	struct spec s = good();

	(void)state;
	s.machine = EM_AARCH64;
	reject("aarch64.elf", &s, "not an x86-64 image (e_machine 183)");
	s.machine = EM_386;
	reject("i386.elf", &s, "not an x86-64 image (e_machine 3)");
}

static void reject_et_dyn(void **state)
{
	struct spec s = good();

	(void)state;
	s.type = ET_DYN;
	reject("pie.elf", &s, "position-independent image without a dynamic section");
	s.type = ET_REL;
	reject("rel.elf", &s, "not an executable (e_type 1)");
	s.type = ET_CORE;
	reject("core.elf", &s, "not an executable (e_type 4)");
}

static void reject_interp(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
				.p_offset = TEXT_OFF, .p_filesz = 8 };
	s.nph = 3;
	reject("interp.elf", &s, "dynamically linked");
	s.ph[2].p_type = PT_DYNAMIC;
	reject("dynamic.elf", &s, "dynamically linked");
}

static void reject_truncated(void **state)
{
	struct spec s = good();

	(void)state;
	/* cut inside the data segment */
	s.file_size = DATA_OFF + 4;
	reject("cut-data.elf", &s, "segment 1 runs past the end of the file");
	/* cut inside the program headers */
	s.file_size = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 10;
	reject("cut-phdr.elf", &s, "truncated");
	/* cut inside the ELF header */
	s.file_size = 40;
	reject("cut-ehdr.elf", &s, "");
	/* empty and not-ELF files */
	expect_error(write_raw("empty.elf", "", 0), ENOEXEC, "not an ELF file");
	expect_error(write_raw("text.elf", "#!/bin/sh\necho hi\n", 18), ENOEXEC,
		     "not an ELF file");
}

static void reject_filesz_gt_memsz(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[1].p_memsz = 8; /* filesz is 0x10 */
	reject("filesz.elf", &s,
	       "segment 1 has more file bytes (0x10) than memory bytes (0x8)");
}

static void reject_past_file_end(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[1].p_offset = 0x100000;
	reject("past-end.elf", &s, "segment 1 runs past the end of the file");
	s = good();
	s.ph[1].p_filesz = s.ph[1].p_memsz = 0x1000;
	s.file_size = DATA_OFF + DATA_FSZ; /* the file holds only 0x10 of it */
	reject("past-end2.elf", &s, "segment 1 runs past the end of the file");
}

static void reject_overflow(void **state)
{
	struct spec s = good();

	(void)state;
	/* p_offset + p_filesz wraps */
	s.ph[1].p_offset = UINT64_MAX - 4;
	reject("off-wrap.elf", &s, "segment 1 runs past the end of the file");
	/* p_vaddr + p_memsz wraps */
	s = good();
	s.ph[1].p_vaddr = UINT64_MAX - 0xfff;
	s.ph[1].p_memsz = 0x2000;
	reject("va-wrap.elf", &s, "segment 1 has an address range that overflows");
	/* no wrap, but beyond what 4-level paging can map */
	s = good();
	s.ph[1].p_vaddr = (1ull << 47) - 0x800;
	reject("va-high.elf", &s, "segment 1 has an address range that overflows");
}

static void reject_wx(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[0].p_flags = PF_R | PF_W | PF_X;
	reject("rwx.elf", &s, "segment 0 is both writable and executable");
	s.ph[0].p_flags = PF_W | PF_X;
	reject("wx.elf", &s, "segment 0 is both writable and executable");
}

static void reject_overlap(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[0].p_memsz = 0x2000;
	s.ph[1] = load(PF_R, DATA_OFF, TEXT_VA + 0x1000, 0x10, 0x10);
	reject("overlap.elf", &s, "segments 0 and 1 overlap at 0x101000");
	/* same start address */
	s = good();
	s.ph[1] = load(PF_R, DATA_OFF, TEXT_VA, 0x10, 0x10);
	reject("overlap2.elf", &s, "overlap at 0x100000");
	/* contained inside a larger segment */
	s = good();
	s.ph[0] = load(PF_R | PF_X, TEXT_OFF, TEXT_VA, TEXT_SZ, 0x10000);
	s.ph[1] = load(PF_R, DATA_OFF, TEXT_VA + 0x4000, 0x10, 0x10);
	reject("overlap3.elf", &s, "overlap at 0x104000");
}

static void reject_shared_page_wx(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[1] = load(PF_R | PF_W, DATA_OFF, TEXT_VA + 0x800, 0x10, 0x100);
	reject("shared.elf", &s,
	       "segments 0 and 1 share the page at 0x100000, making it writable and executable");
	/* the .bss tail of a data segment reaching into the text's page */
	s = good();
	s.ph[0] = load(PF_R | PF_W, DATA_OFF, TEXT_VA - 0x1000, 0x10, 0x1010);
	s.ph[1] = load(PF_R | PF_X, TEXT_OFF, TEXT_VA + 0x100, 0x10, 0x10);
	s.entry = TEXT_VA + 0x100;
	reject("shared2.elf", &s, "share the page at 0x100000");
}

/*
 * Three segments in one page: R+X, then R, then R+W.  No two neighbours
 * add up to W+X, but the page as a whole is writable and executable.
 */
static void reject_shared_page_wx_three(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[0] = load(PF_R | PF_X, TEXT_OFF, TEXT_VA, 0x80, 0x80);
	s.ph[1] = load(PF_R, TEXT_OFF + 0x80, TEXT_VA + 0x80, 0x80, 0x80);
	s.ph[2] = load(PF_R | PF_W, TEXT_OFF + 0x100, TEXT_VA + 0x100, 0x80, 0x80);
	s.nph = 3;
	reject("shared3.elf", &s, "share the page at 0x100000");
}

static void reject_entry(void **state)
{
	struct spec s = good();

	(void)state;
	s.entry = DATA_VA; /* in a data segment */
	reject("entry-data.elf", &s,
	       "entry point 0x200000 is not inside an executable segment");
	s.entry = TEXT_VA + TEXT_SZ; /* one past the code */
	reject("entry-end.elf", &s, "entry point 0x100100 is not inside");
	s.entry = TEXT_VA - 1;
	reject("entry-below.elf", &s, "entry point 0xfffff is not inside");
	s.entry = 0;
	reject("entry-zero.elf", &s, "entry point 0x0 is not inside");
	/* in the segment's memory but past its file bytes: nothing to run */
	s = good();
	s.ph[0].p_memsz = 0x200;
	s.entry = TEXT_VA + 0x180;
	reject("entry-bss.elf", &s, "entry point 0x100180 is not inside");
}

static void reject_no_load(void **state)
{
	struct spec s = good();

	(void)state;
	s.ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = TEXT_OFF, .p_filesz = 8 };
	s.nph = 1;
	reject("noload.elf", &s, "no loadable segments");
	s.nph = 0;
	reject("nophdr.elf", &s, "no loadable segments");
	/* PT_LOADs that are all empty load nothing either */
	s = good();
	s.ph[0].p_filesz = s.ph[0].p_memsz = 0;
	s.ph[1].p_filesz = s.ph[1].p_memsz = 0;
	reject("emptyload.elf", &s, "no loadable segments");
}

static void reject_not_a_file(void **state)
{
	char path[512];

	(void)state;
	expect_error(tmpdir, EISDIR, "it is a directory, not a regular file");
	expect_error("/dev/null", EINVAL, "it is a character device, not a regular file");
	path_fmt(path, sizeof(path), tmpdir, "does-not-exist.elf");
	expect_error(path, ENOENT, "No such file or directory");
}

/* ---- placement: elf_check_fit() -------------------------------------------- */

#define MEM      (64ull << 20)
#define STACK_LO (MEM - (576ull << 10))

static void fit_ok(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	struct lerr err = { 0 };

	(void)state;
	img = open_ok(write_elf("fit.elf", &s));
	assert_int_equal(elf_check_fit(img, 0x100000, STACK_LO, MEM, &err), 0);
	/* exactly up to the limits */
	assert_int_equal(elf_check_fit(img, TEXT_VA, DATA_VA + DATA_MSZ,
				       DATA_VA + DATA_MSZ, &err), 0);
	elf_close(img);
}

static void fit_below_1mib(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	struct lerr err = { 0 };

	(void)state;
	s.ph[0].p_vaddr = 0x80000;
	s.entry = 0x80000;
	img = open_ok(write_elf("low.elf", &s)); /* placement is not elf_open's job */
	assert_int_equal(elf_check_fit(img, 0x100000, STACK_LO, MEM, &err), -ENOEXEC);
	assert_int_equal(err.code, ENOEXEC);
	assert_non_null(strstr(err.msg,
			       "segment 0 starts at 0x80000, inside the monitor's reserved memory below 0x100000"));
	elf_close(img);
}

static void fit_past_memory(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	struct lerr err = { 0 };

	(void)state;
	img = open_ok(write_elf("big.elf", &s));
	assert_int_equal(elf_check_fit(img, 0x100000, 0x200000, 0x200000, &err), -EFBIG);
	assert_int_equal(err.code, EFBIG);
	assert_string_equal(err.msg, "segment 1 ends past partition memory (2 MiB)");
	/* one byte short */
	assert_int_equal(elf_check_fit(img, 0x100000, DATA_VA + DATA_MSZ - 1,
				       DATA_VA + DATA_MSZ - 1, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "ends past partition memory"));
	elf_close(img);
}

static void fit_into_stack(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	struct lerr err = { 0 };

	(void)state;
	img = open_ok(write_elf("stack.elf", &s));
	assert_int_equal(elf_check_fit(img, 0x100000, 0x200800, MEM, &err), -EFBIG);
	assert_int_equal(err.code, EFBIG);
	assert_non_null(strstr(err.msg,
			       "segment 1 ends at 0x201000, inside the stack area that starts at 0x200800"));
	elf_close(img);
}

/* ---- symbols ---------------------------------------------------------------- */

static void expect_at(const struct elf_image *img, uint64_t addr,
		      const char *name, uint64_t off)
{
	uint64_t got = 0xdead;
	const struct elf_sym *s = elf_sym_at(img, addr, &got);

	if (!name) {
		if (s)
			fail_msg("0x%llx: got %s+%llu, want no symbol",
				 (unsigned long long)addr, s->name,
				 (unsigned long long)got);
		return;
	}
	if (!s)
		fail_msg("0x%llx: no symbol, want %s+%llu", (unsigned long long)addr,
			 name, (unsigned long long)off);
	if (strcmp(s->name, name) || got != off)
		fail_msg("0x%llx: got %s+%llu, want %s+%llu", (unsigned long long)addr,
			 s->name, (unsigned long long)got, name,
			 (unsigned long long)off);
}

static void symtab_lookup(void **state)
{
	struct spec s = good();
	struct elf_image *img;
	const struct elf_sym *y;

	(void)state;
	s.symtab = 1;
	img = open_ok(write_elf("syms.elf", &s));
	/* lf f g label alias tail d dtail; not FILE, SECTION, ABS or UNDEF */
	assert_int_equal(img->nsyms, 8);
	y = elf_sym_lookup(img, "f");
	assert_non_null(y);
	assert_int_equal(y->addr, TEXT_VA);
	assert_int_equal(y->size, 0x10);
	assert_true(y->is_func);
	y = elf_sym_lookup(img, "lf");
	assert_non_null(y);
	assert_int_equal(y->addr, TEXT_VA + 0x60);
	y = elf_sym_lookup(img, "d");
	assert_non_null(y);
	assert_int_equal(y->addr, DATA_VA);
	assert_false(y->is_func);
	assert_non_null(elf_sym_lookup(img, "label"));
	assert_null(elf_sym_lookup(img, "absym"));
	assert_null(elf_sym_lookup(img, "undef"));
	assert_null(elf_sym_lookup(img, "file.c"));
	assert_null(elf_sym_lookup(img, ""));
	assert_null(elf_sym_lookup(img, "nosuch"));
	assert_null(elf_sym_lookup(img, "F"));
	for (size_t i = 1; i < img->nsyms; i++)
		assert_true(img->syms[i - 1].addr <= img->syms[i].addr);
	elf_close(img);
}

static void symtab_at(void **state)
{
	struct spec s = good();
	struct elf_image *img;

	(void)state;
	s.symtab = 1;
	img = open_ok(write_elf("syms-at.elf", &s));
	expect_at(img, TEXT_VA - 1, NULL, 0);       /* below every symbol */
	expect_at(img, TEXT_VA, "f", 0);            /* sized f beats the alias */
	expect_at(img, TEXT_VA + 5, "f", 5);
	expect_at(img, TEXT_VA + 0xf, "f", 0xf);
	expect_at(img, TEXT_VA + 0x20, "g", 0);
	expect_at(img, TEXT_VA + 0x2f, "g", 0xf);
	expect_at(img, TEXT_VA + 0x30, NULL, 0);    /* gap past sized g */
	expect_at(img, TEXT_VA + 0x45, "label", 5); /* sizeless: nearest below */
	expect_at(img, TEXT_VA + 0x62, "lf", 2);
	expect_at(img, TEXT_VA + 0x64, NULL, 0);    /* past lf */
	expect_at(img, TEXT_VA + 0xf8, "tail", 8);
	expect_at(img, TEXT_VA + 0xff, "tail", 0xff - 0xf0);
	expect_at(img, TEXT_VA + 0x100, NULL, 0);   /* outside the segment */
	expect_at(img, DATA_VA - 1, NULL, 0);
	expect_at(img, DATA_VA + 4, "d", 4);
	expect_at(img, DATA_VA + 8, NULL, 0);
	expect_at(img, DATA_VA + 0x800, "dtail", 0);
	expect_at(img, DATA_VA + 0xfff, "dtail", 0x7ff); /* .bss counts */
	expect_at(img, DATA_VA + 0x1000, NULL, 0);
	expect_at(img, UINT64_MAX, NULL, 0);
	elf_close(img);
}

/* The real thing: the example partition, built by lpar-cc. */
static const char *repo_file(const char *rel, char *buf, size_t len)
{
	const char *root = getenv("LPAR_SRCDIR");
	const char *me = __FILE__, *cut = strstr(me, "tests/unit/");

	if (root && *root)
		return path_fmt(buf, len, root, rel);
	/* __FILE__ is tests/unit/test_elf.c under the root make ran in */
	snprintf(buf, len, "%.*s%s", (int)(cut ? cut - me : 0), me, rel);
	if (access(buf, F_OK) == 0)
		return buf;
	/* else the binary's place: ROOT/build/tests/unit/test_elf */
	{
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		char *p;

		if (n > 0) {
			exe[n] = '\0';
			p = strstr(exe, "/build/tests/unit/");
			if (p) {
				*p = '\0';
				path_fmt(buf, len, exe, rel);
			}
		}
	}
	return buf;
}

static void hello_symbols(void **state)
{
	char path[PATH_MAX];
	struct elf_image *img;
	const struct elf_sym *main_sym, *y;
	uint64_t off = 0;

	(void)state;
	repo_file("examples/hello.elf", path, sizeof(path));
	if (access(path, R_OK) != 0)
		fail_msg("%s is missing: run make first (or set LPAR_SRCDIR)", path);
	img = open_ok(path);
	assert_true(img->nsegs >= 2);
	assert_true(img->lo >= 0x100000);
	assert_true(img->nsyms > 10);
	main_sym = elf_sym_lookup(img, "main");
	assert_non_null(main_sym);
	assert_true(main_sym->is_func);
	assert_true(main_sym->size > 3);
	y = elf_sym_at(img, main_sym->addr + 3, &off);
	assert_non_null(y);
	assert_string_equal(y->name, "main");
	assert_int_equal(off, 3);
	y = elf_sym_at(img, main_sym->addr, &off);
	assert_ptr_equal(y, main_sym);
	assert_int_equal(off, 0);
	/* the entry point is _start, from the SDK's start.S */
	y = elf_sym_at(img, img->entry, &off);
	assert_non_null(y);
	assert_string_equal(y->name, "_start");
	assert_int_equal(off, 0);
	assert_null(elf_sym_lookup(img, "no_such_symbol_anywhere"));
	elf_close(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_image),
		cmocka_unit_test(segments_sorted),
		cmocka_unit_test(lo_hi_page_rounded),
		cmocka_unit_test(shared_page_without_wx),
		cmocka_unit_test(adjacent_pages_wx),
		cmocka_unit_test(read_seg_contents),
		cmocka_unit_test(reject_32bit),
		cmocka_unit_test(reject_big_endian),
		cmocka_unit_test(reject_machine),
		cmocka_unit_test(reject_et_dyn),
		cmocka_unit_test(reject_interp),
		cmocka_unit_test(reject_truncated),
		cmocka_unit_test(reject_filesz_gt_memsz),
		cmocka_unit_test(reject_past_file_end),
		cmocka_unit_test(reject_overflow),
		cmocka_unit_test(reject_wx),
		cmocka_unit_test(reject_overlap),
		cmocka_unit_test(reject_shared_page_wx),
		cmocka_unit_test(reject_shared_page_wx_three),
		cmocka_unit_test(reject_entry),
		cmocka_unit_test(reject_no_load),
		cmocka_unit_test(reject_not_a_file),
		cmocka_unit_test(fit_ok),
		cmocka_unit_test(fit_below_1mib),
		cmocka_unit_test(fit_past_memory),
		cmocka_unit_test(fit_into_stack),
		cmocka_unit_test(symtab_lookup),
		cmocka_unit_test(symtab_at),
		cmocka_unit_test(hello_symbols),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
