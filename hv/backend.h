/*
 * The interface between the portable monitor core and a hypervisor
 * backend (hv/kvm.c).  The Makefile picks the backend.
 */
#ifndef LPAR_HV_BACKEND_H
#define LPAR_HV_BACKEND_H

#include <signal.h>
#include <stdint.h>

struct lerr;
struct hvb_vm;
struct hvb_cpu;

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
	HVB_EXIT_MMIO,       /* addr */
	HVB_EXIT_INTR,       /* a signal interrupted the run */
	HVB_EXIT_DEBUG,
	HVB_EXIT_OTHER,      /* code = backend's exit reason */
};

struct hvb_exit {
	enum hvb_exit_kind kind;
	uint16_t port;
	uint8_t size;
	uint8_t out;
	uint32_t data;
	uint64_t addr;
	uint64_t code;
	uint8_t *mmio_data;  /* HVB_EXIT_MMIO: size bytes written, or to fill for a read */
};

/* cache_dir: where the backend may keep host facts between runs, or NULL. */
int hvb_open(const char *dev, const char *cache_dir, struct hvb_vm **out,
	     struct lerr *err);
int hvb_map_ram(struct hvb_vm *vm, void *host, uint64_t size, struct lerr *err);

/*
 * Guards one 4 KiB page of RAM: HVB_RAM_RO makes the partition's writes to
 * it exit as MMIO writes, HVB_RAM_NONE every access; HVB_RAM_RW lifts the
 * guard.  At most HVB_GUARDS_MAX pages at once.  (Watchpoints.)
 */
#define HVB_RAM_RW   0
#define HVB_RAM_RO   1
#define HVB_RAM_NONE 2
#define HVB_GUARDS_MAX 8
int hvb_ram_guard(struct hvb_vm *vm, uint64_t page, int mode);
/*
 * Routes the partition's "outl" of value to port into eventfd fd inside the
 * kernel (assign), or stops doing so; such a write then costs no exit to
 * the monitor's process.
 */
int hvb_ioeventfd(struct hvb_vm *vm, uint16_t port, uint32_t value, int fd, int assign);
/* Creates vCPU 0 in the given state; sigmask is in force while it runs. */
int hvb_cpu_create(struct hvb_vm *vm, const struct hv_boot_state *bs,
		   const sigset_t *sigmask, struct hvb_cpu **out,
		   struct lerr *err);
/* Runs until the next exit.  Returns 0 or -errno if the backend failed. */
int hvb_cpu_run(struct hvb_cpu *cpu, struct hvb_exit *ex);
/* The registers as of the last exit; call hvb_cpu_regs_dirty() after changing them. */
struct hv_regs *hvb_cpu_regs(struct hvb_cpu *cpu);
void hvb_cpu_regs_dirty(struct hvb_cpu *cpu);
int hvb_cpu_sregs(struct hvb_cpu *cpu, struct hv_sregs *out);
/*
 * Completes the exit in progress (an hcall's result, the instruction
 * pointer past it) without running the guest, so that the registers are
 * consistent while the vCPU is paused.
 */
void hvb_cpu_settle(struct hvb_cpu *cpu);
/*
 * Returns the vCPU from the monitor's exception stub to the partition:
 * completes the exit in progress, then sets r and the user-mode code and
 * stack segments the vCPU started with.
 */
int hvb_cpu_resume_user(struct hvb_cpu *cpu, const struct hv_regs *r);
/* Segment selectors and the FS/GS bases, for the regs file. */
struct hv_segs {
	uint16_t cs, ss, ds, es, fs, gs;
	uint64_t fs_base, gs_base;
};
int hvb_cpu_segs(struct hvb_cpu *cpu, struct hv_segs *out);
/* Sets the FS base (the set_fs_base hcall, for CPUs without wrfsbase). */
int hvb_cpu_set_fs_base(struct hvb_cpu *cpu, uint64_t base);
/* Registers through the ioctl interface: only while the vCPU is not running. */
int hvb_cpu_get_regs(struct hvb_cpu *cpu, struct hv_regs *out);
int hvb_cpu_set_regs(struct hvb_cpu *cpu, const struct hv_regs *in);
void hvb_close(struct hvb_vm *vm);

#endif
