/* SPDX-License-Identifier: ISC */
/* The info commands: registers, breakpoints, symbol, vcpus, display. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "proto.h"
#include "session.h"

struct bitname {
	int bit;
	const char *name;
};

static const struct bitname cr0_bits[] = {
	{ 0, "PE" }, { 1, "MP" }, { 2, "EM" }, { 3, "TS" }, { 4, "ET" }, { 5, "NE" },
	{ 16, "WP" }, { 18, "AM" }, { 29, "NW" }, { 30, "CD" }, { 31, "PG" }, { -1, NULL },
};
static const struct bitname cr4_bits[] = {
	{ 0, "VME" }, { 1, "PVI" }, { 2, "TSD" }, { 3, "DE" }, { 4, "PSE" }, { 5, "PAE" },
	{ 6, "MCE" }, { 7, "PGE" }, { 8, "PCE" }, { 9, "OSFXSR" }, { 10, "OSXMMEXCPT" },
	{ 11, "UMIP" }, { 12, "LA57" }, { 13, "VMXE" }, { 14, "SMXE" }, { 16, "FSGSBASE" },
	{ 17, "PCIDE" }, { 18, "OSXSAVE" }, { 20, "SMEP" }, { 21, "SMAP" }, { 22, "PKE" },
	{ -1, NULL },
};
static const struct bitname efer_bits[] = {
	{ 0, "SCE" }, { 8, "LME" }, { 10, "LMA" }, { 11, "NXE" }, { 12, "SVME" },
	{ 13, "LMSLE" }, { 14, "FFXSR" }, { 15, "TCE" }, { -1, NULL },
};

/* "[ PG WP PE ]", highest bit first, as gdb prints flag registers. */
static void bits_text(uint64_t v, const struct bitname *b, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "[ "), nb = 0;

	while (b[nb].name)
		nb++;
	while (nb-- > 0)
		if ((v >> b[nb].bit & 1) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s ", b[nb].name);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

/* The register order of "info registers". */
static const char *const all_regs[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11",
	"r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
	"fs_base", "gs_base", "cr0", "cr2", "cr3", "cr4", "efer", NULL,
};

static int reg_line(struct dbg_session *s, const char *name, struct lerr *err)
{
	struct dbg_value v;
	char hex[32], nat[320], lab[300];
	uint64_t x;
	int e = dbg_session_reg_get(s, name, &v, err);

	if (e == -ENOENT)
		return lerr_set(err, EINVAL, "Invalid register `%s'", name);
	if (e)
		return e;
	x = v.v;
	if (v.type.size && v.type.size < 8 && !v.type.ptr)
		x &= (1ull << (8 * v.type.size)) - 1;
	snprintf(hex, sizeof(hex), "0x%" PRIx64, x);
	if (!strcmp(name, "cr0"))
		bits_text(x, cr0_bits, nat, sizeof(nat));
	else if (!strcmp(name, "cr4"))
		bits_text(x, cr4_bits, nat, sizeof(nat));
	else if (!strcmp(name, "efer"))
		bits_text(x, efer_bits, nat, sizeof(nat));
	else if (!strcmp(name, "cr3"))
		snprintf(nat, sizeof(nat), "[ PDBR=0x%" PRIx64 " PCID=%" PRIu64 " ]",
			 x >> 12, x & 0xfff);
	else if (v.type.base == DB_FLAGS)
		dbg_eflags_text(x, nat, sizeof(nat));
	else if (v.type.base == DB_FUNC)
		snprintf(nat, sizeof(nat), "0x%" PRIx64 "%s", x,
			 dbg_label(s->img, x, lab, sizeof(lab)));
	else if (v.type.ptr)
		snprintf(nat, sizeof(nat), "0x%" PRIx64, x);
	else
		snprintf(nat, sizeof(nat), "%" PRId64, dbg_value_signed(&v));
	fprintf(s->out, "%-15s%-20s%s\n", name, hex, nat);
	return 0;
}

/* A core records no control registers: they are not shown as zeros. */
static int core_lacks(struct dbg_session *s, const char *name)
{
	const struct vcpu_reg *ri = vcpu_reg_find(name);

	return dbg_core(s->t) && ri && ri->group == VCPU_REG_CTRL;
}

int dbg_info_registers(struct dbg_session *s, const char *args, struct lerr *err)
{
	char name[32];
	int e = dbg_session_need(s, err), any = 0;

	if (e)
		return e;
	while (*args) {
		size_t n = 0;

		while (isspace((unsigned char)*args))
			args++;
		if (*args == '$')
			args++;
		while (args[n] && !isspace((unsigned char)args[n]) && n < sizeof(name) - 1)
			n++;
		if (!n)
			break;
		memcpy(name, args, n);
		name[n] = '\0';
		args += n;
		any = 1;
		if (!strcmp(name, "general") || !strcmp(name, "all")) {
			any = 0;
			continue;
		}
		if (core_lacks(s, name))
			fprintf(s->out, "%-15s<unavailable>\n", name);
		else if ((e = reg_line(s, name, err)))
			return e;
	}
	if (!any)
		for (int i = 0; all_regs[i]; i++)
			if (!core_lacks(s, all_regs[i]) && (e = reg_line(s, all_regs[i], err)))
				return e;
	return 0;
}

int dbg_info_breakpoints(struct dbg_session *s, const char *args, struct lerr *err)
{
	char lab[300];

	(void)args;
	(void)err;
	if (!s->nbps) {
		fprintf(s->out, "No breakpoints or watchpoints.\n");
		return 0;
	}
	fprintf(s->out, "Num     Type           Disp Enb Address            What\n");
	for (size_t i = 0; i < s->nbps; i++) {
		const struct dbg_bp *b = &s->bps[i];

		if (b->type == BP_BREAK) {
			fprintf(s->out, "%-7d %-14s %-4s %-3s 0x%016" PRIx64 "%s\n", b->num,
				"breakpoint", b->temp ? "del" : "keep", "y", b->addr,
				dbg_label(s->img, b->addr, lab, sizeof(lab)));
		} else {
			fprintf(s->out, "%-7d %-14s %-4s %-3s %-18s %s\n", b->num,
				b->kind == 'r' ? "read watchpoint" : b->kind == 'a' ?
				"acc watchpoint" : "hw watchpoint", "keep", "y", "", b->what);
		}
		if (b->hits)
			fprintf(s->out, "\tbreakpoint already hit %u time%s\n", b->hits,
				b->hits == 1 ? "" : "s");
	}
	return 0;
}

int dbg_info_symbol(struct dbg_session *s, const char *args, struct lerr *err)
{
	const struct elf_sym *sym;
	char name[256], secbuf[64];
	const char *sec;
	uint64_t addr, off = 0;
	int e;

	if (!*args)
		return lerr_set(err, EINVAL, "Argument required (address).");
	e = dbg_session_addr(s, args, &addr, err);
	if (e)
		return e;
	sym = s->img ? elf_sym_at(s->img, addr, &off) : NULL;
	if (!sym) {
		fprintf(s->out, "No symbol matches %s.\n", args);
		return 0;
	}
	sec = elf_section_at(s->img, addr, secbuf, sizeof(secbuf));
	if (off)
		fprintf(s->out, "%s + %" PRIu64 " in section %s\n", dbg_symname(sym, name, sizeof(name)), off,
			sec ? sec : "?");
	else
		fprintf(s->out, "%s in section %s\n", dbg_symname(sym, name, sizeof(name)),
			sec ? sec : "?");
	return 0;
}

int dbg_info_vcpus(struct dbg_session *s, const char *args, struct lerr *err)
{
	const struct elf_sym *sym;
	char name[256];
	uint64_t pc, off = 0;
	int e;

	(void)args;
	if ((e = dbg_session_need(s, err)) || (e = dbg_session_pc(s, &pc, err)))
		return e;
	sym = s->img ? elf_sym_at(s->img, pc, &off) : NULL;
	fprintf(s->out, "  Id   State    Where\n");
	fprintf(s->out, "* 0    stopped  0x%016" PRIx64 " in %s ()\n", pc,
		dbg_symname(sym, name, sizeof(name)));
	return 0;
}

int dbg_info_display(struct dbg_session *s, const char *args, struct lerr *err)
{
	(void)args;
	(void)err;
	if (!s->ndisp) {
		fprintf(s->out, "There are no auto-display expressions now.\n");
		return 0;
	}
	fprintf(s->out, "Auto-display expressions now in effect:\nNum Enb Expression\n");
	for (size_t i = 0; i < s->ndisp; i++) {
		const struct dbg_display *d = &s->disp[i];

		if (d->is_x)
			fprintf(s->out, "%d:   y  /%u%c %s\n", d->num, d->count, d->fmt, d->expr);
		else if (d->fmt)
			fprintf(s->out, "%d:   y  /%c %s\n", d->num, d->fmt, d->expr);
		else
			fprintf(s->out, "%d:   y  %s\n", d->num, d->expr);
	}
	return 0;
}
