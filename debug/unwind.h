/* SPDX-License-Identifier: ISC
 * Stack unwinding for backtrace and finish: the image's call frame
 * information through libdw, frame pointers where it has none.
 */
#ifndef LPAR_DEBUG_UNWIND_H
#define LPAR_DEBUG_UNWIND_H

#include <stdint.h>

struct elf_image;
struct dbg_unwind;

struct dbg_frame {
	uint64_t pc, rsp, rbp;
};

/* Reads 8 bytes of the partition's memory at addr; 0 or -errno. */
typedef int (*dbg_unwind_read_fn)(void *ctx, uint64_t addr, uint64_t *out);

/* NULL only when out of memory; an image without CFI uses frame pointers. */
struct dbg_unwind *dbg_unwind_open(const struct elf_image *img);
void dbg_unwind_close(struct dbg_unwind *u);

/*
 * The frame that called f (inner: f is the innermost frame, whose pc is
 * the current instruction, not a return address).  -ENOENT at the
 * outermost frame or where neither CFI nor frame pointers say more.
 */
int dbg_unwind_step(struct dbg_unwind *u, const struct dbg_frame *f, int inner,
		    dbg_unwind_read_fn rd, void *ctx, struct dbg_frame *caller);

#endif
