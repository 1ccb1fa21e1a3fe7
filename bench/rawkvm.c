/* SPDX-License-Identifier: ISC
 * rawkvm: the smallest KVM program that does what lpar does, the baseline
 * bench/run compares lpar with.  Independent of lpar's code on purpose.
 *
 *   rawkvm hlt     create a VM, enter 64-bit mode at CPL 0, run one hlt
 *   rawkvm pio N   at CPL 3 (TSS I/O bitmap allows ports 0x4c-0x4f, as in
 *                  lpar), do N "outl %eax, $0x4c" exits; prints ns_per_exit
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE  0x200000ull /* one 2 MiB page, identity-mapped */
#define PML4      0x1000ull
#define PDPT      0x2000ull
#define PD        0x3000ull
#define GDT       0x4000ull
#define TSS       0x5000ull
#define CODE      0x8000ull
#define STACK_TOP 0x10000ull

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS   0x28
#define GDT_SIZE  (7 * 8)
#define IOMAP     0x68              /* I/O bitmap offset in the TSS */
#define TSS_LIMIT (IOMAP + 32)      /* bitmap for ports 0-255, then 0xff */

#define PORT_EXIT  0x4c /* the exit being measured, like lpar's hcall port */
#define PORT_DONE  0x4d
#define PORT_START 0x4e

/*
 * Guest code, assembled by the host toolchain and copied to CODE.  The pio
 * loop runs with the count in %rcx; the markers are byte writes, since an
 * outl to 0x4d or 0x4e would also touch ports past 0x4f, which are denied.
 */
__asm__(".pushsection .rodata\n"
	".globl guest_hlt, guest_hlt_end, guest_pio, guest_pio_end\n"
	".hidden guest_hlt, guest_hlt_end, guest_pio, guest_pio_end\n"
	"guest_hlt:\n"
	"	hlt\n"
	"guest_hlt_end:\n"
	"guest_pio:\n"
	"	outb %al, $0x4e\n"
	"1:	outl %eax, $0x4c\n"
	"	dec %rcx\n"
	"	jnz 1b\n"
	"	outb %al, $0x4d\n"
	"	jmp .\n"
	"guest_pio_end:\n"
	".popsection\n");
extern const unsigned char guest_hlt[], guest_hlt_end[];
extern const unsigned char guest_pio[], guest_pio_end[];

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("rawkvm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die("%s: %s", what, strerror(errno));
	return r;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die("clock_gettime: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void segment(struct kvm_segment *s, uint16_t sel, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 11 : 3; /* execute/read accessed, read/write accessed */
	s->present = 1;
	s->dpl = sel & 3;
	s->s = 1;
	s->l = code;
	s->db = !code;
	s->g = 1;
}

/* Page tables, GDT and TSS with an I/O bitmap that allows ports 0x4c-0x4f. */
static void build_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4), *pdpt = (uint64_t *)(mem + PDPT);
	uint64_t *pd = (uint64_t *)(mem + PD), *gdt = (uint64_t *)(mem + GDT);
	uint8_t *tss = mem + TSS;

	/* present, writable, user; the PD entry is a 2 MiB page */
	pml4[0] = PDPT | 0x7;
	pdpt[0] = PD | 0x7;
	pd[0] = 0 | 0x7 | 0x80;

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffull; /* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf93000000ffffull; /* data, DPL 0 */
	gdt[3] = 0x00cff3000000ffffull; /* data, DPL 3 */
	gdt[4] = 0x00affb000000ffffull; /* 64-bit code, DPL 3 */
	gdt[5] = (TSS_LIMIT & 0xffff) | ((TSS & 0xffffff) << 16) | (0x8bull << 40) |
		 (((TSS >> 24) & 0xff) << 56); /* busy 64-bit TSS */
	gdt[6] = TSS >> 32;

	memset(tss, 0, TSS_LIMIT + 1);
	memcpy(tss + 0x04, &(uint64_t){ STACK_TOP }, 8); /* RSP0 */
	memcpy(tss + 0x66, &(uint16_t){ IOMAP }, 2);
	memset(tss + IOMAP, 0xff, TSS_LIMIT + 1 - IOMAP);
	for (unsigned p = 0x4c; p <= 0x4f; p++)
		tss[IOMAP + p / 8] &= (uint8_t)~(1u << (p % 8));
}

struct vm {
	int kvm, fd, cpu;
	uint8_t *mem;
	struct kvm_run *run;
};

static void vm_create(struct vm *vm, const unsigned char *code, size_t codelen,
		      int user, uint64_t rcx)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs s;
	struct kvm_regs r;
	int v, mmap_size;

	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		die("cannot open /dev/kvm: %s", strerror(errno));
	v = xioctl(vm->kvm, KVM_GET_API_VERSION, NULL, "KVM_GET_API_VERSION");
	if (v != KVM_API_VERSION)
		die("KVM API %d, not %d", v, KVM_API_VERSION);
	vm->fd = xioctl(vm->kvm, KVM_CREATE_VM, NULL, "KVM_CREATE_VM");

	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest memory: %s", strerror(errno));
	build_tables(vm->mem);
	memcpy(vm->mem + CODE, code, codelen);
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = MEM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem,
	};
	xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region,
	       "KVM_SET_USER_MEMORY_REGION");

	vm->cpu = xioctl(vm->fd, KVM_CREATE_VCPU, (void *)0, "KVM_CREATE_VCPU");
	mmap_size = xioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, NULL,
			   "KVM_GET_VCPU_MMAP_SIZE");
	if (mmap_size < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %d is too small", mmap_size);
	vm->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->cpu, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));

	xioctl(vm->cpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	segment(&s.cs, user ? SEL_UCODE : SEL_KCODE, 1);
	segment(&s.ds, user ? SEL_UDATA : SEL_KDATA, 0);
	s.es = s.fs = s.gs = s.ss = s.ds;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.selector = SEL_TSS;
	s.tr.base = TSS;
	s.tr.limit = TSS_LIMIT;
	s.tr.type = 11;
	s.tr.present = 1;
	s.gdt.base = GDT;
	s.gdt.limit = GDT_SIZE - 1;
	s.idt.base = 0;
	s.idt.limit = 0; /* no IDT: any exception ends in a triple fault */
	s.cr0 = 0x80050033; /* PG WP NE ET MP PE */
	s.cr3 = PML4;
	s.cr4 = 0x20;       /* PAE */
	s.efer = 0x500;     /* LMA LME */
	xioctl(vm->cpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");

	memset(&r, 0, sizeof(r));
	r.rip = CODE;
	r.rsp = STACK_TOP;
	r.rflags = 0x2;
	r.rcx = rcx;
	xioctl(vm->cpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

/* Runs to the next exit; returns its reason. */
static uint32_t vm_run(struct vm *vm)
{
	xioctl(vm->cpu, KVM_RUN, NULL, "KVM_RUN");
	return vm->run->exit_reason;
}

static __attribute__((noreturn)) void unexpected(struct vm *vm, const char *want)
{
	struct kvm_run *run = vm->run;
	struct kvm_regs r;
	uint64_t rip = 0;

	if (ioctl(vm->cpu, KVM_GET_REGS, &r) == 0)
		rip = r.rip;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		die("want %s, got port I/O (%s port 0x%x, size %u) at rip 0x%llx", want,
		    run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
		    run->io.port, run->io.size, (unsigned long long)rip);
	case KVM_EXIT_SHUTDOWN:
		die("want %s, got a triple fault at rip 0x%llx", want,
		    (unsigned long long)rip);
	case KVM_EXIT_INTERNAL_ERROR:
		die("want %s, got KVM internal error %u at rip 0x%llx", want,
		    run->internal.suberror, (unsigned long long)rip);
	case KVM_EXIT_FAIL_ENTRY:
		die("want %s, got entry failure 0x%llx", want,
		    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	default:
		die("want %s, got exit reason %u at rip 0x%llx", want, run->exit_reason,
		    (unsigned long long)rip);
	}
}

static int is_out(const struct kvm_run *run, uint16_t port, uint8_t size)
{
	return run->exit_reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_OUT && run->io.port == port &&
	       run->io.size == size && run->io.count == 1;
}

static int cmd_hlt(void)
{
	struct vm vm;

	vm_create(&vm, guest_hlt, (size_t)(guest_hlt_end - guest_hlt), 0, 0);
	if (vm_run(&vm) != KVM_EXIT_HLT)
		unexpected(&vm, "hlt");
	return 0;
}

static int cmd_pio(unsigned long n)
{
	struct vm vm;
	uint64_t t0, t1, runs = 0, exits = 0;

	vm_create(&vm, guest_pio, (size_t)(guest_pio_end - guest_pio), 1, n);
	/* Set-up and the first entry are not timed: start at the marker. */
	vm_run(&vm);
	if (!is_out(vm.run, PORT_START, 1))
		unexpected(&vm, "the start marker (outb to 0x4e)");
	t0 = now_ns();
	for (;;) {
		vm_run(&vm);
		runs++;
		if (is_out(vm.run, PORT_EXIT, 4))
			exits++;
		else if (is_out(vm.run, PORT_DONE, 1))
			break;
		else
			unexpected(&vm, "outl to 0x4c");
	}
	t1 = now_ns();
	if (exits != n)
		die("counted %llu exits, want %lu", (unsigned long long)exits, n);
	/* runs = n exits plus the done marker: each is one full round trip */
	printf("exits=%lu ns_per_exit=%llu\n", n,
	       (unsigned long long)((t1 - t0 + runs / 2) / runs));
	return 0;
}

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: rawkvm hlt\n       rawkvm pio N\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hlt"))
		return cmd_hlt();
	if (argc == 3 && !strcmp(argv[1], "pio")) {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(argv[2], &end, 10);
		if (errno || *end || end == argv[2] || argv[2][0] == '-' || n == 0)
			usage();
		return cmd_pio(n);
	}
	usage();
}
