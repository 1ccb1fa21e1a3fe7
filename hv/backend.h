/* SPDX-License-Identifier: ISC
 * The interface between the portable monitor core and a hypervisor
 * backend.  Every lpar carries every backend (hv/kvm.c, hv/tcg.c), each in
 * one file behind one table of operations; hvb_open() picks one at run
 * time.  Nothing outside the backend files knows which one runs.
 */
#ifndef LPAR_HV_BACKEND_H
#define LPAR_HV_BACKEND_H

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct lerr;
struct hvb_ops;

/* A backend's VM and vCPU start with these; the rest is the backend's. */
struct hvb_vm {
	const struct hvb_ops *ops;
};

struct hvb_cpu {
	const struct hvb_ops *ops;
};

/* General registers, in KVM's order. */
struct hv_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

struct hv_sregs {
	uint64_t cr0, cr2, cr3, cr4, efer;
};

/* The vCPU's state at partition entry, computed by hv/layout.c. */
struct hv_boot_state {
	uint64_t rip, rsp, rdi, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base, idt_base, tss_base;
	uint16_t gdt_limit, idt_limit, tss_limit;
	uint16_t code_sel, data_sel, tss_sel;
	uint64_t star, lstar, fmask; /* the syscall instruction's MSRs */
};

enum hvb_exit_kind {
	HVB_EXIT_IO,         /* port I/O: port, size, out, data */
	HVB_EXIT_HLT,
	HVB_EXIT_SHUTDOWN,   /* triple fault */
	HVB_EXIT_INTERNAL,   /* the host could not handle an instruction: code */
	HVB_EXIT_FAIL_ENTRY, /* code = hardware reason */
	HVB_EXIT_MMIO,       /* addr: an access to a guarded page or unbacked memory */
	HVB_EXIT_INTR,       /* a signal or hvb_cpu_kick() interrupted the run */
	HVB_EXIT_DEBUG,
	HVB_EXIT_EXCEPTION,  /* the partition's exception: vector, code, addr (CR2) */
	HVB_EXIT_OTHER,      /* code = backend's exit reason */
};

struct hvb_exit {
	enum hvb_exit_kind kind;
	uint16_t port;
	uint8_t size;
	uint8_t out;
	uint32_t data;
	uint32_t vector;     /* HVB_EXIT_EXCEPTION */
	uint64_t addr;
	uint64_t code;       /* HVB_EXIT_EXCEPTION: the error code the CPU pushes */
	uint8_t *mmio_data;  /* HVB_EXIT_MMIO: size bytes written, or to fill for a read */
	/*
	 * HVB_EXIT_MMIO from a backend that performs guarded accesses itself:
	 * the access is done and the instruction complete, and this is the
	 * guarded page as it was before (the monitor copies nothing).
	 */
	const uint8_t *done_page;
};

/*
 * HVB_EXIT_EXCEPTION: the backend could not deliver an exception through
 * the partition's IDT, so it reports it with the registers as the CPU
 * would have pushed them: rip at the faulting instruction, or past it for
 * traps (int3, single-step).  The monitor's stubs deliver the others.
 */

/* Guards on one 4 KiB page of RAM, for watchpoints (hvb_ram_guard). */
#define HVB_RAM_RW   0
#define HVB_RAM_RO   1
#define HVB_RAM_NONE 2
#define HVB_GUARDS_MAX 8

/* What a backend can do beyond the common set (hvb_caps). */
#define HVB_CAP_GUARD_CODE 1u /* a guard may cover a page the partition runs code from */
/*
 * A doorbell stops the vCPU anyway (its ioeventfds are the backend's, not
 * the kernel's): a device can serve it on the vCPU thread for less than
 * waking another thread costs.
 */
#define HVB_CAP_DOORBELL_EXITS 2u

/* Segment selectors and the FS/GS bases, for the regs file. */
struct hv_segs {
	uint16_t cs, ss, ds, es, fs, gs;
	uint64_t fs_base, gs_base;
};

/* Bytes of the x87 and SSE state in FXSAVE's layout (hvb_cpu_fxsave). */
#define HVB_FXSAVE_SIZE 512

/* How the monitor opens a backend (hvb_open). */
struct hvb_params {
	const char *accel;     /* "kvm", "tcg" or "auto" (NULL: auto) */
	const char *kvm_path;  /* NULL: /dev/kvm */
	const char *cache_dir; /* where the backend may keep host facts between runs, or NULL */
	int kick_signal;       /* whose handler calls hvb_cpu_kick(), for a backend that resends it */
};

struct hvb_ops {
	const char *name;
	/* Whether this host can run the backend: 0, or -errno and why in err. */
	int (*probe)(const struct hvb_params *p, struct lerr *err);
	int (*open)(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err);
	unsigned caps;
	int (*map_ram)(struct hvb_vm *vm, void *host, uint64_t size, struct lerr *err);
	int (*ram_guard)(struct hvb_vm *vm, uint64_t page, int mode);
	void (*ram_written)(struct hvb_vm *vm, uint64_t gpa, uint64_t len);
	int (*ioeventfd)(struct hvb_vm *vm, uint16_t port, uint32_t value, int fd, int assign);
	int (*cpuid)(struct hvb_vm *vm, uint32_t leaf, uint32_t sub, uint32_t out[4]);
	int (*cpu_create)(struct hvb_vm *vm, const struct hv_boot_state *bs,
			  const sigset_t *sigmask, struct hvb_cpu **out, struct lerr *err);
	int (*cpu_run)(struct hvb_cpu *cpu, struct hvb_exit *ex);
	void (*cpu_kick)(struct hvb_cpu *cpu);
	struct hv_regs *(*cpu_regs)(struct hvb_cpu *cpu);
	void (*cpu_regs_dirty)(struct hvb_cpu *cpu);
	int (*cpu_sregs)(struct hvb_cpu *cpu, struct hv_sregs *out);
	void (*cpu_settle)(struct hvb_cpu *cpu);
	int (*cpu_resume_user)(struct hvb_cpu *cpu, const struct hv_regs *r);
	int (*cpu_segs)(struct hvb_cpu *cpu, struct hv_segs *out);
	int (*cpu_set_fs_base)(struct hvb_cpu *cpu, uint64_t base);
	int (*cpu_get_regs)(struct hvb_cpu *cpu, struct hv_regs *out);
	int (*cpu_set_regs)(struct hvb_cpu *cpu, const struct hv_regs *in);
	int (*cpu_fxsave)(struct hvb_cpu *cpu, uint8_t out[HVB_FXSAVE_SIZE]); /* optional */
	void (*close)(struct hvb_vm *vm);
};

/* hv/backend.c: the backends every lpar carries, NULL-terminated. */
extern const struct hvb_ops *const hvb_backends[];
extern const struct hvb_ops hvb_kvm, hvb_tcg;

/*
 * Opens the backend p->accel names; "auto" is KVM when it opens, else TCG.
 * An unknown name is EINVAL.
 */
int hvb_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err);
/* The backend a name means, or NULL ("auto" is none of them). */
const struct hvb_ops *hvb_find(const char *name);

static inline const char *hvb_name(const struct hvb_vm *vm) { return vm->ops->name; }
static inline unsigned hvb_caps(const struct hvb_vm *vm) { return vm->ops->caps; }

static inline int hvb_map_ram(struct hvb_vm *vm, void *host, uint64_t size, struct lerr *err)
{
	return vm->ops->map_ram(vm, host, size, err);
}

/*
 * Guards one 4 KiB page of RAM: HVB_RAM_RO makes the partition's writes to
 * it exit as MMIO, HVB_RAM_NONE every access; HVB_RAM_RW lifts the guard.
 * At most HVB_GUARDS_MAX pages at once.  (Watchpoints.)
 */
static inline int hvb_ram_guard(struct hvb_vm *vm, uint64_t page, int mode)
{
	return vm->ops->ram_guard(vm, page, mode);
}

/*
 * The monitor changed [gpa, gpa + len) behind the vCPU's back (a planted
 * breakpoint, a write to the mem file): a backend that caches translated
 * code drops what it translated from there before the vCPU runs it again.
 * Any thread may call it.
 */
static inline void hvb_ram_written(struct hvb_vm *vm, uint64_t gpa, uint64_t len)
{
	if (vm->ops->ram_written)
		vm->ops->ram_written(vm, gpa, len);
}

/*
 * Routes the partition's "outl" of value to port into eventfd fd (assign),
 * or stops doing so; such a write then costs no exit to the monitor's core.
 * Any thread may call it.
 */
static inline int hvb_ioeventfd(struct hvb_vm *vm, uint16_t port, uint32_t value, int fd,
				int assign)
{
	return vm->ops->ioeventfd(vm, port, value, fd, assign);
}

/* What the vCPU's CPUID instruction will answer for leaf and subleaf. */
static inline int hvb_cpuid(struct hvb_vm *vm, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	return vm->ops->cpuid(vm, leaf, sub, out);
}

/* Creates vCPU 0 in the given state; sigmask is in force while it runs. */
static inline int hvb_cpu_create(struct hvb_vm *vm, const struct hv_boot_state *bs,
				 const sigset_t *sigmask, struct hvb_cpu **out,
				 struct lerr *err)
{
	return vm->ops->cpu_create(vm, bs, sigmask, out, err);
}

/* Runs until the next exit.  Returns 0 or -errno if the backend failed. */
static inline int hvb_cpu_run(struct hvb_cpu *cpu, struct hvb_exit *ex)
{
	return cpu->ops->cpu_run(cpu, ex);
}

/*
 * Makes a run in progress return HVB_EXIT_INTR soon (and, where the backend
 * needs it, the next one: a kick between runs must not be lost).  The
 * monitor's kick signal interrupts KVM_RUN and ppoll() on its own; its
 * handler and every request call this too.  Async-signal-safe, callable
 * from any thread.
 */
static inline void hvb_cpu_kick(struct hvb_cpu *cpu)
{
	if (cpu && cpu->ops->cpu_kick)
		cpu->ops->cpu_kick(cpu);
}

/* The registers as of the last exit; call hvb_cpu_regs_dirty() after changing them. */
static inline struct hv_regs *hvb_cpu_regs(struct hvb_cpu *cpu)
{
	return cpu->ops->cpu_regs(cpu);
}

static inline void hvb_cpu_regs_dirty(struct hvb_cpu *cpu)
{
	cpu->ops->cpu_regs_dirty(cpu);
}

static inline int hvb_cpu_sregs(struct hvb_cpu *cpu, struct hv_sregs *out)
{
	return cpu->ops->cpu_sregs(cpu, out);
}

/*
 * Completes the exit in progress (an hcall's result, the instruction
 * pointer past it) without running the guest, so that the registers are
 * consistent while the vCPU is paused.
 */
static inline void hvb_cpu_settle(struct hvb_cpu *cpu)
{
	cpu->ops->cpu_settle(cpu);
}

/*
 * Returns the vCPU from the monitor's exception stub to the partition:
 * completes the exit in progress, then sets r and the user-mode code and
 * stack segments the vCPU started with.
 */
static inline int hvb_cpu_resume_user(struct hvb_cpu *cpu, const struct hv_regs *r)
{
	return cpu->ops->cpu_resume_user(cpu, r);
}

static inline int hvb_cpu_segs(struct hvb_cpu *cpu, struct hv_segs *out)
{
	return cpu->ops->cpu_segs(cpu, out);
}

/* Sets the FS base (the set_fs_base hcall, for CPUs without wrfsbase). */
static inline int hvb_cpu_set_fs_base(struct hvb_cpu *cpu, uint64_t base)
{
	return cpu->ops->cpu_set_fs_base(cpu, base);
}

/* Registers through the ioctl interface: only while the vCPU is not running. */
static inline int hvb_cpu_get_regs(struct hvb_cpu *cpu, struct hv_regs *out)
{
	return cpu->ops->cpu_get_regs(cpu, out);
}

static inline int hvb_cpu_set_regs(struct hvb_cpu *cpu, const struct hv_regs *in)
{
	return cpu->ops->cpu_set_regs(cpu, in);
}

/*
 * The x87 and SSE state in FXSAVE's 512-byte layout, as Linux gives it in
 * a core's NT_FPREGSET (64-bit FIP and FDP, the abridged tag word, ST0-7
 * from the top of the stack): only while the vCPU is not running.
 * -EOPNOTSUPP from a backend that cannot give it.
 */
static inline int hvb_cpu_fxsave(struct hvb_cpu *cpu, uint8_t out[HVB_FXSAVE_SIZE])
{
	return cpu->ops->cpu_fxsave ? cpu->ops->cpu_fxsave(cpu, out) : -EOPNOTSUPP;
}

static inline void hvb_close(struct hvb_vm *vm)
{
	if (vm)
		vm->ops->close(vm);
}

#endif
