/* SPDX-License-Identifier: ISC */
/*
 * A debug target for the GDB stub's harness, in place of debug/target.c:
 * 64 KiB of memory at FAKE_BASE, registers, and a partition that, resumed,
 * stops at once at a breakpoint or watchpoint if one is set, after a step
 * at once, and otherwise runs until asked to stop; every fifth resume it
 * ends instead.  Deterministic for one input (fake_target_reset()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../../common/err.h"
#include "../../debug/target.h"
#include "../../elf/elf.h"
#include "fake_target.h"

#define NBREAK 64

struct dbg_target {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t mem[FAKE_SIZE];
	struct vcpu_regs regs;
	uint64_t breaks[NBREAK];
	size_t nbreaks;
	uint64_t watch;       /* a watched address, or 0 */
	int running, stop, stepping, ended, resumes;
};

static struct dbg_target fake = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
static struct elf_image img = { .path = (char *)"/proc/self/exe" };

struct dbg_target *fake_target_reset(void)
{
	memset(fake.mem, 0x90, sizeof(fake.mem));
	memset(&fake.regs, 0, sizeof(fake.regs));
	fake.regs.rip = FAKE_BASE + 0x100;
	fake.regs.rsp = FAKE_BASE + FAKE_SIZE - 64;
	fake.regs.cs = 0x2b;
	fake.regs.rflags = 0x202;
	fake.nbreaks = 0;
	fake.watch = 0;
	fake.running = fake.stop = fake.stepping = fake.ended = fake.resumes = 0;
	return &fake;
}

const char *dbg_name(const struct dbg_target *t)
{
	(void)t;
	return "fuzz";
}

const struct elf_image *dbg_image(const struct dbg_target *t)
{
	(void)t;
	return &img;
}

static int ended(struct dbg_target *t, struct lerr *err)
{
	return t->ended ? lerr_set(err, ESRCH, "the partition has ended") : 0;
}

int dbg_regs_get(struct dbg_target *t, struct vcpu_regs *r, struct lerr *err)
{
	int e = ended(t, err);

	if (!e)
		*r = t->regs;
	return e;
}

int dbg_regs_set(struct dbg_target *t, const struct vcpu_regs *r, struct lerr *err)
{
	int e = ended(t, err);

	if (!e)
		t->regs = *r;
	return e;
}

static int range(uint64_t addr, size_t len, struct lerr *err)
{
	if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (addr - FAKE_BASE))
		return lerr_set(err, EFAULT, "Cannot access memory at address 0x%llx",
				(unsigned long long)addr);
	return 0;
}

int dbg_mem_read(struct dbg_target *t, uint64_t addr, void *buf, size_t len, struct lerr *err)
{
	int e = ended(t, err);

	if (!e)
		e = range(addr, len, err);
	if (!e)
		memcpy(buf, t->mem + (addr - FAKE_BASE), len);
	return e;
}

int dbg_mem_write(struct dbg_target *t, uint64_t addr, const void *buf, size_t len,
		  struct lerr *err)
{
	int e = ended(t, err);

	if (!e)
		e = range(addr, len, err);
	if (!e)
		memcpy(t->mem + (addr - FAKE_BASE), buf, len);
	return e;
}

int dbg_has_break(struct dbg_target *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nbreaks; i++)
		if (t->breaks[i] == addr)
			return 1;
	return 0;
}

int dbg_break(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	int e = ended(t, err);

	if (!e)
		e = range(addr, 1, err);
	if (e || dbg_has_break(t, addr))
		return e;
	if (t->nbreaks == NBREAK)
		return lerr_set(err, ENOSPC, "too many breakpoints");
	t->breaks[t->nbreaks++] = addr;
	return 0;
}

int dbg_delete(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	for (size_t i = 0; i < t->nbreaks; i++)
		if (t->breaks[i] == addr) {
			t->breaks[i] = t->breaks[--t->nbreaks];
			return 0;
		}
	return lerr_set(err, ENOENT, "no breakpoint at 0x%llx", (unsigned long long)addr);
}

int dbg_watch(struct dbg_target *t, uint64_t addr, uint64_t len, char kind, struct lerr *err)
{
	int e = ended(t, err);

	if (!e && (len == 0 || len > 8 || (kind != 'w' && kind != 'r' && kind != 'a')))
		e = lerr_set(err, EINVAL, "bad watchpoint");
	if (!e)
		e = range(addr, len, err);
	if (!e && t->watch)
		e = lerr_set(err, ENOSPC, "one watchpoint at a time");
	if (!e)
		t->watch = addr;
	return e;
}

int dbg_unwatch(struct dbg_target *t, uint64_t addr, struct lerr *err)
{
	if (!t->watch || t->watch != addr)
		return lerr_set(err, ENOENT, "no watchpoint at 0x%llx", (unsigned long long)addr);
	t->watch = 0;
	return 0;
}

static int resume(struct dbg_target *t, int step, struct lerr *err)
{
	int e = ended(t, err);

	if (e)
		return e;
	pthread_mutex_lock(&t->lock);
	t->running = 1;
	t->stop = 0;
	t->stepping = step;
	if (++t->resumes % 5 == 0)
		t->ended = 1;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int dbg_cont(struct dbg_target *t, struct lerr *err)
{
	return resume(t, 0, err);
}

int dbg_step(struct dbg_target *t, unsigned n, struct lerr *err)
{
	(void)n;
	return resume(t, 1, err);
}

int dbg_stop(struct dbg_target *t, struct lerr *err)
{
	(void)err;
	pthread_mutex_lock(&t->lock);
	t->stop = 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int dbg_wait(struct dbg_target *t, struct dbg_event *ev, struct lerr *err)
{
	(void)err;
	memset(ev, 0, sizeof(*ev));
	pthread_mutex_lock(&t->lock);
	if (t->ended) {
		ev->kind = DBG_ENDED;
		snprintf(ev->text, sizeof(ev->text), "ended exited 3");
	} else if (t->stepping) {
		ev->kind = DBG_STOP_STEP;
		t->regs.rip++;
	} else if (t->nbreaks) {
		ev->kind = DBG_STOP_BREAKPOINT;
		ev->addr = t->regs.rip = t->breaks[0];
	} else if (t->watch) {
		ev->kind = DBG_STOP_WATCH;
		ev->addr = t->watch;
		ev->watch_kind = 'w';
		ev->old = 1, ev->new = 2;
	} else {
		while (!t->stop)
			pthread_cond_wait(&t->cond, &t->lock);
		ev->kind = DBG_STOP_INTERRUPT;
	}
	ev->rip = t->regs.rip;
	t->running = 0;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int dbg_kill(struct dbg_target *t, struct lerr *err)
{
	(void)err;
	t->ended = 1;
	return 0;
}

int dbg_ended(const struct dbg_target *t)
{
	return t->ended;
}
