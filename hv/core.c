/*
 * The portable monitor core: creates a partition (RAM, image, vCPU) and
 * runs its vCPU loop, turning every exit into an hcall, a clean end, or a
 * crash report with its reason, RIP and symbol.
 */
#include <errno.h>
#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../elf/elf.h"
#include "priv.h"
#include "x86.h"

volatile sig_atomic_t hv_pending_signal;

static const struct hv_device *const hv_devices[] = {
	&hv_dev_sys,
	&hv_dev_console,
	&hv_dev_clock,
	NULL,
};

void hv_on_signal(int signo)
{
	hv_pending_signal = signo;
}

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t hv_now(const struct hv *hv)
{
	return host_ns() - hv->boot_ns;
}

int hv_wake_add(struct hv *hv, int fd, uint32_t bit)
{
	if (hv->nwake == HV_WAKE_MAX)
		return -ENOSPC;
	hv->wake[hv->nwake] = (struct pollfd){ .fd = fd, .events = POLLIN };
	hv->wake_bit[hv->nwake++] = bit;
	return 0;
}

void hv_end_exit(struct hv *hv, int status)
{
	hv->ended = 1;
	hv->out.how = HV_END_EXIT;
	hv->out.status = status;
}

void hv_end_signal(struct hv *hv, int signo)
{
	hv->ended = 1;
	hv->out.how = HV_END_SIGNAL;
	hv->out.signo = signo;
}

void hv_end_crash(struct hv *hv, uint64_t rip, const char *fmt, ...)
{
	char what[400], where[128] = "";
	const struct elf_sym *s;
	uint64_t off = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	s = elf_sym_at(hv->img, rip, &off);
	if (s && off)
		snprintf(where, sizeof(where), " <%.80s+%llu>", s->name,
			 (unsigned long long)off);
	else if (s)
		snprintf(where, sizeof(where), " <%.80s>", s->name);
	hv->ended = 1;
	hv->out.how = HV_END_CRASH;
	hv->out.rip = rip;
	snprintf(hv->out.reason, sizeof(hv->out.reason), "%s at rip 0x%llx%s",
		 what, (unsigned long long)rip, where);
}

static const char *const vector_names[X86_NVECTORS] = {
	"divide error", "debug exception", "non-maskable interrupt",
	"breakpoint trap (int3)", "overflow trap", "bound range exceeded",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack-segment fault", "general protection fault", "page fault",
	"reserved exception 15", "x87 floating-point exception",
	"alignment check", "machine check", "SIMD floating-point exception",
	"virtualization exception", "control-protection exception",
};

/* Describes a page fault from its error code and address. */
static void page_fault(struct hv *hv, uint64_t rip, uint64_t err, uint64_t addr)
{
	const char *kind = err & 0x10 ? "instruction fetch" :
			   err & 0x2  ? "write" : "read";
	const char *why = err & 0x1 ? "protection violation" : "page not present";
	const char *hint = "";

	if (addr < LPAR_PAGE_SIZE)
		hint = ": NULL pointer dereference";
	else if (addr >= hv->lay.heap_end && addr < hv->lay.stack_lo)
		hint = ": stack overflow";
	else if (addr >= hv->mem.size)
		hint = ": outside partition memory";
	else if (addr < LPAR_IMAGE_MIN)
		hint = ": inside the monitor's reserved memory";
	hv_end_crash(hv, rip, "page fault at 0x%llx (%s, %s%s)",
		     (unsigned long long)addr, kind, why, hint);
}

/* A #GP from an instruction with a better explanation than "protection". */
static int gp_instruction(struct hv *hv, uint64_t rip)
{
	const uint8_t *op = gmem_at(&hv->mem, rip, 1);

	if (!op)
		return 0;
	if (*op == 0xf4) {
		hv_end_crash(hv, rip,
			     "hlt: a partition cannot halt (wait with the block hcall)");
		return 1;
	}
	if ((*op >= 0xe4 && *op <= 0xe7) || (*op >= 0xec && *op <= 0xef) ||
	    *op == 0x6c || *op == 0x6d || *op == 0x6e || *op == 0x6f) {
		hv_end_crash(hv, rip,
			     "port I/O outside the hcall port (0x%x)", LPAR_HCALL_PORT);
		return 1;
	}
	return 0;
}

/* An exception stub reported a fault: read its frame off the IST stack. */
static void fault(struct hv *hv, uint32_t vector)
{
	struct hv_regs *r = hvb_cpu_regs(hv->cpu);
	const uint64_t *f;
	struct hv_sregs sr;

	if (r->rip < hv->lay.stubs || r->rip >= hv->lay.stubs_end) {
		hv_end_crash(hv, r->rip, "write to unknown port 0x%x", X86_FAULT_PORT);
		return;
	}
	/* vector, error code, rip, cs, rflags, rsp, ss */
	f = gmem_at(&hv->mem, r->rsp, 7 * 8);
	if (!f || vector >= X86_NVECTORS) {
		hv_end_crash(hv, r->rip, "exception %u with an unreadable frame", vector);
		return;
	}
	if (vector == 14 && hvb_cpu_sregs(hv->cpu, &sr) == 0) {
		page_fault(hv, f[2], f[1], sr.cr2);
		return;
	}
	if (vector == 13 && gp_instruction(hv, f[2]))
		return;
	if (vector == 3) {
		/* int3 is a trap: the frame points past it. */
		const uint8_t *op = gmem_at(&hv->mem, f[2] - 1, 1);

		hv_end_crash(hv, op && *op == 0xcc ? f[2] - 1 : f[2], "%s",
			     vector_names[3]);
		return;
	}
	if (vector == 13 && f[1])
		hv_end_crash(hv, f[2], "general protection fault (selector 0x%llx)",
			     (unsigned long long)f[1]);
	else if (vector_names[vector])
		hv_end_crash(hv, f[2], "%s", vector_names[vector]);
	else
		hv_end_crash(hv, f[2], "exception %u", vector);
}

static void internal_error(struct hv *hv, uint64_t suberror)
{
	uint64_t rip = hvb_cpu_regs(hv->cpu)->rip;
	const uint8_t *op = gmem_at(&hv->mem, rip, 1);

	/* Hosts such as kvm-pvm hand back a guest int3 this way. */
	if (op && *op == 0xcc)
		hv_end_crash(hv, rip, "breakpoint trap (int3)");
	else
		hv_end_crash(hv, rip,
			     "instruction the host cannot emulate (KVM internal error %llu)",
			     (unsigned long long)suberror);
}

static void handle_exit(struct hv *hv, const struct hvb_exit *ex)
{
	uint64_t rip = hvb_cpu_regs(hv->cpu)->rip;

	switch (ex->kind) {
	case HVB_EXIT_IO:
		if (ex->out && ex->size == 4 && ex->port == LPAR_HCALL_PORT)
			hv_hcall_dispatch(hv);
		else if (ex->out && ex->size == 4 && ex->port == X86_FAULT_PORT)
			fault(hv, ex->data);
		else
			hv_end_crash(hv, rip, "%s of %u byte%s on unknown port 0x%x",
				     ex->out ? "write" : "read", ex->size,
				     ex->size == 1 ? "" : "s", ex->port);
		break;
	case HVB_EXIT_INTR:
		break;
	case HVB_EXIT_HLT:
		hv_end_crash(hv, rip,
			     "hlt with interrupts off: the partition can never wake (use the block hcall)");
		break;
	case HVB_EXIT_SHUTDOWN:
		hv_end_crash(hv, rip, "triple fault");
		break;
	case HVB_EXIT_INTERNAL:
		internal_error(hv, ex->code);
		break;
	case HVB_EXIT_FAIL_ENTRY:
		hv_end_crash(hv, rip, "vCPU entry failed (hardware reason 0x%llx)",
			     (unsigned long long)ex->code);
		break;
	case HVB_EXIT_MMIO:
		hv_end_crash(hv, rip, "access to unbacked guest-physical address 0x%llx",
			     (unsigned long long)ex->addr);
		break;
	case HVB_EXIT_DEBUG:
		hv_end_crash(hv, rip, "debug exception");
		break;
	case HVB_EXIT_OTHER:
		hv_end_crash(hv, rip, "unexpected vCPU exit %llu",
			     (unsigned long long)ex->code);
		break;
	}
}

/*
 * KVM_RUN returns EINTR for a signal its mask lets through but does not
 * deliver it (the thread's own mask is back in force by then), so take the
 * pending stop signals here; otherwise every later KVM_RUN fails at once.
 */
static void consume_signals(struct hv *hv)
{
	struct timespec zero = { 0, 0 };
	int s;

	while ((s = sigtimedwait(&hv->stop_signals, NULL, &zero)) > 0)
		hv_pending_signal = s;
}

int hv_run(struct hv *hv, struct hv_outcome *out, struct lerr *err)
{
	struct hvb_exit ex;
	int r;

	hv->boot_ns = host_ns();
	while (!hv->ended) {
		if (hv_pending_signal) {
			hv_end_signal(hv, hv_pending_signal);
			break;
		}
		r = hvb_cpu_run(hv->cpu, &ex);
		if (r) {
			*out = hv->out;
			return lerr_set(err, -r, "running the vCPU failed: %s",
					strerror(-r));
		}
		if (ex.kind == HVB_EXIT_INTR)
			consume_signals(hv);
		handle_exit(hv, &ex);
	}
	*out = hv->out;
	return 0;
}

static int ram_create(struct hv *hv, int fd, uint64_t size, struct lerr *err)
{
	void *p;

	if (fd < 0) {
		fd = memfd_create("lpar-ram", MFD_CLOEXEC);
		if (fd < 0)
			return lerr_set(err, errno, "cannot create partition memory: %s",
					strerror(errno));
	} else {
		fd = dup(fd);
		if (fd < 0)
			return lerr_set(err, errno, "%s", strerror(errno));
	}
	hv->ram_fd = fd;
	if (ftruncate(fd, (off_t)size) < 0)
		return lerr_set(err, errno, "cannot size partition memory: %s",
				strerror(errno));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 fd, 0);
	if (p == MAP_FAILED)
		return lerr_set(err, errno, "cannot map partition memory: %s",
				strerror(errno));
	hv->mem.base = p;
	hv->mem.size = size;
	return 0;
}

int hv_check_image(const struct hv_config *cfg, const struct elf_image *img,
		   struct lerr *err)
{
	uint64_t need = img->hi + HV_STACK_GUARD + HV_STACK_SIZE;
	char a[32], b[32];

	if (cfg->mem_size % LPAR_PAGE_SIZE)
		return lerr_set(err, EINVAL, "memory size %llu bytes is not a multiple of 4 KiB",
				(unsigned long long)cfg->mem_size);
	if (cfg->mem_size > HV_MEM_MAX)
		return lerr_set(err, EINVAL, "memory size %s is more than the %s a partition can have",
				num_format_size(cfg->mem_size, a, sizeof(a)),
				num_format_size(HV_MEM_MAX, b, sizeof(b)));
	if (cfg->mem_size < need)
		return lerr_set(err, EINVAL,
				"memory size %s is too small for '%s', which needs at least %s",
				num_format_size(cfg->mem_size, a, sizeof(a)), img->path,
				num_format_size((need + 0xfffff) & ~0xfffffull, b, sizeof(b)));
	return elf_check_fit(img, LPAR_IMAGE_MIN,
			     cfg->mem_size - HV_STACK_SIZE - HV_STACK_GUARD,
			     cfg->mem_size, err);
}

int hv_create(const struct hv_config *cfg, const struct elf_image *img,
	      struct hv **out, struct lerr *err)
{
	struct hv_boot_state bs;
	struct hv *hv;
	int r;

	r = hv_check_image(cfg, img, err);
	if (r)
		return r;
	hv = calloc(1, sizeof(*hv));
	if (!hv)
		return lerr_set(err, ENOMEM, "out of memory");
	hv->ram_fd = -1;
	hv->img = img;
	hv->name = strdup(cfg->name);
	hv->argc = cfg->argc;
	hv->argv = cfg->argv;
	hv->con_in = cfg->console_in;
	hv->con_out = cfg->console_out;
	hv->devs = hv_devices;
	hv->stop_signals = cfg->stop_signals;
	/* Run with the caller's mask minus the stop signals. */
	sigprocmask(SIG_SETMASK, NULL, &hv->run_mask);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&cfg->stop_signals, s))
			sigdelset(&hv->run_mask, s);

	r = hvb_open(cfg->kvm_path ? cfg->kvm_path : "/dev/kvm", &hv->vm, err);
	if (!r)
		r = ram_create(hv, cfg->ram_fd, cfg->mem_size, err);
	if (!r)
		r = hvb_map_ram(hv->vm, hv->mem.base, hv->mem.size, err);
	if (!r)
		r = hv_layout_build(hv, &bs, err);
	if (!r)
		r = hvb_cpu_create(hv->vm, &bs, &hv->run_mask, &hv->cpu, err);
	if (!r)
		r = hv_hcall_register(hv, err);
	while (!r && hv->devs[hv->ndevs_ready]) {
		const struct hv_device *d = hv->devs[hv->ndevs_ready];

		r = d->init ? d->init(hv, err) : 0;
		if (!r)
			hv->ndevs_ready++;
	}
	if (r) {
		hv_destroy(hv);
		return r;
	}
	*out = hv;
	return 0;
}

void hv_destroy(struct hv *hv)
{
	if (!hv)
		return;
	while (hv->ndevs_ready > 0) {
		const struct hv_device *d = hv->devs[--hv->ndevs_ready];

		if (d->fini)
			d->fini(hv);
	}
	hvb_close(hv->vm);
	if (hv->mem.base)
		munmap(hv->mem.base, hv->mem.size);
	if (hv->ram_fd >= 0)
		close(hv->ram_fd);
	free(hv->name);
	free(hv);
}
