/* SPDX-License-Identifier: ISC */
/* Internal to elf/: reading the symbol table and rings while the image is open. */
#ifndef LPAR_ELF_SYM_H
#define LPAR_ELF_SYM_H

#include <gelf.h>

struct elf_image;
struct lerr;

/* The symbol table's section (and its header in *sh), or NULL if stripped. */
Elf_Scn *elf_symtab(Elf *e, GElf_Shdr *sh);
int elf_read_symbols(Elf *e, struct elf_image *img, struct lerr *err);
/* Finds and checks the rings in the .lpar.rings section (elf/ring.c). */
int elf_read_rings(Elf *e, struct elf_image *img, struct lerr *err);

#endif
