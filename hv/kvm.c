/*
 * The KVM backend: VM and vCPU creation, long-mode entry state, and the run
 * loop's exits translated to the portable struct hvb_exit.  Registers come
 * back through kvm_run's sync area, so an hcall costs no extra ioctl.
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

struct hvb_guard {
	uint64_t page;
	int mode;
};

struct hvb_vm {
	int kvm, fd;
	void *ram;
	uint64_t ram_size;
	int nslots;            /* memory slots in use, from 0 */
	struct hvb_guard guard[HVB_GUARDS_MAX];
	int nguard;
	struct hvb_cpu *cpu;
	char *cpuid_cache;     /* file to keep KVM_GET_SUPPORTED_CPUID in, or NULL */
};

struct hvb_cpu {
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

int hvb_open(const char *dev, const char *cache_dir, struct hvb_vm **out,
	     struct lerr *err)
{
	struct hvb_vm *vm;
	int v;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return lerr_set(err, ENOMEM, "out of memory");
	vm->fd = -1;
	if (cache_dir && asprintf(&vm->cpuid_cache, "%s/.cpuid", cache_dir) < 0)
		vm->cpuid_cache = NULL;
	vm->kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0) {
		int e = errno;

		free(vm);
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return lerr_set(err, e,
					"cannot open %s: %s (is KVM available? enable virtualization in the firmware and load kvm_intel or kvm_amd)",
					dev, strerror(e));
		if (e == EACCES || e == EPERM)
			return lerr_set(err, e,
					"cannot open %s: %s (add your user to the group that owns %s, usually 'kvm', or run as root)",
					dev, strerror(e), dev);
		return lerr_set(err, e, "cannot open %s: %s", dev, strerror(e));
	}
	v = ioctl(vm->kvm, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		hvb_close(vm);
		return lerr_set(err, ENOTSUP, "%s speaks KVM API %d, not %d", dev,
				v, KVM_API_VERSION);
	}
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int e = errno;

		hvb_close(vm);
		return lerr_set(err, e, "cannot create a VM: %s", strerror(e));
	}
	*out = vm;
	return 0;
}

static int slot_set(struct hvb_vm *vm, int slot, uint64_t gpa, uint64_t size, int ro)
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
static int slots_build(struct hvb_vm *vm)
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

int hvb_map_ram(struct hvb_vm *vm, void *host, uint64_t size, struct lerr *err)
{
	int r;

	vm->ram = host;
	vm->ram_size = size;
	r = slots_build(vm);
	if (r)
		return lerr_set(err, -r, "cannot give the VM its memory: %s", strerror(-r));
	return 0;
}

int hvb_ram_guard(struct hvb_vm *vm, uint64_t page, int mode)
{
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
		vm->guard[i] = (struct hvb_guard){ page, mode };
		vm->nguard++;
	}
	return slots_build(vm);
}

int hvb_ioeventfd(struct hvb_vm *vm, uint16_t port, uint32_t value, int fd, int assign)
{
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
 * Passes the host's supported CPUID through, as kvmtool does.  Asking KVM
 * costs about half a millisecond on a nested host (every CPUID it runs is
 * an exit), so the answer is cached per kernel and boot.
 */
static int set_cpuid(struct hvb_vm *vm, struct hvb_cpu *cpu, struct lerr *err)
{
	struct kvm_cpuid2 *c = cpuid_load(vm->cpuid_cache);
	int n = 128, r;

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
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 7 && c->entries[i].index == 0)
			cpu->fsgsbase = c->entries[i].ebx & 1;
	r = ioctl(cpu->fd, KVM_SET_CPUID2, c) < 0 ? -errno : 0;
	free(c);
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
static int set_syscall_msrs(struct hvb_cpu *cpu, const struct hv_boot_state *bs)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[3];
	} m;
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 3;
	m.e[0].index = 0xc0000081; /* STAR */
	m.e[0].data = bs->star;
	m.e[1].index = 0xc0000082; /* LSTAR */
	m.e[1].data = bs->lstar;
	m.e[2].index = 0xc0000084; /* FMASK */
	m.e[2].data = bs->fmask;
	n = ioctl(cpu->fd, KVM_SET_MSRS, &m);
	if (n >= 0 && n != 3)
		errno = EINVAL;
	return n == 3 ? 0 : -1;
}

static int set_state(struct hvb_cpu *cpu, const struct hv_boot_state *bs,
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

int hvb_cpu_create(struct hvb_vm *vm, const struct hv_boot_state *bs,
		   const sigset_t *sigmask, struct hvb_cpu **out,
		   struct lerr *err)
{
	struct hvb_cpu *cpu;
	struct kvm_signal_mask *m;
	int sz, r;

	cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		return lerr_set(err, ENOMEM, "out of memory");
	vm->cpu = cpu;
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
	*out = cpu;
	return 0;
}

int hvb_cpu_run(struct hvb_cpu *cpu, struct hvb_exit *ex)
{
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

struct hv_regs *hvb_cpu_regs(struct hvb_cpu *cpu)
{
	if (cpu->sync)
		return (struct hv_regs *)&cpu->run->s.regs.regs;
	return &cpu->regs;
}

void hvb_cpu_regs_dirty(struct hvb_cpu *cpu)
{
	cpu->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

int hvb_cpu_sregs(struct hvb_cpu *cpu, struct hv_sregs *out)
{
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

void hvb_cpu_settle(struct hvb_cpu *cpu)
{
	/* KVM completes pending I/O and applies dirty registers, then returns EINTR. */
	cpu->run->immediate_exit = 1;
	if (!cpu->sync && cpu->run->kvm_dirty_regs &&
	    ioctl(cpu->fd, KVM_SET_REGS, &cpu->regs) == 0)
		cpu->run->kvm_dirty_regs = 0;
	(void)ioctl(cpu->fd, KVM_RUN, 0);
	cpu->run->immediate_exit = 0;
	if (cpu->sync)
		ioctl(cpu->fd, KVM_GET_REGS, hvb_cpu_regs(cpu));
	else
		ioctl(cpu->fd, KVM_GET_REGS, &cpu->regs);
}

int hvb_cpu_get_regs(struct hvb_cpu *cpu, struct hv_regs *out)
{
	return ioctl(cpu->fd, KVM_GET_REGS, out) < 0 ? -errno : 0;
}

int hvb_cpu_set_regs(struct hvb_cpu *cpu, const struct hv_regs *in)
{
	if (ioctl(cpu->fd, KVM_SET_REGS, in) < 0)
		return -errno;
	/* The sync area must not later overwrite what was just set. */
	if (cpu->sync)
		memcpy(hvb_cpu_regs(cpu), in, sizeof(*in));
	else
		cpu->regs = *in;
	cpu->run->kvm_dirty_regs = 0;
	return 0;
}

int hvb_cpu_resume_user(struct hvb_cpu *cpu, const struct hv_regs *r)
{
	struct kvm_sregs s;

	hvb_cpu_settle(cpu);
	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = cpu->user_cs;
	s.ss = cpu->user_ss;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return hvb_cpu_set_regs(cpu, r);
}

int hvb_cpu_segs(struct hvb_cpu *cpu, struct hv_segs *out)
{
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

int hvb_cpu_set_fs_base(struct hvb_cpu *cpu, uint64_t base)
{
	struct kvm_sregs s;

	if (ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.fs.base = base;
	if (ioctl(cpu->fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return 0;
}

void hvb_close(struct hvb_vm *vm)
{
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
	free(vm);
}
