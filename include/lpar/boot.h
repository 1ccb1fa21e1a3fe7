/* SPDX-License-Identifier: ISC
 * What the monitor hands a partition at entry, and where things are in its
 * memory.  Shared by the monitor and by guest code; see lpar-hcall(7).
 */
#ifndef LPAR_BOOT_H
#define LPAR_BOOT_H

#define LPAR_BOOT_MAGIC 0x5241504cu /* "LPAR" */

/*
 * A 64-bit address: unsigned long long in C, a plain number in assembly
 * (the monitor's hv/stubs.S uses these; clang's assembler takes no suffix).
 */
#ifdef __ASSEMBLER__
#define LPAR_U64(n) n
#else
#define LPAR_U64(n) n##ull
#endif

/*
 * Guest-physical memory is identity-mapped.  The first MiB belongs to the
 * monitor (boot info, descriptor tables, page tables) and to the library
 * OS, which the monitor loads at LPAR_LOS_BASE; page 0 is never mapped, so
 * a NULL dereference faults.  The image is loaded at its link addresses at
 * or above LPAR_IMAGE_MIN (a static PIE at LPAR_PIE_BASE); the stack sits
 * at the top of RAM with an unmapped guard below it; what lies between is
 * the library OS's heap (brk and mmap).
 */
#define LPAR_PAGE_SIZE   LPAR_U64(0x1000)
#define LPAR_BOOT_INFO   LPAR_U64(0x1000)  /* struct lpar_boot_info, read-only */
#define LPAR_LOS_BASE    LPAR_U64(0x80000) /* the library OS: its syscall entry first */
#define LPAR_LOS_END     LPAR_U64(0x100000)
#define LPAR_VDSO_BASE   LPAR_U64(0xf8000) /* the library OS's vDSO (AT_SYSINFO_EHDR), in its area */
#define LPAR_IMAGE_MIN   LPAR_U64(0x100000)
#define LPAR_PIE_BASE    LPAR_U64(0x400000)

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * The vCPU starts at the image's entry point with %rdi holding
 * LPAR_BOOT_INFO and %rsp at a Linux-style initial stack: argc,
 * argv[0..argc-1], NULL, envp, NULL, and an auxiliary vector ending in
 * AT_NULL, so musl's own _start runs as it does on Linux.  Its syscall
 * instructions go to the library OS (docs/libos.md).  The CPU is in 64-bit
 * mode at CPL 3 with interrupts off and SSE enabled.
 */
struct lpar_boot_info {
	uint32_t magic;       /* LPAR_BOOT_MAGIC */
	uint32_t abi_version; /* LPAR_ABI_VERSION of the monitor */
	uint64_t mem_size;    /* bytes of RAM, from guest-physical 0 */
	uint64_t heap_start;  /* first free byte past the image, page aligned */
	uint64_t heap_end;    /* end of the free area (start of the stack guard) */
	uint64_t stack_top;   /* initial stack top (= mem_size) */
	uint64_t stack_size;  /* bytes of stack below stack_top */
	uint64_t argc;
	uint64_t argv;        /* guest address of char *argv[argc + 1] */
	uint64_t cmdline;     /* NUL-terminated: the arguments joined by spaces */
	uint64_t name;        /* NUL-terminated partition name */
	uint64_t flags;       /* LPAR_BOOT_* */
	uint64_t console_ring; /* header of the image's console ring, or 0 */
	uint64_t envc;
	uint64_t envp;        /* guest address of char *envp[envc + 1] */
	/*
	 * Guest address of the ready bits that a wait (in a ring function or
	 * in the library OS's read or sleep) took from block() but did not
	 * want: lpar_block() returns them first.  One word for the whole
	 * partition, in the library OS's data.
	 */
	uint64_t ready_pending;
	/* Guest address of the library OS's clock state, which its vDSO reads. */
	uint64_t clock;
	/*
	 * Files (<lpar/fs.h>): the guest address of the mount table, struct
	 * lpar_fs_boot, and of the library OS's "fs" ring; both 0 when the
	 * partition has no shares.
	 */
	uint64_t fs;
	uint64_t fs_ring;
};

/* The console goes to a file or pipe, not a person: output may be fully buffered. */
#define LPAR_BOOT_CONSOLE_BUFFERED (1ull << 0)
#endif

#endif
