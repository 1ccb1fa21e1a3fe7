/* SPDX-License-Identifier: ISC */
/* Disassembly with capstone, printed the way gdb prints it (AT&T by default). */
#ifndef LPAR_DEBUG_DISASM_H
#define LPAR_DEBUG_DISASM_H

#include <stddef.h>
#include <stdint.h>

struct elf_image;
struct dbg_disasm;

enum dbg_flavor { DBG_ATT, DBG_INTEL };

int dbg_disasm_open(struct dbg_disasm **out);
void dbg_disasm_close(struct dbg_disasm *d);
int dbg_disasm_flavor(struct dbg_disasm *d, enum dbg_flavor f);
enum dbg_flavor dbg_disasm_get_flavor(const struct dbg_disasm *d);

struct dbg_insn {
	unsigned len;        /* bytes; 1 for an undecodable byte, shown as "(bad)" */
	int is_call;         /* a call: nexti steps over it */
	char text[160];      /* "callq  0x100070 <lpar_exit>" */
};

/*
 * Decodes the instruction at addr from code[0..len); branch targets and
 * rip-relative operands are labelled with symbols from img (may be NULL).
 */
int dbg_disasm_one(struct dbg_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		   const struct elf_image *img, struct dbg_insn *out);

#endif
