/* SPDX-License-Identifier: ISC
 * mkelf: writes deliberately malformed (and a few valid) ELF images with
 * libelf, so the tests can show how lpar rejects each one.  Deterministic:
 * the same KIND always gives the same bytes.  Usage: mkelf KIND OUT
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE     0x1000ull
#define BASE     0x100000ull /* the lowest address an image may use (LPAR_IMAGE_MIN) */
#define MAX_SEGS 80

struct seg {
	uint32_t type;         /* PT_* */
	uint32_t flags;        /* PF_* */
	uint64_t vaddr;
	uint64_t memsz;
	const void *bytes;     /* file contents, or NULL for none */
	size_t len;            /* p_filesz */
};

struct spec {
	int cls;               /* ELFCLASS32 or ELFCLASS64 */
	int data;              /* ELFDATA2LSB or ELFDATA2MSB */
	unsigned machine;
	unsigned type;
	uint64_t entry;
	struct seg seg[MAX_SEGS];
	size_t nseg;
	off_t cut;             /* truncate the written file to this size (0: no) */
	int cut_in_seg;        /* truncate half-way into the first segment's bytes */
};

/* mov $3,%eax (LPAR_HC_EXIT); mov $7,%edi; out %eax,$0x4c; ud2 */
static const unsigned char exit7[] = {
	0xb8, 0x03, 0x00, 0x00, 0x00,
	0xbf, 0x07, 0x00, 0x00, 0x00,
	0xe7, 0x4c,
	0x0f, 0x0b,
};
static const unsigned char rodata[16] = "read-only data.";
static const char interp[] = "/lib64/ld-linux-x86-64.so.2";

static void die(const char *what)
{
	fprintf(stderr, "mkelf: %s: %s\n", what, elf_errmsg(-1));
	exit(1);
}

static void add(struct spec *s, uint32_t type, uint32_t flags, uint64_t vaddr,
		uint64_t memsz, const void *bytes, size_t len)
{
	if (s->nseg == MAX_SEGS) {
		fprintf(stderr, "mkelf: too many segments\n");
		exit(1);
	}
	s->seg[s->nseg++] = (struct seg){ type, flags, vaddr, memsz, bytes, len };
}

/* A minimal valid image: one RX segment at 1 MiB that exits with status 7. */
static void base_ok(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->cls = ELFCLASS64;
	s->data = ELFDATA2LSB;
	s->machine = EM_X86_64;
	s->type = ET_EXEC;
	s->entry = BASE;
	add(s, PT_LOAD, PF_R | PF_X, BASE, sizeof(exit7), exit7, sizeof(exit7));
}

static int make_spec(const char *kind, struct spec *s)
{
	base_ok(s);
	if (!strcmp(kind, "ok")) {
		/* as is */
	} else if (!strcmp(kind, "elf32")) {
		s->cls = ELFCLASS32;
		s->machine = EM_386;
	} else if (!strcmp(kind, "bigendian")) {
		s->data = ELFDATA2MSB;
	} else if (!strcmp(kind, "machine")) {
		s->machine = EM_AARCH64;
	} else if (!strcmp(kind, "dyn")) {
		s->type = ET_DYN;
	} else if (!strcmp(kind, "rel")) {
		s->type = ET_REL;
	} else if (!strcmp(kind, "interp")) {
		s->nseg = 0;
		add(s, PT_INTERP, PF_R, BASE + PAGE, sizeof(interp), interp, sizeof(interp));
		add(s, PT_LOAD, PF_R | PF_X, BASE, sizeof(exit7), exit7, sizeof(exit7));
		add(s, PT_LOAD, PF_R, BASE + PAGE, sizeof(interp), interp, sizeof(interp));
	} else if (!strcmp(kind, "truncated")) {
		/* Cut inside the (only) program header, which starts at 64. */
		s->cut = 64 + 20;
	} else if (!strcmp(kind, "truncated-seg")) {
		s->cut_in_seg = 1;
	} else if (!strcmp(kind, "outside-ram")) {
		s->seg[0].vaddr = 0x100000000ull;
		s->entry = 0x100000000ull;
	} else if (!strcmp(kind, "low")) {
		s->seg[0].vaddr = 0x1000;
		s->entry = 0x1000;
	} else if (!strcmp(kind, "overlap")) {
		s->seg[0].memsz = 2 * PAGE;
		add(s, PT_LOAD, PF_R, BASE + PAGE, sizeof(rodata), rodata, sizeof(rodata));
	} else if (!strcmp(kind, "entry-outside")) {
		/* The entry point is in a segment that is not executable. */
		add(s, PT_LOAD, PF_R, BASE + PAGE, sizeof(rodata), rodata, sizeof(rodata));
		s->entry = BASE + PAGE;
	} else if (!strcmp(kind, "wx")) {
		s->seg[0].flags = PF_R | PF_W | PF_X;
	} else if (!strcmp(kind, "shared-page-wx")) {
		/* RX code and RW data in the one page at 1 MiB. */
		add(s, PT_LOAD, PF_R | PF_W, BASE + 0x800, sizeof(rodata), rodata,
		    sizeof(rodata));
	} else if (!strcmp(kind, "filesz")) {
		/* 0x100 file bytes for 0x10 bytes of memory. */
		static unsigned char code[0x100];

		memcpy(code, exit7, sizeof(exit7));
		s->seg[0].bytes = code;
		s->seg[0].len = sizeof(code);
		s->seg[0].memsz = 0x10;
	} else if (!strcmp(kind, "noload")) {
		s->nseg = 0;
		add(s, PT_GNU_STACK, PF_R | PF_W, 0, 0, NULL, 0);
	} else if (!strcmp(kind, "overflow")) {
		s->seg[0].vaddr = 0xfffffffffffff000ull;
		s->seg[0].memsz = 2 * PAGE;
		s->entry = 0xfffffffffffff000ull;
	} else if (!strcmp(kind, "big")) {
		/* Valid, but its bss needs 100 MiB. */
		add(s, PT_LOAD, PF_R | PF_W, BASE + PAGE, 100ull << 20, NULL, 0);
	} else if (!strcmp(kind, "many")) {
		/* 65 loadable segments: one more than a partition can have. */
		for (int i = 1; i < 65; i++)
			add(s, PT_LOAD, PF_R, BASE + (uint64_t)i * PAGE, PAGE, NULL, 0);
	} else {
		return -1;
	}
	return 0;
}

static uint64_t align_up(uint64_t a, uint64_t to)
{
	return (a + to - 1) / to * to;
}

static Elf_Scn *new_section(Elf *e, uint64_t name, uint32_t type, uint64_t flags,
			    uint64_t addr, uint64_t off, const void *bytes,
			    size_t len, uint64_t align)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d;
	GElf_Shdr sh;

	if (!scn)
		die("elf_newscn");
	d = elf_newdata(scn);
	if (!d)
		die("elf_newdata");
	d->d_buf = (void *)bytes;
	d->d_size = len;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	d->d_off = 0;
	d->d_version = EV_CURRENT;
	if (!gelf_getshdr(scn, &sh))
		die("gelf_getshdr");
	sh.sh_name = name;
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addr = addr;
	sh.sh_offset = off;
	sh.sh_size = len;
	sh.sh_addralign = align;
	if (!gelf_update_shdr(scn, &sh))
		die("gelf_update_shdr");
	return scn;
}

/*
 * Layout, chosen here (ELF_F_LAYOUT) so it never depends on libelf's
 * version: header, program headers, section names and section headers
 * first, then each segment's bytes at a file offset congruent to its
 * address modulo the page size.
 */
static void write_image(const struct spec *s, int fd)
{
	static const char shstr[] = "\0.shstrtab\0.text\0.rodata\0.data\0.interp";
	enum { N_SHSTRTAB = 1, N_TEXT = 11, N_RODATA = 17, N_DATA = 25, N_INTERP = 31 };
	size_t ehsz = s->cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = s->cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t shsz = s->cls == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t off, phoff = ehsz, strtab_off, shoff, segoff[MAX_SEGS];
	size_t nscn = 1; /* the null section */
	Elf_Scn *strscn;
	GElf_Ehdr eh;
	Elf *e;

	for (size_t i = 0; i < s->nseg; i++)
		if (s->seg[i].bytes)
			nscn++;
	nscn++; /* .shstrtab */
	strtab_off = phoff + phsz * s->nseg;
	shoff = align_up(strtab_off + sizeof(shstr), 8);
	off = shoff + shsz * nscn;
	for (size_t i = 0; i < s->nseg; i++) {
		const struct seg *g = &s->seg[i];

		if (!g->bytes) {
			segoff[i] = 0;
			continue;
		}
		off = align_up(off, PAGE) + (g->vaddr & (PAGE - 1));
		segoff[i] = off;
		off += g->len;
	}

	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e)
		die("elf_begin");
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	if (!gelf_newehdr(e, s->cls))
		die("gelf_newehdr");
	if (!gelf_getehdr(e, &eh))
		die("gelf_getehdr");
	eh.e_ident[EI_DATA] = (unsigned char)s->data;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = (GElf_Half)s->type;
	eh.e_machine = (GElf_Half)s->machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = s->entry;
	eh.e_phoff = s->nseg ? phoff : 0;
	eh.e_shoff = shoff;

	for (size_t i = 0; i < s->nseg; i++) {
		const struct seg *g = &s->seg[i];
		uint64_t name = g->type == PT_INTERP ? N_INTERP :
				g->flags & PF_X ? N_TEXT :
				g->flags & PF_W ? N_DATA : N_RODATA;
		uint64_t fl = SHF_ALLOC | (g->flags & PF_X ? SHF_EXECINSTR : 0) |
			      (g->flags & PF_W ? SHF_WRITE : 0);

		if (g->bytes)
			new_section(e, name, SHT_PROGBITS, fl, g->vaddr, segoff[i],
				    g->bytes, g->len, 1);
	}
	strscn = new_section(e, N_SHSTRTAB, SHT_STRTAB, 0, 0, strtab_off, shstr,
			     sizeof(shstr), 1);
	eh.e_shstrndx = (GElf_Half)elf_ndxscn(strscn);
	if (!gelf_update_ehdr(e, &eh))
		die("gelf_update_ehdr");

	if (s->nseg && !gelf_newphdr(e, s->nseg))
		die("gelf_newphdr");
	for (size_t i = 0; i < s->nseg; i++) {
		const struct seg *g = &s->seg[i];
		GElf_Phdr ph = {
			.p_type = g->type,
			.p_flags = g->flags,
			.p_offset = segoff[i],
			.p_vaddr = g->vaddr,
			.p_paddr = g->vaddr,
			.p_filesz = g->len,
			.p_memsz = g->memsz,
			.p_align = g->type == PT_LOAD ? PAGE : 1,
		};

		if (!gelf_update_phdr(e, (int)i, &ph))
			die("gelf_update_phdr");
	}
	if (elf_update(e, ELF_C_WRITE) < 0)
		die("elf_update");
	elf_end(e);

	if (s->cut_in_seg) {
		for (size_t i = 0; i < s->nseg; i++)
			if (s->seg[i].bytes) {
				off = segoff[i] + s->seg[i].len / 2;
				break;
			}
		if (ftruncate(fd, (off_t)off) < 0) {
			perror("mkelf: ftruncate");
			exit(1);
		}
	} else if (s->cut && ftruncate(fd, s->cut) < 0) {
		perror("mkelf: ftruncate");
		exit(1);
	}
}

static void usage(FILE *f)
{
	fputs("usage: mkelf KIND OUT\n"
	      "kinds: ok elf32 bigendian machine dyn rel interp truncated truncated-seg\n"
	      "       outside-ram low overlap entry-outside wx shared-page-wx filesz\n"
	      "       noload overflow big many\n", f);
}

int main(int argc, char **argv)
{
	struct spec s;
	int fd;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	if (make_spec(argv[1], &s) < 0) {
		fprintf(stderr, "mkelf: unknown kind '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("elf_version");
	fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "mkelf: cannot create '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}
	write_image(&s, fd);
	if (close(fd) < 0) {
		fprintf(stderr, "mkelf: cannot write '%s': %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
