/* SPDX-License-Identifier: ISC */
/*
 * Core files: an ELF64 ET_CORE of the partition as Linux would write one
 * for an x86-64 process, so gdb opens it beside the image (notes for the
 * registers, the auxiliary vector and the image's mappings, one PT_LOAD
 * per run of mapped, touched memory), plus lpar's own note.  Written by
 * the monitor when a partition with a core directory crashes, and read
 * through the control tree's core file (lpar core).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/sendfile.h>
#include <sys/user.h>
#include <unistd.h>

#include "../common/corefile.h"
#include "../common/err.h"
#include "../common/outfile.h"
#include "../elf/elf.h"
#include "priv.h"
#include "x86_insn.h"

#define PAGE ((uint64_t)CORE_PAGE)
/* Past this many PT_LOADs, runs close together are merged (e_phnum is 16 bits). */
#define SEGS_MAX 16384
/* The library OS's saved registers (guest/los/entry.S): 15 words, the caller's %rsp above. */
#define LOS_FRAME_WORDS 15
#define LOS_FRAME_RSP 256
/* Where the monitor's stub leaves %rsp at the library OS's entry: below the red zone. */
#define LOS_ENTRY_RSP 136

struct dump_seg {
	uint64_t gpa, len, off;
	uint32_t flags;            /* PF_* */
	int shared;                /* holds a channel's shared pages, which RAM's file does not */
};

struct hv_dump {
	uint8_t *head;             /* ELF header, program headers, notes; zero-padded */
	size_t head_len;           /* a multiple of PAGE: the first segment's offset */
	struct dump_seg *seg;
	size_t nseg;
	uint64_t size;
};

/* The registers a core records and what they are. */
struct dump_cpu {
	struct hv_regs r;
	struct hv_segs sg;
	uint64_t orig_rax;
	int signo;
	const char *whose;         /* "crash", "syscall", "current" */
	uint64_t syscall_rip, syscall_nr;
	int in_syscall;
};

/* A growing byte buffer for the notes. */
struct bytes {
	uint8_t *p;
	size_t len, cap;
	int failed;
};

static uint64_t up(uint64_t a, uint64_t to) { return (a + to - 1) & ~(to - 1); }
static uint64_t down(uint64_t a, uint64_t to) { return a & ~(to - 1); }

static void bytes_add(struct bytes *b, const void *src, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, len);
	b->len += len;
}

static void bytes_pad(struct bytes *b, size_t to)
{
	static const uint8_t zero[8];

	bytes_add(b, zero, up(b->len, to) - b->len);
}

/* One note, 4-byte aligned as Linux writes them. */
static void note_add(struct bytes *b, const char *name, uint32_t type, const void *desc,
		     size_t len)
{
	Elf64_Nhdr nh = { (Elf64_Word)strlen(name) + 1, (Elf64_Word)len, type };

	bytes_add(b, &nh, sizeof(nh));
	bytes_add(b, name, strlen(name) + 1);
	bytes_pad(b, 4);
	bytes_add(b, desc, len);
	bytes_pad(b, 4);
}

void hv_dump_note_frame(struct hv *hv, const struct hv_frame *f)
{
	struct hv_regs *r = &hv->crash_regs;

	/* The stub changed only %rax and %rsp, and the CPU what it pushed. */
	if (hvb_cpu_get_regs(hv->cpu, r))
		*r = *hvb_cpu_regs(hv->cpu);
	r->rax = f->rax;
	r->rip = f->rip;
	r->rflags = f->rflags;
	r->rsp = f->rsp;
	hv->crash_cs = f->cs;
	hv->crash_ss = f->ss;
	hv->crash_vector = (uint32_t)f->vector;
	hv->crash_regs_ok = 1;
}

/* The program's registers at its syscall instruction, from the library OS's frame. */
static int los_frame(struct hv *hv, struct dump_cpu *c)
{
	const struct elf_sym *v = hv->los ? elf_sym_lookup(hv->los, "los_syscall_frame") : NULL;
	const uint64_t *pf = v ? gmem_at(&hv->mem, v->addr, 8) : NULL;
	const uint64_t *f;
	struct hv_regs *r = &c->r;

	if (!pf || !*pf)
		return -ENOENT;
	f = gmem_at(&hv->mem, *pf, LOS_FRAME_WORDS * 8);
	if (!f)
		return -EFAULT;
	c->orig_rax = c->syscall_nr = f[0];
	r->rax = f[0];
	r->r15 = f[1], r->r14 = f[2], r->r13 = f[3], r->r12 = f[4], r->rbx = f[5];
	r->rbp = f[6], r->r10 = f[7], r->r9 = f[8], r->r8 = f[9], r->rdx = f[10];
	r->rsi = f[11], r->rdi = f[12];
	/* As the syscall instruction leaves them. */
	r->rflags = r->r11 = f[13];
	r->rip = r->rcx = f[14];
	r->rsp = *pf + LOS_FRAME_RSP;
	c->syscall_rip = r->rip;
	c->in_syscall = 1;
	c->whose = "syscall";
	return 0;
}

/* The library OS's symbol name, or NULL. */
static const struct elf_sym *los_sym(struct hv *hv, const char *name)
{
	return hv->los ? elf_sym_lookup(hv->los, name) : NULL;
}

/*
 * How far %rsp is below the program's in the monitor's syscall stub
 * (hv/stubs.S) at offset off: 0 before its first instruction (subq $128),
 * 128 after it, then 8 more for each push done.  The stub is decoded
 * rather than its instructions' sizes assumed.
 */
static uint64_t stub_depth(uint64_t off)
{
	extern const unsigned char hv_x86_syscall[], hv_x86_stubs_end[];
	size_t n = (size_t)(hv_x86_stubs_end - hv_x86_syscall), at = 0;
	uint64_t depth = 0;
	struct x86_dec *d;

	if (x86_dec_open(&d))
		return 0;
	for (unsigned k = 0; at < off && at < n; k++) {
		size_t len = x86_insn_len(d, hv_x86_syscall + at, n - at, at);

		if (!len)
			break;
		depth += k == 0 ? 128 : 8;
		at += len;
	}
	x86_dec_close(d);
	return depth;
}

/*
 * The program's registers while the vCPU is on its syscall's way in or
 * out but the library OS's frame is not there (guest/los/entry.S): every
 * register is the program's as its syscall left it but %rip, %rflags and
 * %rsp, found from %rcx, %r11 and how far the path has moved %rsp.
 * -ENOENT if the vCPU is elsewhere.
 */
static int entry_regs(struct hv *hv, struct dump_cpu *c)
{
	const struct elf_sym *fn = los_sym(hv, "los_syscall"), *p = los_sym(hv, "los_syscall_push");
	const struct elf_sym *l = los_sym(hv, "los_syscall_leave"), *s = los_sym(hv, "los_syscall_sp");
	uint64_t entry = fn ? fn->addr : 0, end = fn ? fn->addr + fn->size : 0;
	uint64_t push = p ? p->addr : 0, leave = l ? l->addr : 0;
	struct hv_regs *r = &c->r;
	uint64_t rip = r->rip;
	const uint64_t *sp, *ret;

	if (rip >= hv->lay.syscall && rip < hv->lay.stubs_end) {
		r->rsp += stub_depth(rip - hv->lay.syscall);
	} else if (entry && push && rip >= entry && rip < push) {
		r->rsp += LOS_ENTRY_RSP;
	} else if (push && leave && rip >= push && rip < leave) {
		/* Pushing the frame: the entry's %rsp was kept first. */
		sp = s ? gmem_at(&hv->mem, s->addr, 8) : NULL;
		if (!sp)
			return -ENOENT;
		r->rsp = *sp + LOS_ENTRY_RSP;
	} else if (leave && rip >= leave && rip < end) {
		/* Done: at the lea %rsp is 144 below the program's, then at it; the jump's target is there. */
		if (rip == leave)
			r->rsp += 144;
		ret = gmem_at(&hv->mem, r->rsp - 144, 8);
		if (!ret)
			return -ENOENT;
		r->rip = *ret;
		c->whose = "syscall";
		return 0;
	} else {
		return -ENOENT;
	}
	c->syscall_rip = r->rip = r->rcx;
	r->rflags = r->r11;
	c->orig_rax = c->syscall_nr = r->rax;
	c->in_syscall = 1;
	c->whose = "syscall";
	return 0;
}

/* Inside the library OS or the monitor's syscall stub: not the program's own code. */
static int in_los(const struct hv *hv, uint64_t rip)
{
	return (rip >= LPAR_LOS_BASE && rip < LPAR_LOS_END) ||
	       (rip >= hv->lay.syscall && rip < hv->lay.stubs_end);
}

/* "killed by signal SIGTERM" in a reason: that signal; else 0. */
static int reason_signal(const char *reason)
{
	const char *s = strstr(reason, "signal SIG");

	if (!s)
		return 0;
	s += strlen("signal SIG");
	for (int i = 1; i < 32; i++) {
		const char *a = sigabbrev_np(i);

		if (a && !strncmp(s, a, strlen(a)) &&
		    (s[strlen(a)] < 'A' || s[strlen(a)] > 'Z'))
			return i;
	}
	return 0;
}

/* The signal Linux would have sent for the exception, or for the end. */
static int crash_signal(const struct hv *hv)
{
	int s = reason_signal(hv->out.reason);

	if (s)
		return s;
	if (!strncmp(hv->out.reason, "partition aborted", 17))
		return SIGABRT;
	if (!strncmp(hv->out.reason, "panic", 5))
		return SIGKILL;
	if (!hv->crash_regs_ok)
		return SIGSEGV;
	switch (hv->crash_vector) {
	case 0: case 16: case 19: return SIGFPE;
	case 1: case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 17: return SIGBUS;
	default: return SIGSEGV;
	}
}

static void cpu_state(struct hv *hv, struct dump_cpu *c)
{
	int crashed = hv->ended && hv->out.how == HV_END_CRASH;

	memset(c, 0, sizeof(*c));
	c->orig_rax = UINT64_MAX;
	c->whose = "current";
	if (hvb_cpu_get_regs(hv->cpu, &c->r))
		c->r = *hvb_cpu_regs(hv->cpu);
	hvb_cpu_segs(hv->cpu, &c->sg);
	if (crashed) {
		c->whose = "crash";
		c->signo = crash_signal(hv);
		if (hv->crash_regs_ok) {
			c->r = hv->crash_regs;
			c->sg.cs = (uint16_t)hv->crash_cs;
			c->sg.ss = (uint16_t)hv->crash_ss;
		}
	}
	if (in_los(hv, c->r.rip) && (los_frame(hv, c) == 0 || entry_regs(hv, c) == 0))
		return;
	/* As the crash line says (a trap's rip is the instruction's own). */
	if (crashed && !in_los(hv, c->r.rip))
		c->r.rip = hv->out.rip;
}

static void note_prstatus(struct bytes *b, const struct dump_cpu *c, int fpvalid)
{
	struct elf_prstatus ps;
	struct user_regs_struct *u = (struct user_regs_struct *)&ps.pr_reg;
	const struct hv_regs *r = &c->r;

	_Static_assert(sizeof(ps.pr_reg) == sizeof(*u), "elf_gregset_t is user_regs_struct");
	memset(&ps, 0, sizeof(ps));
	ps.pr_info.si_signo = c->signo;
	ps.pr_cursig = (short)c->signo;
	ps.pr_pid = ps.pr_pgrp = ps.pr_sid = 1; /* the library OS's getpid() */
	u->r15 = r->r15, u->r14 = r->r14, u->r13 = r->r13, u->r12 = r->r12;
	u->rbp = r->rbp, u->rbx = r->rbx, u->r11 = r->r11, u->r10 = r->r10;
	u->r9 = r->r9, u->r8 = r->r8, u->rax = r->rax, u->rcx = r->rcx;
	u->rdx = r->rdx, u->rsi = r->rsi, u->rdi = r->rdi;
	u->orig_rax = c->orig_rax;
	u->rip = r->rip;
	u->cs = c->sg.cs;
	u->eflags = r->rflags;
	u->rsp = r->rsp;
	u->ss = c->sg.ss;
	u->fs_base = c->sg.fs_base;
	u->gs_base = c->sg.gs_base;
	u->ds = c->sg.ds, u->es = c->sg.es, u->fs = c->sg.fs, u->gs = c->sg.gs;
	ps.pr_fpvalid = fpvalid;
	note_add(b, "CORE", NT_PRSTATUS, &ps, sizeof(ps));
}

static void note_prpsinfo(struct bytes *b, const struct hv *hv, const struct dump_cpu *c)
{
	struct elf_prpsinfo pi;
	size_t n = 0;

	memset(&pi, 0, sizeof(pi));
	pi.pr_sname = c->signo ? 'Z' : 'R';
	pi.pr_state = c->signo ? 4 : 0;
	pi.pr_pid = pi.pr_pgrp = pi.pr_sid = 1;
	if (hv->argc > 0)
		snprintf(pi.pr_fname, sizeof(pi.pr_fname), "%s", outfile_base(hv->argv[0]));
	for (int i = 0; i < hv->argc && n + 1 < sizeof(pi.pr_psargs); i++) {
		int w = snprintf(pi.pr_psargs + n, sizeof(pi.pr_psargs) - n, "%s%s", i ? " " : "",
				 hv->argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	note_add(b, "CORE", NT_PRPSINFO, &pi, sizeof(pi));
}

/* NT_FILE: the image's segments, as Linux lists a process's file mappings. */
static void note_file(struct bytes *b, const struct hv *hv)
{
	const struct elf_image *img = hv->img;
	char path[PATH_MAX];
	struct bytes d = { 0 };
	uint64_t w[3];

	if (!realpath(img->path, path))
		snprintf(path, sizeof(path), "%s", img->path);
	w[0] = img->nsegs;
	w[1] = PAGE;
	bytes_add(&d, w, 16);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];

		w[0] = down(s->vaddr, PAGE);
		w[1] = up(s->vaddr + s->memsz, PAGE);
		w[2] = down(s->offset, PAGE) / PAGE;
		bytes_add(&d, w, sizeof(w));
	}
	for (size_t i = 0; i < img->nsegs; i++)
		bytes_add(&d, path, strlen(path) + 1);
	if (d.failed)
		b->failed = 1;
	else
		note_add(b, "CORE", NT_FILE, d.p, d.len);
	free(d.p);
}

static void note_lpar(struct bytes *b, struct hv *hv, const struct dump_cpu *c)
{
	char text[4096], state[32];
	struct hv_status_end e;
	uint64_t bp[64];
	size_t nbp;
	int n;

	hv_status_end(hv, &e);
	/* hv_status_end() knows the end only once the run loop has told it. */
	snprintf(state, sizeof(state), "%s",
		 hv->ended && hv->out.how == HV_END_CRASH ? "crashed" : e.state);
	n = snprintf(text, sizeof(text),
		     "name %s\nabi %u\nmem %llu\naccel %s\nimage %s\nstate %s\nregs %s\n",
		     hv->name, (unsigned)LPAR_ABI_VERSION, (unsigned long long)hv->mem.size,
		     hvb_name(hv->vm), hv->img->path, state, c->whose);
	if (hv->ended && hv->out.how == HV_END_CRASH && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n, "reason %s\n", hv->out.reason);
	if (c->in_syscall && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "syscall_rip 0x%llx\nsyscall_nr %llu\n",
			      (unsigned long long)c->syscall_rip,
			      (unsigned long long)c->syscall_nr);
	/* RAM has the debugger's int3 bytes there; the core has what they hide. */
	nbp = hv_debug_planted(hv, bp, sizeof(bp) / sizeof(bp[0]));
	for (size_t i = 0; i < nbp && n > 0 && (size_t)n < sizeof(text) - 24; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s0x%llx%s", i ? " " : "planted ",
			      (unsigned long long)bp[i], i + 1 == nbp ? "\n" : "");
	if (n < 0 || (size_t)n >= sizeof(text))
		n = (int)strlen(text);
	note_add(b, CORE_NOTE_LPAR, CORE_NT_LPAR_INFO, text, (size_t)n);
}

/* ---- the segments: mapped and touched memory ---------------------------- */

struct seg_list {
	struct dump_seg *v;
	size_t n, cap;
	int failed;
};

static void seg_add(struct seg_list *l, uint64_t lo, uint64_t hi, uint32_t flags)
{
	struct dump_seg *last = l->n ? &l->v[l->n - 1] : NULL;

	if (lo >= hi || l->failed)
		return;
	if (last && last->gpa + last->len == lo && last->flags == flags) {
		last->len += hi - lo;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct dump_seg *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->failed = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct dump_seg){ .gpa = lo, .len = hi - lo, .flags = flags };
}

static uint32_t pf_flags(uint64_t attr)
{
	return PF_R | (attr & HV_PTE_W ? PF_W : 0) | (attr & HV_PTE_NX ? 0 : PF_X);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The touched parts of [lo, hi): RAM is a file, and the pages the
 * partition never touched are holes in it.
 */
static void touched(struct hv *hv, struct seg_list *l, uint64_t lo, uint64_t hi, uint32_t flags)
{
	off_t at = (off_t)lo;

	while ((uint64_t)at < hi) {
		off_t d = lseek(hv->ram_fd, at, SEEK_DATA), h;

		if (d < 0 && errno == ENXIO)
			return;
		if (d < 0) {
			seg_add(l, (uint64_t)at, hi, flags); /* no holes to see: all of it */
			return;
		}
		if ((uint64_t)d >= hi)
			return;
		h = lseek(hv->ram_fd, d, SEEK_HOLE);
		if (h < 0 || (uint64_t)h > hi)
			h = (off_t)hi;
		seg_add(l, down((uint64_t)d, PAGE), up((uint64_t)h, PAGE), flags);
		at = (off_t)up((uint64_t)h, PAGE);
	}
}

/* Merges runs with the smallest gaps between them until at most SEGS_MAX remain. */
static void segs_squeeze(struct seg_list *l)
{
	for (uint64_t gap = PAGE; l->n > SEGS_MAX; gap *= 2) {
		size_t o = 0;

		for (size_t i = 1; i < l->n; i++) {
			struct dump_seg *a = &l->v[o], *b = &l->v[i];

			if (b->gpa - (a->gpa + a->len) <= gap) {
				a->len = b->gpa + b->len - a->gpa;
				a->flags |= b->flags;
				a->shared |= b->shared;
			} else {
				l->v[++o] = *b;
			}
		}
		l->n = o + 1;
	}
}

static int cmp_seg(const void *a, const void *b)
{
	const struct dump_seg *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/*
 * A ring joined to a channel is a shared mapping over RAM's, so the memfd
 * knows nothing of its pages: they go in whole, merged into the list.
 */
static void shared_rings(struct hv *hv, struct seg_list *l)
{
	size_t n = l->n, o = 0;

	for (size_t i = 0; i < hv->nrings; i++) {
		const struct hv_ring *r = &hv->rings[i];
		uint64_t lo = down(r->er->addr, PAGE), hi = up(r->er->addr + r->er->len, PAGE);
		uint64_t attr = hv_layout_attr(hv, lo);

		if (r->chan && (attr & HV_PTE_P) && hi <= hv->mem.size) {
			seg_add(l, lo, hi, pf_flags(attr));
			if (!l->failed)
				l->v[l->n - 1].shared = 1;
		}
	}
	if (l->failed || l->n == n)
		return;
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_seg);
	for (size_t i = 1; i < l->n; i++) {
		struct dump_seg *a = &l->v[o], *b = &l->v[i];

		if (b->gpa <= a->gpa + a->len) {
			if (b->gpa + b->len > a->gpa + a->len)
				a->len = b->gpa + b->len - a->gpa;
			a->flags |= b->flags;
			a->shared |= b->shared;
		} else {
			l->v[++o] = *b;
		}
	}
	l->n = o + 1;
}

static int segs_plan(struct hv *hv, struct seg_list *l)
{
	uint64_t cut[2 * HV_REGIONS_MAX + 2];
	size_t n = 0;

	for (size_t i = 0; i < hv->lay.nrg; i++) {
		cut[n++] = down(hv->lay.rg[i].lo, PAGE);
		cut[n++] = up(hv->lay.rg[i].hi, PAGE);
	}
	qsort(cut, n, sizeof(cut[0]), cmp_u64);
	/* Between two cuts every page is mapped alike. */
	for (size_t i = 0; i + 1 < n; i++) {
		uint64_t lo = cut[i], hi = cut[i + 1] < hv->mem.size ? cut[i + 1] : hv->mem.size;
		uint64_t attr = lo < hi ? hv_layout_attr(hv, lo) : 0;

		if (attr & HV_PTE_P)
			touched(hv, l, lo, hi, pf_flags(attr));
	}
	shared_rings(hv, l);
	segs_squeeze(l);
	return l->failed ? -ENOMEM : 0;
}

/* ---- the plan ------------------------------------------------------------ */

int hv_dump_plan(struct hv *hv, struct hv_dump **out, struct lerr *err)
{
	struct seg_list l = { 0 };
	struct bytes notes = { 0 };
	uint8_t fx[HVB_FXSAVE_SIZE];
	struct dump_cpu c;
	struct hv_dump *d;
	int fpvalid;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t phnum;
	uint64_t off;
	int e;

	cpu_state(hv, &c);
	/* The library OS uses general registers only: the FPU's state is the program's. */
	fpvalid = hvb_cpu_fxsave(hv->cpu, fx) == 0;
	note_prstatus(&notes, &c, fpvalid);
	if (fpvalid)
		note_add(&notes, "CORE", NT_FPREGSET, fx, sizeof(fx));
	note_prpsinfo(&notes, hv, &c);
	note_add(&notes, "CORE", NT_AUXV, hv->lay.auxv, hv->lay.nauxv * 8);
	note_file(&notes, hv);
	note_lpar(&notes, hv, &c);
	e = segs_plan(hv, &l);
	d = calloc(1, sizeof(*d));
	if (e || notes.failed || !d) {
		free(l.v);
		free(notes.p);
		free(d);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	phnum = 1 + l.n;
	d->seg = l.v;
	d->nseg = l.n;
	d->head_len = up(sizeof(eh) + phnum * sizeof(ph) + notes.len, PAGE);
	d->head = calloc(1, d->head_len);
	if (!d->head) {
		hv_dump_free(d);
		free(notes.p);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = (Elf64_Half)phnum;
	memcpy(d->head, &eh, sizeof(eh));
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = sizeof(eh) + phnum * sizeof(ph);
	ph.p_filesz = notes.len;
	ph.p_align = 4;
	memcpy(d->head + sizeof(eh), &ph, sizeof(ph));
	memcpy(d->head + ph.p_offset, notes.p, notes.len);
	free(notes.p);
	off = d->head_len;
	for (size_t i = 0; i < d->nseg; i++) {
		struct dump_seg *s = &d->seg[i];

		s->off = off;
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = s->flags;
		ph.p_offset = off;
		/* Identity-mapped: the virtual address is the physical one. */
		ph.p_vaddr = ph.p_paddr = s->gpa;
		ph.p_filesz = ph.p_memsz = s->len;
		ph.p_align = PAGE;
		memcpy(d->head + sizeof(eh) + (i + 1) * sizeof(ph), &ph, sizeof(ph));
		off += s->len;
	}
	d->size = off;
	*out = d;
	return 0;
}

uint64_t hv_dump_size(const struct hv_dump *d)
{
	return d->size;
}

void hv_dump_free(struct hv_dump *d)
{
	if (!d)
		return;
	free(d->head);
	free(d->seg);
	free(d);
}

/* The segment holding file offset off (off past the headers). */
static const struct dump_seg *seg_at(const struct hv_dump *d, uint64_t off)
{
	size_t lo = 0, hi = d->nseg;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dump_seg *s = &d->seg[mid];

		if (off < s->off)
			hi = mid;
		else if (off >= s->off + s->len)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

size_t hv_dump_read(struct hv *hv, const struct hv_dump *d, uint64_t off, void *buf,
		    size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len && off < d->size) {
		const struct dump_seg *s;
		size_t n;

		if (off < d->head_len) {
			n = d->head_len - off < len - done ? (size_t)(d->head_len - off) : len - done;
			memcpy(p + done, d->head + off, n);
		} else {
			const void *src;

			s = seg_at(d, off);
			if (!s)
				break;
			n = s->off + s->len - off < len - done ? (size_t)(s->off + s->len - off) :
								  len - done;
			src = gmem_at(&hv->mem, s->gpa + (off - s->off), n);
			if (!src)
				break;
			memcpy(p + done, src, n);
			/* The debugger's int3 bytes read as the code under them. */
			hv_debug_hide(hv, s->gpa + (off - s->off), p + done, n);
		}
		done += n;
		off += n;
	}
	return done;
}

static int all_zero(const uint8_t *p, size_t len)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i])
			return 0;
	return 1;
}

static int pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Writes [off, off + len) of the core through a buffer, zero pages left as holes. */
static int write_buffered(struct hv *hv, const struct hv_dump *d, int fd, uint64_t off,
			  uint64_t len, uint8_t *buf, size_t chunk)
{
	int e = 0;

	while (!e && len) {
		size_t n = hv_dump_read(hv, d, off, buf, len < chunk ? (size_t)len : chunk);

		if (!n)
			return -EFAULT;
		/* Each run of pages that are not all zero is one write. */
		for (size_t at = 0; !e && at < n;) {
			size_t end = at;

			while (end < n && !all_zero(buf + end, n - end < PAGE ? n - end : PAGE))
				end += n - end < PAGE ? n - end : PAGE;
			if (end > at)
				e = pwrite_all(fd, buf + at, end - at, off + at);
			at = end + (end < n ? (n - end < PAGE ? n - end : PAGE) : 0);
		}
		off += n;
		len -= n;
	}
	return e;
}

/* Copies a segment from RAM's file to fd in the kernel (sendfile: one copy). */
static int write_sent(struct hv *hv, int fd, const struct dump_seg *s)
{
	off_t from = (off_t)s->gpa;
	uint64_t len = s->len;

	if (lseek(fd, (off_t)s->off, SEEK_SET) < 0)
		return -errno;
	while (len) {
		ssize_t n = sendfile(fd, hv->ram_fd, &from, len > (1u << 30) ? (1u << 30) : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		len -= (uint64_t)n;
	}
	return 0;
}

int hv_dump_write(struct hv *hv, const struct hv_dump *d, int fd)
{
	const size_t chunk = 1u << 20;
	uint8_t *buf = malloc(chunk);
	uint64_t bp[64];
	size_t nbp;
	int e;

	if (!buf)
		return -ENOMEM;
	e = write_buffered(hv, d, fd, 0, d->head_len, buf, chunk);
	for (size_t i = 0; !e && i < d->nseg; i++) {
		const struct dump_seg *s = &d->seg[i];

		e = s->shared ? -EXDEV : write_sent(hv, fd, s);
		/* Not in RAM's file, or a file sendfile cannot take. */
		if (e == -EXDEV || e == -EINVAL || e == -ENOSYS)
			e = write_buffered(hv, d, fd, s->off, s->len, buf, chunk);
	}
	/* RAM's file has the debugger's int3 bytes; the core, what they hide. */
	nbp = e ? 0 : hv_debug_planted(hv, bp, sizeof(bp) / sizeof(bp[0]));
	for (size_t i = 0; !e && i < nbp; i++)
		for (size_t k = 0; !e && k < d->nseg; k++) {
			const struct dump_seg *s = &d->seg[k];
			uint8_t b;

			if (bp[i] >= s->gpa && bp[i] - s->gpa < s->len &&
			    hv_dump_read(hv, d, s->off + (bp[i] - s->gpa), &b, 1) == 1)
				e = pwrite_all(fd, &b, 1, s->off + (bp[i] - s->gpa));
		}
	free(buf);
	if (!e && ftruncate(fd, (off_t)d->size) < 0)
		e = -errno;
	return e;
}

/* ---- a crash's own core --------------------------------------------------- */

void hv_dump_crash(struct hv *hv)
{
	char path[PATH_MAX];
	struct hv_dump *d = NULL;
	struct outfile of;
	struct lerr err = { 0, "" };
	int e;

	if (snprintf(path, sizeof(path), "%s/core.%s", hv->core_dir, hv->name) >=
	    (int)sizeof(path)) {
		snprintf(hv->out.core_error, sizeof(hv->out.core_error), "the path is too long");
		return;
	}
	e = outfile_open(&of, path);
	if (e) {
		snprintf(hv->out.core_error, sizeof(hv->out.core_error), "cannot write in '%s': %s",
			 hv->core_dir, strerror(-e));
		return;
	}
	e = hv_dump_plan(hv, &d, &err);
	if (!e)
		e = hv_dump_write(hv, d, of.fd);
	hv_dump_free(d);
	/* The first free number: link() never replaces what is there. */
	for (int n = 1; !e; n++) {
		if (n == 10000) {
			e = -EEXIST;
			break;
		}
		snprintf(path, sizeof(path), "%s/core.%s.%d", hv->core_dir, hv->name, n);
		e = outfile_commit(&of, path, 0);
		if (!e) {
			snprintf(hv->out.core, sizeof(hv->out.core), "%s", path);
			return;
		}
		if (e == -EEXIST)
			e = 0;
	}
	outfile_discard(&of);
	snprintf(hv->out.core_error, sizeof(hv->out.core_error), "cannot write a core in '%s': %s",
		 hv->core_dir, err.msg[0] ? err.msg : strerror(-e));
}
