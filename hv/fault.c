/* SPDX-License-Identifier: ISC
 * Crash reports: turns exceptions the stubs report and exits the monitor
 * did not expect into a reason with the RIP and symbol.
 */
#include <lpar/boot.h>
#include <lpar/hcall.h>

#include <string.h>

#include "priv.h"
#include "x86.h"

static const char *const vector_names[X86_NVECTORS] = {
	"divide error", "debug exception", "non-maskable interrupt",
	"breakpoint trap (int3)", "overflow trap (int 4)", "bound range exceeded",
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

/*
 * Port I/O that faulted.  A partition may write 4 bytes to the hcall port
 * and the doorbell port, nothing else; if it was one of those, the host
 * CPU ignored the TSS's I/O bitmap, and saying "outside the hcall port"
 * would send the user looking in the wrong place.
 */
static int port_io(struct hv *hv, uint64_t rip, const uint8_t *op, int len)
{
	int i = 0, wide = 0, out, imm, size;
	unsigned port;

	for (; i < len && (op[i] == 0x66 || op[i] == 0xf3 || op[i] == 0xf2); i++)
		wide |= op[i] == 0x66;
	if (i == len)
		return 0;
	if (op[i] >= 0xe4 && op[i] <= 0xe7)
		imm = 1;
	else if ((op[i] >= 0xec && op[i] <= 0xef) || (op[i] >= 0x6c && op[i] <= 0x6f))
		imm = 0;
	else
		return 0;
	if (imm && i + 1 == len)
		return 0;
	out = op[i] & 2; /* e6 e7 ee ef 6e 6f */
	size = !(op[i] & 1) ? 1 : wide ? 2 : 4;
	port = imm ? op[i + 1] : (uint16_t)hvb_cpu_regs(hv->cpu)->rdx;
	if (out && size == 4 && op[i] >= 0xe4 &&
	    (port == LPAR_HCALL_PORT || port == LPAR_DOORBELL_PORT))
		hv_end_crash(hv, rip,
			     "the host refused port I/O the partition may do (a write of 4 bytes to port 0x%x): "
			     "its CPU does not honour the TSS's I/O bitmap",
			     port);
	else
		hv_end_crash(hv, rip, "port I/O outside the hcall port (0x%x): %s of %d byte%s %s port 0x%x",
			     LPAR_HCALL_PORT, out ? "write" : "read", size, size == 1 ? "" : "s",
			     out ? "to" : "from", port);
	return 1;
}

/* A #GP from an instruction with a better explanation than "protection". */
static int gp_instruction(struct hv *hv, uint64_t rip, uint64_t error)
{
	const uint8_t *op = gmem_at(&hv->mem, rip, 1);
	const uint8_t *op2 = gmem_at(&hv->mem, rip, 4);

	if (!op)
		return 0;
	if (*op == 0xf4) {
		hv_end_crash(hv, rip,
			     "hlt: a partition cannot halt (musl's a_crash() halts on purpose when it finds heap corruption or a smashed stack; to wait, use the block hcall)");
		return 1;
	}
	/*
	 * int N through a gate closed to CPL 3 (or past the IDT's end): the
	 * error code names an IDT entry.  Which bits hold N varies (QEMU's
	 * TCG shifts it by 4 for a vector past the limit), so only the IDT
	 * flag is checked.
	 */
	if (op2 && op2[0] == 0xcd && (error & 3) == 2) {
		hv_end_crash(hv, rip,
			     "int 0x%x: a partition cannot raise software interrupts (system calls go through syscall)",
			     op2[1]);
		return 1;
	}
	return port_io(hv, rip, op2 ? op2 : op, op2 ? 4 : 1);
}

/*
 * Where a trap (int3, int 3, int 4) happened: the frame points past the
 * instruction.
 */
static uint64_t trap_rip(struct hv *hv, uint64_t rip, unsigned vector)
{
	const uint8_t *op = rip >= 2 ? gmem_at(&hv->mem, rip - 2, 2) : NULL;

	if (op && vector == 3 && op[1] == 0xcc)
		return rip - 1;
	if (op && op[0] == 0xcd && op[1] == vector)
		return rip - 2;
	return rip;
}

void hv_fault_crash(struct hv *hv, const struct hv_frame *f, uint64_t cr2)
{
	uint32_t vector = (uint32_t)f->vector;

	hv_dump_note_frame(hv, f);
	if (vector == 14) {
		page_fault(hv, f->rip, f->error, cr2);
		return;
	}
	if (vector == 13 && gp_instruction(hv, f->rip, f->error))
		return;
	if (vector == 3 || vector == 4) {
		hv_end_crash(hv, trap_rip(hv, f->rip, vector), "%s", vector_names[vector]);
		return;
	}
	if (vector == 13 && f->error)
		hv_end_crash(hv, f->rip, "general protection fault (selector 0x%llx)",
			     (unsigned long long)f->error);
	else if (vector < X86_NVECTORS && vector_names[vector])
		hv_end_crash(hv, f->rip, "%s", vector_names[vector]);
	else
		hv_end_crash(hv, f->rip, "exception %u", vector);
}

/* An exception, as a frame: a device (the debugger) may own it, else it ends the partition. */
static void exception(struct hv *hv, struct hv_frame *f, uint64_t cr2)
{
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_EXIT, "what=fault vector=%u rip=0x%llx",
			      (unsigned)f->vector, (unsigned long long)f->rip);
	if (hv_devs_exception(hv, f, cr2))
		return;
	hv_fault_crash(hv, f, cr2);
}

/*
 * An exception stub reported a fault: copy its frame off the IST stack (the
 * partition could change it), then deal with it.
 */
static void fault(struct hv *hv, uint32_t vector)
{
	struct hv_regs *r = hvb_cpu_regs(hv->cpu);
	const uint64_t *p;
	struct hv_frame f;
	struct hv_sregs sr = { 0 };

	if (r->rip < hv->lay.stubs || r->rip >= hv->lay.stubs_end) {
		hv_end_crash(hv, r->rip, "write to unknown port 0x%x", X86_FAULT_PORT);
		return;
	}
	p = gmem_at(&hv->mem, r->rsp, sizeof(f));
	if (!p || vector >= X86_NVECTORS) {
		hv_end_crash(hv, r->rip, "exception %u with an unreadable frame", vector);
		return;
	}
	memcpy(&f, p, sizeof(f));
	f.vector = vector;
	if (vector == 14)
		hvb_cpu_sregs(hv->cpu, &sr);
	exception(hv, &f, sr.cr2);
}

/*
 * A backend that cannot deliver exceptions through the IDT reports them
 * as exits, with the partition's registers as they were: the same frame
 * the stubs would have built.
 */
static void exception_exit(struct hv *hv, const struct hvb_exit *ex)
{
	const struct hv_regs *r = hvb_cpu_regs(hv->cpu);
	struct hv_segs sg = { 0 };
	struct hv_frame f = {
		.rax = r->rax, .vector = ex->vector, .error = ex->code, .rip = r->rip,
		.rflags = r->rflags, .rsp = r->rsp,
	};

	hvb_cpu_segs(hv->cpu, &sg);
	f.cs = sg.cs;
	f.ss = sg.ss;
	exception(hv, &f, ex->addr);
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
			     "instruction the host cannot emulate (%s internal error %llu)",
			     hvb_name(hv->vm), (unsigned long long)suberror);
}

static void unknown_port(struct hv *hv, const struct hvb_exit *ex, uint64_t rip)
{
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_EXIT, "what=io port=0x%x size=%u dir=%s", ex->port,
			      ex->size, ex->out ? "out" : "in");
	hv_end_crash(hv, rip, "%s of %u byte%s on unknown port 0x%x",
		     ex->out ? "write" : "read", ex->size, ex->size == 1 ? "" : "s", ex->port);
}

void hv_exit_handle(struct hv *hv, const struct hvb_exit *ex)
{
	uint64_t rip = hvb_cpu_regs(hv->cpu)->rip;

	__atomic_add_fetch(&hv->n_exits, 1, __ATOMIC_RELAXED);
	switch (ex->kind) {
	case HVB_EXIT_IO:
		if (ex->out && ex->size == 4 && ex->port == LPAR_HCALL_PORT) {
			__atomic_add_fetch(&hv->n_hcalls, 1, __ATOMIC_RELAXED);
			hv_hcall_dispatch(hv);
		} else if (ex->out && ex->size == 4 && ex->port == X86_FAULT_PORT)
			fault(hv, ex->data);
		else if (!hv_devs_io(hv, ex))
			unknown_port(hv, ex, rip);
		break;
	case HVB_EXIT_INTR:
		break; /* hv_yield() serves whatever interrupted it */
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
		if (hv_devs_mmio(hv, ex))
			break;
		hv_end_crash(hv, rip, "access to unbacked guest-physical address 0x%llx",
			     (unsigned long long)ex->addr);
		break;
	case HVB_EXIT_DEBUG:
		hv_end_crash(hv, rip, "debug exception");
		break;
	case HVB_EXIT_EXCEPTION:
		exception_exit(hv, ex);
		break;
	case HVB_EXIT_OTHER:
		hv_end_crash(hv, rip, "unexpected vCPU exit %llu",
			     (unsigned long long)ex->code);
		break;
	}
}

