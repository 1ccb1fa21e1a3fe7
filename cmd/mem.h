/* SPDX-License-Identifier: ISC */
/* Internal to lpar mem (cmd/mem*.c): the state its subcommands share. */
#ifndef LPAR_CMD_MEM_H
#define LPAR_CMD_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "cmd.h"

struct part_mem;
struct part_image;
struct elf_image;

/* Options; each bit is also the option's bit in mem_sub.opts. */
enum {
	MO_VIRT = 1u << 0,
	MO_FORCE = 1u << 1,
	MO_FORMAT = 1u << 2,
	MO_FILE = 1u << 3,
	MO_OUTPUT = 1u << 4,
	MO_STRING = 1u << 5,
	MO_INT = 1u << 6,
	MO_SIZE = 1u << 7,
	MO_CORE = 1u << 8,
	MO_IMAGE = 1u << 9,
};

struct mem_ctx {
	const struct cmd *self;
	const char *sub;           /* the subcommand's name */
	unsigned seen;             /* MO_* given */
	const char *format, *file, *output, *string, *intval, *size;
	const char *core, *image;  /* --core FILE instead of a partition; its image */
	const char *name;          /* the partition, or the core's path */
	struct part *p;
	struct part_status st;
	struct part_mem *m;
	struct elf_core *cf;       /* the core file (--core), or NULL */
	struct part_image *img;    /* loaded on first use */
	int img_tried;
	struct lerr img_err;
	unsigned symdefs;          /* how many symbols the last lookup matched */
};

/* What mem_attach() sets up. */
#define MEM_ATTACH_MEM   1     /* open the memory (the window or the mem file) */
#define MEM_ATTACH_WRITE 2     /* refuse a running partition without --force */
#define MEM_ATTACH_ENDED 4     /* an ended partition will do: its image, no memory */

/*
 * Opens the partition (and with MEM_ATTACH_MEM its memory, translated with
 * --virt), or with --core the core file and its memory.  With
 * MEM_ATTACH_ENDED, a partition that has ended stands as the image its
 * status record names (x->p and x->m stay NULL).  Returns 0 or the exit status after printing the error.
 */
int mem_attach(struct mem_ctx *x, unsigned what);

/* The image's symbols, loaded on first use; NULL (and x->img_err) if unavailable. */
const struct elf_image *mem_image(struct mem_ctx *x);

/* A usage error if s cannot be an address (before the partition is opened). */
int mem_addr_syntax(struct mem_ctx *x, const char *what, const char *s);
/*
 * Resolves an address operand: a number, SYMBOL or SYMBOL+OFF.  *symsize
 * (if given) is the symbol's size for a bare symbol, else 0.  Returns 0 or
 * the exit status after printing the error.
 */
int mem_addr(struct mem_ctx *x, const char *s, uint64_t *out, uint64_t *symsize);

/*
 * Parses hex bytes ("de ad be ef", "deadbeef") and appends them to *buf
 * (realloc'd); returns 0 or -EINVAL / -ENOMEM.
 */
int mem_hex_bytes(const char *s, uint8_t **buf, size_t *len);

/* "sym+0xoff" (or "sym") for addr into buf, sanitised; NULL if no symbol holds it. */
const char *mem_symbolize(struct mem_ctx *x, uint64_t addr, char *buf, size_t len);

/* Describes the region of the partition's layout that holds addr ("heap", ...), or NULL. */
const char *mem_region_at(struct mem_ctx *x, uint64_t addr, char *buf, size_t len);

/* Prints a failure "cannot VERB the memory of 'NAME': CAUSE"; returns 1. */
int mem_fail(struct mem_ctx *x, const char *verb, const struct lerr *err);

int mem_find(struct mem_ctx *x, int argc, char **argv);
int mem_map(struct mem_ctx *x, int argc, char **argv);
int mem_sym(struct mem_ctx *x, int argc, char **argv);

#endif
