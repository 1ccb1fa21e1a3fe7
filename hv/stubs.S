/* SPDX-License-Identifier: ISC
 * Exception stubs the monitor copies to X86_STUBS in every partition.  Each
 * vector pushes a uniform frame (rax, vector, error code, then what the CPU
 * pushed: rip, cs, rflags, rsp, ss) on the IST stack and reports it through
 * the fault port; the monitor reads the frame and ends the partition with a
 * precise reason, or (debugging) stops it and resumes it from the frame.
 * After them comes where the syscall instruction lands (LSTAR).
 * Assembled into the host binary as data; never run on the host.
 */
#include "x86.h"

	.section .rodata
	.balign 16
	.globl hv_x86_stubs, hv_x86_stubs_end

hv_x86_stubs:
	.set vec, 0
	.rept X86_NVECTORS
	.balign X86_STUB_SIZE
	/* the CPU pushes an error code for 8, 10-14, 17, 21, 29, 30 */
	.if !((vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30))
	pushq $0
	.endif
	pushq $vec
	jmp common
	.set vec, vec + 1
	.endr
	.balign X86_STUB_SIZE
common:
	/* Keep rax, so the monitor can resume the partition exactly (debugging). */
	pushq %rax
	movl 8(%rsp), %eax
	outl %eax, $X86_FAULT_PORT
1:	hlt
	jmp 1b

	/*
	 * syscall: the CPU is at CPL 0 with the partition's %rsp, %rcx = its
	 * %rip and %r11 = its %rflags; every other register is an argument or
	 * must be kept.  CPL 0 code is emulated on kvm-pvm, so this does as
	 * little as it can: it steps past the red zone and returns to CPL 3
	 * at the library OS's entry with %rsp at the iretq frame's SS slot
	 * (the frame below it is spent).
	 * The library OS finds the caller's %rsp 136 bytes above its own and
	 * returns to it with a jump, never through CPL 0 again.
	 */
	.balign X86_STUB_SIZE
	.globl hv_x86_syscall
hv_x86_syscall:
	subq $128, %rsp
	pushq $X86_SEL_UDATA
	pushq %rsp
	pushq $2
	pushq $X86_SEL_UCODE
	pushq $LPAR_LOS_BASE
	iretq
hv_x86_stubs_end:

	.section .note.GNU-stack, "", @progbits
