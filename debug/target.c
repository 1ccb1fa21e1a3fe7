/* SPDX-License-Identifier: ISC
 * A debug target over a partition's control tree: the debug file on two
 * connections (one blocks for events, the other carries commands, so a
 * stop can be asked for while another thread waits), registers through
 * vcpu/0/regs, and memory through libpart's part_mem (the window or the
 * mem file) with guest-virtual addresses translated by walking the vCPU's
 * page tables.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/core.h"
#include "../elf/elf.h"
#include "../libpart/image.h"
#include "../libpart/mem.h"
#include "../libpart/part.h"
#include "proto.h"
#include "target.h"

#define DBG_MAX_BREAKS 64
#define DBG_MAX_WATCHES 8

struct dbg_break {
	uint64_t addr;
	uint8_t orig;     /* the byte under the int3, shown in reads */
};

struct dbg_target {
	char name[PART_NAME_MAX + 1];
	long pid;
	struct part *p;          /* its connection carries commands */
	struct part_debug *dbg;  /* the claim on its debug file */
	pthread_mutex_t lock;    /* the command connection and what follows */
	struct part_mem *mem;    /* guest-virtual, through the vCPU's page tables */
	struct part_image *img;
	struct elf_core *core;   /* a core file instead of a partition: read-only */
	struct vcpu_regs regs;    /* cached while stopped */
	int regs_valid;
	struct dbg_break breaks[DBG_MAX_BREAKS];
	size_t nbreaks;
	int ended;
};

const char *dbg_name(const struct dbg_target *t) { return t->name; }
const struct elf_image *dbg_image(const struct dbg_target *t) { return part_image_elf(t->img); }
const char *dbg_image_path(const struct dbg_target *t) { return part_image_shown(t->img); }
long dbg_pid(const struct dbg_target *t) { return t->pid; }
int dbg_ended(const struct dbg_target *t) { return t->ended; }
const struct elf_core *dbg_core(const struct dbg_target *t) { return t->core; }

/* What everything that would run or change a core answers. */
static int core_err(struct lerr *err)
{
	return lerr_set(err, EPERM, DBG_CORE_NOT_RUN);
}

static int ended_err(struct dbg_target *t, struct lerr *err)
{
	t->ended = 1;
	return lerr_set(err, ESRCH, "partition '%s' has ended", t->name);
}

/* Sends one command to the debug file; the lock is held. */
static int command_locked(struct dbg_target *t, const char *cmd)
{
	return part_debug_command(t->dbg, cmd);
}

static int command(struct dbg_target *t, const char *cmd)
{
	int r;

	pthread_mutex_lock(&t->lock);
	r = command_locked(t, cmd);
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int regs_fetch_locked(struct dbg_target *t, struct lerr *err)
{
	char *text = NULL;
	ssize_t n;

	if (t->regs_valid)
		return 0;
	if (t->core) {
		t->regs = t->core->regs;
		t->regs_valid = 1;
		return 0;
	}
	n = part_regs_read(t->p, 0, &text);
	if (n < 0) {
		if (n == -EBUSY)
			return lerr_set(err, EBUSY, "partition '%s' is running", t->name);
		return lerr_set(err, (int)-n, "cannot read the registers of '%s': %s",
				t->name, strerror((int)-n));
	}
	memset(&t->regs, 0, sizeof(t->regs));
	n = dbg_regs_parse(text, &t->regs);
	free(text);
	if (n <= 0)
		return lerr_set(err, EPROTO, "partition '%s' sent malformed registers", t->name);
	t->regs_valid = 1;
	return 0;
}

int dbg_regs_get(struct dbg_target *t, struct vcpu_regs *r, struct lerr *err)
{
	int e;

	pthread_mutex_lock(&t->lock);
	e = regs_fetch_locked(t, err);
	if (!e)
		*r = t->regs;
	pthread_mutex_unlock(&t->lock);
	return e;
}

int dbg_regs_set(struct dbg_target *t, const struct vcpu_regs *r, struct lerr *err)
{
	char text[1024];
	size_t n;
	int e;

	if (t->core)
		return core_err(err);
	n = dbg_regs_format(r, text, sizeof(text));
	pthread_mutex_lock(&t->lock);
	e = part_regs_write(t->p, 0, text, n);
	t->regs_valid = 0;
	pthread_mutex_unlock(&t->lock);
	if (e == -EBUSY)
		return lerr_set(err, EBUSY, "partition '%s' is running", t->name);
	if (e)
		return lerr_set(err, -e, "cannot write the registers of '%s': %s", t->name,
				strerror(-e));
	return 0;
}

/* ---- memory ---- */

/* Reads or writes guest-virtual memory, all of it or none; the lock is held. */
static int virt_rw_locked(struct dbg_target *t, uint64_t va, void *buf, size_t len,
			  int write, struct lerr *err)
{
	struct lerr why = { 0 };
	uint64_t bad = va;
	int e = part_mem_check(t->mem, va, len, &bad, &why);

	if (!e)
		e = write ? part_mem_write(t->mem, va, buf, len, &why)
			  : part_mem_read(t->mem, va, buf, len, &why);
	if (e)
		return lerr_set(err, EFAULT, "Cannot access memory at address 0x%llx",
				(unsigned long long)bad);
	return 0;
}

int dbg_mem_read(struct dbg_target *t, uint64_t addr, void *buf, size_t len,
		 struct lerr *err)
{
	int e;

	pthread_mutex_lock(&t->lock);
	e = virt_rw_locked(t, addr, buf, len, 0, err);
	/* The int3 bytes are ours: show the code under them. */
	for (size_t i = 0; !e && i < t->nbreaks; i++) {
		uint64_t a = t->breaks[i].addr;

		if (a >= addr && a - addr < len)
			((uint8_t *)buf)[a - addr] = t->breaks[i].orig;
	}
	pthread_mutex_unlock(&t->lock);
	return e;
}

int dbg_mem_write(struct dbg_target *t, uint64_t addr, const void *buf,
		  size_t len, struct lerr *err)
{
	uint64_t lifted[DBG_MAX_BREAKS];
	size_t nlifted = 0;
	char cmd[64];
	int e = 0;

	if (t->core)
		return core_err(err);
	pthread_mutex_lock(&t->lock);
	/*
	 * A write over a planted breakpoint: lift it first so the monitor
	 * keeps the new byte as the original, then plant it again.
	 */
	for (size_t i = 0; i < t->nbreaks; i++) {
		uint64_t a = t->breaks[i].addr;

		if (a >= addr && a - addr < len) {
			snprintf(cmd, sizeof(cmd), "delete 0x%llx", (unsigned long long)a);
			if (command_locked(t, cmd) == 0)
				lifted[nlifted++] = a;
		}
	}
	e = virt_rw_locked(t, addr, (void *)buf, len, 1, err);
	for (size_t i = 0; i < nlifted; i++) {
		snprintf(cmd, sizeof(cmd), "break 0x%llx", (unsigned long long)lifted[i]);
		for (size_t j = 0; j < t->nbreaks; j++)
			if (t->breaks[j].addr == lifted[i])
				t->breaks[j].orig = ((const uint8_t *)buf)[lifted[i] - addr];
		if (command_locked(t, cmd) && !e)
			e = lerr_set(err, EIO, "cannot plant the breakpoint at 0x%llx again",
				     (unsigned long long)lifted[i]);
	}
	pthread_mutex_unlock(&t->lock);
	return e;
}

/* ---- breakpoints and watchpoints ---- */

int dbg_has_break(struct dbg_target *t, uint64_t addr)
{
	int found = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nbreaks; i++)
		found |= t->breaks[i].addr == addr;
	pthread_mutex_unlock(&t->lock);
	return found;
}

int dbg_break(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	char cmd[64];
	uint8_t orig;
	int e;

	if (t->core)
		return core_err(err);
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nbreaks; i++)
		if (t->breaks[i].addr == addr) {
			pthread_mutex_unlock(&t->lock);
			return lerr_set(err, EEXIST, "a breakpoint is already planted at 0x%llx",
					(unsigned long long)addr);
		}
	if (t->nbreaks == DBG_MAX_BREAKS) {
		pthread_mutex_unlock(&t->lock);
		return lerr_set(err, ENOSPC, "too many breakpoints (at most %d)", DBG_MAX_BREAKS);
	}
	e = virt_rw_locked(t, addr, &orig, 1, 0, err);
	if (!e) {
		snprintf(cmd, sizeof(cmd), "break 0x%llx", (unsigned long long)addr);
		e = command_locked(t, cmd);
		if (!e)
			t->breaks[t->nbreaks++] = (struct dbg_break){ addr, orig };
		else if (e == -EFAULT)
			lerr_set(err, EFAULT,
				 "Cannot insert breakpoint at 0x%llx: not in the partition's executable memory",
				 (unsigned long long)addr);
		else if (e == -ESRCH)
			ended_err(t, err);
		else if (e == -ENOSPC)
			lerr_set(err, ENOSPC, "too many breakpoints (the monitor allows %d)",
				 DBG_MAX_BREAKS);
		else
			lerr_set(err, -e, "cannot insert breakpoint at 0x%llx: %s",
				 (unsigned long long)addr, strerror(-e));
	}
	pthread_mutex_unlock(&t->lock);
	return e;
}

int dbg_delete(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	char cmd[64];
	int e;

	if (t->core)
		return core_err(err);
	snprintf(cmd, sizeof(cmd), "delete 0x%llx", (unsigned long long)addr);
	pthread_mutex_lock(&t->lock);
	e = command_locked(t, cmd);
	if (!e || e == -ENOENT || e == -ESRCH) {
		for (size_t i = 0; i < t->nbreaks; i++)
			if (t->breaks[i].addr == addr) {
				t->breaks[i] = t->breaks[--t->nbreaks];
				break;
			}
	}
	pthread_mutex_unlock(&t->lock);
	if (e == -ENOENT)
		return lerr_set(err, ENOENT, "no breakpoint at 0x%llx", (unsigned long long)addr);
	if (e == -ESRCH)
		return ended_err(t, err);
	if (e)
		return lerr_set(err, -e, "cannot delete the breakpoint at 0x%llx: %s",
				(unsigned long long)addr, strerror(-e));
	return 0;
}

int dbg_watch(struct dbg_target *t, uint64_t addr, uint64_t len, char kind,
	      struct lerr *err)
{
	char cmd[96];
	int e;

	if (t->core)
		return core_err(err);
	if (kind != 'w' && kind != 'r' && kind != 'a')
		return lerr_set(err, EINVAL, "unknown watchpoint kind '%c'", kind);
	if (len < 1 || len > 4096)
		return lerr_set(err, EINVAL, "cannot watch %llu bytes (1 to 4096)",
				(unsigned long long)len);
	snprintf(cmd, sizeof(cmd), "watch 0x%llx %llu %c", (unsigned long long)addr,
		 (unsigned long long)len, kind);
	e = command(t, cmd);
	switch (-e) {
	case 0:
		return 0;
	case EFAULT:
		return lerr_set(err, EFAULT, "Cannot watch memory at address 0x%llx",
				(unsigned long long)addr);
	case ENOSPC:
		return lerr_set(err, ENOSPC, "too many watchpoints (at most %d)", DBG_MAX_WATCHES);
	case ESRCH:
		return ended_err(t, err);
	default:
		return lerr_set(err, -e, "cannot set a watchpoint at 0x%llx: %s",
				(unsigned long long)addr, strerror(-e));
	}
}

int dbg_unwatch(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	char cmd[64];
	int e;

	if (t->core)
		return core_err(err);
	snprintf(cmd, sizeof(cmd), "unwatch 0x%llx", (unsigned long long)addr);
	e = command(t, cmd);
	if (e == -ENOENT)
		return lerr_set(err, ENOENT, "no watchpoint at 0x%llx", (unsigned long long)addr);
	if (e == -ESRCH)
		return ended_err(t, err);
	if (e)
		return lerr_set(err, -e, "cannot remove the watchpoint at 0x%llx: %s",
				(unsigned long long)addr, strerror(-e));
	return 0;
}

/* ---- running ---- */

static int run_command(struct dbg_target *t, const char *cmd, struct lerr *err)
{
	int e;

	if (t->core)
		return core_err(err);
	pthread_mutex_lock(&t->lock);
	e = command_locked(t, cmd);
	t->regs_valid = 0;
	pthread_mutex_unlock(&t->lock);
	if (e == -ESRCH)
		return ended_err(t, err);
	if (e == -EAGAIN)
		return lerr_set(err, EAGAIN,
				"partition '%s' is held for a core file; try again",
				t->name);
	if (e)
		return lerr_set(err, -e, "cannot %s partition '%s': %s", cmd, t->name,
				strerror(-e));
	return 0;
}

int dbg_gcore(struct dbg_target *t, const char *file, struct lerr *err)
{
	int e;

	if (t->core)
		return core_err(err);
	pthread_mutex_lock(&t->lock);
	e = part_core_save(t->p, file, 0, NULL, err);
	pthread_mutex_unlock(&t->lock);
	return e ? -err->code : 0;
}

int dbg_cont(struct dbg_target *t, struct lerr *err)
{
	return run_command(t, "cont", err);
}

int dbg_step(struct dbg_target *t, unsigned n, struct lerr *err)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "step %u", n ? n : 1);
	return run_command(t, cmd, err);
}

int dbg_stop(struct dbg_target *t, struct lerr *err)
{
	return run_command(t, "stop", err);
}

int dbg_kill(struct dbg_target *t, struct lerr *err)
{
	int e;

	if (t->core)
		return core_err(err);
	pthread_mutex_lock(&t->lock);
	e = part_ctl(t->p, "kill", err);
	t->regs_valid = 0;
	pthread_mutex_unlock(&t->lock);
	if (e == -ESRCH)
		t->ended = 1;
	return e;
}

/* How the partition ended, from its status record once its monitor is gone. */
static int ended_from_record(struct dbg_target *t, struct dbg_event *ev, struct lerr *err)
{
	struct part_status st;
	struct lerr e2 = { 0 };
	char line[1200];

	if (part_status_by_name(t->name, &st, &e2) || !part_status_ended(&st))
		return lerr_set(err, EPIPE, "lost the connection to partition '%s'", t->name);
	if (!strcmp(st.state, "exited"))
		snprintf(line, sizeof(line), "ended exited %d", st.exit_status);
	else
		snprintf(line, sizeof(line), "ended %s %s", st.state, st.reason);
	dbg_event_parse(line, ev);
	t->ended = 1;
	return 0;
}

int dbg_wait(struct dbg_target *t, struct dbg_event *ev, struct lerr *err)
{
	char buf[1024];
	ssize_t n;

	/* A core stands still where it was written. */
	if (t->core) {
		memset(ev, 0, sizeof(*ev));
		ev->kind = DBG_STOP_ATTACH;
		ev->rip = t->core->regs.rip;
		return 0;
	}
	if (t->ended)
		return ended_from_record(t, ev, err);
	n = part_debug_event(t->dbg, buf, sizeof(buf));
	if (n <= 0)
		return ended_from_record(t, ev, err);
	if (dbg_event_parse(buf, ev))
		return lerr_set(err, EPROTO, "partition '%s' sent a malformed debug event",
				t->name);
	pthread_mutex_lock(&t->lock);
	t->regs_valid = 0;
	pthread_mutex_unlock(&t->lock);
	if (ev->kind == DBG_ENDED)
		t->ended = 1;
	return 0;
}

/* ---- attaching ---- */

int dbg_attach(const char *name, struct dbg_target **out, struct lerr *err)
{
	struct part_status st;
	struct dbg_target *t;
	int e;

	t = calloc(1, sizeof(*t));
	if (!t)
		return lerr_set(err, ENOMEM, "out of memory");
	pthread_mutex_init(&t->lock, NULL);
	snprintf(t->name, sizeof(t->name), "%s", name);
	e = part_open(name, &t->p, &st, err);
	if (e) {
		free(t);
		return e;
	}
	e = part_debug_open(t->p, &t->dbg, err);
	if (!e)
		e = part_status(t->p, &st, err);
	if (e)
		goto fail;
	t->pid = st.pid;
	e = part_mem_open(t->p, &st, &t->mem, err);
	if (!e)
		e = part_mem_set_virt(t->mem, err);
	if (e)
		goto fail;
	e = part_image_load(t->p, &st, &t->img, err);
	if (e)
		goto fail;
	*out = t;
	return 0;
fail:
	dbg_detach(t);
	return e;
}

/*
 * A core: its image is the one given or, else, the one its NT_FILE note
 * names.  Without an image there are no symbols to debug with.
 */
static int core_image(struct dbg_target *t, const char *image, struct lerr *err)
{
	struct lerr why = { 0 };
	const char *path = image ? image : t->core->image;
	char clean[1024];

	if (!*path)
		return lerr_set(err, ENOENT,
				"core '%s' names no image: give it (lpar attach --core CORE IMAGE)",
				t->core->path);
	if (part_image_open(path, &t->img, &why) == 0)
		return 0;
	/* A path the core names is the core's text, not the user's. */
	text_sanitize(clean, sizeof(clean), path, strlen(path));
	path = clean;
	if (image)
		return lerr_set(err, why.code, "cannot read image '%s': %s", path, why.msg);
	return lerr_set(err, why.code,
			"cannot read image '%s', which core '%s' names: %s (give it: lpar attach --core CORE IMAGE)",
			path, t->core->path, why.msg);
}

int dbg_open_core(const char *core, const char *image, struct dbg_target **out,
		  struct lerr *err)
{
	struct lerr why = { 0 };
	struct dbg_target *t;
	const char *base;
	int e;

	t = calloc(1, sizeof(*t));
	if (!t)
		return lerr_set(err, ENOMEM, "out of memory");
	pthread_mutex_init(&t->lock, NULL);
	e = elf_core_open(core, &t->core, &why);
	if (e) {
		lerr_set(err, why.code, "cannot read core '%s': %s", core, why.msg);
		goto fail;
	}
	/* Named as the partition was, else as the file is. */
	base = strrchr(core, '/') ? strrchr(core, '/') + 1 : core;
	snprintf(t->name, sizeof(t->name), "%s",
		 t->core->have_lpar && t->core->lpar.name[0] ? t->core->lpar.name : base);
	t->pid = t->core->pid;
	e = part_mem_open_core(t->core, &t->mem, err);
	if (!e)
		e = core_image(t, image, err);
	if (e)
		goto fail;
	*out = t;
	return 0;
fail:
	dbg_detach(t);
	return e;
}

void dbg_detach(struct dbg_target *t)
{
	if (!t)
		return;
	part_debug_close(t->dbg);
	if (t->mem)
		part_mem_close(t->mem);
	elf_core_close(t->core);
	part_close(t->p);
	part_image_free(t->img);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
