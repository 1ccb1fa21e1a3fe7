/* SPDX-License-Identifier: ISC */
/* DWARF line tables through libdw. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/infile.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "lines.h"

struct dbg_lines {
	Dwarf *dw;
};

struct dbg_lines *dbg_lines_open(const struct elf_image *img)
{
	struct dbg_lines *l;
	Dwarf *dw;

	if (!img || img->fd < 0)
		return NULL;
	dw = dwarf_begin(img->fd, DWARF_C_READ);
	if (!dw)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l) {
		dwarf_end(dw);
		return NULL;
	}
	l->dw = dw;
	return l;
}

void dbg_lines_close(struct dbg_lines *l)
{
	if (!l)
		return;
	dwarf_end(l->dw);
	free(l);
}

int dbg_line_at(struct dbg_lines *l, uint64_t addr, int exact, char *file, size_t len,
		int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *ln;
	Dwarf_Addr a;
	const char *src;

	if (!l || !dwarf_addrdie(l->dw, addr, &cu) || !(ln = dwarf_getsrc_die(&cu, addr)))
		return -ENOENT;
	if (dwarf_lineno(ln, line) || !(src = dwarf_linesrc(ln, NULL, NULL)))
		return -ENOENT;
	if (exact && (dwarf_lineaddr(ln, &a) || a != addr))
		return -ENOENT;
	text_sanitize(file, len, src, strlen(src)); /* it is printed */
	return 0;
}

int dbg_line_after_first(struct dbg_lines *l, uint64_t start, uint64_t end, uint64_t *addr)
{
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	Dwarf_Line *ln;
	size_t n;
	uint64_t best = 0;
	int first;

	if (!l || !dwarf_addrdie(l->dw, start, &cu) || dwarf_getsrclines(&cu, &lines, &n) ||
	    !(ln = dwarf_getsrc_die(&cu, start)) || dwarf_lineno(ln, &first))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr a;
		bool stmt;
		int line;

		ln = dwarf_onesrcline(lines, i);
		if (!ln || dwarf_lineaddr(ln, &a) || a <= start || a >= end ||
		    dwarf_linebeginstatement(ln, &stmt) || !stmt ||
		    dwarf_lineno(ln, &line) || line == first)
			continue;
		if (!best || a < best)
			best = a;
	}
	if (!best)
		return -ENOENT;
	*addr = best;
	return 0;
}

/* Whether the line table's name src is the file the user means. */
static int file_matches(const char *src, const char *want)
{
	size_t ls = strlen(src), lw = strlen(want);

	if (!strcmp(src, want))
		return 1;
	return ls > lw && src[ls - lw - 1] == '/' && !strcmp(src + ls - lw, want);
}

int dbg_line_addr(struct dbg_lines *l, const char *file, int line, uint64_t *addr,
		  int *found_line, char *found_file, size_t len)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int best_line = 0;
	uint64_t best = 0;
	const char *best_src = NULL;

	if (!l)
		return -ENOENT;
	while (dwarf_nextcu(l->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *lines;
		size_t n;

		if (dwarf_offdie(l->dw, off + hsize, &cu) && dwarf_getsrclines(&cu, &lines, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				Dwarf_Line *ln = dwarf_onesrcline(lines, i);
				const char *src = ln ? dwarf_linesrc(ln, NULL, NULL) : NULL;
				bool stmt = false, end = false;
				Dwarf_Addr a;
				int no;

				if (!src || dwarf_lineno(ln, &no) || no < line || dwarf_lineaddr(ln, &a) ||
				    dwarf_linebeginstatement(ln, &stmt) || !stmt ||
				    dwarf_lineendsequence(ln, &end) || end || !file_matches(src, file))
					continue;
				/* The nearest line with code; its lowest address. */
				if (!best_src || no < best_line || (no == best_line && a < best)) {
					best_line = no;
					best = a;
					best_src = src;
				}
			}
		}
		off = next;
	}
	if (!best_src)
		return -ENOENT;
	*addr = best;
	*found_line = best_line;
	snprintf(found_file, len, "%s", best_src);
	return 0;
}

static int read_line(const char *path, int line, char *out, size_t len)
{
	/* A name from the image's debug information: a regular file only, never a FIFO. */
	int fd = infile_open(path, NULL);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	char *buf = NULL;
	size_t cap = 0;
	int no = 0, e = -ENOENT;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	while (getline(&buf, &cap, f) > 0)
		if (++no == line) {
			buf[strcspn(buf, "\n")] = '\0';
			snprintf(out, len, "%s", buf);
			e = 0;
			break;
		}
	free(buf);
	fclose(f);
	return e;
}

int dbg_line_source(struct dbg_lines *l, uint64_t addr, const char *file, int line,
		    char *out, size_t len)
{
	Dwarf_Die cu;
	Dwarf_Attribute at;
	const char *dir = NULL;
	char path[4096];

	if (!l)
		return -ENOENT;
	if (file[0] == '/')
		return read_line(file, line, out, len);
	if (dwarf_addrdie(l->dw, addr, &cu) && dwarf_attr(&cu, DW_AT_comp_dir, &at))
		dir = dwarf_formstring(&at);
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (read_line(path, line, out, len) == 0)
			return 0;
	}
	return read_line(file, line, out, len);
}
