/*
 * What the monitor hands a partition at entry, and where things are in its
 * memory.  Shared by the monitor and by guest code; see lpar-hcall(7).
 */
#ifndef LPAR_BOOT_H
#define LPAR_BOOT_H

#include <stdint.h>

#define LPAR_BOOT_MAGIC 0x5241504cu /* "LPAR" */

/*
 * Guest-physical memory is identity-mapped.  The first MiB belongs to the
 * monitor (boot info, descriptor tables, page tables); page 0 is never
 * mapped, so a NULL dereference faults.  The image is loaded at its link
 * addresses at or above LPAR_IMAGE_MIN; the stack sits at the top of RAM
 * with an unmapped guard below it; what lies between is free for a heap.
 */
#define LPAR_PAGE_SIZE   0x1000ull
#define LPAR_BOOT_INFO   0x1000ull  /* struct lpar_boot_info, read-only */
#define LPAR_IMAGE_MIN   0x100000ull

/*
 * At entry %rdi holds LPAR_BOOT_INFO and %rsp points at a Linux-style
 * initial stack: argc, argv[0..argc-1], NULL, an empty envp (NULL), and an
 * auxiliary vector ending in AT_NULL.  The CPU is in 64-bit mode at CPL 3
 * with interrupts off and SSE enabled; set the FS base with wrfsbase.
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
};

/* The console goes to a file or pipe, not a person: output may be fully buffered. */
#define LPAR_BOOT_CONSOLE_BUFFERED (1ull << 0)

#endif
