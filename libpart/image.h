/* SPDX-License-Identifier: ISC
 * The image a partition runs, for its symbols: the file its status names
 * or, when that file is not the one loaded (moved, rebuilt, a relative
 * path from elsewhere), a copy of the control tree's image file.
 */
#ifndef LPAR_PART_IMAGE_H
#define LPAR_PART_IMAGE_H

struct lerr;
struct part;
struct part_status;
struct elf_image;
struct part_image;

/* st is p's live status (for the image path and the monitor's pid). */
int part_image_load(struct part *p, const struct part_status *st,
		    struct part_image **out, struct lerr *err);
/* An image by its path, for a partition that is gone (its core names it). */
int part_image_open(const char *path, struct part_image **out, struct lerr *err);
void part_image_free(struct part_image *im);
const struct elf_image *part_image_elf(const struct part_image *im);
/* The path to show: the status's, even when the symbols came from a copy. */
const char *part_image_shown(const struct part_image *im);

#endif
