/* SPDX-License-Identifier: ISC
 * The library OS's entry, at CPL 3: the monitor's CPL 0 stub (hv/stubs.S)
 * lands here for every syscall instruction, with %rsp 136 bytes below the
 * caller's (past its red zone, at the SS slot of the stub's iretq frame,
 * which lies below and is overwritten), %rcx = the caller's %rip, %r11 =
 * its %rflags, %rax = the Linux syscall number and the arguments in %rdi,
 * %rsi, %rdx, %r10, %r8, %r9.  As on Linux, only %rax (the result), %rcx
 * and %r11 change.
 *
 * While a call is served, los_syscall_frame points at the caller's
 * registers as the syscall instruction left them, 15 words from low to
 * high: %rax (the number), %r15, %r14, %r13, %r12, %rbx, %rbp, %r10, %r9,
 * %r8, %rdx, %rsi, %rdi, %r11 (its %rflags), %rcx (its %rip); its %rsp is
 * 256 bytes above.  A core file of a partition stopped or crashed inside
 * the library OS takes the program's registers from there (hv/dump.c), so
 * a debugger's backtrace starts in the program.  The callee-saved ones
 * are saved only for that: the C code keeps them anyway.  Before the
 * frame is whole (from los_syscall to los_syscall_push, %rsp is as the
 * stub left it; after, los_syscall_sp holds it) and after it is let go
 * (los_syscall_leave onwards), hv/dump.c finds them from %rsp itself.
 */
#include <lpar/boot.h>

	.section .text.entry, "ax"
	.globl los_syscall
	.type los_syscall, @function
los_syscall:
	movq %rcx, los_syscall_rip(%rip) /* first, for a crash report */
	movq %rsp, los_syscall_sp(%rip)  /* till the frame is whole: its %rsp less 136 */
	.globl los_syscall_push
los_syscall_push:
	pushq %rcx              /* caller's %rip: 144 bytes below its %rsp */
	pushq %r11
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rax
	movq %rsp, %rbp
	movq %rsp, los_syscall_frame(%rip)
	andq $-16, %rsp
	pushq %rax
	pushq %rax              /* the number: the seventh argument */
	movq %r10, %rcx
	call los_syscall_c
	leaq 48(%rbp), %rsp     /* past %rax and the callee-saved five */
	popq %rbp
	popq %r10
	popq %r9
	popq %r8
	popq %rdx
	popq %rsi
	popq %rdi
	popfq
	movq $0, los_syscall_rip(%rip) /* mov keeps the flags */
	movq $0, los_syscall_frame(%rip)
	.globl los_syscall_leave
los_syscall_leave:
	leaq 144(%rsp), %rsp    /* the caller's %rsp; lea keeps them too */
	jmpq *-144(%rsp)
	.size los_syscall, . - los_syscall

	.bss
	.balign 8
	.globl los_syscall_rip
los_syscall_rip:
	.quad 0
	.globl los_syscall_frame
los_syscall_frame:
	.quad 0
	.globl los_syscall_sp
los_syscall_sp:
	.quad 0

	.section .note.GNU-stack, "", @progbits
