/*
 * The symbols of the image a partition runs: found from its status (the
 * image path) or, when that file is not the one loaded, copied from the
 * control tree's image file.  Also section names, for "info symbol".
 */
#ifndef LPAR_DEBUG_IMAGE_H
#define LPAR_DEBUG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct lerr;
struct part;
struct part_status;
struct elf_image;
struct dbg_image;

int dbg_image_load(struct part *p, const struct part_status *st,
		   struct dbg_image **out, struct lerr *err);
void dbg_image_free(struct dbg_image *im);
const struct elf_image *dbg_image_elf(const struct dbg_image *im);
/* The path to show: the status's, even when the symbols came from a copy. */
const char *dbg_image_shown(const struct dbg_image *im);

/* The name of the allocated ELF section holding addr, or NULL. */
const char *dbg_section_at(const struct elf_image *img, uint64_t addr);

#endif
