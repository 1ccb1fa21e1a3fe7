/* SPDX-License-Identifier: ISC */
/*
 * A backend for the fuzz harnesses, in place of hv/backend.c, hv/kvm.c and
 * hv/tcg.c: a VM whose RAM is the monitor's mapping and a vCPU that is only
 * registers.  It never runs code (cpu_run fails); the harnesses set the
 * registers and call the monitor the way an exit would.  Doorbells exit to
 * the monitor (HVB_CAP_DOORBELL_EXITS), so a device serves them at once on
 * the caller's thread: what a harness feeds a ring is handled before the
 * call returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/err.h"
#include "../../hv/backend.h"

struct fake_vm {
	struct hvb_vm vm;
	struct fake_cpu *cpu;
};

struct fake_cpu {
	struct hvb_cpu cpu;
	struct hv_regs regs;
	struct hv_sregs sregs;
	struct hv_segs segs;
};

extern const struct hvb_ops hvb_fake;
const struct hvb_ops *const hvb_backends[] = { &hvb_fake, NULL };

const struct hvb_ops *hvb_find(const char *name)
{
	return !strcmp(name, hvb_fake.name) ? &hvb_fake : NULL;
}

int hvb_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err)
{
	if (p->accel && strcmp(p->accel, "auto") && !hvb_find(p->accel))
		return lerr_set(err, EINVAL, "unknown accelerator '%s' (the fuzz build has 'fake')",
				p->accel);
	return hvb_fake.open(p, out, err);
}

static int f_probe(const struct hvb_params *p, struct lerr *err)
{
	(void)p;
	(void)err;
	return 0;
}

static int f_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err)
{
	struct fake_vm *v = calloc(1, sizeof(*v));

	(void)p;
	if (!v)
		return lerr_set(err, ENOMEM, "out of memory");
	v->vm.ops = &hvb_fake;
	*out = &v->vm;
	return 0;
}

static int f_map_ram(struct hvb_vm *vm, void *host, uint64_t size, struct lerr *err)
{
	(void)vm, (void)host, (void)size, (void)err;
	return 0;
}

static int f_ram_guard(struct hvb_vm *vm, uint64_t page, int mode)
{
	(void)vm, (void)page, (void)mode;
	return 0;
}

static int f_ioeventfd(struct hvb_vm *vm, uint16_t port, uint32_t value, int fd, int assign)
{
	(void)vm, (void)port, (void)value, (void)fd, (void)assign;
	return 0;
}

static int f_cpuid(struct hvb_vm *vm, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	(void)vm, (void)leaf, (void)sub;
	memset(out, 0, 4 * sizeof(out[0]));
	return 0;
}

static int f_cpu_create(struct hvb_vm *vm, const struct hv_boot_state *bs,
			const sigset_t *sigmask, struct hvb_cpu **out, struct lerr *err)
{
	struct fake_vm *v = (struct fake_vm *)vm;
	struct fake_cpu *c = calloc(1, sizeof(*c));

	(void)sigmask;
	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->cpu.ops = &hvb_fake;
	c->regs.rip = bs->rip;
	c->regs.rsp = bs->rsp;
	c->regs.rdi = bs->rdi;
	c->regs.rflags = bs->rflags;
	c->sregs = (struct hv_sregs){ bs->cr0, 0, bs->cr3, bs->cr4, bs->efer };
	c->segs.cs = bs->code_sel;
	c->segs.ss = c->segs.ds = c->segs.es = bs->data_sel;
	v->cpu = c;
	*out = &c->cpu;
	return 0;
}

static int f_cpu_run(struct hvb_cpu *cpu, struct hvb_exit *ex)
{
	(void)cpu, (void)ex;
	return -ENOSYS;
}

static struct hv_regs *f_cpu_regs(struct hvb_cpu *cpu)
{
	return &((struct fake_cpu *)cpu)->regs;
}

static void f_cpu_nop(struct hvb_cpu *cpu)
{
	(void)cpu;
}

static int f_cpu_sregs(struct hvb_cpu *cpu, struct hv_sregs *out)
{
	*out = ((struct fake_cpu *)cpu)->sregs;
	return 0;
}

static int f_cpu_resume_user(struct hvb_cpu *cpu, const struct hv_regs *r)
{
	((struct fake_cpu *)cpu)->regs = *r;
	return 0;
}

static int f_cpu_segs(struct hvb_cpu *cpu, struct hv_segs *out)
{
	*out = ((struct fake_cpu *)cpu)->segs;
	return 0;
}

static int f_cpu_set_fs_base(struct hvb_cpu *cpu, uint64_t base)
{
	((struct fake_cpu *)cpu)->segs.fs_base = base;
	return 0;
}

static int f_cpu_get_regs(struct hvb_cpu *cpu, struct hv_regs *out)
{
	*out = ((struct fake_cpu *)cpu)->regs;
	return 0;
}

static int f_cpu_set_regs(struct hvb_cpu *cpu, const struct hv_regs *in)
{
	((struct fake_cpu *)cpu)->regs = *in;
	return 0;
}

static void f_close(struct hvb_vm *vm)
{
	struct fake_vm *v = (struct fake_vm *)vm;

	free(v->cpu);
	free(v);
}

const struct hvb_ops hvb_fake = {
	.name = "fake",
	.probe = f_probe,
	.open = f_open,
	.caps = HVB_CAP_DOORBELL_EXITS,
	.map_ram = f_map_ram,
	.ram_guard = f_ram_guard,
	.ioeventfd = f_ioeventfd,
	.cpuid = f_cpuid,
	.cpu_create = f_cpu_create,
	.cpu_run = f_cpu_run,
	.cpu_regs = f_cpu_regs,
	.cpu_regs_dirty = f_cpu_nop,
	.cpu_sregs = f_cpu_sregs,
	.cpu_settle = f_cpu_nop,
	.cpu_resume_user = f_cpu_resume_user,
	.cpu_segs = f_cpu_segs,
	.cpu_set_fs_base = f_cpu_set_fs_base,
	.cpu_get_regs = f_cpu_get_regs,
	.cpu_set_regs = f_cpu_set_regs,
	.close = f_close,
};
