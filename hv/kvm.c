/* SPDX-License-Identifier: ISC
 * The KVM backend: VM and vCPU creation, long-mode entry state, and the run
 * loop's exits translated to the portable struct hvb_exit.  Registers come
 * back through kvm_run's sync area, so an hcall costs no extra ioctl.  The
 * only file that includes <linux/kvm.h>.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../common/err.h"
#include "backend.h"

struct kvm_guard {
	uint64_t page;
	int mode;
};

struct kvm_vm {
	struct hvb_vm base;
	int kvm, fd;
	void *ram;
	uint64_t ram_size;
	int nslots;            /* memory slots in use, from 0 */
	struct kvm_guard guard[HVB_GUARDS_MAX];
	int nguard;
	struct kvm_cpu *cpu;
	char *cpuid_cache;     /* file to keep KVM_GET_SUPPORTED_CPUID in, or NULL */
	struct kvm_cpuid2 *cpuid; /* what the vCPU reports, once read */
};

struct kvm_cpu {
	struct hvb_cpu base;
	struct kvm_vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	int sync;              /* KVM_CAP_SYNC_REGS in use */
	int fsgsbase;          /* the CPU has wrfsbase: let the partition use it */
	struct kvm_segment user_cs, user_ss;  /* the partition's, for resuming it */
	struct hv_regs regs;   /* when not syncing */
};

_Static_assert(sizeof(struct hv_regs) == sizeof(struct kvm_regs),
	       "struct hv_regs must match struct kvm_regs");

/* Opens the KVM device, with a message that says what to do when it cannot. */
static int dev_open(const char *dev, struct lerr *err)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC), e = errno;

	if (fd >= 0)
		return fd;
	if (e == ENOENT || e == ENODEV || e == ENXIO)
		return lerr_set(err, e,
				"cannot open %s: %s (is KVM available? enable virtualization in the firmware and load kvm_intel or kvm_amd; --accel tcg runs without it; lpar host-check says more)",
				dev, strerror(e));
	if (e == EACCES || e == EPERM)
		return lerr_set(err, e,
				"cannot open %s: %s (add your user to the group that owns %s, usually 'kvm', or run as root)",
				dev, strerror(e), dev);
	return lerr_set(err, e, "cannot open %s: %s", dev, strerror(e));
}

static int kvm_probe(const struct hvb_params *p, struct lerr *err)
{
	const char *dev = p->kvm_path ? p->kvm_path : "/dev/kvm";
	int fd = dev_open(dev, err), v;

	if (fd < 0)
		return fd;
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (v != KVM_API_VERSION)
		return lerr_set(err, ENOTSUP, "%s speaks KVM API %d, not %d", dev, v,
				KVM_API_VERSION);
	return 0;
}

static void kvm_close(struct hvb_vm *b);

static int kvm_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err)
{
	const char *dev = p->kvm_path ? p->kvm_path : "/dev/kvm";
	struct kvm_vm *vm;
	int v;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return lerr_set(err, ENOMEM, "out of memory");
	vm->base.ops = &hvb_kvm;
	vm->fd = -1;
	if (p->cache_dir && asprintf(&vm->cpuid_cache, "%s/.cpuid", p->cache_dir) < 0)
		vm->cpuid_cache = NULL;
	vm->kvm = dev_open(dev, err);
	if (vm->kvm < 0) {
		v = vm->kvm;
		kvm_close(&vm->base); /* the one way a VM is freed, CPUID cache path and all */
		return v;
	}
	v = ioctl(vm->kvm, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		kvm_close(&vm->base);
		return lerr_set(err, ENOTSUP, "%s speaks KVM API %d, not %d", dev,
				v, KVM_API_VERSION);
	}
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int e = errno;

		kvm_close(&vm->base);
		return lerr_set(err, e, "cannot create a VM: %s", strerror(e));
	}
	*out = &vm->base;
	return 0;
}

static int slot_set(struct kvm_vm *vm, int slot, uint64_t gpa, uint64_t size, int ro)
{
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)slot,
		.flags = ro ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->ram + gpa,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

/* RAM as slots: the guarded pages read-only or left out, the rest plain. */
static int slots_build(struct kvm_vm *vm)
{
	uint64_t at = 0;
	int n = 0, r;

	for (int i = 0; i < vm->nslots; i++) {
		struct kvm_userspace_memory_region del = { .slot = (uint32_t)i };

		if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &del) < 0)
			return -errno;
	}
	for (int g = 0; g <= vm->nguard; g++) {
		uint64_t end = g < vm->nguard ? vm->guard[g].page : vm->ram_size;

		if (end > at && (r = slot_set(vm, n++, at, end - at, 0)))
			return r;
		if (g == vm->nguard)
			break;
		if (vm->guard[g].mode == HVB_RAM_RO &&
		    (r = slot_set(vm, n++, vm->guard[g].page, 0x1000, 1)))
			return r;
		at = vm->guard[g].page + 0x1000;
	}
	vm->nslots = n;
	return 0;
}

static int kvm_map_ram(struct hvb_vm *b, void *host, uint64_t size, struct lerr *err)
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	int r;

	vm->ram = host;
	vm->ram_size = size;
	r = slots_build(vm);
	if (r)
		return lerr_set(err, -r, "cannot give the VM its memory: %s", strerror(-r));
	return 0;
}

static int kvm_ram_guard(struct hvb_vm *b, uint64_t page, int mode)
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	int i;

	page &= ~0xfffull;
	if (page >= vm->ram_size)
		return -EINVAL;
	for (i = 0; i < vm->nguard && vm->guard[i].page != page; i++)
		;
	if (mode == HVB_RAM_RW) {
		if (i == vm->nguard)
			return -ENOENT;
		memmove(&vm->guard[i], &vm->guard[i + 1],
			(size_t)(vm->nguard - i - 1) * sizeof(vm->guard[0]));
		vm->nguard--;
	} else if (i < vm->nguard) {
		vm->guard[i].mode = mode;
	} else {
		if (vm->nguard == HVB_GUARDS_MAX)
			return -ENOSPC;
		/* Kept sorted by address for slots_build(). */
		for (i = vm->nguard; i > 0 && vm->guard[i - 1].page > page; i--)
			vm->guard[i] = vm->guard[i - 1];
		vm->guard[i] = (struct kvm_guard){ page, mode };
		vm->nguard++;
	}
	return slots_build(vm);
}

static int kvm_ioeventfd(struct hvb_vm *b, uint16_t port, uint32_t value, int fd, int assign)
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	struct kvm_ioeventfd io = {
		.datamatch = value,
		.addr = port,
		.len = 4,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	return ioctl(vm->fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

/*
 * The key a cached CPUID is valid for: what KVM supports changes only with
 * the kernel or a reboot.
 */
static void cpuid_key(char *buf, size_t len)
{
	struct utsname u;
	char boot[64] = "";
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, boot, sizeof(boot) - 1);

		boot[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	uname(&u);
	snprintf(buf, len, "lpar-cpuid 1 %s %s", u.release, boot);
}

/* Reads a cached CPUID if it is for this kernel and boot; NULL otherwise. */
static struct kvm_cpuid2 *cpuid_load(const char *path)
{
	char key[256], have[256];
	struct kvm_cpuid2 *c = NULL;
	uint32_t n;
	int fd;

	if (!path)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	memset(key, 0, sizeof(key));
	cpuid_key(key, sizeof(key));
	if (read(fd, have, sizeof(have)) != sizeof(have) || memcmp(key, have, sizeof(key)) ||
	    read(fd, &n, sizeof(n)) != sizeof(n) || n == 0 || n > 4096)
		goto out;
	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		goto out;
	c->nent = n;
	if (read(fd, c->entries, n * sizeof(c->entries[0])) !=
	    (ssize_t)(n * sizeof(c->entries[0]))) {
		free(c);
		c = NULL;
	}
out:
	close(fd);
	return c;
}

/* Writes the cache atomically; failing to is not an error, only slower. */
static void cpuid_store(const char *path, const struct kvm_cpuid2 *c)
{
	char key[256], tmp[4200];
	size_t len = c->nent * sizeof(c->entries[0]);
	int fd;

	if (!path || snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return;
	memset(key, 0, sizeof(key));
	cpuid_key(key, sizeof(key));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, key, sizeof(key)) == sizeof(key) &&
	    write(fd, &c->nent, sizeof(c->nent)) == sizeof(c->nent) &&
	    write(fd, c->entries, len) == (ssize_t)len && close(fd) == 0) {
		rename(tmp, path);
		return;
	}
	close(fd);
	unlink(tmp);
}

/*
 * The host's supported CPUID, which the vCPU reports (kvmtool passes it
 * through the same way).  Asking KVM costs about half a millisecond on a
 * nested host (every CPUID it runs is an exit), so the answer is cached per
 * kernel and boot.
 */
static int supported_cpuid(struct kvm_vm *vm, struct lerr *err)
{
	struct kvm_cpuid2 *c = vm->cpuid ? vm->cpuid : cpuid_load(vm->cpuid_cache);
	int n = 128;

	while (!c) {
		c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));
		if (!c)
			return lerr_set(err, ENOMEM, "out of memory");
		c->nent = (uint32_t)n;
		if (ioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			cpuid_store(vm->cpuid_cache, c);
			break;
		}
		free(c);
		c = NULL;
		if (errno != E2BIG || n > 4096)
			return lerr_set(err, errno, "cannot read supported CPUID: %s",
					strerror(errno));
		n *= 2;
	}
	vm->cpuid = c;
	return 0;
}

static int kvm_cpuid(struct hvb_vm *b, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	int r = supported_cpuid(vm, NULL);

	memset(out, 0, 4 * sizeof(out[0]));
	if (r)
		return r;
	for (uint32_t i = 0; i < vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];

		if (e->function == leaf &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == sub)) {
			out[0] = e->eax, out[1] = e->ebx, out[2] = e->ecx, out[3] = e->edx;
			return 0;
		}
	}
	return 0;
}

static int set_cpuid(struct kvm_vm *vm, struct kvm_cpu *cpu, struct lerr *err)
{
	uint32_t leaf7[4];
	int r = supported_cpuid(vm, err);

	if (r)
		return r;
	kvm_cpuid(&vm->base, 7, 0, leaf7);
	cpu->fsgsbase = leaf7[1] & 1;
	r = ioctl(cpu->fd, KVM_SET_CPUID2, vm->cpuid) < 0 ? -errno : 0;
	if (r)
		return lerr_set(err, -r, "cannot set the vCPU's CPUID: %s",
				strerror(-r));
	return 0;
}

static void seg(struct kvm_segment *s, uint16_t sel, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 11 : 3;
	s->present = 1;
	s->dpl = sel & 3;
	s->s = 1;
	s->l = code;
	s->db = !code;
	s->g = 1;
}

/* Where the syscall instruction goes: STAR, LSTAR and FMASK. */
static int set_syscall_msrs(struct kvm_cpu *cpu, const struct hv_boot_state *bs)
{
	/* struct kvm_msrs ends in a flexible array: room for three entries. */
	union {
		struct kvm_msrs hdr;
		char room[sizeof(struct kvm_msrs) + 3 * sizeof(struct kvm_msr_entry)];
	} m;
	struct kvm_msr_entry *e = m.hdr.entries;
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 3;
	e[0].index = 0xc0000081; /* STAR */
	e[0].data = bs->star;
	e[1].index = 0xc0000082; /* LSTAR */
	e[1].data = bs->lstar;
	e[2].index = 0xc0000084; /* FMASK */
	e[2].data = bs->fmask;
	n = ioctl(cpu->fd, KVM_SET_MSRS, &m.hdr);
	if (n >= 0 && n != 3)
		errno = EINVAL;
	return n == 3 ? 0 : -1;
}

static int set_state(struct kvm_cpu *cpu, const struct hv_boot_state *bs,
		     struct lerr *err)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return lerr_set(err, errno, "KVM_GET_SREGS: %s", strerror(errno));
	seg(&s.cs, bs->code_sel, 1);
	seg(&s.ds, bs->data_sel, 0);
	s.es = s.fs = s.gs = s.ss = s.ds;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.selector = bs->tss_sel;
	s.tr.base = bs->tss_base;
	s.tr.limit = bs->tss_limit;
	s.tr.type = 11; /* busy 64-bit TSS */
	s.tr.present = 1;
	s.gdt.base = bs->gdt_base;
	s.gdt.limit = bs->gdt_limit;
	s.idt.base = bs->idt_base;
	s.idt.limit = bs->idt_limit;
	s.cr0 = bs->cr0;
	s.cr3 = bs->cr3;
	s.cr4 = bs->cr4 | (cpu->fsgsbase ? 1ull << 16 : 0); /* CR4.FSGSBASE */
	s.efer = bs->efer;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return lerr_set(err, errno, "cannot enter long mode (KVM_SET_SREGS): %s",
				strerror(errno));
	cpu->user_cs = s.cs;
	cpu->user_ss = s.ss;
	if (set_syscall_msrs(cpu, bs) < 0)
		return lerr_set(err, errno, "cannot set up the syscall instruction (KVM_SET_MSRS): %s",
				strerror(errno));
	memset(&r, 0, sizeof(r));
	r.rip = bs->rip;
	r.rsp = bs->rsp;
	r.rdi = bs->rdi;
	r.rflags = bs->rflags;
	if (ioctl(cpu->fd, KVM_SET_REGS, &r) < 0)
		return lerr_set(err, errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

static int kvm_cpu_create(struct hvb_vm *b, const struct hv_boot_state *bs,
		   const sigset_t *sigmask, struct hvb_cpu **out,
		   struct lerr *err)
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	struct kvm_cpu *cpu;
	struct kvm_signal_mask *m;
	int sz, r;

	cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		return lerr_set(err, ENOMEM, "out of memory");
	cpu->base.ops = &hvb_kvm;
	vm->cpu = cpu;
	cpu->vm = vm;
	cpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (cpu->fd < 0)
		return lerr_set(err, errno, "cannot create a vCPU: %s", strerror(errno));
	sz = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run))
		return lerr_set(err, errno, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	cpu->run_size = (size_t)sz;
	cpu->run = mmap(NULL, cpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			cpu->fd, 0);
	if (cpu->run == MAP_FAILED) {
		cpu->run = NULL;
		return lerr_set(err, errno, "cannot map the vCPU: %s", strerror(errno));
	}
	r = set_cpuid(vm, cpu, err);
	if (!r)
		r = set_state(cpu, bs, err);
	if (r)
		return r;

	/* The mask KVM_RUN runs with: stop signals get through only there. */
	m = calloc(1, sizeof(*m) + 8);
	if (!m)
		return lerr_set(err, ENOMEM, "out of memory");
	m->len = 8;
	memcpy(m->sigset, sigmask, 8);
	r = ioctl(cpu->fd, KVM_SET_SIGNAL_MASK, m) < 0 ? -errno : 0;
	free(m);
	if (r)
		return lerr_set(err, -r, "KVM_SET_SIGNAL_MASK: %s", strerror(-r));

	cpu->sync = (ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) &
		     KVM_SYNC_X86_REGS) != 0;
	if (cpu->sync)
		cpu->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	*out = &cpu->base;
	return 0;
}

static int kvm_cpu_run(struct hvb_cpu *b, struct hvb_exit *ex)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_run *run = cpu->run;

	if (!cpu->sync && run->kvm_dirty_regs) {
		if (ioctl(cpu->fd, KVM_SET_REGS, &cpu->regs) < 0)
			return -errno;
		run->kvm_dirty_regs = 0;
	}
	memset(ex, 0, sizeof(*ex));
	if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			ex->kind = HVB_EXIT_INTR;
			return 0;
		}
		return -errno;
	}
	if (!cpu->sync && ioctl(cpu->fd, KVM_GET_REGS, &cpu->regs) < 0)
		return -errno;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ex->kind = HVB_EXIT_IO;
		ex->port = run->io.port;
		ex->size = run->io.size;
		ex->out = run->io.direction == KVM_EXIT_IO_OUT;
		if (ex->out && run->io.size <= 4 && run->io.count == 1)
			memcpy(&ex->data, (uint8_t *)run + run->io.data_offset,
			       run->io.size);
		break;
	case KVM_EXIT_HLT:
		ex->kind = HVB_EXIT_HLT;
		break;
	case KVM_EXIT_SHUTDOWN:
		ex->kind = HVB_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		ex->kind = HVB_EXIT_INTERNAL;
		ex->code = run->internal.suberror;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		ex->kind = HVB_EXIT_FAIL_ENTRY;
		ex->code = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_MMIO:
		ex->kind = HVB_EXIT_MMIO;
		ex->addr = run->mmio.phys_addr;
		ex->size = (uint8_t)run->mmio.len;
		ex->out = run->mmio.is_write;
		ex->mmio_data = run->mmio.data;
		break;
	case KVM_EXIT_INTR:
		ex->kind = HVB_EXIT_INTR;
		break;
	case KVM_EXIT_DEBUG:
		ex->kind = HVB_EXIT_DEBUG;
		break;
	default:
		ex->kind = HVB_EXIT_OTHER;
		ex->code = run->exit_reason;
		break;
	}
	return 0;
}

static struct hv_regs *kvm_cpu_regs(struct hvb_cpu *b)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	if (cpu->sync)
		return (struct hv_regs *)&cpu->run->s.regs.regs;
	return &cpu->regs;
}

static void kvm_cpu_regs_dirty(struct hvb_cpu *b)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	cpu->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

static int kvm_cpu_sregs(struct hvb_cpu *b, struct hv_sregs *out)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_sregs s;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	out->cr0 = s.cr0;
	out->cr2 = s.cr2;
	out->cr3 = s.cr3;
	out->cr4 = s.cr4;
	out->efer = s.efer;
	return 0;
}

/*
 * Finishes an access to guarded RAM that KVM split: the instruction's next
 * piece (a 16-byte store is two MMIO exits of 8).  1 if it was one.
 */
static int mmio_piece(struct kvm_cpu *cpu)
{
	struct kvm_vm *vm = cpu->vm;
	struct kvm_run *run = cpu->run;
	uint64_t a = run->mmio.phys_addr;
	uint8_t *p = vm->ram;

	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.len > 8 || a >= vm->ram_size ||
	    vm->ram_size - a < run->mmio.len)
		return 0;
	if (run->mmio.is_write)
		memcpy(p + a, run->mmio.data, run->mmio.len);
	else
		memcpy(run->mmio.data, p + a, run->mmio.len);
	return 1;
}

static void kvm_cpu_settle(struct hvb_cpu *b)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	int pieces = 0;

	/*
	 * KVM completes pending I/O and applies dirty registers, then returns
	 * EINTR; or, if the instruction's access was split, exits again with
	 * its next piece, which this performs on RAM.
	 */
	cpu->run->immediate_exit = 1;
	if (!cpu->sync && cpu->run->kvm_dirty_regs &&
	    ioctl(cpu->fd, KVM_SET_REGS, &cpu->regs) == 0)
		cpu->run->kvm_dirty_regs = 0;
	while (ioctl(cpu->fd, KVM_RUN, 0) == 0 && pieces++ < 4 && mmio_piece(cpu))
		;
	cpu->run->immediate_exit = 0;
	if (cpu->sync)
		ioctl(cpu->fd, KVM_GET_REGS, kvm_cpu_regs(b));
	else
		ioctl(cpu->fd, KVM_GET_REGS, &cpu->regs);
}

static int kvm_cpu_get_regs(struct hvb_cpu *b, struct hv_regs *out)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	return ioctl(cpu->fd, KVM_GET_REGS, out) < 0 ? -errno : 0;
}

static int kvm_cpu_set_regs(struct hvb_cpu *b, const struct hv_regs *in)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	if (ioctl(cpu->fd, KVM_SET_REGS, in) < 0)
		return -errno;
	/* The sync area must not later overwrite what was just set. */
	if (cpu->sync)
		memcpy(kvm_cpu_regs(b), in, sizeof(*in));
	else
		cpu->regs = *in;
	cpu->run->kvm_dirty_regs = 0;
	return 0;
}

static int kvm_cpu_fxsave(struct hvb_cpu *b, uint8_t out[HVB_FXSAVE_SIZE])
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_xsave *x = malloc(sizeof(*x));
	struct kvm_fpu f;

	/*
	 * The XSAVE area's first 512 bytes are FXSAVE's.  KVM_GET_XSAVE fills
	 * in components still in their initial state (MXCSR 0x1f80 for a
	 * partition that has not touched SSE); KVM_GET_FPU copies the
	 * kernel's buffer as it is, which then says 0 (seen on Linux 6.1).
	 */
	if (x && ioctl(cpu->fd, KVM_GET_XSAVE, x) == 0) {
		memcpy(out, x->region, HVB_FXSAVE_SIZE);
		free(x);
		return 0;
	}
	free(x);
	if (ioctl(cpu->fd, KVM_GET_FPU, &f) < 0)
		return -errno;
	/* struct kvm_fpu is FXSAVE's fields in another order. */
	memset(out, 0, HVB_FXSAVE_SIZE);
	memcpy(out + 0, &f.fcw, 2);
	memcpy(out + 2, &f.fsw, 2);
	out[4] = f.ftwx;
	memcpy(out + 6, &f.last_opcode, 2);
	memcpy(out + 8, &f.last_ip, 8);
	memcpy(out + 16, &f.last_dp, 8);
	memcpy(out + 24, &f.mxcsr, 4);
	memcpy(out + 28, &(uint32_t){ 0xffff }, 4); /* MXCSR_MASK: every bit there is */
	memcpy(out + 32, f.fpr, sizeof(f.fpr));
	memcpy(out + 160, f.xmm, sizeof(f.xmm));
	return 0;
}

static int kvm_cpu_resume_user(struct hvb_cpu *b, const struct hv_regs *r)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_sregs s;

	kvm_cpu_settle(b);
	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = cpu->user_cs;
	s.ss = cpu->user_ss;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return kvm_cpu_set_regs(b, r);
}

static int kvm_cpu_segs(struct hvb_cpu *b, struct hv_segs *out)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_sregs s;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	out->cs = s.cs.selector;
	out->ss = s.ss.selector;
	out->ds = s.ds.selector;
	out->es = s.es.selector;
	out->fs = s.fs.selector;
	out->gs = s.gs.selector;
	out->fs_base = s.fs.base;
	out->gs_base = s.gs.base;
	return 0;
}

static int kvm_cpu_set_fs_base(struct hvb_cpu *b, uint64_t base)
{
	struct kvm_cpu *cpu = (struct kvm_cpu *)b;
	struct kvm_sregs s;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.fs.base = base;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return 0;
}

static void kvm_close(struct hvb_vm *b)
{
	struct kvm_vm *vm = (struct kvm_vm *)b;
	if (!vm)
		return;
	if (vm->cpu) {
		if (vm->cpu->run)
			munmap(vm->cpu->run, vm->cpu->run_size);
		if (vm->cpu->fd >= 0)
			close(vm->cpu->fd);
		free(vm->cpu);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm >= 0)
		close(vm->kvm);
	free(vm->cpuid_cache);
	free(vm->cpuid);
	free(vm);
}

const struct hvb_ops hvb_kvm = {
	.name = "kvm",
	.probe = kvm_probe,
	.open = kvm_open,
	.map_ram = kvm_map_ram,
	.ram_guard = kvm_ram_guard,
	.ioeventfd = kvm_ioeventfd,
	.cpuid = kvm_cpuid,
	.cpu_create = kvm_cpu_create,
	.cpu_run = kvm_cpu_run,
	.cpu_regs = kvm_cpu_regs,
	.cpu_regs_dirty = kvm_cpu_regs_dirty,
	.cpu_sregs = kvm_cpu_sregs,
	.cpu_settle = kvm_cpu_settle,
	.cpu_resume_user = kvm_cpu_resume_user,
	.cpu_segs = kvm_cpu_segs,
	.cpu_set_fs_base = kvm_cpu_set_fs_base,
	.cpu_get_regs = kvm_cpu_get_regs,
	.cpu_set_regs = kvm_cpu_set_regs,
	.cpu_fxsave = kvm_cpu_fxsave,
	.close = kvm_close,
};
