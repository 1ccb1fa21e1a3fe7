/* SPDX-License-Identifier: ISC
 * Commands that control execution: breakpoints and watchpoints, continue,
 * stepi, nexti, and the frame-pointer backtrace.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "lines.h"
#include "session.h"
#include "unwind.h"

/* The executable segment of the image holding addr, or NULL. */
static const struct elf_seg *code_seg(const struct elf_image *img, uint64_t addr)
{
	for (size_t i = 0; img && i < img->nsegs; i++) {
		const struct elf_seg *g = &img->segs[i];

		if ((g->flags & ELF_SEG_X) && addr >= g->vaddr && addr - g->vaddr < g->memsz)
			return g;
	}
	return NULL;
}

static int outside_code(struct dbg_session *s, uint64_t addr, struct lerr *err)
{
	const struct elf_seg *g = NULL;

	for (size_t i = 0; s->img && i < s->img->nsegs && !g; i++)
		if (s->img->segs[i].flags & ELF_SEG_X)
			g = &s->img->segs[i];
	if (!g)
		return lerr_set(err, EFAULT,
				"Cannot insert breakpoint at 0x%" PRIx64 ": the image has no code", addr);
	return lerr_set(err, EFAULT,
			"Cannot insert breakpoint at 0x%" PRIx64
			": it is outside the image's code (0x%" PRIx64 "-0x%" PRIx64 ")",
			addr, g->vaddr, g->vaddr + g->memsz);
}

static struct dbg_bp *bp_num(struct dbg_session *s, int num)
{
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].num == num)
			return &s->bps[i];
	return NULL;
}

static int others_at(struct dbg_session *s, const struct dbg_bp *b)
{
	for (size_t i = 0; i < s->nbps; i++)
		if (&s->bps[i] != b && s->bps[i].type == b->type && s->bps[i].addr == b->addr)
			return s->bps[i].num;
	return 0;
}

#define NO_LINES "No line information: the image has no DWARF line tables (build it with -g)"

/* FILE:LINE, or LINE in the file of the current instruction. */
static int line_location(struct dbg_session *s, const char *args, uint64_t *addr,
			 struct lerr *err)
{
	char file[512], found[512];
	const char *colon = strrchr(args, ':');
	const char *num = colon ? colon + 1 : args;
	char *end;
	long line = strtol(num, &end, 10);
	int got, e;

	if (!s->lines)
		return lerr_set(err, ENOTSUP, NO_LINES);
	if (end == num || *end || line < 1)
		return lerr_set(err, EINVAL, "malformed linespec error: unexpected string, \"%s\"",
				num);
	if (colon) {
		snprintf(file, sizeof(file), "%.*s", (int)(colon - args), args);
	} else {
		uint64_t pc;

		const struct elf_sym *m = elf_sym_lookup(s->img, "main");

		/* The file of the current line, else main's (gdb's default source file). */
		if ((e = dbg_session_pc(s, &pc, err)))
			return e;
		if (dbg_line_at(s->lines, pc, 0, file, sizeof(file), &got) &&
		    (!m || dbg_line_at(s->lines, m->addr, 0, file, sizeof(file), &got)))
			return lerr_set(err, ENOENT,
					"No line number information available for address 0x%" PRIx64, pc);
	}
	if (dbg_line_addr(s->lines, file, (int)line, addr, &got, found, sizeof(found)) == 0)
		return 0;
	if (dbg_line_addr(s->lines, file, 1, addr, &got, found, sizeof(found)))
		return lerr_set(err, ENOENT, "No source file named %s.", file);
	return lerr_set(err, ENOENT, "No line %ld in file \"%s\".", line, file);
}

/*
 * gdb's place for "break FUNC" in code built with a frame pointer (-O0):
 * past "push %rbp; mov %rsp,%rbp" and the rest of the function's first
 * line, where its body begins.  Frameless code (-O2) stops at its entry,
 * as in gdb.
 */
static void skip_prologue(struct dbg_session *s, const struct elf_sym *sym, uint64_t *addr)
{
	static const uint8_t frame[] = { 0x55, 0x48, 0x89, 0xe5 };
	uint8_t code[sizeof(frame)];
	struct lerr ignored = { 0 };
	uint64_t body;

	if (!s->lines || !s->t || sym->size <= sizeof(frame) ||
	    dbg_mem_read(s->t, sym->addr, code, sizeof(code), &ignored) ||
	    memcmp(code, frame, sizeof(frame)))
		return;
	if (dbg_line_after_first(s->lines, sym->addr, sym->addr + sym->size, &body) == 0)
		*addr = body;
}

/* Where "break ARG" means: FUNC, *ADDR, FILE:LINE, LINE, or here. */
static int location(struct dbg_session *s, const char *args, uint64_t *addr, struct lerr *err)
{
	const struct elf_sym *sym;

	if (!*args)
		return dbg_session_pc(s, addr, err);
	if (*args == '*')
		return dbg_session_addr(s, args + 1, addr, err);
	if (strchr(args, ':') || isdigit((unsigned char)args[0]))
		return line_location(s, args, addr, err);
	if (strcspn(args, " \t") != strlen(args))
		return lerr_set(err, EINVAL, "malformed linespec error: unexpected string, \"%s\"",
				args + strcspn(args, " \t") + 1);
	sym = s->img ? elf_sym_lookup(s->img, args) : NULL;
	if (!sym || !(sym->is_func || code_seg(s->img, sym->addr)))
		return lerr_set(err, ENOENT, "Function \"%s\" not defined.", args);
	*addr = sym->addr;
	skip_prologue(s, sym, addr);
	return 0;
}

static int set_break(struct dbg_session *s, const char *args, int temp, struct lerr *err)
{
	struct dbg_bp *b;
	uint64_t addr;
	int e, other = 0;

	if ((e = dbg_session_need_live(s, err)) || (e = location(s, args, &addr, err)))
		return e;
	if (s->nbps == DBG_MAX_BPS)
		return lerr_set(err, ENOSPC, "too many breakpoints (at most %d)", DBG_MAX_BPS);
	if (!code_seg(s->img, addr))
		return outside_code(s, addr, err);
	for (size_t i = 0; i < s->nbps && !other; i++)
		if (s->bps[i].type == BP_BREAK && s->bps[i].addr == addr)
			other = s->bps[i].num;
	if (!other && (e = dbg_break(s->t, addr, err)))
		return e == -EFAULT ? outside_code(s, addr, err) : e;
	if (other)
		fprintf(s->out, "Note: breakpoint %d also set at pc 0x%" PRIx64 ".\n", other, addr);
	b = &s->bps[s->nbps++];
	memset(b, 0, sizeof(*b));
	b->num = s->next_bp++;
	b->type = BP_BREAK;
	b->temp = temp;
	b->addr = addr;
	snprintf(b->what, sizeof(b->what), "%s", args);
	fprintf(s->out, "%s %d at 0x%" PRIx64, temp ? "Temporary breakpoint" : "Breakpoint",
		b->num, addr);
	{
		char file[512];
		int line;

		if (s->lines && dbg_line_at(s->lines, addr, 0, file, sizeof(file), &line) == 0)
			fprintf(s->out, ": file %s, line %d.", file, line);
	}
	fputc('\n', s->out);
	return 0;
}

int dbg_cmd_break(struct dbg_session *s, const char *args, struct lerr *err)
{
	return set_break(s, args, 0, err);
}

int dbg_cmd_tbreak(struct dbg_session *s, const char *args, struct lerr *err)
{
	return set_break(s, args, 1, err);
}

int dbg_bp_remove(struct dbg_session *s, struct dbg_bp *b, struct lerr *err)
{
	int e = 0;

	if (s->t && !others_at(s, b))
		e = b->type == BP_BREAK ? dbg_delete(s->t, b->addr, err)
					: dbg_unwatch(s->t, b->addr, err);
	if (e == -ENOENT || e == -ESRCH)
		e = 0; /* gone with the partition, or with a stop that used it up */
	memmove(b, b + 1, (size_t)(&s->bps[s->nbps] - (b + 1)) * sizeof(*b));
	s->nbps--;
	return e;
}

int dbg_cmd_delete(struct dbg_session *s, const char *args, struct lerr *err)
{
	int e = 0;

	if (!strncmp(args, "breakpoints", 11))
		args += 11;
	while (isspace((unsigned char)*args))
		args++;
	if (!*args) {
		while (s->nbps && !e)
			e = dbg_bp_remove(s, &s->bps[s->nbps - 1], err);
		return e;
	}
	while (*args) {
		char *end;
		long n = strtol(args, &end, 10);
		struct dbg_bp *b;

		if (end == args || (*end && !isspace((unsigned char)*end)))
			return lerr_set(err, EINVAL, "Convenience variable must have integer value.\n"
					"Args must be numbers or '$' variables.");
		b = bp_num(s, (int)n);
		if (!b)
			return lerr_set(err, ENOENT, "No breakpoint number %ld.", n);
		if ((e = dbg_bp_remove(s, b, err)))
			return e;
		args = end;
		while (isspace((unsigned char)*args))
			args++;
	}
	return 0;
}

static int set_watch(struct dbg_session *s, const char *args, char kind, struct lerr *err)
{
	struct dbg_value v;
	struct dbg_bp *b;
	unsigned len;
	int e;

	if ((e = dbg_session_need_live(s, err)))
		return e;
	if (!*args)
		return lerr_set(err, EINVAL, "Argument required (expression to compute).");
	if ((e = dbg_session_eval(s, args, &v, err)))
		return e;
	if (v.type.base == DB_DATA && !v.type.ptr)
		return lerr_set(err, EINVAL, "'%s' has unknown type; cast it to its declared type",
				v.reg);
	if (v.lval != LV_MEM || v.type.base == DB_CODE)
		return lerr_set(err, EINVAL,
				v.lval == LV_REG ? "Cannot watch a register: watchpoints watch memory." :
				"Cannot watch constant value `%s'.", args);
	len = v.type.ptr ? 8 : v.type.size;
	if (s->nbps == DBG_MAX_BPS)
		return lerr_set(err, ENOSPC, "too many breakpoints (at most %d)", DBG_MAX_BPS);
	if ((e = dbg_watch(s->t, v.addr, len, kind, err)))
		return e;
	b = &s->bps[s->nbps++];
	memset(b, 0, sizeof(*b));
	b->num = s->next_bp++;
	b->type = BP_WATCH;
	b->addr = v.addr;
	b->len = len;
	b->kind = kind;
	b->vtype = v.type;
	snprintf(b->what, sizeof(b->what), "%s", args);
	fprintf(s->out, "Hardware %swatchpoint %d: %s\n",
		kind == 'r' ? "read " : kind == 'a' ? "access (read/write) " : "", b->num, args);
	return 0;
}

int dbg_cmd_watch(struct dbg_session *s, const char *args, struct lerr *err)
{
	return set_watch(s, args, 'w', err);
}

int dbg_cmd_rwatch(struct dbg_session *s, const char *args, struct lerr *err)
{
	return set_watch(s, args, 'r', err);
}

int dbg_cmd_awatch(struct dbg_session *s, const char *args, struct lerr *err)
{
	return set_watch(s, args, 'a', err);
}

/* ---- running ---- */

static int count_arg(struct dbg_session *s, const char *args, unsigned *n, struct lerr *err)
{
	struct dbg_value v;
	int e;

	*n = 1;
	if (!*args)
		return 0;
	if ((e = dbg_session_eval(s, args, &v, err)))
		return e;
	if (dbg_value_signed(&v) < 1 || v.v > 1000000)
		return lerr_set(err, EINVAL, "Invalid count: %s", args);
	*n = (unsigned)v.v;
	return 0;
}

int dbg_cmd_continue(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_event ev;
	int e;

	(void)args;
	if ((e = dbg_session_need_live(s, err)))
		return e;
	fprintf(s->out, "Continuing.\n");
	if ((e = dbg_session_resume(s, 0, 0, &ev, err)))
		return e;
	dbg_session_report(s, &ev, 0);
	return 0;
}

int dbg_cmd_stepi(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_event ev;
	unsigned n;
	int e;

	if ((e = dbg_session_need_live(s, err)) || (e = count_arg(s, args, &n, err)))
		return e;
	if ((e = dbg_session_resume(s, 1, n, &ev, err)))
		return e;
	dbg_session_report(s, &ev, 1);
	return 0;
}

/*
 * Runs to addr in this frame or an outer one (rsp at least min_rsp): a
 * recursive call that comes back to addr deeper is let run.  Returns 0
 * there (ev made a step), 1 if it stopped for another reason, or -errno.
 */
static int run_to(struct dbg_session *s, uint64_t addr, uint64_t min_rsp,
		  struct dbg_event *ev, struct lerr *err)
{
	int planted = 0, e;

	if (!dbg_has_break(s->t, addr)) {
		if ((e = dbg_break(s->t, addr, err)))
			return e;
		planted = 1;
	}
	for (;;) {
		struct vcpu_regs now;

		if ((e = dbg_session_resume(s, 0, 0, ev, err)))
			break;
		if (ev->kind != DBG_STOP_BREAKPOINT || ev->rip != addr) {
			e = 1;
			break;
		}
		if (dbg_regs_get(s->t, &now, err) == 0 && now.rsp < min_rsp)
			continue; /* the same place in a deeper call */
		ev->kind = DBG_STOP_STEP;
		e = 0;
		break;
	}
	if (planted && s->t && !dbg_ended(s->t)) {
		struct lerr e2 = { 0 };

		dbg_delete(s->t, addr, &e2);
	}
	return e;
}

/* The instruction at pc; 0, or -errno. */
static int insn_at(struct dbg_session *s, uint64_t pc, struct dbg_insn *in, struct lerr *err)
{
	uint8_t code[16];
	int e = dbg_mem_read(s->t, pc, code, sizeof(code), err);

	if (e)
		return e;
	dbg_disasm_one(s->dis, code, sizeof(code), pc, s->img, in);
	return 0;
}

/*
 * One nexti: a call runs to the instruction after it.  Returns 1 if it
 * stopped for another reason (ev says which), 0 after a step, -errno.
 */
static int next_one(struct dbg_session *s, struct dbg_event *ev, struct lerr *err)
{
	struct vcpu_regs r;
	struct dbg_insn in;
	int e;

	if ((e = dbg_regs_get(s->t, &r, err)))
		return e;
	if (insn_at(s, r.rip, &in, err) || !in.is_call) {
		if ((e = dbg_session_resume(s, 1, 1, ev, err)))
			return e;
		return ev->kind == DBG_STOP_STEP ? 0 : 1;
	}
	return run_to(s, r.rip + in.len, r.rsp, ev, err);
}

/*
 * Having stepped into the entry of a function that sets up a frame, steps
 * on through the set-up to where break FUNC would stop, as gdb's step does.
 * 0 there (or where the set-up was left some other way), 1 for another stop.
 */
static int past_prologue(struct dbg_session *s, struct dbg_event *ev, struct lerr *err)
{
	const struct elf_sym *sym;
	uint64_t off, body;
	int e;

	sym = elf_sym_at(s->img, ev->rip, &off);
	if (!sym || off)
		return 0;
	body = sym->addr;
	skip_prologue(s, sym, &body);
	for (int i = 0; i < 64 && ev->rip >= sym->addr && ev->rip < body; i++) {
		if ((e = dbg_session_resume(s, 1, 1, ev, err)))
			return e;
		if (ev->kind != DBG_STOP_STEP)
			return 1;
	}
	return 0;
}

/*
 * One stepi that does not stay in a function without line information:
 * stepping into one runs on to its return.
 */
static int step_in(struct dbg_session *s, struct dbg_event *ev, struct lerr *err)
{
	struct vcpu_regs r;
	struct dbg_insn in;
	char file[512];
	int line, e, call;

	if ((e = dbg_regs_get(s->t, &r, err)))
		return e;
	call = insn_at(s, r.rip, &in, err) == 0 && in.is_call;
	if ((e = dbg_session_resume(s, 1, 1, ev, err)))
		return e;
	if (ev->kind != DBG_STOP_STEP)
		return 1;
	if (call && dbg_line_at(s->lines, ev->rip, 0, file, sizeof(file), &line)) {
		uint64_t ret;

		if ((e = dbg_regs_get(s->t, &r, err)) ||
		    (e = dbg_mem_read(s->t, r.rsp, &ret, sizeof(ret), err)))
			return e;
		return run_to(s, ret, r.rsp + 8, ev, err);
	}
	return call ? past_prologue(s, ev, err) : 0;
}

/* step and next: instructions until another source line begins. */
static int step_line(struct dbg_session *s, int over, struct lerr *err)
{
	const struct elf_sym *f0, *f1;
	char file0[512], file[512];
	struct dbg_event ev;
	uint64_t pc, off;
	int line0, line, e = 0;

	if ((e = dbg_session_need_live(s, err)))
		return e;
	if (!s->lines)
		return lerr_set(err, ENOTSUP, NO_LINES "; use stepi and nexti");
	if ((e = dbg_session_pc(s, &pc, err)))
		return e;
	if (dbg_line_at(s->lines, pc, 0, file0, sizeof(file0), &line0))
		return lerr_set(err, ENOENT, "Cannot find bounds of current function");
	f0 = elf_sym_at(s->img, pc, &off);
	for (unsigned i = 0; i < 1000000; i++) {
		e = over ? next_one(s, &ev, err) : step_in(s, &ev, err);
		if (e < 0)
			return e;
		if (e > 0 || !s->t) {
			dbg_session_report(s, &ev, 0);
			return 0;
		}
		pc = ev.rip;
		if (dbg_line_at(s->lines, pc, 1, file, sizeof(file), &line) == 0 &&
		    (line != line0 || strcmp(file, file0)))
			break;
	}
	f1 = elf_sym_at(s->img, pc, &off);
	if (f1 != f0 || strcmp(file, file0))
		dbg_session_frame_line(s, pc);
	else
		dbg_session_source_line(s, pc);
	dbg_session_displays(s);
	return 0;
}

int dbg_cmd_nexti(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_event ev;
	unsigned n;
	int e = 0;

	if ((e = dbg_session_need_live(s, err)) || (e = count_arg(s, args, &n, err)))
		return e;
	for (unsigned i = 0; i < n; i++) {
		e = next_one(s, &ev, err);
		if (e < 0)
			return e;
		if (e > 0 || !s->t)
			break;
	}
	dbg_session_report(s, &ev, e == 0);
	return 0;
}

int dbg_cmd_step(struct dbg_session *s, const char *args, struct lerr *err)
{
	(void)args;
	return step_line(s, 0, err);
}

int dbg_cmd_next(struct dbg_session *s, const char *args, struct lerr *err)
{
	(void)args;
	return step_line(s, 1, err);
}

static int read8(void *ctx, uint64_t addr, uint64_t *out)
{
	struct dbg_session *s = ctx;

	return dbg_mem_read(s->t, addr, out, sizeof(*out), NULL);
}

/* "#1  0x000000000010008f in main () at f.c:22" */
/* Describes frame level at pc; 1 if it is main's (gdb's backtrace stops there). */
static int frame_desc(struct dbg_session *s, int level, uint64_t pc)
{
	const struct elf_sym *sym;
	char file[512], name[256];
	uint64_t off;
	int line;

	/*
	 * A caller's pc is a return address: after a call that does not
	 * return (abort) it is past the caller's end, so the caller is found
	 * by the call's last byte, as gdb does.
	 */
	sym = s->img ? elf_sym_at(s->img, level ? pc - 1 : pc, &off) : NULL;
	fprintf(s->out, "#%-2d 0x%016" PRIx64 " in %s ()", level, pc,
		dbg_symname(sym, name, sizeof(name)));
	/* A caller's pc is a return address: its line is the call's. */
	if (s->lines && dbg_line_at(s->lines, level ? pc - 1 : pc, 0, file, sizeof(file), &line) == 0)
		fprintf(s->out, " at %s:%d", file, line);
	fputc('\n', s->out);
	return sym && sym->name && !strcmp(sym->name, "main");
}

int dbg_cmd_backtrace(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_frame f, caller;
	struct vcpu_regs r;
	long limit = 64;
	int e;

	if (*args) {
		char *end;

		limit = strtol(args, &end, 10);
		if (*end || limit < 1)
			return lerr_set(err, EINVAL, "Invalid number \"%s\".", args);
	}
	if ((e = dbg_session_need(s, err)) || (e = dbg_regs_get(s->t, &r, err)))
		return e;
	f = (struct dbg_frame){ r.rip, r.rsp, r.rbp };
	/* As gdb's "backtrace past-main off": main's callers are libc's start-up. */
	for (int level = 0; level < limit; level++) {
		if (frame_desc(s, level, f.pc) ||
		    dbg_unwind_step(s->unwind, &f, level == 0, read8, s, &caller))
			break;
		f = caller;
	}
	return 0;
}

int dbg_cmd_finish(struct dbg_session *s, const char *args, struct lerr *err)
{
	struct dbg_frame f, caller;
	struct dbg_event ev;
	struct vcpu_regs r;
	int e;

	(void)args;
	if ((e = dbg_session_need_live(s, err)) || (e = dbg_regs_get(s->t, &r, err)))
		return e;
	f = (struct dbg_frame){ r.rip, r.rsp, r.rbp };
	if (dbg_unwind_step(s->unwind, &f, 1, read8, s, &caller))
		return lerr_set(err, EINVAL, "\"finish\" not meaningful in the outermost frame.");
	fprintf(s->out, "Run till exit from ");
	frame_desc(s, 0, f.pc);
	e = run_to(s, caller.pc, caller.rsp, &ev, err);
	if (e < 0)
		return e;
	if (e > 0) {
		dbg_session_report(s, &ev, 0);
		return 0;
	}
	dbg_session_frame_line(s, ev.rip);
	dbg_session_displays(s);
	return 0;
}
