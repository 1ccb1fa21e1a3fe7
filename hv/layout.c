/* SPDX-License-Identifier: ISC
 * The environment a partition starts in: identity-mapped page tables with
 * per-page permissions (W^X, NULL and stack guards), a flat GDT with a TSS,
 * an IDT whose stubs report faults to the monitor, the boot info page, and
 * a Linux-style initial stack.  Portable across backends: it only writes
 * guest memory and describes the vCPU state.
 */
#include <errno.h>
#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <lpar/ring.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../elf/elf.h"
#include "priv.h"
#include "x86.h"

#define PAGE   0x1000ull
#define LARGE  0x200000ull

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_NX  (1ull << 63)
#define ATTR_R  PTE_P                    /* monitor-only, read-only */
#define ATTR_UR (PTE_P | PTE_U)          /* partition, read-only */
#define ATTR_URW (PTE_P | PTE_U | PTE_W) /* partition, read-write */

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE        (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define MSR_STAR_VALUE ((uint64_t)(X86_SEL_KDATA - 8) << 32 | (uint64_t)(X86_SEL_UDATA - 3 - 8) << 48)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)

extern const unsigned char hv_x86_stubs[], hv_x86_stubs_end[], hv_x86_syscall[];
extern const unsigned char hv_los_vdso[], hv_los_vdso_end[];

#define NREGIONS_FIXED 8

struct pt_builder {
	struct hv *hv;
	const struct hv_region *rg;
	size_t nrg;
	uint64_t next;   /* next free page-table page */
	uint64_t pml4;
};

static uint64_t up(uint64_t a, uint64_t to) { return (a + to - 1) & ~(to - 1); }
static uint64_t down(uint64_t a, uint64_t to) { return a & ~(to - 1); }

/* Permissions of the page at a: the union of every region that holds it. */
static uint64_t region_attr(const struct hv_region *rg, size_t nrg, uint64_t a)
{
	uint64_t attr = 0;
	int exec = 0;

	for (size_t i = 0; i < nrg; i++)
		if (a >= rg[i].lo && a < rg[i].hi) {
			attr |= rg[i].attr & ~PTE_NX;
			exec |= !(rg[i].attr & PTE_NX);
		}
	return attr ? attr | (exec ? 0 : PTE_NX) : 0;
}

static uint64_t attr_at(const struct pt_builder *b, uint64_t a)
{
	return region_attr(b->rg, b->nrg, a);
}

uint64_t hv_layout_attr(const struct hv *hv, uint64_t gpa)
{
	return region_attr(hv->lay.rg, hv->lay.nrg, down(gpa, PAGE));
}

void *hv_guest_buf(struct hv *hv, uint64_t gpa, uint64_t len, int access)
{
	void *p = gmem_at(&hv->mem, gpa, len);
	uint64_t need = PTE_P | PTE_U | (access == HV_BUF_WRITE ? PTE_W : 0);

	if (!p)
		return NULL;
	for (uint64_t a = down(gpa, PAGE); a < gpa + len; a += PAGE) {
		uint64_t attr = region_attr(hv->lay.rg, hv->lay.nrg, a);

		if ((attr & need) != need || (access == HV_BUF_EXEC && (attr & PTE_NX)))
			return NULL;
	}
	return p;
}

/* Whether every page of [lo, lo + LARGE) has the same permissions. */
static int uniform(const struct pt_builder *b, uint64_t lo)
{
	for (size_t i = 0; i < b->nrg; i++) {
		if (b->rg[i].lo > lo && b->rg[i].lo < lo + LARGE)
			return 0;
		if (b->rg[i].hi > lo && b->rg[i].hi < lo + LARGE)
			return 0;
	}
	return 1;
}

static uint64_t pt_alloc(struct pt_builder *b)
{
	uint64_t *p, gpa = b->next;

	if (gpa + PAGE > X86_PT_HI)
		return 0;
	p = gmem_at(&b->hv->mem, gpa, PAGE);
	if (!p)
		return 0;
	memset(p, 0, PAGE);
	b->next += PAGE;
	return gpa;
}

/* The table that entry i of the table at gpa points to, allocated if new; 0 if out of room. */
static uint64_t pt_next(struct pt_builder *b, uint64_t table, unsigned i)
{
	uint64_t *t = gmem_at(&b->hv->mem, table, PAGE);
	uint64_t gpa;

	if (!t)
		return 0;
	if (!(t[i] & PTE_P)) {
		gpa = pt_alloc(b);
		if (!gpa)
			return 0;
		/* Leaf entries decide; upper levels allow everything. */
		t[i] = gpa | PTE_P | PTE_W | PTE_U | PTE_A;
	}
	return t[i] & 0x000ffffffffff000ull;
}

/* Maps [0, mem_size) identically: 2 MiB pages where permissions allow, else 4 KiB. */
static int pt_build(struct pt_builder *b, uint64_t mem_size, struct lerr *err)
{
	b->pml4 = pt_alloc(b);
	if (!b->pml4)
		goto full;
	for (uint64_t c = 0; c < mem_size; c += LARGE) {
		uint64_t pdpt, pd, pt, *e;
		int large = uniform(b, c) && c + LARGE <= mem_size;

		if (large && !attr_at(b, c))
			continue;
		pdpt = pt_next(b, b->pml4, (unsigned)(c >> 39) & 511);
		pd = pdpt ? pt_next(b, pdpt, (unsigned)(c >> 30) & 511) : 0;
		if (!pd)
			goto full;
		if (large) {
			e = gmem_at(&b->hv->mem, pd, PAGE);
			e[(c >> 21) & 511] = c | attr_at(b, c) | PTE_PS | PTE_A | PTE_D;
			continue;
		}
		pt = pt_next(b, pd, (unsigned)(c >> 21) & 511);
		if (!pt)
			goto full;
		e = gmem_at(&b->hv->mem, pt, PAGE);
		for (unsigned i = 0; i < 512 && c + i * PAGE < mem_size; i++) {
			uint64_t a = c + i * PAGE, attr = attr_at(b, a);

			e[i] = attr ? a | attr | PTE_A | PTE_D : 0;
		}
	}
	return 0;
full:
	return lerr_set(err, ENOMEM, "page tables do not fit below 1 MiB");
}

static void gdt_build(uint64_t *gdt, uint8_t *tss)
{
	uint64_t base = X86_TSS, limit = X86_TSS_LIMIT;
	const unsigned ports[] = { LPAR_HCALL_PORT, LPAR_DOORBELL_PORT };

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffull; /* 64-bit code, DPL 0, accessed */
	gdt[2] = 0x00cf93000000ffffull; /* data, DPL 0, accessed */
	gdt[3] = 0x00cff3000000ffffull; /* data, DPL 3, accessed */
	gdt[4] = 0x00affb000000ffffull; /* 64-bit code, DPL 3, accessed */
	/* 64-bit busy TSS, 16 bytes */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x8bull << 40) |
		 (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;

	memset(tss, 0, X86_TSS_LIMIT + 1);
	memcpy(tss + 0x04, &(uint64_t){ X86_IST_TOP }, 8); /* RSP0 */
	memcpy(tss + 0x24, &(uint64_t){ X86_IST_TOP }, 8); /* IST1 */
	memcpy(tss + 0x66, &(uint16_t){ X86_TSS_IOMAP }, 2);
	/*
	 * Deny every port to CPL 3 but the four bytes an "outl" to the hcall
	 * port or the doorbell port touches; the byte after the map ends it.
	 */
	memset(tss + X86_TSS_IOMAP, 0xff, X86_TSS_LIMIT + 1 - X86_TSS_IOMAP);
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		for (unsigned p = ports[i]; p < ports[i] + 4; p++)
			tss[X86_TSS_IOMAP + p / 8] &= (uint8_t)~(1u << (p % 8));
}

static void idt_build(uint64_t *idt)
{
	for (unsigned v = 0; v < X86_NVECTORS; v++) {
		uint64_t h = X86_STUBS + v * X86_STUB_SIZE;

		/*
		 * Interrupt gate, present, IST 1.  DPL 3 for #BP and #OF, so
		 * that int3 (a planted breakpoint too) and int 4 at CPL 3 are
		 * the traps they are; DPL 0 for every other vector, so that
		 * any other int N is a #GP naming it (exceptions the CPU
		 * raises itself ignore the DPL).
		 */
		uint64_t type = v == 3 || v == 4 ? 0xee : 0x8e;

		idt[2 * v] = (h & 0xffff) | ((uint64_t)X86_SEL_KCODE << 16) |
			     (1ull << 32) | (type << 40) |
			     (((h >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = h >> 32;
	}
}

/* Copies a NUL-terminated string into guest memory at gpa. */
static int put_str(struct hv *hv, uint64_t gpa, const char *str, char last)
{
	size_t n = strlen(str);
	char *dst = gmem_at(&hv->mem, gpa, n + 1);

	if (!dst)
		return -EFAULT;
	memcpy(dst, str, n);
	dst[n] = last;
	return 0;
}

/* The auxiliary vector musl's start-up reads (<elf.h> numbers). */
enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
	AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
	AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
	AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
};
#define AUXV_MAX 18

/* The vCPU's CPUID leaf 1 EDX, which Linux passes as AT_HWCAP on x86. */
static uint64_t hwcap(struct hv *hv)
{
	uint32_t r[4] = { 0 };

	hvb_cpuid(hv->vm, 1, 0, r);
	return r[3];
}

/* Copies n strings to guest memory at *at (moving it on), their addresses to v. */
static int put_strs(struct hv *hv, uint64_t *at, char *const *strs, int n, uint64_t *v)
{
	for (int i = 0; i < n; i++) {
		if (put_str(hv, *at, strs[i], '\0'))
			return -EFAULT;
		v[i] = *at;
		*at += strlen(strs[i]) + 1;
	}
	v[n] = 0;
	return 0;
}

/*
 * Writes the Linux-style initial stack at the top of the stack area: from
 * the top down, the command line (for the boot info), 16 random bytes
 * (AT_RANDOM), the argument and environment strings, then argc, argv,
 * envp and the auxiliary vector.  Returns the initial %rsp.
 */
static int stack_build(struct hv *hv, struct lpar_boot_info *bi, uint64_t *rsp,
		       struct lerr *err)
{
	uint64_t top = hv->lay.stack_top - 16, strbytes = 1, words, vec, s, c, rnd, *v;
	uint64_t aux[AUXV_MAX * 2], *a = aux;
	const struct elf_image *img = hv->img;
	int argc = hv->argc, envc = hv->envc;
	uint8_t *r;

	for (int i = 0; i < argc; i++)
		strbytes += strlen(hv->argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		strbytes += strlen(hv->envp[i]) + 1;
	if (strbytes > HV_ARGS_MAX)
		return lerr_set(err, E2BIG,
				"argument list and environment too long (%llu bytes; at most %llu)",
				(unsigned long long)strbytes,
				(unsigned long long)HV_ARGS_MAX);
	*a++ = AT_PHDR, *a++ = img->phdr;
	*a++ = AT_PHENT, *a++ = img->phentsize;
	*a++ = AT_PHNUM, *a++ = img->phnum;
	*a++ = AT_PAGESZ, *a++ = PAGE;
	*a++ = AT_BASE, *a++ = 0;
	*a++ = AT_FLAGS, *a++ = 0;
	*a++ = AT_ENTRY, *a++ = img->entry;
	*a++ = AT_UID, *a++ = 0;
	*a++ = AT_EUID, *a++ = 0;
	*a++ = AT_GID, *a++ = 0;
	*a++ = AT_EGID, *a++ = 0;
	*a++ = AT_HWCAP, *a++ = hwcap(hv);
	*a++ = AT_CLKTCK, *a++ = 100;
	*a++ = AT_SECURE, *a++ = 0;
	*a++ = AT_SYSINFO_EHDR, *a++ = LPAR_VDSO_BASE;
	rnd = down(top - 16, 16);
	*a++ = AT_RANDOM, *a++ = rnd;
	*a++ = AT_NULL, *a++ = 0;
	/* argc, argv[argc + 1], envp[envc + 1], auxv */
	words = 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + (uint64_t)(a - aux);
	c = rnd - strbytes;        /* command line */
	s = c - strbytes;          /* argument and environment strings */
	vec = down(s - words * 8, 16);
	v = gmem_at(&hv->mem, vec, words * 8);
	r = gmem_at(&hv->mem, rnd, 16);
	if (!v || !r || vec < hv->lay.stack_lo)
		return lerr_set(err, E2BIG, "argument list does not fit on the stack");
	if (getrandom(r, 16, 0) != 16)
		return lerr_set(err, errno, "getrandom: %s", strerror(errno));
	bi->cmdline = c;
	bi->argc = (uint64_t)argc;
	bi->argv = vec + 8;
	bi->envc = (uint64_t)envc;
	bi->envp = vec + 8 * (2 + (uint64_t)argc);
	v[0] = (uint64_t)argc;
	if (put_str(hv, c, "", '\0') ||
	    put_strs(hv, &s, hv->argv, argc, v + 1) ||
	    put_strs(hv, &s, hv->envp, envc, v + 2 + argc))
		return lerr_set(err, EFAULT, "stack out of range");
	for (int i = 0; i < argc; i++) {
		if (put_str(hv, c, hv->argv[i], i + 1 < argc ? ' ' : '\0'))
			return lerr_set(err, EFAULT, "stack out of range");
		c += strlen(hv->argv[i]) + 1;
	}
	memcpy(v + 3 + argc + envc, aux, (size_t)(a - aux) * 8);
	_Static_assert(sizeof(aux) <= sizeof(hv->lay.auxv), "HV_AUXV_WORDS is too small");
	memcpy(hv->lay.auxv, aux, (size_t)(a - aux) * 8);
	hv->lay.nauxv = (size_t)(a - aux);
	*rsp = vec;
	return 0;
}

/* The monitor's pages below 1 MiB, as layout_build() maps them. */
static const struct hv_reserved reserved[] = {
	{ 0, LPAR_BOOT_INFO, "---", "unmapped", "null page" },
	{ LPAR_BOOT_INFO, LPAR_BOOT_INFO + PAGE, "r--", "boot", "boot info" },
	{ X86_GDT, X86_IDT, "---", "monitor", "GDT and TSS" },
	{ X86_IDT, X86_STUBS, "---", "monitor", "IDT" },
	{ X86_STUBS, X86_STUBS + PAGE, "r-x", "monitor", "exception and syscall stubs" },
	{ X86_STUBS + PAGE, X86_IST_LO, "---", "unmapped", "exception stack guard" },
	{ X86_IST_LO, X86_IST_TOP, "---", "monitor", "exception stack" },
	{ X86_PT_LO, X86_PT_HI, "---", "monitor", "page tables" },
	{ LPAR_LOS_BASE, LPAR_LOS_END, "rwx", "los", "library OS (text r-x, data rw-, vDSO r-x)" },
};

const struct hv_reserved *hv_reserved_regions(size_t *n)
{
	*n = sizeof(reserved) / sizeof(reserved[0]);
	return reserved;
}

/* Loads img's segments into RAM, adding a region for each to rg[*n]. */
static int load_segs(struct hv *hv, const struct elf_image *img, struct hv_region *rg, size_t *n,
		     struct lerr *err)
{
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		uint64_t attr = PTE_P | PTE_U;
		void *dst;
		int r;

		if (s->flags & ELF_SEG_W)
			attr |= PTE_W;
		if (!(s->flags & ELF_SEG_X))
			attr |= PTE_NX;
		rg[(*n)++] = (struct hv_region){ down(s->vaddr, PAGE),
					      up(s->vaddr + s->memsz, PAGE), attr };
		dst = gmem_at(&hv->mem, s->vaddr, s->memsz);
		if (!dst)
			return lerr_set(err, EFAULT, "%s: segment %u outside RAM", img->path, s->index);
		r = elf_read_seg(img, s, dst, err);
		if (r)
			return r;
	}
	return 0;
}

int hv_layout_build(struct hv *hv, struct hv_boot_state *bs, struct lerr *err)
{
	const struct elf_image *img = hv->img;
	uint64_t mem = hv->mem.size, guard_lo;
	struct hv_region *rg = hv->lay.rg;
	struct pt_builder b = { .hv = hv, .rg = rg, .next = X86_PT_LO };
	const struct elf_ring *ring;
	const struct elf_sym *pending, *clock;
	struct lpar_boot_info *bi;
	size_t vdso_len, n = 0, stubsz = (size_t)(hv_x86_stubs_end - hv_x86_stubs);
	char *name;
	int r;

	hv->lay.stack_top = mem;
	hv->lay.stack_lo = mem - HV_STACK_SIZE;
	guard_lo = hv->lay.stack_lo - HV_STACK_GUARD;
	hv->lay.heap_start = img->hi;
	hv->lay.heap_end = guard_lo;
	hv->lay.stubs = X86_STUBS;
	hv->lay.stubs_end = X86_STUBS + stubsz;
	hv->lay.syscall = X86_STUBS + (uint64_t)(hv_x86_syscall - hv_x86_stubs);
	if (img->nsegs > HV_SEGS_MAX)
		return lerr_set(err, ENOEXEC, "too many segments (%zu; at most %d)",
				img->nsegs, HV_SEGS_MAX);

	rg[n++] = (struct hv_region){ LPAR_BOOT_INFO, LPAR_BOOT_INFO + PAGE, ATTR_UR | PTE_NX };
	rg[n++] = (struct hv_region){ X86_GDT, X86_GDT + PAGE, ATTR_R | PTE_NX };
	rg[n++] = (struct hv_region){ X86_IDT, X86_IDT + PAGE, ATTR_R | PTE_NX };
	rg[n++] = (struct hv_region){ X86_STUBS, X86_STUBS + PAGE, ATTR_UR };
	rg[n++] = (struct hv_region){ X86_IST_LO, X86_IST_TOP, ATTR_R | PTE_W | PTE_NX };
	rg[n++] = (struct hv_region){ X86_PT_LO, X86_PT_HI, ATTR_R | PTE_NX };
	if (hv->lay.heap_end > hv->lay.heap_start)
		rg[n++] = (struct hv_region){ hv->lay.heap_start, hv->lay.heap_end,
					   ATTR_URW | PTE_NX };
	rg[n++] = (struct hv_region){ hv->lay.stack_lo, mem, ATTR_URW | PTE_NX };
	/* The vDSO: its file as it is, one read-only, executable segment. */
	vdso_len = (size_t)(hv_los_vdso_end - hv_los_vdso);
	rg[n++] = (struct hv_region){ LPAR_VDSO_BASE, up(LPAR_VDSO_BASE + vdso_len, PAGE), ATTR_UR };
	memcpy(gmem_at(&hv->mem, LPAR_VDSO_BASE, vdso_len), hv_los_vdso, vdso_len);
	r = load_segs(hv, hv->los, rg, &n, err);
	if (!r)
		r = load_segs(hv, img, rg, &n, err);
	if (r)
		return r;
	b.nrg = hv->lay.nrg = n;
	r = pt_build(&b, mem, err);
	if (r)
		return r;

	gdt_build(gmem_at(&hv->mem, X86_GDT, X86_GDT_ENTRIES * 8),
		  gmem_at(&hv->mem, X86_TSS, X86_TSS_LIMIT + 1));
	idt_build(gmem_at(&hv->mem, X86_IDT, X86_NVECTORS * 16));
	memcpy(gmem_at(&hv->mem, X86_STUBS, stubsz), hv_x86_stubs, stubsz);

	bi = gmem_at(&hv->mem, LPAR_BOOT_INFO, PAGE);
	memset(bi, 0, sizeof(*bi));
	bi->magic = LPAR_BOOT_MAGIC;
	bi->abi_version = LPAR_ABI_VERSION;
	bi->mem_size = mem;
	bi->heap_start = hv->lay.heap_start;
	bi->heap_end = hv->lay.heap_end;
	bi->stack_top = hv->lay.stack_top;
	bi->stack_size = HV_STACK_SIZE;
	name = (char *)(bi + 1);
	strncpy(name, hv->name, PAGE - sizeof(*bi) - 1);
	bi->name = LPAR_BOOT_INFO + sizeof(*bi);
	pending = elf_sym_lookup(hv->los, "los_ready_pending");
	clock = elf_sym_lookup(hv->los, "los_clock_state");
	if (!pending || !clock)
		return lerr_set(err, ENOEXEC, "the library OS lacks los_ready_pending or los_clock_state");
	bi->ready_pending = pending->addr;
	bi->clock = clock->addr;
	ring = elf_ring_lookup(img, "console");
	bi->console_ring = ring && ring->kind == LPAR_RING_BYTES ? ring->addr : 0;

	memset(bs, 0, sizeof(*bs));
	r = stack_build(hv, bi, &bs->rsp, err);
	if (r)
		return r;
	bs->rip = img->entry;
	bs->rdi = LPAR_BOOT_INFO;
	bs->rflags = 0x2;
	bs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	bs->cr3 = b.pml4;
	bs->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	bs->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	bs->star = MSR_STAR_VALUE;
	bs->lstar = hv->lay.syscall;
	bs->fmask = RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC;
	bs->gdt_base = X86_GDT;
	bs->gdt_limit = X86_GDT_ENTRIES * 8 - 1;
	bs->idt_base = X86_IDT;
	bs->idt_limit = X86_NVECTORS * 16 - 1;
	bs->tss_base = X86_TSS;
	bs->tss_limit = X86_TSS_LIMIT;
	bs->code_sel = X86_SEL_UCODE;
	bs->data_sel = X86_SEL_UDATA;
	bs->tss_sel = X86_SEL_TSS;
	return 0;
}
