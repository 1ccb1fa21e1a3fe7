/*
 * Partition entry.  The monitor enters here in 64-bit mode with %rdi =
 * boot info and %rsp at argc (see <lpar/boot.h>).
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp          /* outermost frame for backtraces */
	movq %rsp, %rsi          /* argc, argv, envp, auxv */
	andq $-16, %rsp
	call __lpar_start
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
