/* SPDX-License-Identifier: ISC
 * The control tree served to controllers, one entry per file (files[] at
 * the end) with all that file does:
 *
 *   ctl          write: start, pause, resume, stop, kill; answered once done
 *   status       the status text (see status.c)
 *   wait         a read at offset 0 blocks until the state changes
 *   cons         reads replay recent output, then block for more; writes are input
 *   log          the console log
 *   vcpu/0/regs  registers, "name 0xvalue" lines (paused or ended); writable
 *   vcpu/0/mmu   cr0, cr3, cr4 as the vCPU booted with them (any time)
 *   mem          guest-physical memory at offset = address
 *   image        the partition's ELF image
 *   debug        reads: the next stop or end event; writes: debugger commands
 *   hcall        write a controller hcall, then read its result
 *   trace        events as they happen; EOF after the end
 *   core         an ELF core file of the partition: paused while open
 *
 * Documented for any 9P client in docs/control-tree.md and lpar-ctl(7).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/regs.h"
#include "../elf/elf.h"
#include "../p9/tree.h"
#include "ctl.h"
#include "priv.h"
#include "sandbox.h"

enum node {
	N_ROOT = 1, N_CTL, N_STATUS, N_WAIT, N_CONS, N_LOG, N_VCPU, N_VCPU0,
	N_REGS, N_MMU, N_MEM, N_IMAGE, N_DEBUG, N_HCALL, N_TRACE, N_CORE, N_COUNT
};

/*
 * One file (or directory) of the tree and its operations.  The generic
 * 9P operations at the end check the open mode against node.mode and then
 * call these; NULL means the file has no such behaviour.
 */
struct ctl_file {
	struct p9_tree_node node; /* first: the tree's own entry (p9/tree.h) */
	/* After the mode check: claims the file or sets up f->aux. */
	int (*open)(struct hv_ctl *ctl, struct p9_fid *f, uint32_t acc);
	/* As p9_fs_ops: reply now, or defer() and return P9_DEFER.  NULL: EISDIR. */
	int (*read)(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    uint32_t count);
	/* As read.  NULL: EACCES (the open mode refuses writes first). */
	int (*write)(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     const uint8_t *data, uint32_t count);
	/*
	 * A request this file deferred, tried whenever something changes:
	 * answers it and returns 1, or returns 0 to go on waiting.
	 */
	int (*answer)(struct hv_ctl *ctl, struct ctl_waiter *w);
	/* An opened fid goes (its f->aux is freed after). */
	void (*clunk)(struct hv_ctl *ctl, struct p9_fid *f);
	/* getattr's size; NULL: 0. */
	uint64_t (*size)(struct hv *hv);
};

static const struct ctl_file files[N_COUNT];
static const struct p9_tree tree = { files, sizeof(files[0]), N_ROOT, N_COUNT, 0 };

/* ---- what several files share ------------------------------------------- */

/* Serves [off, off + count) of an in-memory text. */
static int reply_text(struct p9_req *r, const char *text, size_t len, uint64_t off)
{
	if (off >= len)
		p9_reply_read(r, "", 0);
	else
		p9_reply_read(r, text + off, (uint32_t)(len - off));
	return 0;
}

static int reply_pread(struct p9_req *r, int fd, uint64_t off, uint32_t count)
{
	char *buf = malloc(count ? count : 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = fd < 0 ? 0 : pread(fd, buf, count, (off_t)off);
	if (n < 0) {
		free(buf);
		return -errno;
	}
	p9_reply_read(r, buf, (uint32_t)n);
	free(buf);
	return 0;
}

/* Keeps r to be answered by the file's answer op (hv_ctltree_wake()). */
static int defer(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, int node)
{
	struct ctl_waiter *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->req = r;
	w->fid = f;
	w->node = node;
	w->next = ctl->waiters;
	ctl->waiters = w;
	return P9_DEFER;
}

/* Per-open state: the console's oldest kept byte next, the generation now. */
static int open_state(struct hv_ctl *ctl, struct p9_fid *f, uint32_t acc)
{
	struct ctl_open *o = calloc(1, sizeof(*o));

	(void)acc;
	if (!o)
		return -ENOMEM;
	pthread_mutex_lock(&ctl->hv->lock);
	/* A new viewer first gets what the ring still holds. */
	o->cursor = hv_console_oldest(ctl->hv);
	o->seen = ctl->hv->gen;
	pthread_mutex_unlock(&ctl->hv->lock);
	f->aux = o;
	return 0;
}

/* Whether the state changed since o->seen, or the partition has ended; notes it. */
static int state_changed(struct hv *hv, struct ctl_open *o)
{
	int changed;

	pthread_mutex_lock(&hv->lock);
	changed = hv->state == HV_ENDED || o->seen != hv->gen;
	o->seen = hv->gen;
	pthread_mutex_unlock(&hv->lock);
	return changed;
}

/* Whether the partition has ended. */
static int has_ended(struct hv *hv)
{
	int ended;

	pthread_mutex_lock(&hv->lock);
	ended = hv->state == HV_ENDED;
	pthread_mutex_unlock(&hv->lock);
	return ended;
}

/* Whether data[i] follows an odd run of backslashes, i.e. is escaped. */
static int escaped(const uint8_t *data, uint32_t i)
{
	uint32_t k = 0;

	while (k < i && data[i - 1 - k] == '\\')
		k++;
	return k & 1;
}

/*
 * A command written to ctl, debug or hcall: without trailing newlines and
 * unescaped trailing blanks, NUL-terminated.
 */
static int command_text(const uint8_t *data, uint32_t count, char *cmd, size_t len)
{
	while (count && (data[count - 1] == '\n' ||
			 (data[count - 1] == ' ' && !escaped(data, count - 1))))
		count--;
	if (!count || count >= len)
		return -EINVAL;
	memcpy(cmd, data, count);
	cmd[count] = '\0';
	return 0;
}

/*
 * Appends the status text's end fields keys (state first) to the n bytes
 * in buf, as " VALUE" or, named, " KEY=VALUE", then a newline; fields the
 * text lacks are left out.
 */
static size_t end_fields(struct hv *hv, char *buf, size_t len, size_t n,
			 const char *const *keys, int named)
{
	struct hv_status_end e;

	hv_status_end(hv, &e);
	for (; *keys; keys++) {
		const char *v = !strcmp(*keys, "state")	 ? e.state :
				!strcmp(*keys, "exit")	 ? e.exit :
				!strcmp(*keys, "signal") ? e.signal :
				!strcmp(*keys, "reason") ? e.reason : "";

		if (!*v)
			continue;
		n += (size_t)snprintf(buf + n, len - n, " %s%s%.*s", named ? *keys : "",
				      named ? "=" : "", (int)strcspn(v, "\n"), v);
	}
	n += (size_t)snprintf(buf + n, len - n, "\n");
	return n;
}

/* ---- ctl: commands, answered once they have taken effect ---------------- */

/*
 * A ctl command.  Returns 0 when done, P9_DEFER when the reply waits for
 * the state to change, or -errno: EALREADY (already in that state),
 * EAGAIN (not started yet), ESRCH (ended), EINVAL (no such command).
 */
static int ctl_command(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f,
		       const char *cmd)
{
	struct hv *hv = ctl->hv;
	struct ctl_open *o = calloc(1, sizeof(*o));
	enum hv_state s;
	int e = 0;

	if (!o)
		return -ENOMEM;
	if (!strncmp(cmd, "sandbox-test ", 13)) {
		free(o);
		return hv_sandbox_test(cmd + 13); /* debug-only: -EINVAL unless enabled */
	}
	pthread_mutex_lock(&hv->lock);
	s = hv->state;
	o->seen = hv->gen; /* before the request: the change to wait for is after */
	if (!strcmp(cmd, "start")) {
		if (s != HV_CREATED)
			e = s == HV_ENDED ? -ESRCH : -EALREADY;
		else if (hv->core_opens)
			e = -EBUSY; /* a core is being taken: it stays as it is till then */
		else
			hv_request(hv, HV_REQ_START);
	} else if (!strcmp(cmd, "pause")) {
		if (s != HV_RUNNING)
			e = s == HV_ENDED ? -ESRCH : s == HV_PAUSED ? -EALREADY : -EAGAIN;
		else
			hv_request(hv, HV_REQ_PAUSE);
	} else if ((!strcmp(cmd, "resume") || !strcmp(cmd, "start")) && hv_ctl_panicked(hv)) {
		e = -EPERM; /* a panicked partition only ends */
	} else if (!strcmp(cmd, "resume")) {
		if (s != HV_PAUSED)
			e = s == HV_ENDED ? -ESRCH : s == HV_RUNNING ? -EALREADY : -EAGAIN;
		else if (hv->core_opens)
			e = -EBUSY; /* a core is being taken: it stays as it is till then */
		else
			hv_request(hv, HV_REQ_RESUME);
	} else if (!strcmp(cmd, "stop")) {
		if (s == HV_ENDED) {
			e = -ESRCH;
		} else if (s == HV_CREATED) {
			hv_request(hv, HV_REQ_KILL); /* never started: nothing to shut down */
		} else {
			hv_ctl_raise(hv, LPAR_READY_SHUTDOWN);
			pthread_mutex_unlock(&hv->lock);
			free(o);
			return 0;
		}
	} else if (!strcmp(cmd, "kill")) {
		if (s == HV_ENDED)
			e = -ESRCH;
		else
			hv_request(hv, HV_REQ_KILL);
	} else {
		e = -EINVAL;
	}
	pthread_mutex_unlock(&hv->lock);
	if (e) {
		free(o);
		return e;
	}
	/* Answer once the vCPU thread has acted. */
	f->aux = o;
	return defer(ctl, r, f, N_CTL);
}

static int ctl_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     const uint8_t *data, uint32_t count)
{
	char cmd[128];
	int e;

	(void)off;
	if (command_text(data, count, cmd, sizeof(cmd)))
		return -EINVAL;
	for (struct ctl_waiter *w = ctl->waiters; w; w = w->next)
		if (w->fid == f)
			return -EBUSY; /* one command at a time per open */
	free(f->aux);
	f->aux = NULL;
	e = ctl_command(ctl, r, f, cmd);
	if (e == 0)
		p9_reply_write(r, p9_req_count(r));
	return e == P9_DEFER ? P9_DEFER : (e < 0 ? e : 0);
}

static int ctl_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	if (!state_changed(ctl->hv, w->fid->aux))
		return 0;
	p9_reply_write(w->req, p9_req_count(w->req));
	return 1;
}

/* ---- status and wait: the status text, now or at the next change ------- */

static int status_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		       uint32_t count)
{
	char text[2048];

	(void)f;
	(void)count;
	return reply_text(r, text, hv_status_text(ctl->hv, text, sizeof(text)), off);
}

static int wait_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     uint32_t count)
{
	(void)count;
	if (off)
		return reply_text(r, "", 0, 0);
	return defer(ctl, r, f, N_WAIT);
}

static int wait_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	char text[2048];

	if (!state_changed(ctl->hv, w->fid->aux))
		return 0;
	reply_text(w->req, text, hv_status_text(ctl->hv, text, sizeof(text)), 0);
	return 1;
}

/* ---- cons: the console's output, replayed then followed; input --------- */

static int cons_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     uint32_t count)
{
	(void)off;
	(void)count;
	return defer(ctl, r, f, N_CONS);
}

static int cons_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	struct ctl_open *o = w->fid->aux;
	uint32_t count = p9_req_count(w->req);
	uint8_t buf[4096];
	int n;

	n = hv_console_replay(ctl->hv, &o->cursor, buf, count < sizeof(buf) ? count : sizeof(buf));
	if (n < 0)
		return 0; /* nothing new yet */
	p9_reply_read(w->req, buf, (uint32_t)n); /* n == 0 after the end: EOF */
	return 1;
}

static int cons_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      const uint8_t *data, uint32_t count)
{
	int n;

	(void)f;
	(void)off;
	if (!count) {
		/* An empty write is the end of input. */
		hv_console_end_input(ctl->hv);
		p9_reply_write(r, 0);
		return 0;
	}
	n = hv_console_input(ctl->hv, data, count);
	if (n < 0)
		return n; /* -EAGAIN: the partition is not reading its input */
	p9_reply_write(r, (uint32_t)n);
	return 0;
}

/* ---- log: the console log ------------------------------------------------ */

static int log_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    uint32_t count)
{
	(void)f;
	return reply_pread(r, hv_console_log_fd(ctl->hv), off, count);
}

static uint64_t log_size(struct hv *hv)
{
	int fd = hv_console_log_fd(hv);
	struct stat st;

	if (fd >= 0 && fstat(fd, &st) == 0)
		return (uint64_t)st.st_size;
	return 0;
}

/* ---- vcpu/0/regs: the registers, while the vCPU is stopped -------------- */

/* The general registers between the backend's set and the regs file's. */
static void gprs_in(struct vcpu_regs *v, const struct hv_regs *r)
{
	v->rax = r->rax, v->rbx = r->rbx, v->rcx = r->rcx, v->rdx = r->rdx;
	v->rsi = r->rsi, v->rdi = r->rdi, v->rsp = r->rsp, v->rbp = r->rbp;
	v->r8 = r->r8, v->r9 = r->r9, v->r10 = r->r10, v->r11 = r->r11;
	v->r12 = r->r12, v->r13 = r->r13, v->r14 = r->r14, v->r15 = r->r15;
	v->rip = r->rip, v->rflags = r->rflags;
}

static void gprs_out(struct hv_regs *r, const struct vcpu_regs *v)
{
	r->rax = v->rax, r->rbx = v->rbx, r->rcx = v->rcx, r->rdx = v->rdx;
	r->rsi = v->rsi, r->rdi = v->rdi, r->rsp = v->rsp, r->rbp = v->rbp;
	r->r8 = v->r8, r->r9 = v->r9, r->r10 = v->r10, r->r11 = v->r11;
	r->r12 = v->r12, r->r13 = v->r13, r->r14 = v->r14, r->r15 = v->r15;
	r->rip = v->rip, r->rflags = v->rflags;
}

static int regs_stopped(struct hv *hv)
{
	enum hv_state s;

	pthread_mutex_lock(&hv->lock);
	s = hv->state;
	pthread_mutex_unlock(&hv->lock);
	return s == HV_PAUSED || s == HV_ENDED || s == HV_CREATED;
}

static int regs_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     uint32_t count)
{
	struct hv *hv = ctl->hv;
	struct hv_regs regs;
	struct hv_sregs sr;
	struct hv_segs sg;
	struct vcpu_regs v = { 0 };
	unsigned groups = VCPU_REG_GPR | VCPU_REG_CTRL;
	char text[1024];
	int e;

	(void)f;
	(void)count;
	if (!regs_stopped(hv))
		return -EBUSY; /* pause the partition first */
	e = hvb_cpu_get_regs(hv->cpu, &regs);
	if (!e)
		e = hvb_cpu_sregs(hv->cpu, &sr);
	if (e)
		return e;
	gprs_in(&v, &regs);
	if (hvb_cpu_segs(hv->cpu, &sg) == 0) {
		groups |= VCPU_REG_SEG;
		v.cs = sg.cs, v.ss = sg.ss, v.ds = sg.ds, v.es = sg.es, v.fs = sg.fs, v.gs = sg.gs;
		v.fs_base = sg.fs_base, v.gs_base = sg.gs_base;
	}
	v.cr0 = sr.cr0, v.cr2 = sr.cr2, v.cr3 = sr.cr3, v.cr4 = sr.cr4, v.efer = sr.efer;
	return reply_text(r, text, vcpu_regs_format(&v, groups, text, sizeof(text)), off);
}

/* "name value" lines; every name must be a general register and every value a number. */
static int regs_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      const uint8_t *data, uint32_t count)
{
	struct hv *hv = ctl->hv;
	struct hv_regs regs;
	struct vcpu_regs v;
	char text[1024], *line, *save = NULL;
	int e;

	(void)f;
	(void)off;
	if (!regs_stopped(hv))
		return -EBUSY;
	if (count >= sizeof(text))
		return -EINVAL;
	memcpy(text, data, count);
	text[count] = '\0';
	e = hvb_cpu_get_regs(hv->cpu, &regs);
	if (e)
		return e;
	gprs_in(&v, &regs);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[16], val[32];
		const struct vcpu_reg *ri;
		uint64_t x;

		if (sscanf(line, "%15s %31s", name, val) != 2 || num_parse_u64(val, &x))
			return -EINVAL;
		ri = vcpu_reg_find(name);
		if (!ri || ri->group != VCPU_REG_GPR)
			return -EINVAL;
		vcpu_reg_put(&v, ri, x);
	}
	gprs_out(&regs, &v);
	e = hvb_cpu_set_regs(hv->cpu, &regs);
	if (e)
		return e;
	p9_reply_write(r, count);
	return 0;
}

/* ---- vcpu/0/mmu: the paging registers, fixed since boot ----------------- */

/* Readable while the vCPU runs (for page walks). */
static int mmu_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    uint32_t count)
{
	struct hv *hv = ctl->hv;
	char text[128];
	int n = snprintf(text, sizeof(text), "cr0 0x%llx\ncr3 0x%llx\ncr4 0x%llx\n",
			 (unsigned long long)hv->lay.cr0, (unsigned long long)hv->lay.cr3,
			 (unsigned long long)hv->lay.cr4);

	(void)f;
	(void)count;
	return reply_text(r, text, (size_t)n, off);
}

/* ---- mem: guest-physical memory at offset = address --------------------- */

static int mem_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    uint32_t count)
{
	struct hv *hv = ctl->hv;
	uint64_t len = off >= hv->mem.size ? 0 :
		(hv->mem.size - off < count ? hv->mem.size - off : count);
	const void *p = len ? gmem_at(&hv->mem, off, len) : "";
	uint8_t *copy;

	(void)f;
	if (!p)
		return -EFAULT;
	/* The debugger's int3 bytes read as the code under them. */
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, p, len);
	hv_debug_hide(hv, off, copy, len);
	p9_reply_read(r, copy, (uint32_t)len);
	free(copy);
	return 0;
}

static int mem_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     const uint8_t *data, uint32_t count)
{
	struct hv *hv = ctl->hv;
	void *p = gmem_at(&hv->mem, off, count);

	(void)f;
	if (!p)
		return -EFAULT;
	memcpy(p, data, count);
	hvb_ram_written(hv->vm, off, count);
	p9_reply_write(r, count);
	return 0;
}

static uint64_t mem_size(struct hv *hv)
{
	return hv->mem.size;
}

/* ---- image: the ELF image the partition was loaded from ----------------- */

static int image_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      uint32_t count)
{
	(void)f;
	return reply_pread(r, ctl->hv->img->fd, off, count);
}

static uint64_t image_size(struct hv *hv)
{
	return hv->img->file_size;
}

/* ---- debug: stop and end events; commands from its one owner ------------ */

/* Only an open for writing claims it: readers may wait for events. */
static int debug_open(struct hv_ctl *ctl, struct p9_fid *f, uint32_t acc)
{
	return acc != P9_ORDONLY ? hv_debug_claim(ctl->hv, f) : 0;
}

static int debug_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      uint32_t count)
{
	(void)count;
	if (off)
		return reply_text(r, "", 0, 0);
	return defer(ctl, r, f, N_DEBUG);
}

/* "ended exited 0", "ended crashed REASON", "ended killed REASON". */
static size_t end_line(struct hv *hv, char *buf, size_t len)
{
	static const char *const keys[] = { "state", "exit", "reason", NULL };

	return end_fields(hv, buf, len, (size_t)snprintf(buf, len, "ended"), keys, 0);
}

/* A stop, or the end; otherwise wait for one. */
static int debug_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	struct hv *hv = ctl->hv;
	char text[2048];

	if (hv_debug_event(hv, text, sizeof(text))) {
		reply_text(w->req, text, strlen(text), 0);
		return 1;
	}
	if (!has_ended(hv))
		return 0;
	reply_text(w->req, text, end_line(hv, text, sizeof(text)), 0);
	return 1;
}

static int debug_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		       const uint8_t *data, uint32_t count)
{
	char cmd[128];
	int e;

	(void)f;
	(void)off;
	if (command_text(data, count, cmd, sizeof(cmd)))
		return -EINVAL;
	e = hv_debug_command(ctl->hv, cmd);
	if (e)
		return e;
	p9_reply_write(r, p9_req_count(r));
	return 0;
}

/* The debugger went: the partition runs on, clean. */
static void debug_clunk(struct hv_ctl *ctl, struct p9_fid *f)
{
	hv_debug_release(ctl->hv, f);
}

/* ---- hcall: a controller hcall written, its result read back ------------ */

static int hcall_write(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		       const uint8_t *data, uint32_t count)
{
	struct ctl_open *o = f->aux;
	char line[1100];
	int e;

	(void)off;
	if (count >= sizeof(line) || command_text(data, count, line, sizeof(line)))
		return -EINVAL;
	o->result[0] = '\0';
	e = hv_hcall_ctl(ctl->hv, line, o->result, sizeof(o->result));
	if (e)
		return e;
	p9_reply_write(r, p9_req_count(r));
	return 0;
}

static int hcall_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      uint32_t count)
{
	const struct ctl_open *o = f->aux;

	(void)ctl;
	(void)count;
	return reply_text(r, o->result, strlen(o->result), off);
}

/* ---- trace: events as they happen, then the end ------------------------- */

static int trace_open(struct hv_ctl *ctl, struct p9_fid *f, uint32_t acc)
{
	struct ctl_open *o;
	int e = open_state(ctl, f, acc);

	if (e)
		return e;
	o = f->aux;
	if (hv_trace_open(ctl->hv, &o->cursor)) {
		free(o);
		f->aux = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int trace_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      uint32_t count)
{
	(void)off;
	(void)count;
	return defer(ctl, r, f, N_TRACE);
}

/* The last event: "t=N ev=end state=exited exit=0" (or signal=, reason=). */
static size_t trace_end_line(struct hv *hv, char *buf, size_t len)
{
	static const char *const keys[] = { "state", "exit", "signal", "reason", NULL };
	size_t n = (size_t)snprintf(buf, len, "t=%llu ev=end", (unsigned long long)hv_now(hv));

	return end_fields(hv, buf, len, n, keys, 1);
}

static int trace_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	struct hv *hv = ctl->hv;
	struct ctl_open *o = w->fid->aux;
	uint32_t count = p9_req_count(w->req);
	char text[2048], *buf;
	size_t n;

	if (hv_trace_pending(hv, o->cursor)) {
		buf = malloc(count);
		if (!buf) {
			p9_reply_error(w->req, ENOMEM);
			return 1;
		}
		n = hv_trace_read(hv, &o->cursor, buf, count);
		p9_reply_read(w->req, buf, (uint32_t)n);
		free(buf);
		return 1;
	}
	if (!has_ended(hv))
		return 0;
	if (o->end_sent) {
		p9_reply_read(w->req, "", 0); /* EOF */
		return 1;
	}
	o->end_sent = 1;
	n = trace_end_line(hv, text, sizeof(text));
	p9_reply_read(w->req, text, (uint32_t)n);
	return 1;
}

static void trace_clunk(struct hv_ctl *ctl, struct p9_fid *f)
{
	(void)f;
	hv_trace_close(ctl->hv);
}

/* ---- core: a core file, made from the partition as it is read ---------- */

/* An open of core (f->aux, freed by t_clunk after core_clunk). */
struct core_open {
	struct hv_dump *d;  /* made at the first read, once the vCPU is stopped */
	uint64_t off;       /* the read that waits for the vCPU to stop: its offset */
};

/*
 * Opening pauses a running partition, so that every read sees it as it
 * was at one moment; the last clunk (the clients are done, or gone)
 * resumes it.
 */
static int core_open(struct hv_ctl *ctl, struct p9_fid *f, uint32_t acc)
{
	struct hv *hv = ctl->hv;
	struct core_open *o = calloc(1, sizeof(*o));
	int e = 0;

	(void)acc;
	if (!o)
		return -ENOMEM;
	pthread_mutex_lock(&hv->lock);
	if (hv->state == HV_ENDED) {
		e = -ESRCH;
	} else if (hv->state == HV_RUNNING) {
		hv_request(hv, HV_REQ_PAUSE);
		hv->core_after = HV_REQ_RESUME;
	}
	if (!e)
		hv->core_opens++;
	pthread_mutex_unlock(&hv->lock);
	if (e) {
		free(o);
		return e;
	}
	f->aux = o;
	return 0;
}

/* Replies to r with the core's bytes, or returns P9_DEFER until the vCPU has stopped. */
static int core_serve(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		      uint32_t count)
{
	struct hv *hv = ctl->hv;
	struct core_open *o = f->aux;
	struct lerr err = { 0, "" };
	enum hv_state s;
	uint8_t *buf;
	size_t n;
	int e;

	pthread_mutex_lock(&hv->lock);
	s = hv->state;
	/* Someone resumed it before the snapshot: pause it again. */
	if (s == HV_RUNNING && !o->d && !(hv->req & HV_REQ_PAUSE)) {
		hv_request(hv, HV_REQ_PAUSE);
		hv->core_after = HV_REQ_RESUME;
	}
	pthread_mutex_unlock(&hv->lock);
	/* Ended meanwhile: what was read may be torn, so say so. */
	if (s == HV_ENDED)
		return -ESRCH;
	if (!o->d && s == HV_RUNNING)
		return P9_DEFER;
	if (!o->d && (e = hv_dump_plan(hv, &o->d, &err)))
		return e;
	buf = malloc(count ? count : 1);
	if (!buf)
		return -ENOMEM;
	n = off < hv_dump_size(o->d) ? hv_dump_read(hv, o->d, off, buf, count) : 0;
	p9_reply_read(r, buf, (uint32_t)n);
	free(buf);
	return 0;
}

static int core_read(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     uint32_t count)
{
	struct core_open *o = f->aux;
	int e = core_serve(ctl, r, f, off, count);

	if (e != P9_DEFER)
		return e;
	o->off = off;
	return defer(ctl, r, f, N_CORE);
}

static int core_answer(struct hv_ctl *ctl, struct ctl_waiter *w)
{
	const struct core_open *o = w->fid->aux;
	int e = core_serve(ctl, w->req, w->fid, o->off, p9_req_count(w->req));

	if (e == P9_DEFER)
		return 0;
	if (e)
		p9_reply_error(w->req, -e);
	return 1;
}

/*
 * The last open gone, resumes what the opens paused (not a partition
 * panicked meanwhile, which only ends).
 */
static void core_clunk(struct hv_ctl *ctl, struct p9_fid *f)
{
	struct hv *hv = ctl->hv;
	struct core_open *o = f->aux;

	if (!o)
		return;
	hv_dump_free(o->d);
	o->d = NULL;
	pthread_mutex_lock(&hv->lock);
	if (--hv->core_opens == 0 && hv->core_after) {
		if (hv->core_after == HV_REQ_RESUME && hv->state == HV_PAUSED &&
		    !hv_ctl_panicked(hv))
			hv_request(hv, HV_REQ_RESUME);
		else if (hv->core_after == HV_REQ_START && hv->state == HV_CREATED)
			hv_request(hv, HV_REQ_START);
		hv->core_after = 0;
	}
	pthread_mutex_unlock(&hv->lock);
}

/* ---- the tree ------------------------------------------------------------ */

static const struct ctl_file files[N_COUNT] = {
	[N_ROOT] = { .node = { "/", N_ROOT, 1, 0500 } },
	[N_CTL] = { .node = { "ctl", N_ROOT, 0, 0200 }, .write = ctl_write, .answer = ctl_answer },
	[N_STATUS] = { .node = { "status", N_ROOT, 0, 0400 }, .read = status_read },
	[N_WAIT] = { .node = { "wait", N_ROOT, 0, 0400 }, .open = open_state, .read = wait_read,
		     .answer = wait_answer },
	[N_CONS] = { .node = { "cons", N_ROOT, 0, 0600 }, .open = open_state, .read = cons_read,
		     .answer = cons_answer, .write = cons_write },
	[N_LOG] = { .node = { "log", N_ROOT, 0, 0400 }, .read = log_read, .size = log_size },
	[N_VCPU] = { .node = { "vcpu", N_ROOT, 1, 0500 } },
	[N_VCPU0] = { .node = { "0", N_VCPU, 1, 0500 } },
	[N_REGS] = { .node = { "regs", N_VCPU0, 0, 0600 }, .read = regs_read, .write = regs_write },
	[N_MMU] = { .node = { "mmu", N_VCPU0, 0, 0400 }, .read = mmu_read },
	[N_MEM] = { .node = { "mem", N_ROOT, 0, 0600 }, .read = mem_read, .write = mem_write,
		    .size = mem_size },
	[N_IMAGE] = { .node = { "image", N_ROOT, 0, 0400 }, .read = image_read, .size = image_size },
	[N_DEBUG] = { .node = { "debug", N_ROOT, 0, 0600 }, .open = debug_open, .read = debug_read,
		      .answer = debug_answer, .write = debug_write, .clunk = debug_clunk },
	[N_HCALL] = { .node = { "hcall", N_ROOT, 0, 0600 }, .open = open_state, .write = hcall_write,
		      .read = hcall_read },
	[N_TRACE] = { .node = { "trace", N_ROOT, 0, 0400 }, .open = trace_open, .read = trace_read,
		      .answer = trace_answer, .clunk = trace_clunk },
	[N_CORE] = { .node = { "core", N_ROOT, 0, 0400 }, .open = core_open, .read = core_read,
		     .answer = core_answer, .clunk = core_clunk },
};

/* ---- the 9P operations: the tree's, then the file's --------------------- */

static const struct ctl_file *file_of(const void *node)
{
	return &files[p9_tree_num(node)];
}

static int t_attach(void *fs, const char *aname, uint32_t uid, void **node,
		    struct p9_qid *qid)
{
	(void)fs;
	(void)uid;
	if (*aname && strcmp(aname, "/") && strcmp(aname, "ctl"))
		return -ENOENT;
	p9_tree_attach(&tree, node, qid);
	return 0;
}

static int t_walk(void *fs, void *node, const char *name, void **child,
		  struct p9_qid *qid)
{
	(void)fs;
	return p9_tree_step(&tree, node, name, child, qid);
}

static int t_open(void *fs, struct p9_fid *f, uint32_t flags, struct p9_qid *qid)
{
	const struct ctl_file *file = file_of(f->node);
	uint32_t acc = flags & 3;

	if ((acc != P9_ORDONLY && !(file->node.mode & 0200)) ||
	    (acc != P9_OWRONLY && !(file->node.mode & 0400)))
		return -EACCES;
	if (file->open) {
		int e = file->open(fs, f, acc);

		if (e)
			return e;
	}
	p9_tree_qid(&tree, p9_tree_num(f->node), qid);
	return 0;
}

static int t_read(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		  uint32_t count)
{
	const struct ctl_file *file = file_of(f->node);

	return file->read ? file->read(fs, r, f, off, count) : -EISDIR;
}

static int t_write(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		   const uint8_t *data, uint32_t count)
{
	const struct ctl_file *file = file_of(f->node);

	return file->write ? file->write(fs, r, f, off, data, count) : -EACCES;
}

static int t_getattr(void *fs, void *node, struct p9_attr *a)
{
	struct hv_ctl *ctl = fs;
	const struct ctl_file *file = file_of(node);

	p9_tree_getattr(&tree, node, a);
	a->uid = geteuid();
	a->gid = getegid();
	if (file->size)
		a->size = file->size(ctl->hv);
	a->mtime_sec = a->ctime_sec = a->atime_sec =
		(uint64_t)time(NULL);
	return 0;
}

static int t_readdir(void *fs, void *node, uint64_t off, struct p9_buf *out)
{
	(void)fs;
	p9_tree_readdir(&tree, node, off, out);
	return 0;
}

static void drop_waiter(struct hv_ctl *ctl, struct p9_req *r, struct p9_fid *f)
{
	struct ctl_waiter **pp = &ctl->waiters;

	while (*pp) {
		struct ctl_waiter *w = *pp;

		if ((r && w->req == r) || (f && w->fid == f)) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

static void t_cancel(void *fs, struct p9_req *r)
{
	drop_waiter(fs, r, NULL);
}

static void t_clunk(void *fs, struct p9_fid *f)
{
	const struct ctl_file *file = file_of(f->node);

	drop_waiter(fs, NULL, f);
	if (file->clunk && f->opened)
		file->clunk(fs, f);
	free(f->aux);
	f->aux = NULL;
}

void hv_ctltree_wake(struct hv_ctl *ctl)
{
	struct ctl_waiter **pp = &ctl->waiters;

	while (*pp) {
		struct ctl_waiter *w = *pp;

		if (files[w->node].answer(ctl, w)) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

const struct p9_fs_ops hv_ctltree_ops = {
	.attach = t_attach,
	.walk = t_walk,
	.open = t_open,
	.read = t_read,
	.write = t_write,
	.getattr = t_getattr,
	.readdir = t_readdir,
	.clunk = t_clunk,
	.cancel = t_cancel,
};
