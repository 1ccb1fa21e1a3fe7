/* SPDX-License-Identifier: ISC
 * gdb-style expressions over a partition: numbers, 'c', $registers,
 * $convenience variables, $N history, symbols, &, unary * and casts to
 * integer types and pointers to them, the C arithmetic and bitwise
 * operators, and assignment.  The partition is reached only through the
 * callbacks in struct dbg_expr_env, so this works (and is tested) alone.
 */
#ifndef LPAR_DEBUG_EXPR_H
#define LPAR_DEBUG_EXPR_H

#include <stddef.h>
#include <stdint.h>

struct lerr;
struct elf_image;

enum dbg_base {
	DB_INT,    /* an integer type of size 1, 2, 4 or 8 */
	DB_VOID,
	DB_CODE,   /* a function without debug info */
	DB_DATA,   /* a data symbol without debug info */
	DB_FUNC,   /* void (*)() as gdb types $pc */
	DB_FLAGS,  /* $eflags: printed as [ IF ZF ] */
};

struct dbg_type {
	enum dbg_base base;
	unsigned size;       /* bytes of the base type (1, 2, 4, 8), 0 for void */
	int is_signed;
	int is_char;
	int ptr;             /* levels of pointer: 0 for a scalar */
	char name[24];       /* the base type's name: "int", "uint8_t" */
};

enum dbg_lval { LV_NONE, LV_MEM, LV_REG, LV_CONV };

struct dbg_value {
	struct dbg_type type;
	uint64_t v;          /* the bits, extended to 64 as the type says */
	enum dbg_lval lval;
	uint64_t addr;       /* LV_MEM: where it lives */
	char reg[24];        /* LV_REG, LV_CONV: its name without '$' */
	int is_void;         /* an unset convenience variable */
};

/* What an expression can reach; every callback may be NULL. */
struct dbg_expr_env {
	void *ctx;
	/* A register by name (without '$'): 0, or -ENOENT if there is none. */
	int (*reg_get)(void *ctx, const char *name, struct dbg_value *out, struct lerr *err);
	int (*reg_set)(void *ctx, const char *name, uint64_t v, struct lerr *err);
	int (*mem_read)(void *ctx, uint64_t addr, void *buf, size_t len, struct lerr *err);
	int (*mem_write)(void *ctx, uint64_t addr, const void *buf, size_t len,
			 struct lerr *err);
	const struct elf_image *img;
	/* Value history ($N, $, $$) and convenience variables ($foo). */
	const struct dbg_value *history;
	size_t nhistory;
	struct dbg_conv *conv;
};

/* Convenience variables ($foo = 3). */
struct dbg_conv {
	struct dbg_conv_var {
		char name[32];
		struct dbg_value val;
	} vars[64];
	size_t n;
};

/*
 * Evaluates s (all of it) into *out.  Errors are gdb's messages: "No
 * symbol \"x\" in current context.", "Cannot access memory at address
 * 0x..", "A syntax error in expression, near `..'.", "Division by zero".
 */
int dbg_expr_eval(const struct dbg_expr_env *env, const char *s, struct dbg_value *out,
		  struct lerr *err);

/* Parses a type name ("unsigned char", "uint32_t *"); length used, or 0. */
size_t dbg_type_parse(const char *s, struct dbg_type *t);
/* "int", "unsigned char *", "void (*)()" */
void dbg_type_name(const struct dbg_type *t, char *buf, size_t len);

/* The integer as its type sees it: sign-extended for signed types. */
int64_t dbg_value_signed(const struct dbg_value *v);

#endif
