/* SPDX-License-Identifier: ISC */
/*
 * The TCG backend: partitions on a software CPU, QEMU's TCG through
 * Debian's libunicorn (2.0.1), where /dev/kvm is missing.  The partition
 * runs the same image in the same layout at CPL 3; this file makes
 * Unicorn behave like the CPU the layout was built for.  What Unicorn
 * 2.0.1 does differently, and how each is met here (docs/design.md):
 *
 * - No IDT delivery: an exception calls a hook with the vector only.  The
 *   backend reports it as HVB_EXIT_EXCEPTION with the registers of the
 *   faulting instruction (or past a trap) and rebuilds the error code:
 *   #PF's from the page tables and the instruction (x86_insn.c).
 * - No way into CPL 0 but the first iretq: segment writes in 64-bit mode
 *   set only the selector.  A trampoline iretq in the backend's own
 *   memory enters the partition; after that the vCPU stays at CPL 3, and
 *   the syscall stub runs there (its iretq goes from CPL 3 to CPL 3).
 * - syscall only calls a hook and steps past the instruction: the backend
 *   does the transition (rcx, r11, FMASK, LSTAR) between two runs.
 * - EFER.NXE cannot be set (the CPU model lacks NX), so an NX bit in a
 *   page table entry is a reserved bit.  The vCPU walks the backend's
 *   copy of the partition's page tables with NX taken out, and NX pages
 *   lose UC_PROT_EXEC in Unicorn's map instead.  The copy is made once:
 *   the page tables never change after boot.
 * - A load or store checks Unicorn's map by virtual address before the
 *   page walk, and an address outside the map is an imprecise error
 *   (stale rip).  So all of RAM is mapped, and everything else is a
 *   catch-all MMIO region: the page walk then faults precisely.
 * - RIP is stale inside IN/OUT hooks and uc_emu_stop() from a hook ends
 *   the run only at the end of the translation block.  So port I/O never
 *   runs in Unicorn: every block is scanned as it is translated, and each
 *   I/O instruction becomes an exit address, where the run stops before
 *   it; the backend checks the port against the TSS I/O bitmap and does
 *   it.  A doorbell goes straight to its eventfd from here.
 * - Unicorn invalidates the blocks before every exit address when a run
 *   ends, translating the address through the code TLB outside its CPU
 *   loop: an exit on a page the partition cannot fetch from would crash
 *   it, so guards that take a page away suspend its exits.
 * - That invalidation (qemu/softmmu/cpus.c, resume_all_vcpus) also means
 *   the block before the exit a run stopped at is translated again, into
 *   new space, on the next run: with the exits always set, the 1 GiB
 *   translation buffer filled at every hcall (about 7 MB/s in an hcall
 *   loop) and Unicorn 2.0.1 crashed in tb_set_jmp_target once it was full
 *   (after about 7 million hcalls).  A block only needs the exits while it
 *   is translated: so they are set ("armed") only until a block with
 *   sites has been translated with them, and taken off again at the next
 *   new block (on_new_block), before the run ends.  A block translated
 *   meanwhile without them and holding a site is stopped before it runs
 *   and translated again with them.
 * - RFLAGS is never written inside a hook (TCG keeps the flags lazily);
 *   registers move only between runs.
 * - uc_emu_start() with a count, or uc_ctl_flush_tb(), clears the whole
 *   1 GiB translation buffer: neither is used.  Translations of code the
 *   monitor changed are dropped one range at a time.
 * - A kick that lands just before uc_emu_start() clears its stop request
 *   would be lost: a timer sends the kick signal again until the run
 *   returns.
 * - mxcsr, the x87 control word and tag word start at 0 (exceptions
 *   unmasked, all registers valid); the backend sets the reset values.
 * - libunicorn carries every architecture QEMU has, and binding its
 *   symbols cost every lpar command milliseconds: it is loaded (dlopen)
 *   only when a partition runs on TCG.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include "../common/dlib.h"
#include "../common/err.h"
#include "backend.h"
#include "x86_insn.h"

#define PAGE   0x1000ull
#define LARGE  0x200000ull

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IOPL (3ull << 12)

/* Page-fault error code bits. */
#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_I 0x10u

/*
 * The backend's own memory, outside the partition's reach (supervisor
 * pages, above the largest RAM and below TCG's 40 physical address
 * bits): the page tables the vCPU walks, the trampoline and its stack.
 */
#define PRIV_BASE  0xff00000000ull
#define PRIV_PT    (512u * PAGE)   /* room for the copied page tables */
#define PRIV_CODE  PRIV_PT         /* iretq; cpuid; hlt; syscall */
#define PRIV_STACK (PRIV_CODE + PAGE)
#define PRIV_FLUSH (PRIV_STACK + PAGE) /* toggled to flush the TLB */
#define PRIV_SIZE  (PRIV_FLUSH + PAGE)
#define CODE_IRET  0
#define CODE_CPUID 16
#define CODE_USER  32

#define SITES_MAX  4096
#define SCAN_MAX   512     /* a translation block has at most 512 instructions */
#define EFD_MAX    32
#define INVAL_MAX  16
#define XRUNS_MAX  64
#define KICK_RETRY_NS 2000000 /* a lost kick is sent again this often */

/* The Unicorn functions the backend uses, bound when it first runs (lib_load). */
#define UC_FUNCS(X) \
	X(uc_arch_supported) \
	X(uc_close) \
	X(uc_context_alloc) \
	X(uc_context_free) \
	X(uc_context_reg_read) \
	X(uc_context_restore) \
	X(uc_context_save) \
	X(uc_ctl) \
	X(uc_emu_start) \
	X(uc_emu_stop) \
	X(uc_hook_add) \
	X(uc_mem_map_ptr) \
	X(uc_mem_protect) \
	X(uc_mmio_map) \
	X(uc_open) \
	X(uc_reg_read) \
	X(uc_reg_read_batch) \
	X(uc_reg_write) \
	X(uc_reg_write_batch) \
	X(uc_strerror) \
	X(uc_version)

static struct {
	void *lib;
#define UC_MEMBER(f) __typeof__(f) *f;
	UC_FUNCS(UC_MEMBER)
} uc_lib;

/* Loads libunicorn; 0 or -errno, and why in err. */
static int lib_load(struct lerr *err)
{
#define UC_SYM(f) { #f, (void **)&uc_lib.f },
	static const struct dlib_sym syms[] = { UC_FUNCS(UC_SYM) };
	struct lerr why;
	int e = dlib_load("libunicorn.so.2", &uc_lib.lib, syms, sizeof(syms) / sizeof(syms[0]), &why);

	if (e == -ENOENT)
		return lerr_set(err, ENOENT, "%s (install Debian's libunicorn2)", why.msg);
	if (e)
		return lerr_set(err, -e, "%s", why.msg);
	return 0;
}

/* From here on, a call of uc_X goes through what lib_load() bound. */
#define uc_arch_supported (uc_lib.uc_arch_supported)
#define uc_close (uc_lib.uc_close)
#define uc_context_alloc (uc_lib.uc_context_alloc)
#define uc_context_free (uc_lib.uc_context_free)
#define uc_context_reg_read (uc_lib.uc_context_reg_read)
#define uc_context_restore (uc_lib.uc_context_restore)
#define uc_context_save (uc_lib.uc_context_save)
#define uc_ctl (uc_lib.uc_ctl)
#define uc_emu_start (uc_lib.uc_emu_start)
#define uc_emu_stop (uc_lib.uc_emu_stop)
#define uc_hook_add (uc_lib.uc_hook_add)
#define uc_mem_map_ptr (uc_lib.uc_mem_map_ptr)
#define uc_mem_protect (uc_lib.uc_mem_protect)
#define uc_mmio_map (uc_lib.uc_mmio_map)
#define uc_open (uc_lib.uc_open)
#define uc_reg_read (uc_lib.uc_reg_read)
#define uc_reg_read_batch (uc_lib.uc_reg_read_batch)
#define uc_reg_write (uc_lib.uc_reg_write)
#define uc_reg_write_batch (uc_lib.uc_reg_write_batch)
#define uc_strerror (uc_lib.uc_strerror)
#define uc_version (uc_lib.uc_version)

/* Why the last run stopped, as the hooks saw it. */
enum stop {
	STOP_NONE,       /* an exit address, a kick, or the end of the run */
	STOP_INTR,       /* an exception: intno */
	STOP_UD,         /* an invalid instruction */
	STOP_SYSCALL,
	STOP_NEWIO,      /* a new block has a site the backend has not seen */
	STOP_SITE,       /* a block starts with a site that cannot be an exit: addr */
	STOP_NX,         /* a fetch from a non-executable page: addr */
	STOP_MMIO,       /* an access past RAM that the page tables map: addr */
	STOP_BADIO,      /* port I/O ran without an exit: a backend bug */
};

/* What to do after a stop. */
enum { GO_ON, EXIT_READY };

struct tcg_efd {
	uint16_t port;
	uint32_t value;
	int fd;
};

struct tcg_guard {
	uint64_t page;
	int mode;
};

struct tcg_cpu;

struct tcg_vm {
	struct hvb_vm base;
	uc_engine *uc;
	struct x86_dec *dec;
	uint8_t *ram;
	uint64_t ram_size;
	uint8_t *priv;
	uint64_t pt_used;            /* bytes of PRIV_PT in use */
	uint64_t cr3;                /* the copy the vCPU walks */
	uint32_t cpuid[5][4];        /* leaves 0, 1, 7, 0x80000000, 0x80000001 */
	struct tcg_cpu *cpu;
	int kick_signal;             /* the monitor's, which kicks a run */
	struct tcg_mmio { struct tcg_vm *vm; uint64_t base; } mmio[3];

	/* The partition's port I/O instructions, by address; each is an exit. */
	struct x86_site *sites;
	size_t nsites;
	uint64_t *exits, *exits_was;
	size_t nexits;
	struct x86_site scan[SCAN_MAX]; /* on_new_block's */

	/* From other threads, under lock: doorbells, code changes, guards. */
	pthread_mutex_t lock;
	struct tcg_efd efd[EFD_MAX];
	int nefd;
	uint64_t inval_lo[INVAL_MAX], inval_hi[INVAL_MAX];
	int ninval, inval_all;
	/* Where the partition can run code from: the pages there may have translations. */
	uint64_t xlo[XRUNS_MAX], xhi[XRUNS_MAX];
	int nx;
	struct tcg_guard guard[HVB_GUARDS_MAX];
	int nguard, guards_dirty;
	int pending;                 /* any of the above since the vCPU last looked */
	int armed;                   /* Unicorn has the exits (see above) */
	/* The vCPU thread's own: the guards in its page tables. */
	struct tcg_guard applied[HVB_GUARDS_MAX];
	int napplied;
};

struct tcg_cpu {
	struct hvb_cpu base;
	struct tcg_vm *vm;
	struct hv_boot_state bs;
	struct hv_regs regs;         /* as of the last exit */
	int dirty;                   /* regs changed since */
	uc_context *clean, *now;     /* no exception in flight; scratch (reset_exceptions) */
	sigset_t run_mask;
	uint64_t cr2;
	uint64_t io_done;            /* bytes to step past a reported I/O instruction */
	int pending_db;              /* a single-step trap is due before the next instruction */
	int no_guard;                /* a page fault now is never a guard's (guard_step) */
	uint8_t page_before[PAGE];   /* a guarded page before the access (done_page) */

	/* Set by the hooks during a run. */
	enum stop why;
	uint32_t intno;
	uint64_t addr;
	uint64_t new_pc, new_size;
	uc_err err;

	/* Kicks (any thread, signal handlers): hvb_cpu_kick(). */
	int kicked, in_run;
	timer_t timer;
	int timer_ok;
};

static const int reg_ids[18] = {
	UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
	UC_X86_REG_RDI, UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_R8, UC_X86_REG_R9,
	UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
	UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS,
};

static uint64_t reg(struct tcg_vm *vm, int id)
{
	uint64_t v = 0;

	uc_reg_read(vm->uc, id, &v);
	return v;
}

static void reg_set(struct tcg_vm *vm, int id, uint64_t v)
{
	uc_reg_write(vm->uc, id, &v);
}

static void regs_batch(struct tcg_cpu *cpu, int write)
{
	void *p[18];
	uint64_t *v = &cpu->regs.rax; /* struct hv_regs keeps KVM's order */

	for (int i = 0; i < 18; i++)
		p[i] = &v[i];
	if (write)
		uc_reg_write_batch(cpu->vm->uc, (int *)reg_ids, p, 18);
	else
		uc_reg_read_batch(cpu->vm->uc, (int *)reg_ids, p, 18);
}

/* ---- memory and page tables ---- */

static void *priv_at(struct tcg_vm *vm, uint64_t pa)
{
	return pa >= PRIV_BASE && pa - PRIV_BASE < PRIV_SIZE ? vm->priv + (pa - PRIV_BASE) : NULL;
}

static void *ram_at(struct tcg_vm *vm, uint64_t pa, uint64_t len)
{
	if (pa >= vm->ram_size || len > vm->ram_size - pa)
		return NULL;
	return vm->ram + pa;
}

static uint64_t pt_alloc(struct tcg_vm *vm)
{
	uint64_t pa;

	if (vm->pt_used + PAGE > PRIV_PT)
		return 0;
	pa = PRIV_BASE + vm->pt_used;
	vm->pt_used += PAGE;
	return pa;
}

/*
 * Copies the partition's table at guest address table (level 4: the PML4)
 * into the backend's memory, leaves without NX; returns its address or 0.
 */
static uint64_t pt_copy(struct tcg_vm *vm, uint64_t table, int level)
{
	const uint64_t *g = ram_at(vm, table, PAGE);
	uint64_t pa = pt_alloc(vm), *t = pa ? priv_at(vm, pa) : NULL;

	if (!g || !t)
		return 0;
	for (int i = 0; i < 512; i++) {
		uint64_t e = g[i];

		if (!(e & PTE_P) || level == 1 || (level == 2 && (e & PTE_PS))) {
			t[i] = e & ~PTE_NX;
		} else {
			uint64_t sub = pt_copy(vm, e & PTE_ADDR, level - 1);

			if (!sub)
				return 0;
			t[i] = sub | (e & ~PTE_ADDR & ~PTE_NX);
		}
	}
	return pa;
}

/* The partition's own leaf entry for va (with NX), or 0 if none; *large for a 2 MiB one. */
static uint64_t guest_leaf(struct tcg_vm *vm, uint64_t va, int *large)
{
	uint64_t t = vm->cpu->bs.cr3;

	*large = 0;
	for (int level = 4; level >= 1; level--) {
		const uint64_t *tab = ram_at(vm, t & PTE_ADDR, PAGE);
		uint64_t e;

		if (!tab)
			return 0;
		e = tab[(va >> (12 + 9 * (level - 1))) & 511];
		if (level == 1 || !(e & PTE_P) || (level == 2 && (e & PTE_PS))) {
			*large = level == 2 && (e & PTE_P);
			return e;
		}
		t = e;
	}
	return 0;
}

static uint64_t guest_pte(struct tcg_vm *vm, uint64_t va)
{
	int large;

	return guest_leaf(vm, va, &large);
}

/*
 * The partition's entry for the 4 KiB page at va, as an entry of the
 * vCPU's tables has it: without NX, and a 2 MiB one made a 4 KiB one.
 */
static uint64_t guest_page(struct tcg_vm *vm, uint64_t va)
{
	int large;
	uint64_t e = guest_leaf(vm, va, &large) & ~PTE_NX;

	if (!large)
		return e;
	return ((e & PTE_ADDR & ~(LARGE - 1)) + (va & (LARGE - 1) & ~(PAGE - 1))) |
	       (e & 0xfff & ~PTE_PS);
}

/*
 * The entry of the vCPU's page tables that maps the 4 KiB page at va,
 * splitting a 2 MiB one if split; NULL if there is none.
 */
static uint64_t *pte_of(struct tcg_vm *vm, uint64_t va, int split)
{
	uint64_t t = vm->cr3;

	for (int level = 4; level >= 1; level--) {
		uint64_t *tab = priv_at(vm, t & PTE_ADDR), *e;

		if (!tab)
			return NULL;
		e = &tab[(va >> (12 + 9 * (level - 1))) & 511];
		if (level == 1)
			return e;
		if (!(*e & PTE_P))
			return NULL;
		if (level == 2 && (*e & PTE_PS)) {
			uint64_t pt, *p;

			if (!split || !(pt = pt_alloc(vm)))
				return split ? NULL : e;
			p = priv_at(vm, pt);
			for (int i = 0; i < 512; i++)
				p[i] = ((*e & PTE_ADDR) + (uint64_t)i * PAGE) | (*e & 0xfff & ~PTE_PS);
			*e = pt | (*e & 0xfff & ~PTE_PS);
		}
		t = *e;
	}
	return NULL;
}

/* Whether the partition may fetch from va now: only then may Unicorn look it up as code. */
static int fetchable(struct tcg_vm *vm, uint64_t va)
{
	const uint64_t *e = va < vm->ram_size ? pte_of(vm, va, 0) : NULL;

	return e && (*e & (PTE_P | PTE_U)) == (PTE_P | PTE_U) && !(guest_pte(vm, va) & PTE_NX);
}

/* Maps the backend's own memory into the page tables at PRIV_BASE, supervisor only. */
static int pt_map_priv(struct tcg_vm *vm)
{
	for (uint64_t va = PRIV_BASE; va < PRIV_BASE + PRIV_SIZE; va += PAGE) {
		uint64_t tab = vm->cr3;

		for (int level = 4; level >= 2; level--) {
			uint64_t *e = (uint64_t *)priv_at(vm, tab) + ((va >> (12 + 9 * (level - 1))) & 511);

			if (!(*e & PTE_P)) {
				uint64_t pa = pt_alloc(vm);

				if (!pa)
					return -ENOMEM;
				*e = pa | PTE_P | PTE_W | PTE_U; /* the leaves decide */
			}
			tab = *e & PTE_ADDR;
		}
		((uint64_t *)priv_at(vm, tab))[(va >> 12) & 511] = va | PTE_P | PTE_W;
	}
	return 0;
}

/*
 * Unicorn checks its own map before the page walk: every page of RAM is
 * executable there unless the partition maps it present, user and NX, so
 * that the walk, not Unicorn, decides the other faults.
 */
static int ram_map(struct tcg_vm *vm)
{
	uint64_t run = 0;
	uint32_t perm = UC_PROT_ALL;

	for (uint64_t a = 0; a <= vm->ram_size; a += PAGE) {
		uint32_t p = UC_PROT_ALL;
		uint64_t e = a < vm->ram_size ? guest_pte(vm, a) : 0;

		if ((e & (PTE_P | PTE_U | PTE_NX)) == (PTE_P | PTE_U | PTE_NX))
			p = UC_PROT_READ | UC_PROT_WRITE;
		if ((e & (PTE_P | PTE_U | PTE_NX)) == (PTE_P | PTE_U)) {
			if (vm->nx && vm->xhi[vm->nx - 1] == a)
				vm->xhi[vm->nx - 1] = a + PAGE;
			else if (vm->nx < XRUNS_MAX)
				vm->xlo[vm->nx] = a, vm->xhi[vm->nx++] = a + PAGE;
			else
				vm->xhi[XRUNS_MAX - 1] = a + PAGE; /* one run too many: widen the last */
		}
		if (a == vm->ram_size || (a > run && p != perm)) {
			if (uc_mem_map_ptr(vm->uc, run, a - run, perm, vm->ram + run) != UC_ERR_OK)
				return -ENOMEM;
			run = a;
		}
		perm = p;
	}
	return 0;
}

/* Flushes the vCPU's TLB: a change to Unicorn's map is the public way to. */
static void tlb_flush(struct tcg_vm *vm)
{
	uc_mem_protect(vm->uc, PRIV_BASE + PRIV_FLUSH, PAGE, UC_PROT_READ);
	uc_mem_protect(vm->uc, PRIV_BASE + PRIV_FLUSH, PAGE, UC_PROT_READ | UC_PROT_WRITE);
}

/*
 * Drops translations of [lo, hi), page by page where the partition runs
 * code.  A page a guard takes away gets the partition's entry back for the
 * moment: Unicorn finds the blocks to drop by translating the address as
 * code, which must not fault (and cannot, outside a run, be let fault).
 */
static void code_drop(struct tcg_vm *vm, uint64_t lo, uint64_t hi)
{
	int lifted = 0;

	for (int r = 0; r < vm->nx; r++) {
		uint64_t from = lo > vm->xlo[r] ? lo : vm->xlo[r], to = hi < vm->xhi[r] ? hi : vm->xhi[r];

		for (uint64_t p = from & ~(PAGE - 1); p < to; p += PAGE) {
			uint64_t a = p > from ? p : from, b = p + PAGE < to ? p + PAGE : to, *e, saved;

			if (fetchable(vm, p)) {
				uc_ctl_remove_cache(vm->uc, a, b);
				continue;
			}
			e = pte_of(vm, p, 1);
			if (!e)
				continue;
			saved = *e;
			*e = guest_page(vm, p);
			uc_ctl_remove_cache(vm->uc, a, b);
			*e = saved;
			lifted = 1;
		}
	}
	if (lifted)
		tlb_flush(vm);
}

/* ---- port I/O sites ---- */

static const struct x86_site *site_at(struct tcg_vm *vm, uint64_t addr)
{
	size_t lo = 0, hi = vm->nsites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (vm->sites[mid].addr == addr)
			return &vm->sites[mid];
		if (vm->sites[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Whether the site at a can be an exit address now: Unicorn translates the
 * byte before every exit as code whenever a run ends, which must not fault.
 */
static int exit_ok(struct tcg_vm *vm, uint64_t a)
{
	return a > 0 && fetchable(vm, a) && fetchable(vm, a - 1);
}

/*
 * Gives Unicorn the exit addresses: every site that can be one now (a
 * guard may have taken its page away).  The blocks of a site that becomes
 * one again are dropped, should one have been translated without it.
 */
static void exits_update(struct tcg_vm *vm)
{
	size_t n = 0, old = vm->nexits, k = 0;
	uint64_t *was = vm->exits_was;

	memcpy(was, vm->exits, old * sizeof(*was));
	for (size_t i = 0; i < vm->nsites; i++)
		if (exit_ok(vm, vm->sites[i].addr))
			vm->exits[n++] = vm->sites[i].addr;
	vm->nexits = n;
	if (vm->armed)
		uc_ctl_set_exits(vm->uc, vm->exits, n);
	for (size_t i = 0; i < n; i++) {
		while (k < old && was[k] < vm->exits[i])
			k++;
		if (k == old || was[k] != vm->exits[i])
			uc_ctl_remove_cache(vm->uc, vm->exits[i], vm->exits[i] + 1);
	}
}

/* Gives Unicorn the exits, or takes them away (see the top of the file). */
static void exits_arm(struct tcg_vm *vm, int on)
{
	if (vm->armed == on)
		return;
	vm->armed = on;
	uc_ctl_set_exits(vm->uc, vm->exits, on ? vm->nexits : 0);
}

/*
 * Learns the sites of the block at [pc, pc + size): they become exits,
 * and the blocks that hold them are translated again with them.
 */
static int sites_learn(struct tcg_vm *vm, uint64_t pc, uint64_t size)
{
	const uint8_t *code = ram_at(vm, pc, size);
	struct x86_site *io = vm->scan;
	size_t n = code ? x86_sites_scan(vm->dec, code, size, pc, io, SCAN_MAX) : 0;

	if (n > SCAN_MAX)
		return -ENOSPC;
	for (size_t k = 0; k < n; k++) {
		size_t i;

		if (site_at(vm, io[k].addr))
			continue;
		if (vm->nsites == SITES_MAX)
			return -ENOSPC;
		for (i = vm->nsites; i > 0 && vm->sites[i - 1].addr > io[k].addr; i--)
			vm->sites[i] = vm->sites[i - 1];
		vm->sites[i] = io[k];
		vm->nsites++;
	}
	exits_update(vm);
	exits_arm(vm, 1);
	/*
	 * Only the blocks that hold a site: dropping the whole range would
	 * also drop a block that ends at one of its exits (one that starts
	 * before pc), to be translated again, now without the exits.
	 */
	for (size_t k = 0; k < n; k++)
		code_drop(vm, io[k].addr, io[k].addr + 1);
	return 0;
}

/* ---- hooks (the vCPU thread, inside a run) ---- */

static void stop(struct tcg_cpu *cpu, enum stop why, uint64_t addr)
{
	if (cpu->why == STOP_NONE) {
		cpu->why = why;
		cpu->addr = addr;
	}
	uc_emu_stop(cpu->vm->uc);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *data)
{
	struct tcg_cpu *cpu = data;

	(void)uc;
	if (cpu->why == STOP_NONE)
		cpu->intno = intno;
	stop(cpu, STOP_INTR, 0);
}

static bool on_invalid(uc_engine *uc, void *data)
{
	(void)uc;
	stop(data, STOP_UD, 0);
	return true;
}

static void on_syscall(uc_engine *uc, void *data)
{
	(void)uc;
	stop(data, STOP_SYSCALL, 0);
}

static bool on_fetch_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			  int64_t value, void *data)
{
	(void)uc, (void)type, (void)size, (void)value;
	stop(data, STOP_NX, addr);
	return false;
}

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			int64_t value, void *data)
{
	(void)uc, (void)type, (void)size, (void)value;
	stop(data, STOP_MMIO, addr);
	return false;
}

static uint64_t on_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *data)
{
	const struct tcg_mmio *m = data;

	(void)uc, (void)size;
	if (m->vm->cpu)
		stop(m->vm->cpu, STOP_MMIO, m->base + off);
	return 0;
}

static void on_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *data)
{
	(void)value;
	on_mmio_read(uc, off, size, data);
}

static uint32_t on_in(uc_engine *uc, uint32_t port, int size, void *data)
{
	(void)uc, (void)size;
	stop(data, STOP_BADIO, port);
	return 0;
}

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *data)
{
	(void)uc, (void)size, (void)value;
	stop(data, STOP_BADIO, port);
}

/*
 * A block was translated: if it has a site the backend has not seen, stop
 * before it runs, so that it is translated again with exits there.  A site
 * that cannot be an exit (exit_ok) is met here instead, each time a block
 * starts with it.
 */
static void on_new_block(uc_engine *uc, uc_tb *tb, uc_tb *prev, void *data)
{
	struct tcg_cpu *cpu = data;
	struct tcg_vm *vm = cpu->vm;
	const uint8_t *code = ram_at(vm, tb->pc, tb->size);
	struct x86_site *io = vm->scan;
	size_t n;

	(void)uc, (void)prev;
	if (!code || cpu->why != STOP_NONE)
		return;
	if (site_at(vm, tb->pc) && !exit_ok(vm, tb->pc)) {
		stop(cpu, STOP_SITE, tb->pc);
		return;
	}
	n = x86_sites_scan(vm->dec, code, tb->size, tb->pc, io, SCAN_MAX);
	/*
	 * A site the backend has not seen, or one translated while the exits
	 * were off: translated again, with them, before the block runs.
	 */
	for (size_t i = 0; i < n; i++)
		if (i == SCAN_MAX || !site_at(vm, io[i].addr) || exit_ok(vm, io[i].addr)) {
			cpu->new_pc = tb->pc;
			cpu->new_size = tb->size;
			stop(cpu, STOP_NEWIO, tb->pc);
			return;
		}
	/* Translated as it must be: the exits can go before the run ends. */
	exits_arm(vm, 0);
}

/* ---- the VM ---- */

static void tcg_close(struct hvb_vm *b);

static const uint32_t cpuid_leaves[5] = { 0, 1, 7, 0x80000000u, 0x80000001u };

/* Runs cpuid at CPL 0 in the backend's memory, before the partition exists. */
static int cpuid_probe(struct tcg_vm *vm, uint32_t leaf, uint32_t out[4])
{
	reg_set(vm, UC_X86_REG_RAX, leaf);
	reg_set(vm, UC_X86_REG_RCX, 0);
	if (uc_emu_start(vm->uc, PRIV_BASE + PRIV_CODE + CODE_CPUID, 0, 0, 0) != UC_ERR_OK)
		return -EIO;
	out[0] = (uint32_t)reg(vm, UC_X86_REG_RAX);
	out[1] = (uint32_t)reg(vm, UC_X86_REG_RBX);
	out[2] = (uint32_t)reg(vm, UC_X86_REG_RCX);
	out[3] = (uint32_t)reg(vm, UC_X86_REG_RDX);
	return 0;
}

static int tcg_probe(const struct hvb_params *p, struct lerr *err)
{
	unsigned major, minor;
	int e;

	(void)p;
	e = lib_load(err);
	if (e)
		return e;
	uc_version(&major, &minor);
	if (!uc_arch_supported(UC_ARCH_X86))
		return lerr_set(err, ENOTSUP, "libunicorn %u.%u was built without x86", major, minor);
	lerr_set(err, 0, "a software CPU, libunicorn %u.%u", major, minor);
	return 0;
}

static int tcg_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err)
{
	struct tcg_vm *vm;
	uc_err e;
	int r;

	r = tcg_probe(p, err);
	if (r)
		return r;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return lerr_set(err, ENOMEM, "out of memory");
	vm->base.ops = &hvb_tcg;
	vm->kick_signal = p->kick_signal ? p->kick_signal : SIGUSR1;
	pthread_mutex_init(&vm->lock, NULL);
	vm->sites = calloc(SITES_MAX, sizeof(*vm->sites));
	vm->exits = calloc(SITES_MAX, sizeof(*vm->exits));
	vm->exits_was = calloc(SITES_MAX, sizeof(*vm->exits_was));
	vm->priv = mmap(NULL, PRIV_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->priv == MAP_FAILED)
		vm->priv = NULL;
	if (!vm->sites || !vm->exits || !vm->exits_was || !vm->priv) {
		tcg_close(&vm->base);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	r = x86_dec_open(&vm->dec);
	if (r) {
		tcg_close(&vm->base);
		return lerr_set(err, -r, r == -ENOENT ?
				"cannot load libcapstone.so.4 (install Debian's libcapstone4)" :
				"cannot open capstone's x86 decoder");
	}
	e = uc_open(UC_ARCH_X86, UC_MODE_64, &vm->uc);
	if (e != UC_ERR_OK) {
		vm->uc = NULL;
		tcg_close(&vm->base);
		return lerr_set(err, ENOMEM, "cannot start the software CPU: %s", uc_strerror(e));
	}
	memcpy(vm->priv + PRIV_CODE + CODE_IRET, "\x48\xcf", 2);        /* iretq */
	memcpy(vm->priv + PRIV_CODE + CODE_CPUID, "\x0f\xa2\xf4", 3);   /* cpuid; hlt */
	memcpy(vm->priv + PRIV_CODE + CODE_USER, "\x0f\x05", 2);       /* syscall */
	if (uc_mem_map_ptr(vm->uc, PRIV_BASE, PRIV_SIZE, UC_PROT_ALL, vm->priv) != UC_ERR_OK) {
		tcg_close(&vm->base);
		return lerr_set(err, ENOMEM, "cannot map the software CPU's memory");
	}
	for (int i = 0; i < 5; i++)
		if (cpuid_probe(vm, cpuid_leaves[i], vm->cpuid[i])) {
			tcg_close(&vm->base);
			return lerr_set(err, EIO, "the software CPU cannot run cpuid");
		}
	uc_ctl_exits_enable(vm->uc);
	*out = &vm->base;
	return 0;
}

static int tcg_cpuid(struct hvb_vm *b, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct tcg_vm *vm = (struct tcg_vm *)b;

	memset(out, 0, 4 * sizeof(out[0]));
	for (int i = 0; i < 5; i++)
		if (cpuid_leaves[i] == leaf && (leaf != 7 || sub == 0))
			memcpy(out, vm->cpuid[i], 4 * sizeof(out[0]));
	return 0;
}

static int tcg_map_ram(struct hvb_vm *b, void *host, uint64_t size, struct lerr *err)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;

	(void)err;
	vm->ram = host;
	vm->ram_size = size;
	return 0; /* Unicorn gets it once the page tables say how (tcg_cpu_create) */
}

static int tcg_ram_guard(struct hvb_vm *b, uint64_t page, int mode)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;
	int i, e = 0;

	page &= ~(PAGE - 1);
	if (page >= vm->ram_size)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nguard && vm->guard[i].page != page; i++)
		;
	if (mode == HVB_RAM_RW) {
		if (i == vm->nguard)
			e = -ENOENT;
		else
			vm->guard[i] = vm->guard[--vm->nguard];
	} else if (i < vm->nguard) {
		vm->guard[i].mode = mode;
	} else if (vm->nguard == HVB_GUARDS_MAX) {
		e = -ENOSPC;
	} else {
		vm->guard[vm->nguard++] = (struct tcg_guard){ page, mode };
	}
	if (!e) {
		vm->guards_dirty = 1;
		__atomic_store_n(&vm->pending, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vm->lock);
	return e;
}

static void tcg_ram_written(struct hvb_vm *b, uint64_t gpa, uint64_t len)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;

	pthread_mutex_lock(&vm->lock);
	if (vm->ninval == INVAL_MAX) {
		vm->inval_all = 1;
	} else {
		vm->inval_lo[vm->ninval] = gpa;
		vm->inval_hi[vm->ninval++] = gpa + len;
	}
	__atomic_store_n(&vm->pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	/* A partition that computes without exits must still see it soon. */
	if (vm->cpu && __atomic_load_n(&vm->cpu->in_run, __ATOMIC_SEQ_CST))
		uc_emu_stop(vm->uc);
}

static int tcg_ioeventfd(struct hvb_vm *b, uint16_t port, uint32_t value, int fd, int assign)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;
	int e = 0, i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->nefd; i++)
		if (vm->efd[i].port == port && vm->efd[i].value == value)
			break;
	if (assign && i < vm->nefd)
		e = -EEXIST;
	else if (assign && vm->nefd == EFD_MAX)
		e = -ENOSPC;
	else if (assign)
		vm->efd[vm->nefd++] = (struct tcg_efd){ port, value, fd };
	else if (i == vm->nefd || vm->efd[i].fd != fd)
		e = -ENOENT;
	else
		vm->efd[i] = vm->efd[--vm->nefd];
	pthread_mutex_unlock(&vm->lock);
	return e;
}

/* ---- the vCPU ---- */

/*
 * The monitor's kick signal calls this (through hvb_cpu_kick()), and so
 * does the retry timer, which sends that signal to the vCPU thread until
 * the run returns.
 */
static void tcg_cpu_kick(struct hvb_cpu *b)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;
	struct itimerspec retry = { .it_value = { 0, KICK_RETRY_NS } };

	__atomic_store_n(&cpu->kicked, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&cpu->in_run, __ATOMIC_SEQ_CST)) {
		uc_emu_stop(cpu->vm->uc);
		timer_settime(cpu->timer, 0, &retry, NULL);
	}
}

static int hooks_add(struct tcg_cpu *cpu)
{
	uc_engine *uc = cpu->vm->uc;
	uc_hook h;
	int ok = 1;

	ok &= uc_hook_add(uc, &h, UC_HOOK_INTR, on_intr, cpu, 1, 0) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, on_invalid, cpu, 1, 0) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_INSN, on_syscall, cpu, 1, 0, UC_X86_INS_SYSCALL) ==
	      UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_INSN, on_in, cpu, 1, 0, UC_X86_INS_IN) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_INSN, on_out, cpu, 1, 0, UC_X86_INS_OUT) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_MEM_FETCH_PROT, on_fetch_prot, cpu, 1, 0) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_READ_PROT |
			  UC_HOOK_MEM_WRITE_PROT, on_unmapped, cpu, 1, 0) == UC_ERR_OK;
	ok &= uc_hook_add(uc, &h, UC_HOOK_EDGE_GENERATED, on_new_block, cpu, 1, 0) == UC_ERR_OK;
	return ok ? 0 : -ENOMEM;
}

/*
 * Enters CPL 3 the only way Unicorn allows, an iretq, once: from the
 * backend's stack to a syscall in the backend's own page, made a user page
 * for this alone.  The vCPU's state there, with no exception in flight, is
 * what reset_exceptions() goes back to.
 */
static int user_enter(struct tcg_cpu *cpu)
{
	struct tcg_vm *vm = cpu->vm;
	uint64_t frame = PRIV_BASE + PRIV_STACK + PAGE - 40, *f = priv_at(vm, frame);
	uint64_t *code = pte_of(vm, PRIV_BASE + PRIV_CODE, 0);
	uc_err e;

	if (!code)
		return -EIO;
	f[0] = PRIV_BASE + PRIV_CODE + CODE_USER;
	f[1] = cpu->bs.code_sel;
	f[2] = 2;
	f[3] = frame;
	f[4] = cpu->bs.data_sel;
	reg_set(vm, UC_X86_REG_RSP, frame);
	reg_set(vm, UC_X86_REG_RFLAGS, 2);
	*code |= PTE_U;
	tlb_flush(vm);
	cpu->why = STOP_NONE;
	e = uc_emu_start(vm->uc, PRIV_BASE + PRIV_CODE + CODE_IRET, 0, 0, 0);
	*code &= ~PTE_U;
	tlb_flush(vm);
	if (e != UC_ERR_OK || cpu->why != STOP_SYSCALL ||
	    reg(vm, UC_X86_REG_CS) != cpu->bs.code_sel)
		return -EIO;
	if (uc_context_alloc(vm->uc, &cpu->clean) != UC_ERR_OK ||
	    uc_context_alloc(vm->uc, &cpu->now) != UC_ERR_OK ||
	    uc_context_save(vm->uc, cpu->clean) != UC_ERR_OK)
		return -ENOMEM;
	return 0;
}

/*
 * Unicorn never delivers an exception, so the CPU's record of one in
 * flight is never cleared: after a page fault the partition is let past,
 * its next one would be a double fault, then a triple.  Back to the state
 * user_enter() kept, with everything the partition can change at CPL 3
 * carried over.
 */
static void reset_exceptions(struct tcg_cpu *cpu)
{
	static const int kept[] = {
		/* selectors first: in 64-bit mode writing one loads its base */
		UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS,
		UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE, UC_X86_REG_FPCW, UC_X86_REG_FPSW, UC_X86_REG_FPTAG,
		UC_X86_REG_MXCSR, UC_X86_REG_FP0, UC_X86_REG_FP1, UC_X86_REG_FP2, UC_X86_REG_FP3,
		UC_X86_REG_FP4, UC_X86_REG_FP5, UC_X86_REG_FP6, UC_X86_REG_FP7, UC_X86_REG_XMM0,
		UC_X86_REG_XMM1, UC_X86_REG_XMM2, UC_X86_REG_XMM3, UC_X86_REG_XMM4, UC_X86_REG_XMM5,
		UC_X86_REG_XMM6, UC_X86_REG_XMM7, UC_X86_REG_XMM8, UC_X86_REG_XMM9, UC_X86_REG_XMM10,
		UC_X86_REG_XMM11, UC_X86_REG_XMM12, UC_X86_REG_XMM13, UC_X86_REG_XMM14,
		UC_X86_REG_XMM15,
	};
	uc_engine *uc = cpu->vm->uc;

	uc_context_save(uc, cpu->now);
	uc_context_restore(uc, cpu->clean);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		uint8_t v[64] = { 0 };

		uc_context_reg_read(cpu->now, kept[i], v);
		uc_reg_write(uc, kept[i], v);
	}
	cpu->dirty = 1; /* the general registers go back at the next run */
}

static int tcg_cpu_create(struct hvb_vm *b, const struct hv_boot_state *bs,
			  const sigset_t *sigmask, struct hvb_cpu **out, struct lerr *err)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;
	struct tcg_cpu *cpu;
	struct sigevent sev;
	uc_x86_mmr gdtr = { .base = bs->gdt_base, .limit = bs->gdt_limit };
	uc_x86_mmr idtr = { .base = bs->idt_base, .limit = bs->idt_limit };
	const int segs[] = { UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS };

	cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		return lerr_set(err, ENOMEM, "out of memory");
	cpu->base.ops = &hvb_tcg;
	cpu->vm = vm;
	cpu->bs = *bs;
	cpu->run_mask = *sigmask;
	vm->cpu = cpu;

	vm->cr3 = pt_copy(vm, bs->cr3, 4);
	if (!vm->cr3 || pt_map_priv(vm))
		return lerr_set(err, ENOMEM,
				"the partition's page tables do not fit the software CPU's copy");
	if (ram_map(vm))
		return lerr_set(err, ENOMEM, "cannot give the software CPU the partition's memory");
	/* Everything else: a trap door the page walk never lets an access reach. */
	vm->mmio[0] = (struct tcg_mmio){ vm, vm->ram_size };
	vm->mmio[1] = (struct tcg_mmio){ vm, PRIV_BASE + PRIV_SIZE };
	vm->mmio[2] = (struct tcg_mmio){ vm, 1ull << 63 };
	if (uc_mmio_map(vm->uc, vm->mmio[0].base, PRIV_BASE - vm->ram_size, on_mmio_read,
			&vm->mmio[0], on_mmio_write, &vm->mmio[0]) != UC_ERR_OK ||
	    uc_mmio_map(vm->uc, vm->mmio[1].base, (1ull << 63) - vm->mmio[1].base, on_mmio_read,
			&vm->mmio[1], on_mmio_write, &vm->mmio[1]) != UC_ERR_OK ||
	    uc_mmio_map(vm->uc, vm->mmio[2].base, 1ull << 63, on_mmio_read, &vm->mmio[2],
			on_mmio_write, &vm->mmio[2]) != UC_ERR_OK)
		return lerr_set(err, ENOMEM, "cannot map the software CPU's address space");

	reg_set(vm, UC_X86_REG_CR3, vm->cr3);
	reg_set(vm, UC_X86_REG_CR4, bs->cr4);
	reg_set(vm, UC_X86_REG_CR0, bs->cr0);
	uc_reg_write(vm->uc, UC_X86_REG_GDTR, &gdtr);
	uc_reg_write(vm->uc, UC_X86_REG_IDTR, &idtr);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		reg_set(vm, segs[i], bs->data_sel);
	/* The reset values a real CPU has and Unicorn's reset lacks. */
	reg_set(vm, UC_X86_REG_MXCSR, 0x1f80);
	reg_set(vm, UC_X86_REG_FPCW, 0x37f);
	reg_set(vm, UC_X86_REG_FPTAG, 0xffff);
	tlb_flush(vm);
	if (hooks_add(cpu))
		return lerr_set(err, ENOMEM, "cannot hook the software CPU");

	/* The retry timer: the kick signal, to this (the vCPU's) thread. */
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = vm->kick_signal;
	sev._sigev_un._tid = gettid(); /* sigev_notify_thread_id, which glibc 2.36 lacks */
	if (timer_create(CLOCK_MONOTONIC, &sev, &cpu->timer))
		return lerr_set(err, errno, "cannot create the software CPU's kick timer: %s",
				strerror(errno));
	cpu->timer_ok = 1;
	if (user_enter(cpu))
		return lerr_set(err, EIO, "the software CPU cannot enter the partition's user mode");
	cpu->regs.rip = bs->rip;
	cpu->regs.rsp = bs->rsp;
	cpu->regs.rdi = bs->rdi;
	cpu->regs.rflags = bs->rflags;
	cpu->dirty = 1;
	*out = &cpu->base;
	return 0;
}

/*
 * Puts the guards in the vCPU's page tables (on), or the partition's own
 * entries in their place (off), then makes the vCPU see it.
 */
static void guards_set(struct tcg_vm *vm, int on)
{
	for (int i = 0; i < vm->napplied; i++) {
		uint64_t *e = pte_of(vm, vm->applied[i].page, 1);

		if (!e)
			continue;
		*e = guest_page(vm, vm->applied[i].page);
		if (on)
			*e &= vm->applied[i].mode == HVB_RAM_RO ? ~PTE_W : ~PTE_P;
	}
	tlb_flush(vm);
	exits_update(vm);
}

/* Moves the guards the controller asked for into the vCPU's page tables. */
static void guards_apply(struct tcg_vm *vm)
{
	struct tcg_guard want[HVB_GUARDS_MAX];
	int n;

	pthread_mutex_lock(&vm->lock);
	n = vm->guards_dirty ? vm->nguard : -1;
	if (n > 0)
		memcpy(want, vm->guard, (size_t)n * sizeof(want[0]));
	vm->guards_dirty = 0;
	pthread_mutex_unlock(&vm->lock);
	if (n < 0)
		return;
	guards_set(vm, 0);
	memcpy(vm->applied, want, (size_t)n * sizeof(want[0]));
	vm->napplied = n;
	guards_set(vm, 1);
}

/* What other threads asked for since the last run: dropped code, guards. */
static void pending_apply(struct tcg_vm *vm)
{
	uint64_t lo[INVAL_MAX], hi[INVAL_MAX];
	int n, all;

	/* Before every run: most find nothing, and take no lock for it. */
	if (!__atomic_exchange_n(&vm->pending, 0, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_lock(&vm->lock);
	n = vm->ninval;
	all = vm->inval_all;
	memcpy(lo, vm->inval_lo, sizeof(lo));
	memcpy(hi, vm->inval_hi, sizeof(hi));
	vm->ninval = vm->inval_all = 0;
	pthread_mutex_unlock(&vm->lock);
	guards_apply(vm);
	if (all)
		code_drop(vm, 0, vm->ram_size);
	for (int i = 0; i < n && !all; i++)
		code_drop(vm, lo[i], hi[i]);
}

/* The guard on the page at va, or NULL. */
static const struct tcg_guard *guard_at(struct tcg_vm *vm, uint64_t va)
{
	for (int i = 0; i < vm->napplied; i++)
		if (vm->applied[i].page == (va & ~(PAGE - 1)))
			return &vm->applied[i];
	return NULL;
}

/* Steps past a reported I/O instruction, as KVM does on the next entry. */
static void settle(struct tcg_cpu *cpu)
{
	if (!cpu->io_done)
		return;
	cpu->regs.rip += cpu->io_done;
	cpu->io_done = 0;
	cpu->dirty = 1;
	if (cpu->regs.rflags & RFLAGS_TF)
		cpu->pending_db = 1;
}

#define KICKED 1

/* One uc_emu_start(): 0, KICKED if a kick came first, or -errno. */
static int run_once(struct tcg_cpu *cpu)
{
	struct tcg_vm *vm = cpu->vm;
	sigset_t old;
	uint64_t start;
	int kicked;

	cpu->why = STOP_NONE;
	__atomic_store_n(&cpu->in_run, 1, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&cpu->kicked, 0, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&cpu->in_run, 0, __ATOMIC_SEQ_CST);
		return KICKED;
	}
	if (cpu->dirty)
		regs_batch(cpu, 1);
	start = cpu->regs.rip;
	cpu->dirty = 0;
	pthread_sigmask(SIG_SETMASK, &cpu->run_mask, &old);
	cpu->err = uc_emu_start(vm->uc, start, 0, 0, 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	__atomic_store_n(&cpu->in_run, 0, __ATOMIC_SEQ_CST);
	kicked = __atomic_load_n(&cpu->kicked, __ATOMIC_SEQ_CST);
	if (kicked)
		timer_settime(cpu->timer, 0, &(struct itimerspec){ { 0, 0 }, { 0, 0 } }, NULL);
	regs_batch(cpu, 0);
	return 0;
}

static int exception(struct tcg_cpu *cpu, struct hvb_exit *ex, uint32_t vector, uint64_t code,
		     uint64_t addr)
{
	ex->kind = HVB_EXIT_EXCEPTION;
	ex->vector = vector;
	ex->code = code;
	ex->addr = addr;
	if (vector == 14)
		cpu->cr2 = addr;
	return EXIT_READY;
}

/* The bytes of the instruction at rip, at most 16; *n how many there are. */
static const uint8_t *insn_at(struct tcg_cpu *cpu, size_t *n)
{
	struct tcg_vm *vm = cpu->vm;
	uint64_t rip = cpu->regs.rip;

	*n = rip < vm->ram_size ? (size_t)(vm->ram_size - rip < 16 ? vm->ram_size - rip : 16) : 0;
	return *n ? vm->ram + rip : NULL;
}

/* How the instruction at rip touched addr, from its decoding (0: it did not say). */
static int access_kind(struct tcg_cpu *cpu, uint64_t addr, unsigned *size)
{
	struct tcg_vm *vm = cpu->vm;
	size_t n;
	const uint8_t *code = insn_at(cpu, &n);

	return x86_insn_access(vm->dec, code, n, &cpu->regs, reg(vm, UC_X86_REG_FS_BASE),
			       reg(vm, UC_X86_REG_GS_BASE), addr, size);
}

/* The page-fault error code the CPU would have pushed for addr. */
static uint64_t pf_code(struct tcg_cpu *cpu, uint64_t addr, int kind)
{
	uint64_t e = addr < cpu->vm->ram_size ? guest_pte(cpu->vm, addr) : 0;
	uint64_t code = PF_U | (e & PTE_P ? PF_P : 0);

	if (kind == X86_ACCESS_FETCH)
		code |= PF_I;
	/* A present user page that is read-only faults only on a write. */
	else if (kind == X86_ACCESS_WRITE || (e & (PTE_P | PTE_U | PTE_W)) == (PTE_P | PTE_U))
		code |= PF_W;
	return code;
}

/* Whether the partition's own page tables allow the access a guard stopped. */
static int guest_allows(struct tcg_cpu *cpu, uint64_t addr, int kind)
{
	uint64_t e = guest_pte(cpu->vm, addr);

	if ((e & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
		return 0;
	if (kind == X86_ACCESS_WRITE && !(e & PTE_W))
		return 0;
	return kind != X86_ACCESS_FETCH || !(e & PTE_NX);
}

static int handle_stop(struct tcg_cpu *cpu, struct hvb_exit *ex);
static int site(struct tcg_cpu *cpu, struct hvb_exit *ex, const struct x86_site *s);

/*
 * The first guarded access the instruction at rip makes, for the report:
 * the address and size, and the guard's page; 0 if it makes none.
 */
static int guarded_access(struct tcg_cpu *cpu, uint64_t *addr, unsigned *size,
			  const struct tcg_guard **g)
{
	struct tcg_vm *vm = cpu->vm;
	size_t n;
	const uint8_t *code = insn_at(cpu, &n);

	for (int i = 0; i < vm->napplied; i++) {
		int kind = x86_insn_touches(vm->dec, code, n, &cpu->regs,
					    reg(vm, UC_X86_REG_FS_BASE), reg(vm, UC_X86_REG_GS_BASE),
					    vm->applied[i].page, vm->applied[i].page + PAGE, addr,
					    size);

		if (kind) {
			*g = &vm->applied[i];
			return kind;
		}
	}
	return 0;
}

/*
 * Runs the instruction at rip alone, every guard lifted: for an access a
 * guard stopped (reported done, with the page as it was before), or to get
 * past a fetch the translation of a block ran into.  A fault in the step
 * is reported as it is, never handled as a guard's.
 */
static int guard_step(struct tcg_cpu *cpu, struct hvb_exit *ex)
{
	struct tcg_vm *vm = cpu->vm;
	const struct x86_site *at = site_at(vm, cpu->regs.rip);
	const struct tcg_guard *g = NULL;
	int tf = (cpu->regs.rflags & RFLAGS_TF) != 0, kind, r;
	uint64_t addr = 0, rsp = cpu->regs.rsp;
	unsigned size = 0;
	size_t n;
	const uint8_t *code = insn_at(cpu, &n);
	int pushf = n && (code[0] == 0x9c || (n > 1 && (code[0] & 0xf0) == 0x40 && code[1] == 0x9c));

	if (at)
		return site(cpu, ex, at); /* it touches no guarded memory */
	kind = guarded_access(cpu, &addr, &size, &g);
	if (kind)
		memcpy(cpu->page_before, vm->ram + g->page, PAGE);
	guards_set(vm, 0);
	cpu->regs.rflags |= RFLAGS_TF;
	cpu->dirty = 1;
	r = run_once(cpu);
	guards_set(vm, 1);
	if (!tf) {
		uint64_t *slot = ram_at(vm, rsp - 8, 8);

		/* The step's TF is the backend's: not in what pushf saved. */
		if (pushf && slot && cpu->regs.rsp == rsp - 8)
			*slot &= ~RFLAGS_TF;
		cpu->regs.rflags &= ~RFLAGS_TF;
		cpu->dirty = 1;
	}
	if (r < 0)
		return r;
	if (r == KICKED) {
		ex->kind = HVB_EXIT_INTR;
		return EXIT_READY;
	}
	if (cpu->why != STOP_INTR || cpu->intno != 1) {
		int ret;

		cpu->no_guard = 1; /* something else happened first */
		ret = handle_stop(cpu, ex);
		cpu->no_guard = 0;
		return ret;
	}
	cpu->pending_db = tf;
	if (!kind)
		return GO_ON;
	ex->kind = HVB_EXIT_MMIO;
	ex->addr = addr;
	ex->size = (uint8_t)(size > 255 ? 255 : size ? size : 1);
	/* A read-only guard stops only writes; otherwise the page tells. */
	ex->out = g->mode == HVB_RAM_RO || kind == X86_ACCESS_WRITE ||
		  memcmp(cpu->page_before, vm->ram + g->page, PAGE);
	ex->done_page = cpu->page_before;
	return EXIT_READY;
}

static int page_fault(struct tcg_cpu *cpu, struct hvb_exit *ex)
{
	uint64_t addr = reg(cpu->vm, UC_X86_REG_CR2), rip = cpu->regs.rip;
	unsigned size;
	int kind = access_kind(cpu, addr, &size);

	if (!cpu->no_guard) {
		/*
		 * Nothing at rip accounts for it: a fetch while a block that
		 * starts at rip was being translated ran onto the next page.
		 * Step to the instruction that makes it, or past a guard.
		 */
		int straddle = !kind && addr > rip && addr - rip < PAGE + 16;

		if (straddle || (guard_at(cpu->vm, addr) && guest_allows(cpu, addr, kind))) {
			reset_exceptions(cpu);
			return guard_step(cpu, ex);
		}
	}
	return exception(cpu, ex, 14, pf_code(cpu, addr, kind ? kind : X86_ACCESS_READ), addr);
}

/*
 * An exception from the hook.  Software interrupts never come here: int N
 * is a site (int3 is not, and comes here as the trap it is).
 */
static int interrupt(struct tcg_cpu *cpu, struct hvb_exit *ex, uint32_t intno)
{
	if (intno == 14)
		return page_fault(cpu, ex);
	return exception(cpu, ex, intno, 0, 0);
}

/* Whether CPL 3 may use ports [port, port + size): the TSS's I/O bitmap decides. */
static int port_allowed(struct tcg_cpu *cpu, uint16_t port, unsigned size)
{
	struct tcg_vm *vm = cpu->vm;
	const uint8_t *tss = ram_at(vm, cpu->bs.tss_base, (uint64_t)cpu->bs.tss_limit + 1);
	uint16_t map;

	if (cpu->regs.rflags & RFLAGS_IOPL)
		return 0; /* IOPL is 0 for the partition; anything else is not its to set */
	if (!tss || cpu->bs.tss_limit < 0x67)
		return 0;
	memcpy(&map, tss + 0x66, 2);
	for (unsigned p = port; p < (unsigned)port + size; p++)
		if ((uint64_t)map + p / 8 > cpu->bs.tss_limit || (tss[map + p / 8] >> (p % 8)) & 1)
			return 0;
	return 1;
}

static int x87(struct tcg_cpu *cpu, struct hvb_exit *ex, const struct x86_site *site);

/* Rings a doorbell that goes to an eventfd; 0 if none takes it. */
static int doorbell(struct tcg_vm *vm, uint16_t port, uint32_t value)
{
	uint64_t one = 1;
	int rung = 0;

	/* Under the lock: an unassigned eventfd may be closed and its number reused. */
	pthread_mutex_lock(&vm->lock);
	for (int i = 0; i < vm->nefd && !rung; i++)
		if (vm->efd[i].port == port && vm->efd[i].value == value) {
			if (write(vm->efd[i].fd, &one, sizeof(one)) < 0) {
				/* saturated: the other side will look anyway */
			}
			rung = 1;
		}
	pthread_mutex_unlock(&vm->lock);
	return rung;
}

/*
 * int N as the layout's IDT would have it: int $3 and int $4 are traps
 * through DPL 3 gates, any other a #GP naming the gate, at the instruction.
 */
static int software_interrupt(struct tcg_cpu *cpu, struct hvb_exit *ex, const struct x86_site *s)
{
	if (s->vector == 3 || s->vector == 4) {
		cpu->regs.rip += s->len;
		cpu->dirty = 1;
		return exception(cpu, ex, s->vector, 0, 0);
	}
	return exception(cpu, ex, 13, (uint64_t)s->vector << 3 | 2, 0);
}

/* The run stopped at an instruction the backend runs: do it as the CPU would. */
static int site(struct tcg_cpu *cpu, struct hvb_exit *ex, const struct x86_site *site)
{
	uint16_t port = site->port >= 0 ? (uint16_t)site->port : (uint16_t)cpu->regs.rdx;
	uint32_t data = (uint32_t)cpu->regs.rax;

	if (site->kind == X86_SITE_X87)
		return x87(cpu, ex, site);
	if (site->kind == X86_SITE_INT)
		return software_interrupt(cpu, ex, site);
	if (!port_allowed(cpu, port, site->size))
		return exception(cpu, ex, 13, 0, 0);
	if (site->string) {
		ex->kind = HVB_EXIT_INTERNAL;
		ex->code = 1;
		return EXIT_READY;
	}
	if (site->size < 4)
		data &= (1u << (8 * site->size)) - 1;
	if (site->out && site->size == 4 && doorbell(cpu->vm, port, data)) {
		cpu->io_done = site->len;
		settle(cpu);
		return GO_ON;
	}
	ex->kind = HVB_EXIT_IO;
	ex->port = port;
	ex->size = site->size;
	ex->out = site->out;
	ex->data = site->out ? data : 0;
	cpu->io_done = site->len;
	return EXIT_READY;
}

/*
 * The run stopped at an x87 instruction QEMU 5.0 gets wrong: the host's
 * FPU runs it on the partition's x87 state.
 */
static int x87(struct tcg_cpu *cpu, struct hvb_exit *ex, const struct x86_site *site)
{
	uc_engine *uc = cpu->vm->uc;
	struct x86_fsave s;
	uint8_t fp[8][16];
	unsigned top;

	memset(&s, 0, sizeof(s));
	uc_reg_read(uc, UC_X86_REG_FPCW, &s.fcw);
	uc_reg_read(uc, UC_X86_REG_FPSW, &s.fsw);
	uc_reg_read(uc, UC_X86_REG_FPTAG, &s.ftw);
	if (s.fsw & 0x80)
		return exception(cpu, ex, 16, 0, 0); /* an unmasked exception is pending: #MF */
	top = (s.fsw >> 11) & 7;
	for (int i = 0; i < 8; i++) {
		uc_reg_read(uc, UC_X86_REG_FP0 + i, fp[i]);
	}
	for (int i = 0; i < 8; i++)
		memcpy(s.st[i], fp[(top + i) & 7], 10);
	x86_x87_run(site->x87, &s);
	top = (s.fsw >> 11) & 7;
	for (int i = 0; i < 8; i++)
		memcpy(fp[(top + i) & 7], s.st[i], 10);
	for (int i = 0; i < 8; i++)
		uc_reg_write(uc, UC_X86_REG_FP0 + i, fp[i]);
	uc_reg_write(uc, UC_X86_REG_FPSW, &s.fsw);
	uc_reg_write(uc, UC_X86_REG_FPTAG, &s.ftw);
	cpu->io_done = site->len;
	settle(cpu);
	return GO_ON;
}

/* The transition the syscall instruction makes, which Unicorn leaves out. */
static void syscall_enter(struct tcg_cpu *cpu)
{
	uint64_t fl = cpu->regs.rflags;

	cpu->regs.rcx = cpu->regs.rip; /* the hook's instruction is already passed */
	cpu->regs.r11 = fl;
	cpu->regs.rflags = (fl & ~cpu->bs.fmask) | 2;
	cpu->regs.rip = cpu->bs.lstar;
	cpu->dirty = 1;
	cpu->pending_db = (fl & RFLAGS_TF) != 0; /* the step traps at the stub, as on hardware */
}

static int handle_stop(struct tcg_cpu *cpu, struct hvb_exit *ex)
{
	struct tcg_vm *vm = cpu->vm;
	const struct x86_site *at;
	int r;

	switch (cpu->why) {
	case STOP_NEWIO:
		if (sites_learn(vm, cpu->new_pc, cpu->new_size)) {
			ex->kind = HVB_EXIT_INTERNAL;
			ex->code = 2;
			return EXIT_READY;
		}
		return GO_ON;
	case STOP_SITE:
		at = site_at(vm, cpu->regs.rip);
		if (!at || cpu->regs.rip != cpu->addr)
			break;
		r = site(cpu, ex, at);
		code_drop(vm, at->addr, at->addr + 1); /* so that the next block there is new */
		return r;
	case STOP_SYSCALL:
		syscall_enter(cpu);
		return GO_ON;
	case STOP_INTR:
		return interrupt(cpu, ex, cpu->intno);
	case STOP_UD:
		return exception(cpu, ex, 6, 0, 0);
	case STOP_NX:
		return exception(cpu, ex, 14, PF_P | PF_U | PF_I, cpu->addr);
	case STOP_MMIO:
		ex->kind = HVB_EXIT_MMIO;
		ex->addr = cpu->addr;
		return EXIT_READY;
	case STOP_BADIO:
		ex->kind = HVB_EXIT_INTERNAL;
		ex->code = 3;
		return EXIT_READY;
	case STOP_NONE:
		break;
	}
	at = site_at(vm, cpu->regs.rip);
	if (at)
		return site(cpu, ex, at);
	if (cpu->err != UC_ERR_OK) {
		ex->kind = HVB_EXIT_INTERNAL;
		ex->code = 100 + cpu->err;
		return EXIT_READY;
	}
	return GO_ON; /* a kick: the next run_once() says so */
}

static int tcg_cpu_run(struct hvb_cpu *b, struct hvb_exit *ex)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;

	memset(ex, 0, sizeof(*ex));
	settle(cpu);
	for (;;) {
		int r;

		if (cpu->pending_db) {
			cpu->pending_db = 0;
			return exception(cpu, ex, 1, 0, 0) == EXIT_READY ? 0 : 0;
		}
		pending_apply(cpu->vm);
		r = run_once(cpu);
		if (r < 0)
			return r;
		if (r == KICKED) {
			ex->kind = HVB_EXIT_INTR;
			return 0;
		}
		if (handle_stop(cpu, ex) == EXIT_READY)
			return 0;
	}
}

static struct hv_regs *tcg_cpu_regs(struct hvb_cpu *b)
{
	return &((struct tcg_cpu *)b)->regs;
}

static void tcg_cpu_regs_dirty(struct hvb_cpu *b)
{
	((struct tcg_cpu *)b)->dirty = 1;
}

static int tcg_cpu_sregs(struct hvb_cpu *b, struct hv_sregs *out)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;

	/* What the partition was given; the vCPU itself walks the backend's copy. */
	out->cr0 = cpu->bs.cr0;
	out->cr2 = cpu->cr2;
	out->cr3 = cpu->bs.cr3;
	out->cr4 = cpu->bs.cr4;
	out->efer = cpu->bs.efer;
	return 0;
}

static void tcg_cpu_settle(struct hvb_cpu *b)
{
	settle((struct tcg_cpu *)b);
}

static int tcg_cpu_get_regs(struct hvb_cpu *b, struct hv_regs *out)
{
	*out = ((struct tcg_cpu *)b)->regs;
	return 0;
}

static int tcg_cpu_set_regs(struct hvb_cpu *b, const struct hv_regs *in)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;

	cpu->regs = *in;
	cpu->dirty = 1;
	if (!(in->rflags & RFLAGS_TF))
		cpu->pending_db = 0; /* as KVM_SET_REGS drops a pending single-step trap */
	return 0;
}

static int tcg_cpu_fxsave(struct hvb_cpu *b, uint8_t out[HVB_FXSAVE_SIZE])
{
	uc_engine *uc = ((struct tcg_cpu *)b)->vm->uc;
	uint16_t fcw = 0, fsw = 0, ftw = 0xffff;
	uint32_t mxcsr = 0;
	uint8_t fp[16];
	unsigned top, abridged = 0;

	uc_reg_read(uc, UC_X86_REG_FPCW, &fcw);
	uc_reg_read(uc, UC_X86_REG_FPSW, &fsw);
	uc_reg_read(uc, UC_X86_REG_FPTAG, &ftw);
	uc_reg_read(uc, UC_X86_REG_MXCSR, &mxcsr);
	memset(out, 0, HVB_FXSAVE_SIZE);
	memcpy(out + 0, &fcw, 2);
	memcpy(out + 2, &fsw, 2);
	/* FXSAVE's abridged tag: a bit per physical register, set unless empty (11). */
	for (int i = 0; i < 8; i++)
		abridged |= ((ftw >> (2 * i)) & 3) != 3 ? 1u << i : 0;
	out[4] = (uint8_t)abridged;
	memcpy(out + 24, &mxcsr, 4);
	memcpy(out + 28, &(uint32_t){ 0xffff }, 4);
	/* Unicorn numbers x87 registers physically; FXSAVE from the top of the stack. */
	top = (fsw >> 11) & 7;
	for (int i = 0; i < 8; i++) {
		memset(fp, 0, sizeof(fp));
		uc_reg_read(uc, UC_X86_REG_FP0 + (int)((top + (unsigned)i) & 7), fp);
		memcpy(out + 32 + 16 * i, fp, 10);
	}
	for (int i = 0; i < 16; i++)
		uc_reg_read(uc, UC_X86_REG_XMM0 + i, out + 160 + 16 * i);
	return 0;
}

static int tcg_cpu_resume_user(struct hvb_cpu *b, const struct hv_regs *r)
{
	/* The vCPU never left CPL 3: the registers are all there is. */
	settle((struct tcg_cpu *)b);
	return tcg_cpu_set_regs(b, r);
}

static int tcg_cpu_segs(struct hvb_cpu *b, struct hv_segs *out)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;
	struct tcg_vm *vm = cpu->vm;

	out->cs = (uint16_t)reg(vm, UC_X86_REG_CS);
	out->ss = (uint16_t)reg(vm, UC_X86_REG_SS);
	out->ds = (uint16_t)reg(vm, UC_X86_REG_DS);
	out->es = (uint16_t)reg(vm, UC_X86_REG_ES);
	out->fs = (uint16_t)reg(vm, UC_X86_REG_FS);
	out->gs = (uint16_t)reg(vm, UC_X86_REG_GS);
	out->fs_base = reg(vm, UC_X86_REG_FS_BASE);
	out->gs_base = reg(vm, UC_X86_REG_GS_BASE);
	return 0;
}

static int tcg_cpu_set_fs_base(struct hvb_cpu *b, uint64_t base)
{
	struct tcg_cpu *cpu = (struct tcg_cpu *)b;

	reg_set(cpu->vm, UC_X86_REG_FS_BASE, base);
	return 0;
}

static void tcg_close(struct hvb_vm *b)
{
	struct tcg_vm *vm = (struct tcg_vm *)b;

	if (!vm)
		return;
	if (vm->cpu) {
		if (vm->cpu->timer_ok)
			timer_delete(vm->cpu->timer);
		if (vm->cpu->clean)
			uc_context_free(vm->cpu->clean);
		if (vm->cpu->now)
			uc_context_free(vm->cpu->now);
		free(vm->cpu);
	}
	if (vm->uc)
		uc_close(vm->uc);
	x86_dec_close(vm->dec);
	if (vm->priv)
		munmap(vm->priv, PRIV_SIZE);
	free(vm->sites);
	free(vm->exits);
	free(vm->exits_was);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

const struct hvb_ops hvb_tcg = {
	.name = "tcg",
	.caps = HVB_CAP_GUARD_CODE | HVB_CAP_DOORBELL_EXITS,
	.probe = tcg_probe,
	.open = tcg_open,
	.map_ram = tcg_map_ram,
	.ram_guard = tcg_ram_guard,
	.ram_written = tcg_ram_written,
	.ioeventfd = tcg_ioeventfd,
	.cpuid = tcg_cpuid,
	.cpu_create = tcg_cpu_create,
	.cpu_run = tcg_cpu_run,
	.cpu_kick = tcg_cpu_kick,
	.cpu_regs = tcg_cpu_regs,
	.cpu_regs_dirty = tcg_cpu_regs_dirty,
	.cpu_sregs = tcg_cpu_sregs,
	.cpu_settle = tcg_cpu_settle,
	.cpu_resume_user = tcg_cpu_resume_user,
	.cpu_segs = tcg_cpu_segs,
	.cpu_set_fs_base = tcg_cpu_set_fs_base,
	.cpu_get_regs = tcg_cpu_get_regs,
	.cpu_set_regs = tcg_cpu_set_regs,
	.cpu_fxsave = tcg_cpu_fxsave,
	.close = tcg_close,
};
