/* SPDX-License-Identifier: ISC
 * Source lines from an image's DWARF line tables (libdw): the file and
 * line of an address, and the address where a FILE:LINE begins.
 */
#ifndef LPAR_DEBUG_LINES_H
#define LPAR_DEBUG_LINES_H

#include <stddef.h>
#include <stdint.h>

struct elf_image;
struct dbg_lines;

/* NULL when the image has no line information (built without -g). */
struct dbg_lines *dbg_lines_open(const struct elf_image *img);
void dbg_lines_close(struct dbg_lines *l);

/*
 * The file (as the compiler named it) and line of addr; 0, or -ENOENT.
 * With exact, only an address where a line's code begins counts.
 */
int dbg_line_at(struct dbg_lines *l, uint64_t addr, int exact, char *file, size_t len,
		int *line);

/*
 * Where the code of line in file begins: the lowest address of the first
 * line at or after it that has code, in the files whose name ends in
 * "/file" or is file.  *found_line is that line.  0, or -ENOENT.
 */
int dbg_line_addr(struct dbg_lines *l, const char *file, int line, uint64_t *addr,
		  int *found_line, char *found_file, size_t len);

/*
 * Where the first line after the one at start begins, among the rows of
 * [start, end) that begin a statement: the end of a function's prologue
 * when start is the function's.  0, or -ENOENT.
 */
int dbg_line_after_first(struct dbg_lines *l, uint64_t start, uint64_t end, uint64_t *addr);

/*
 * The text of line in file (of the unit that holds addr, whose compilation
 * directory relative names are resolved against), without its newline;
 * 0, or -ENOENT when the source cannot be read.
 */
int dbg_line_source(struct dbg_lines *l, uint64_t addr, const char *file, int line,
		    char *out, size_t len);

#endif
