/* SPDX-License-Identifier: ISC
 * Partition images: opening and validating a static x86-64 ELF executable
 * with libelf, reading its segments, and looking up its symbols.
 */
#ifndef LPAR_ELF_H
#define LPAR_ELF_H

#include <stddef.h>
#include <stdint.h>

struct lerr;

#define ELF_SEG_R 4u /* PF_R */
#define ELF_SEG_W 2u /* PF_W */
#define ELF_SEG_X 1u /* PF_X */

struct elf_seg {
	unsigned index;  /* program header number, for messages */
	unsigned flags;  /* ELF_SEG_* */
	uint64_t vaddr;  /* = physical address: partitions are identity-mapped */
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
};

struct elf_sym {
	uint64_t addr;
	uint64_t size;
	const char *name;
	int is_func;
};

/* A ring the image declares (<lpar/ring.h>), checked by elf_open(). */
#define ELF_RINGS_MAX 16
struct elf_ring {
	char name[32];
	uint64_t addr;   /* its header page */
	uint64_t len;    /* bytes in all */
	uint32_t kind;   /* LPAR_RING_BYTES or LPAR_RING_MSGS */
	uint32_t size;   /* data bytes per direction */
};

/* Where a static PIE goes, and the largest segment alignment that may move it. */
#define ELF_PIE_BASE      0x400000ull
#define ELF_PIE_ALIGN_MAX 0x200000ull

struct elf_image {
	char *path;
	int fd;
	uint64_t file_size;
	uint64_t entry;
	int pie;               /* a static PIE, placed at ELF_PIE_BASE */
	uint64_t bias;         /* what placing it added to every address in the file */
	uint64_t phdr;         /* the program headers in memory (AT_PHDR), or 0 */
	uint64_t phoff;
	unsigned phnum, phentsize;
	struct elf_seg *segs;  /* PT_LOAD segments, sorted by address */
	size_t nsegs;
	uint64_t lo, hi;       /* page-rounded extent of all segments */
	struct elf_sym *syms;  /* defined FUNC/OBJECT/NOTYPE symbols, by address */
	size_t nsyms;
	char *strtab;          /* owns the symbol names */
	struct elf_ring rings[ELF_RINGS_MAX]; /* by address */
	size_t nrings;
};

/*
 * Opens path and checks that it is an image a partition can run: ELF64,
 * little-endian, x86-64, static (ET_EXEC, or ET_DYN without an interpreter:
 * a static PIE, which it places at ELF_PIE_BASE), sane PT_LOAD segments (inside the file,
 * filesz <= memsz, no overflow, no overlap, never writable and executable,
 * even through a shared page), entry in an executable segment's file
 * contents, and well-formed ring declarations.  Where the segments go in memory is checked by elf_check_fit().
 */
int elf_open(const char *path, struct elf_image **out, struct lerr *err);
/* The same for an open file (fd is the image's from then on, closed on failure); path names it. */
int elf_open_fd(int fd, const char *path, struct elf_image **out, struct lerr *err);

/* Checks that every segment lies inside [lo, hi) of guest memory. */
int elf_check_fit(const struct elf_image *img, uint64_t lo, uint64_t hi,
		  uint64_t mem_size, struct lerr *err);

/* Copies a segment's file contents to dst and zeroes the rest of memsz. */
int elf_read_seg(const struct elf_image *img, const struct elf_seg *seg,
		 void *dst, struct lerr *err);

/* The ring named name, or NULL. */
const struct elf_ring *elf_ring_lookup(const struct elf_image *img, const char *name);

/* The symbol named name, or NULL. */
const struct elf_sym *elf_sym_lookup(const struct elf_image *img,
				     const char *name);

/*
 * The symbol that contains addr (or, for sizeless symbols, the nearest one
 * below it inside the same segment), with the offset into it; or NULL.
 */
const struct elf_sym *elf_sym_at(const struct elf_image *img, uint64_t addr,
				 uint64_t *off);

/*
 * The name of the allocated section holding addr, copied to buf; or NULL
 * (no such section, or the file cannot be read again).
 */
const char *elf_section_at(const struct elf_image *img, uint64_t addr, char *buf,
			   size_t len);

/*
 * The names of the allocated sections that overlap [lo, hi), separated by
 * spaces, in buf (names that do not fit are left out); returns strlen(buf).
 */
size_t elf_sections_in(const struct elf_image *img, uint64_t lo, uint64_t hi, char *buf,
		       size_t len);

void elf_close(struct elf_image *img);

#endif
