/* SPDX-License-Identifier: ISC
 * The monitor's side of debugging (docs/debug-protocol.md): who owns the
 * debug file, software breakpoints, single steps and watchpoints.  It rides
 * on what works the same on kvm-pvm (where only CPL 3 runs natively and
 * debug registers never fire) and on ordinary KVM:
 *
 *   breakpoint  the monitor writes int3; the #BP its stubs report at a
 *               planted address is a breakpoint, anywhere else the
 *               partition's own trap
 *   step        the monitor sets RFLAGS.TF; the next #DB is the step
 *   watchpoint  the watched page leaves the partition's ordinary memory
 *               (read-only for w, absent for r and a), so accesses to it
 *               come back as MMIO exits; the monitor performs them on the
 *               partition's RAM and stops, after the instruction, when one
 *               touched the watched bytes.  (The partition's page tables
 *               are shadowed on kvm-pvm and do not see the monitor's
 *               edits, so page protection is not used.)  KVM performs
 *               such an access with its own instruction emulator, and
 *               turns one it cannot emulate (an SSE store, say) into a
 *               #UD at CPL 3; the monitor then steps that instruction
 *               with the page unguarded and judges the access itself.
 *
 * Functions for the control thread take hv->lock; those for the vCPU
 * thread say so and run with the vCPU stopped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../elf/elf.h"
#include "priv.h"
#include "x86_insn.h"

#define HV_BP_MAX 64
#define HV_WP_MAX 8

struct hv_bp {
	uint64_t addr;
	uint8_t orig;              /* the byte under the int3 */
};

struct hv_wp {
	uint64_t addr, len;
	char kind;                 /* 'w', 'r' or 'a' */
};

/* A debugger's hold on the partition (docs/debug-protocol.md): the debug device's state. */
struct hv_debug {
	const void *owner;         /* the control tree fid that owns "debug" */
	int release;               /* the owner went: clean up and run on */
	struct hv_bp bp[HV_BP_MAX];
	int nbp;
	struct hv_wp wp[HV_WP_MAX];
	int nwp;
	unsigned steps;            /* instructions left to step; 0: continue */
	int tf;                    /* the monitor set TF: the next #DB is its (2: TF was the partition's too) */
	int lifted_bp;             /* index + 1 of a breakpoint lifted for one step */
	/* An access KVM could not emulate, stepped with its page unguarded. */
	struct {
		uint64_t page;     /* the watched page; 0: none */
		uint64_t addr, old;
		unsigned size;
		int kind;          /* X86_ACCESS_READ or _WRITE */
	} miss;
	struct x86_dec *dec;       /* capstone, opened for the first miss */
	int trap;                  /* stopped on the partition's own exception */
	struct hv_frame trap_frame;
	uint64_t trap_cr2;
	char reason[16];           /* why the next pause stops: attach, interrupt */
	char stop[512];            /* the current stop line; "" while running */
};

#define RFLAGS_TF (1ull << 8)
#define PAGE 0x1000ull

static struct hv_bp *bp_at(struct hv *hv, uint64_t addr)
{
	for (int i = 0; i < hv->dbg->nbp; i++)
		if (hv->dbg->bp[i].addr == addr)
			return &hv->dbg->bp[i];
	return NULL;
}

/* Writes the byte under a breakpoint; a backend that translates code must see it. */
static void bp_write(struct hv *hv, const struct hv_bp *b, uint8_t v)
{
	uint8_t *p = gmem_at(&hv->mem, b->addr, 1);

	if (p) {
		*p = v;
		hvb_ram_written(hv->vm, b->addr, 1);
	}
}

static void bp_plant(struct hv *hv, const struct hv_bp *b)
{
	bp_write(hv, b, 0xcc);
}

static void bp_lift(struct hv *hv, const struct hv_bp *b)
{
	bp_write(hv, b, b->orig);
}

/* How a watchpoint's page is guarded: writes exit for w, every access for r and a. */
static int guard_mode(const struct hv_wp *w)
{
	return w->kind == 'w' ? HVB_RAM_RO : HVB_RAM_NONE;
}

/* The watchpoint whose page holds addr, or NULL. */
static struct hv_wp *wp_page(struct hv *hv, uint64_t addr)
{
	for (int i = 0; i < hv->dbg->nwp; i++)
		if ((hv->dbg->wp[i].addr & ~(PAGE - 1)) == (addr & ~(PAGE - 1)))
			return &hv->dbg->wp[i];
	return NULL;
}

static uint64_t read_le(struct hv *hv, uint64_t addr, uint64_t len)
{
	uint64_t v = 0;
	const uint8_t *p = gmem_at(&hv->mem, addr, len > 8 ? 8 : len);

	if (p)
		memcpy(&v, p, len > 8 ? 8 : len);
	return v;
}

/* ---- the control thread ---- */

int hv_debug_claim(struct hv *hv, const void *owner)
{
	struct hv_regs r;
	int e = 0;

	pthread_mutex_lock(&hv->lock);
	if (hv->dbg->owner || hv->dbg->release) {
		e = -EBUSY;
	} else if (hv->state == HV_ENDED) {
		e = -ESRCH;
	} else {
		hv->dbg->owner = owner;
		hv->dbg->stop[0] = '\0';
		snprintf(hv->dbg->reason, sizeof(hv->dbg->reason), "attach");
		if (hv->state == HV_RUNNING)
			hv_request(hv, HV_REQ_PAUSE);
		else if (hv->state == HV_CREATED)
			snprintf(hv->dbg->stop, sizeof(hv->dbg->stop),
				 "stopped attach rip=0x%" PRIx64, hv->img->entry);
		else if (hvb_cpu_get_regs(hv->cpu, &r) == 0)
			snprintf(hv->dbg->stop, sizeof(hv->dbg->stop),
				 "stopped attach rip=0x%" PRIx64, r.rip);
	}
	pthread_mutex_unlock(&hv->lock);
	return e;
}

void hv_debug_release(struct hv *hv, const void *owner)
{
	pthread_mutex_lock(&hv->lock);
	if (owner && hv->dbg->owner == owner) {
		hv->dbg->owner = NULL;
		hv->dbg->release = 1;
		/* The vCPU thread cleans up (it owns the vCPU), and a running partition runs on. */
		hv_request(hv, 0);
	}
	pthread_mutex_unlock(&hv->lock);
}

int hv_debug_event(struct hv *hv, char *buf, size_t len)
{
	int have;

	pthread_mutex_lock(&hv->lock);
	have = hv->state != HV_RUNNING && hv->dbg->stop[0];
	if (have)
		snprintf(buf, len, "%s\n", hv->dbg->stop);
	pthread_mutex_unlock(&hv->lock);
	return have;
}

size_t hv_debug_planted(struct hv *hv, uint64_t *addr, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&hv->lock);
	for (int i = 0; i < hv->dbg->nbp && n < max; i++)
		addr[n++] = hv->dbg->bp[i].addr;
	pthread_mutex_unlock(&hv->lock);
	return n;
}

void hv_debug_hide(struct hv *hv, uint64_t gpa, uint8_t *buf, uint64_t len)
{
	pthread_mutex_lock(&hv->lock);
	for (int i = 0; i < hv->dbg->nbp; i++) {
		const struct hv_bp *b = &hv->dbg->bp[i];

		if (b->addr >= gpa && b->addr - gpa < len && buf[b->addr - gpa] == 0xcc)
			buf[b->addr - gpa] = b->orig;
	}
	pthread_mutex_unlock(&hv->lock);
}

static int set_break(struct hv *hv, uint64_t addr)
{
	struct hv_bp *b;

	if (!hv_guest_buf(hv, addr, 1, HV_BUF_EXEC))
		return -EFAULT;
	if (bp_at(hv, addr))
		return -EEXIST;
	if (hv->dbg->nbp == HV_BP_MAX)
		return -ENOSPC;
	b = &hv->dbg->bp[hv->dbg->nbp++];
	b->addr = addr;
	b->orig = *(uint8_t *)gmem_at(&hv->mem, addr, 1);
	bp_plant(hv, b);
	return 0;
}

static int delete_break(struct hv *hv, uint64_t addr)
{
	struct hv_bp *b = bp_at(hv, addr);

	if (!b)
		return -ENOENT;
	if (hv->dbg->lifted_bp != (int)(b - hv->dbg->bp) + 1)
		bp_lift(hv, b);
	hv->dbg->lifted_bp = 0;
	*b = hv->dbg->bp[--hv->dbg->nbp];
	return 0;
}

/*
 * One watchpoint per page, within a page of the partition's data; a page
 * it also runs code from only where the backend can guard one (on KVM it
 * cannot be taken out of the partition's memory).
 */
static int set_watch(struct hv *hv, uint64_t addr, const char *lenstr, const char *kind)
{
	struct hv_wp *w;
	uint64_t len;
	int r;

	if (!lenstr || !kind || num_parse_u64(lenstr, &len) || len == 0 || len > PAGE ||
	    strlen(kind) != 1 || !strchr("wra", kind[0]))
		return -EINVAL;
	if ((addr & ~(PAGE - 1)) != ((addr + len - 1) & ~(PAGE - 1)) ||
	    !hv_guest_buf(hv, addr, len, HV_BUF_READ) ||
	    (hv_guest_buf(hv, addr, 1, HV_BUF_EXEC) && !(hvb_caps(hv->vm) & HVB_CAP_GUARD_CODE)))
		return -EFAULT;
	if (wp_page(hv, addr))
		return -EEXIST;
	if (hv->dbg->nwp == HV_WP_MAX)
		return -ENOSPC;
	w = &hv->dbg->wp[hv->dbg->nwp];
	w->addr = addr;
	w->len = len;
	w->kind = kind[0];
	r = hvb_ram_guard(hv->vm, addr, guard_mode(w));
	if (r)
		return r;
	hv->dbg->nwp++;
	return 0;
}

static int delete_watch(struct hv *hv, uint64_t addr)
{
	for (int i = 0; i < hv->dbg->nwp; i++)
		if (hv->dbg->wp[i].addr == addr) {
			hvb_ram_guard(hv->vm, addr, HVB_RAM_RW);
			hv->dbg->wp[i] = hv->dbg->wp[--hv->dbg->nwp];
			return 0;
		}
	return -ENOENT;
}

int hv_debug_command(struct hv *hv, const char *cmd)
{
	char buf[128], *verb, *a1, *a2, *a3, *save = NULL;
	uint64_t addr = 0, n = 1;
	int e = 0;

	snprintf(buf, sizeof(buf), "%s", cmd);
	verb = strtok_r(buf, " \t\n", &save);
	a1 = strtok_r(NULL, " \t\n", &save);
	a2 = a1 ? strtok_r(NULL, " \t\n", &save) : NULL;
	a3 = a2 ? strtok_r(NULL, " \t\n", &save) : NULL;
	if (!verb)
		return -EINVAL;
	pthread_mutex_lock(&hv->lock);
	if (hv->state == HV_ENDED) {
		e = -ESRCH;
	} else if ((!strcmp(verb, "cont") || !strcmp(verb, "step")) && hv_ctl_panicked(hv)) {
		e = -EPERM; /* a panicked partition only ends */
	} else if (!strcmp(verb, "cont") || !strcmp(verb, "step")) {
		if (!strcmp(verb, "step") && a1 && (num_parse_u64(a1, &n) || !n || n > 1000000))
			e = -EINVAL;
		else if (hv->state == HV_RUNNING)
			e = -EBUSY;
		else if (hv->core_opens)
			e = -EAGAIN; /* a core is being taken of it as it is */
		else {
			hv->dbg->steps = !strcmp(verb, "step") ? (unsigned)n : 0;
			hv->dbg->stop[0] = '\0';
			hv->dbg->reason[0] = '\0';
			hv_request(hv, hv->state == HV_CREATED ? HV_REQ_START : HV_REQ_RESUME);
		}
	} else if (!strcmp(verb, "stop")) {
		struct hv_regs r;

		if (hv->state == HV_RUNNING) {
			snprintf(hv->dbg->reason, sizeof(hv->dbg->reason), "interrupt");
			hv_request(hv, HV_REQ_PAUSE);
		} else if (hv->req & (HV_REQ_RESUME | HV_REQ_START)) {
			/* A cont or step not yet acted on: it never happens. */
			hv->req &= ~(HV_REQ_RESUME | HV_REQ_START);
			hv->dbg->steps = 0;
			if (hv->state == HV_CREATED)
				snprintf(hv->dbg->stop, sizeof(hv->dbg->stop),
					 "stopped interrupt rip=0x%" PRIx64, hv->img->entry);
			else if (hvb_cpu_get_regs(hv->cpu, &r) == 0)
				snprintf(hv->dbg->stop, sizeof(hv->dbg->stop),
					 "stopped interrupt rip=0x%" PRIx64, r.rip);
			pthread_cond_broadcast(&hv->cond);
			hv_ctl_kick(hv);
		}
	} else if (hv->state == HV_RUNNING) {
		e = -EBUSY; /* points are set on a stopped partition */
	} else if (!a1 || num_parse_u64(a1, &addr)) {
		e = -EINVAL;
	} else if (!strcmp(verb, "break")) {
		e = set_break(hv, addr);
	} else if (!strcmp(verb, "delete")) {
		e = delete_break(hv, addr);
	} else if (!strcmp(verb, "watch")) {
		e = set_watch(hv, addr, a2, a3);
	} else if (!strcmp(verb, "unwatch")) {
		e = delete_watch(hv, addr);
	} else {
		e = -EINVAL;
	}
	pthread_mutex_unlock(&hv->lock);
	return e;
}

/* ---- the vCPU thread ---- */

/* Stops with this event; the run loop then waits in hv_yield(). */
static void stop(struct hv *hv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stop(struct hv *hv, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&hv->lock);
	va_start(ap, fmt);
	vsnprintf(hv->dbg->stop, sizeof(hv->dbg->stop), fmt, ap);
	va_end(ap);
	hv->dbg->steps = 0;
	hv_set_state(hv, HV_PAUSED);
	pthread_mutex_unlock(&hv->lock);
}

/* Leaves the exception stub: the partition's registers from the frame. */
static void unwind(struct hv *hv, const struct hv_frame *f, uint64_t rip)
{
	struct hv_regs r;

	hvb_cpu_settle(hv->cpu);
	hvb_cpu_get_regs(hv->cpu, &r);
	r.rax = f->rax;
	r.rip = rip;
	r.rflags = f->rflags & ~RFLAGS_TF;
	r.rsp = f->rsp;
	hvb_cpu_resume_user(hv->cpu, &r);
}

/* Sets TF, lifting a breakpoint under rip, for one step. */
static void arm_step(struct hv *hv, struct hv_regs *r)
{
	struct hv_bp *b = bp_at(hv, r->rip);

	if (b) {
		bp_lift(hv, b);
		hv->dbg->lifted_bp = (int)(b - hv->dbg->bp) + 1;
	}
	hv->dbg->tf = r->rflags & RFLAGS_TF ? 2 : 1;
	r->rflags |= RFLAGS_TF;
}

/* vCPU thread, lock held, before the partition runs on: arm steps, lift breakpoints. */
static int debug_resume(struct hv *hv)
{
	struct hv_regs r;

	if (hv->dbg->trap) {
		hv->dbg->trap = 0;
		/* Continuing past the partition's own fault is its crash. */
		if (hv->dbg->trap_frame.vector != 3) {
			pthread_mutex_unlock(&hv->lock);
			hv_fault_crash(hv, &hv->dbg->trap_frame, hv->dbg->trap_cr2);
			pthread_mutex_lock(&hv->lock);
			return 1;
		}
	}
	if (!hv->dbg->owner || hvb_cpu_get_regs(hv->cpu, &r))
		return 0;
	if (hv->dbg->steps || bp_at(hv, r.rip)) {
		arm_step(hv, &r);
		hvb_cpu_set_regs(hv->cpu, &r);
	}
	return 0;
}

/* vCPU thread, lock held: the owner is gone; remove everything it set. */
static void debug_cleanup(struct hv *hv)
{
	struct hv_regs r;

	for (int i = 0; i < hv->dbg->nbp; i++)
		if (hv->dbg->lifted_bp != i + 1)
			bp_lift(hv, &hv->dbg->bp[i]);
	for (int i = 0; i < hv->dbg->nwp; i++)
		hvb_ram_guard(hv->vm, hv->dbg->wp[i].addr, HVB_RAM_RW);
	if (hv->dbg->tf && hvb_cpu_get_regs(hv->cpu, &r) == 0) {
		r.rflags &= ~RFLAGS_TF;
		hvb_cpu_set_regs(hv->cpu, &r);
	}
	hv->dbg->nbp = hv->dbg->nwp = 0;
	hv->dbg->miss.page = 0;
	hv->dbg->tf = hv->dbg->lifted_bp = hv->dbg->trap = 0;
	hv->dbg->steps = 0;
	hv->dbg->stop[0] = '\0';
	hv->dbg->release = 0;
}

/* Stops after an access that touched w's bytes; old is what they held. */
static void watch_stop(struct hv *hv, const struct hv_wp *w, int write, uint64_t old)
{
	struct hv_regs r;

	hvb_cpu_settle(hv->cpu);
	hvb_cpu_get_regs(hv->cpu, &r);
	stop(hv, "stopped watch rip=0x%" PRIx64 " addr=0x%" PRIx64 " kind=%c old=0x%" PRIx64
	     " new=0x%" PRIx64, r.rip, w->addr, write ? 'w' : 'r', old,
	     read_le(hv, w->addr, w->len));
}

static int watch_hit(const struct hv_wp *w, uint64_t addr, uint64_t size, int write)
{
	return addr < w->addr + w->len && addr + size > w->addr &&
	       (w->kind == 'a' || (w->kind == 'w') == (write != 0));
}

/*
 * A #UD from KVM's emulator (see the top): if the instruction at the
 * frame's rip touches a watched page, step it with that page unguarded.
 */
static int miss_start(struct hv *hv, const struct hv_frame *f)
{
	struct hv_regs r;
	struct hv_segs sg = { 0 };
	const uint8_t *code;
	uint64_t n = 15, addr;
	unsigned size;

	if (f->vector != 6 || !hv->dbg->nwp || hv->dbg->tf)
		return 0;
	if (!hv->dbg->dec && x86_dec_open(&hv->dbg->dec))
		return 0;
	while (n && !(code = gmem_at(&hv->mem, f->rip, n)))
		n--;
	if (!n || hvb_cpu_get_regs(hv->cpu, &r) || hvb_cpu_segs(hv->cpu, &sg))
		return 0;
	r.rax = f->rax;
	r.rip = f->rip;
	r.rsp = f->rsp;
	r.rflags = f->rflags;
	for (int i = 0; i < hv->dbg->nwp; i++) {
		const struct hv_wp *w = &hv->dbg->wp[i];
		uint64_t page = w->addr & ~(PAGE - 1);
		int kind = x86_insn_touches(hv->dbg->dec, code, n, &r, sg.fs_base, sg.gs_base,
					    page, page + PAGE, &addr, &size);

		if (!kind)
			continue;
		hv->dbg->miss.page = page;
		hv->dbg->miss.addr = addr;
		hv->dbg->miss.size = size ? size : 1;
		hv->dbg->miss.kind = kind;
		hv->dbg->miss.old = read_le(hv, w->addr, w->len);
		hvb_ram_guard(hv->vm, page, HVB_RAM_RW);
		unwind(hv, f, f->rip);
		hvb_cpu_get_regs(hv->cpu, &r);
		r.rflags |= RFLAGS_TF;
		hv->dbg->tf = 1;
		hvb_cpu_set_regs(hv->cpu, &r);
		return 1;
	}
	return 0;
}

/* The stepped access is done: guard its page again; 1 if it stopped. */
static int miss_done(struct hv *hv)
{
	struct hv_wp *w = wp_page(hv, hv->dbg->miss.page);
	int write = hv->dbg->miss.kind == X86_ACCESS_WRITE;

	hv->dbg->miss.page = 0;
	if (!w)
		return 0;
	hvb_ram_guard(hv->vm, w->addr, guard_mode(w));
	if (!watch_hit(w, hv->dbg->miss.addr, hv->dbg->miss.size, write))
		return 0;
	watch_stop(hv, w, write, hv->dbg->miss.old);
	return 1;
}

static int debug_init(struct hv *hv, struct lerr *err)
{
	hv->dbg = calloc(1, sizeof(*hv->dbg));
	return hv->dbg ? 0 : lerr_set(err, ENOMEM, "out of memory");
}

/* Frees what debugging kept for the partition's life. */
static void debug_fini(struct hv *hv)
{
	x86_dec_close(hv->dbg->dec);
	free(hv->dbg);
	hv->dbg = NULL;
}

/* The #DB after an instruction the monitor let run with TF set. */
static int step_done(struct hv *hv, const struct hv_frame *f)
{
	int mine = hv->dbg->tf == 1;
	struct hv_regs r;

	hv->dbg->tf = 0;
	if (hv->dbg->lifted_bp) {
		if (hv->dbg->lifted_bp <= hv->dbg->nbp)
			bp_plant(hv, &hv->dbg->bp[hv->dbg->lifted_bp - 1]);
		hv->dbg->lifted_bp = 0;
	}
	unwind(hv, f, f->rip);
	/*
	 * The step was a syscall instruction, which kept the flags in %r11,
	 * our TF with them: the library OS would restore it on the way back
	 * and trap there, with no debugger to take it.
	 */
	if (mine && f->rip == hv->lay.syscall && hvb_cpu_get_regs(hv->cpu, &r) == 0 &&
	    (r.r11 & RFLAGS_TF)) {
		r.r11 &= ~RFLAGS_TF;
		hvb_cpu_set_regs(hv->cpu, &r);
	}
	if (!hv->dbg->owner)
		return 1; /* the debugger left during the step */
	if (hv->dbg->miss.page && miss_done(hv))
		return 1;
	if (hv->dbg->steps && --hv->dbg->steps == 0) {
		stop(hv, "stopped step rip=0x%" PRIx64, f->rip);
		return 1;
	}
	if (hv->dbg->steps && hvb_cpu_get_regs(hv->cpu, &r) == 0) {
		arm_step(hv, &r);
		hvb_cpu_set_regs(hv->cpu, &r);
	}
	return 1;
}

/* vCPU thread: an MMIO exit on a watched page; performs it, 1 if it was one. */
static int debug_mmio(struct hv *hv, const struct hvb_exit *ex)
{
	struct hv_wp *w = wp_page(hv, ex->addr);
	uint8_t *p = gmem_at(&hv->mem, ex->addr, ex->size);
	uint64_t old = 0;

	if (!w || !p || (ex->size > 8 && !ex->done_page))
		return 0;
	if (ex->done_page) {
		/* The backend did the access; this is the page before it. */
		memcpy(&old, ex->done_page + (w->addr & (PAGE - 1)), w->len > 8 ? 8 : w->len);
	} else {
		old = read_le(hv, w->addr, w->len);
		if (ex->out)
			memcpy(p, ex->mmio_data, ex->size);
		else
			memcpy(ex->mmio_data, p, ex->size);
	}
	if (!watch_hit(w, ex->addr, ex->size, ex->out) || !hv->dbg->owner)
		return 1;
	/* Like gdb: stop after the instruction, with its effect visible. */
	watch_stop(hv, w, ex->out, old);
	return 1;
}

/* vCPU thread: an exception the debugger may own; 1 if handled. */
static int debug_exception(struct hv *hv, const struct hv_frame *f, uint64_t cr2)
{
	if (f->vector == 1 && hv->dbg->tf)
		return step_done(hv, f);
	if (!hv->dbg->owner)
		return 0;
	if (miss_start(hv, f))
		return 1;
	if (f->vector == 3 && bp_at(hv, f->rip - 1)) {
		unwind(hv, f, f->rip - 1);
		stop(hv, "stopped breakpoint rip=0x%" PRIx64 " addr=0x%" PRIx64, f->rip - 1,
		     f->rip - 1);
		return 1;
	}
	/*
	 * The partition's own exception: stop where it happened so the
	 * debugger can look; cont goes on past an int3 and ends the partition
	 * for anything else.
	 */
	unwind(hv, f, f->rip);
	hv->dbg->trap = 1;
	hv->dbg->trap_frame = *f;
	hv->dbg->trap_cr2 = cr2;
	stop(hv, "stopped trap rip=0x%" PRIx64 " vector=%u", f->rip, (unsigned)f->vector);
	return 1;
}

/* vCPU thread, lock held: a debugger that left is cleaned up after, and the partition runs on. */
static unsigned debug_serve(struct hv *hv)
{
	unsigned req;

	if (!hv->dbg->release)
		return 0;
	hvb_cpu_settle(hv->cpu);
	debug_cleanup(hv);
	req = hv->state == HV_CREATED ? HV_REQ_START :
	      hv->state == HV_PAUSED && !hv_ctl_panicked(hv) ? HV_REQ_RESUME : 0;
	/* A core is being taken: it runs on once that is done. */
	if (req && hv->core_opens) {
		hv->core_after = req;
		return 0;
	}
	return req;
}

/* vCPU thread, lock held, the vCPU settled: a debugger hears why it stopped. */
static void debug_pause(struct hv *hv)
{
	struct hv_regs r;

	if (!hv->dbg->owner || hv->dbg->stop[0])
		return;
	hvb_cpu_get_regs(hv->cpu, &r);
	snprintf(hv->dbg->stop, sizeof(hv->dbg->stop), "stopped %s rip=0x%llx",
		 hv->dbg->reason[0] ? hv->dbg->reason : "interrupt", (unsigned long long)r.rip);
}

/* The debugger: no hcalls, only hooks into the partition's life. */
const struct hv_device hv_dev_debug = {
	.name = "debug",
	.init = debug_init,
	.fini = debug_fini,
	.serve = debug_serve,
	.start = debug_resume,
	.pause = debug_pause,
	.resume = debug_resume,
	.exception = debug_exception,
	.mmio = debug_mmio,
};
