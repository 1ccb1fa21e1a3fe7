/* SPDX-License-Identifier: ISC */
/*
 * Source and frames: list (the source around a place, ten lines at a
 * time, as gdb shows it) and info frame (the current frame's addresses
 * from the call frame information).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "lines.h"
#include "session.h"
#include "unwind.h"

#define LIST_LINES 10

/* Prints lines [first, first + LIST_LINES) of file; how many there were. */
static int list_from(struct dbg_session *s, uint64_t addr, const char *file, int first)
{
	char text[1024], clean[4096];
	int n = 0;

	for (int line = first; line < first + LIST_LINES; line++, n++) {
		if (dbg_line_source(s->lines, addr, file, line, text, sizeof(text)))
			break;
		/* Tabs stay, as the source has them; other control bytes are escaped. */
		clean[0] = '\0';
		for (size_t p = 0, k = 0; text[p] && k + 1 < sizeof(clean);) {
			size_t seg = strcspn(text + p, "\t");

			text_sanitize(clean + k, sizeof(clean) - k, text + p, seg);
			k += strlen(clean + k);
			p += seg;
			if (text[p] == '\t' && k + 1 < sizeof(clean)) {
				clean[k++] = '\t';
				clean[k] = '\0';
				p++;
			}
		}
		fprintf(s->out, "%d\t%s\n", line, clean);
	}
	return n;
}

int dbg_cmd_list(struct dbg_session *s, const char *args, struct lerr *err)
{
	char file[512];
	uint64_t addr;
	int line, e;

	if (!s->lines)
		return lerr_set(err, ENOTSUP,
				"No line information: the image has no DWARF line tables (build it with -g)");
	if (!*args && s->list_file[0]) {
		/* Again: the next ten lines. */
		if (!list_from(s, s->list_addr, s->list_file, s->list_next))
			return lerr_set(err, ERANGE, "Line number %d out of range; \"%s\" has %d lines.",
					s->list_next, s->list_file, s->list_next - 1);
		s->list_next += LIST_LINES;
		return 0;
	}
	if (!*args) {
		if ((e = dbg_session_pc(s, &addr, err)))
			return e;
	} else {
		const struct elf_sym *sym = s->img ? elf_sym_lookup(s->img, args) : NULL;
		const char *colon = strrchr(args, ':');

		if (sym) {
			addr = sym->addr;
		} else if (colon || isdigit((unsigned char)args[0])) {
			const char *num = colon ? colon + 1 : args;
			char want[512], *end;
			long l = strtol(num, &end, 10);
			int got;

			if (end == num || *end || l < 1)
				return lerr_set(err, EINVAL, "malformed linespec error: unexpected string, \"%s\"",
						num);
			if (colon) {
				snprintf(want, sizeof(want), "%.*s", (int)(colon - args), args);
			} else {
				if ((e = dbg_session_pc(s, &addr, err)))
					return e;
				if (dbg_line_at(s->lines, addr, 0, want, sizeof(want), &got))
					return lerr_set(err, ENOENT, "No line number information available for address 0x%" PRIx64,
							addr);
			}
			if (dbg_line_addr(s->lines, want, 1, &addr, &got, file, sizeof(file)))
				return lerr_set(err, ENOENT, "No source file named %s.", want);
			/* Centred on the line asked for, as gdb does. */
			line = (int)l;
			goto show;
		} else {
			return lerr_set(err, ENOENT, "Function \"%s\" not defined.", args);
		}
	}
	if (dbg_line_at(s->lines, addr, 0, file, sizeof(file), &line))
		return lerr_set(err, ENOENT, "No line number information available for address 0x%" PRIx64,
				addr);
show:
	line = line > LIST_LINES / 2 ? line - LIST_LINES / 2 : 1;
	if (!list_from(s, addr, file, line))
		return lerr_set(err, ENOENT, "cannot read the source of %s (line %d)", file, line);
	snprintf(s->list_file, sizeof(s->list_file), "%s", file);
	s->list_addr = addr;
	s->list_next = line + LIST_LINES;
	return 0;
}

static int read8(void *ctx, uint64_t addr, uint64_t *out)
{
	struct dbg_session *s = ctx;

	return dbg_mem_read(s->t, addr, out, sizeof(*out), NULL);
}

/*
 * gdb's info frame for the innermost frame, from what unwinding says:
 * the frame is named by its CFA (the caller's %rsp once it returns), and
 * the return address is saved just below it.
 */
int dbg_info_frame(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_frame f, caller, outer;
	const struct elf_sym *sym;
	struct vcpu_regs r;
	char name[256], file[512];
	int line, e, have_caller;

	(void)args;
	if ((e = dbg_session_need(s, err)) || (e = dbg_regs_get(s->t, &r, err)))
		return e;
	f = (struct dbg_frame){ r.rip, r.rsp, r.rbp };
	have_caller = dbg_unwind_step(s->unwind, &f, 1, read8, s, &caller) == 0;
	sym = s->img ? elf_sym_at(s->img, f.pc, &(uint64_t){ 0 }) : NULL;
	fprintf(s->out, "Stack level 0, frame at 0x%" PRIx64 ":\n",
		have_caller ? caller.rsp : f.rsp);
	fprintf(s->out, " rip = 0x%" PRIx64 " in %s", f.pc, dbg_symname(sym, name, sizeof(name)));
	if (s->lines && dbg_line_at(s->lines, f.pc, 0, file, sizeof(file), &line) == 0)
		fprintf(s->out, " (%s:%d)", file, line);
	if (have_caller)
		fprintf(s->out, "; saved rip = 0x%" PRIx64, caller.pc);
	fputc('\n', s->out);
	if (!have_caller) {
		fprintf(s->out, " Outermost frame: no caller found\n");
		return 0;
	}
	if (dbg_unwind_step(s->unwind, &caller, 0, read8, s, &outer) == 0)
		fprintf(s->out, " called by frame at 0x%" PRIx64 "\n", outer.rsp);
	fprintf(s->out, " Previous frame's sp is 0x%" PRIx64 "\n", caller.rsp);
	fprintf(s->out, " Saved registers:\n  rip at 0x%" PRIx64 "\n", caller.rsp - 8);
	return 0;
}
