/* SPDX-License-Identifier: ISC
 * Output in gdb's shapes: "x/NFU" memory dumps, "print" values and
 * "<sym+off>" labels.  Memory and disassembly come through callbacks, so
 * this works (and is tested) without a partition.
 */
#ifndef LPAR_DEBUG_FORMAT_H
#define LPAR_DEBUG_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lerr;
struct elf_image;
struct elf_sym;
struct dbg_value;

struct dbg_fmt_env {
	void *ctx;
	int (*mem_read)(void *ctx, uint64_t addr, void *buf, size_t len, struct lerr *err);
	/*
	 * Disassembles the instruction at addr into text ("mov    %rsp,%rdi");
	 * returns its length in bytes, or -errno.
	 */
	int (*insn)(void *ctx, uint64_t addr, char *text, size_t len, struct lerr *err);
	const struct elf_image *img;
	int have_pc;
	uint64_t pc;             /* x/i marks it with "=> " */
};

/* x's defaults, which each use changes (gdb's "sticky" format and size). */
struct dbg_xstate {
	char fmt;                /* x d u o t a c s i */
	char size;               /* b h w g */
	int have_next;
	uint64_t next;           /* where a bare "x" goes on */
};

/* The gdb defaults: x/1xw. */
void dbg_xstate_init(struct dbg_xstate *st);

/*
 * Parses what follows '/' in x/NFU or print/F (letters and a count in any
 * order); missing parts keep *count, *fmt, *size.  -EINVAL with gdb's
 * message for a bad letter.
 */
int dbg_fmt_parse(const char *spec, size_t len, unsigned *count, char *fmt, char *size,
		  struct lerr *err);

/*
 * Prints count units at addr in gdb's x layout, updating st (format, size,
 * next address); fmt or size 0 takes st's (c defaults to bytes, a to giants).  Stops with "Cannot access memory at address 0x.." at the
 * first unreadable unit, after printing what came before it.
 */
int dbg_examine(FILE *out, const struct dbg_fmt_env *env, struct dbg_xstate *st,
		uint64_t addr, unsigned count, char fmt, char size, struct lerr *err);

/* A symbol's name made safe for a terminal (an image is input too), or "??". */
const char *dbg_symname(const struct elf_sym *s, char *buf, size_t len);

/* " <main+4>" (with the leading space), or "" when no symbol holds addr. */
const char *dbg_label(const struct elf_image *img, uint64_t addr, char *buf, size_t len);

/* A value as print shows it after "$N = "; fmt 0 for the natural format. */
int dbg_value_print(FILE *out, const struct dbg_fmt_env *env, const struct dbg_value *v,
		    char fmt, struct lerr *err);

/* rflags decoded like gdb: "[ IF ZF PF ]". */
void dbg_eflags_text(uint64_t f, char *buf, size_t len);

#endif
