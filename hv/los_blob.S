/* SPDX-License-Identifier: ISC
 * The library OS (guest/los/), linked for its place below 1 MiB, and its
 * vDSO, carried inside lpar as data, so that the monitor needs no file of
 * its own to run a musl program.
 */
	.section .rodata
	.balign 16
	.globl hv_los_elf, hv_los_elf_end, hv_los_vdso, hv_los_vdso_end
hv_los_elf:
	.incbin LOS_ELF
hv_los_elf_end:
	.balign 16
hv_los_vdso:
	.incbin LOS_VDSO
hv_los_vdso_end:

	.section .note.GNU-stack, "", @progbits
