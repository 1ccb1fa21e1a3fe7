/* SPDX-License-Identifier: ISC */
/*
 * Reading a partition's core file (ELF64 ET_CORE, x86-64): its notes (the
 * registers, the FPU state, the image's path, lpar's own note) and its
 * memory by address through the PT_LOAD segments.  lpar mem --core and
 * lpar attach --core read cores through this; nothing here prints.
 */
#ifndef LPAR_ELF_CORE_H
#define LPAR_ELF_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/regs.h"

struct lerr;

/* A PT_LOAD: [vaddr, vaddr + memsz) of the partition, filesz bytes of it in the file. */
struct elf_core_seg {
	uint64_t vaddr;  /* = guest-physical: partitions are identity-mapped */
	uint64_t memsz;
	uint64_t filesz; /* the rest of memsz reads as zeros */
	uint64_t offset;
	unsigned flags;  /* ELF_SEG_* */
};

/* What lpar's own note ("LPAR", common/corefile.h) says, as far as this reader knows its keys. */
struct elf_core_lpar {
	char name[64];          /* the partition's name */
	char abi[32];           /* the hcall ABI */
	uint64_t mem;           /* its RAM, bytes */
	char accel[16];         /* kvm or tcg */
	char image[4096];       /* the image as it was given */
	char state[32];         /* "crashed", "running", ... when the core was written */
	char regs[16];          /* whose registers NT_PRSTATUS holds: crash, syscall, current */
	char reason[512];       /* why it crashed (the crash line's cause), or "" */
	uint64_t syscall_rip;   /* the program's syscall instruction the library OS served, or 0 */
	uint64_t syscall_nr;
};

struct elf_core {
	char *path;
	int fd;
	uint64_t file_size;
	struct elf_core_seg *segs;  /* sorted by address, not overlapping */
	size_t nsegs;
	int have_regs;              /* an NT_PRSTATUS was found */
	struct vcpu_regs regs;      /* its general and segment registers (no control registers) */
	int signo;                  /* pr_cursig: the signal gdb reports, or 0 */
	long pid;                   /* pr_pid */
	int have_fpregs;
	uint8_t fpregs[512];        /* NT_FPREGSET: the fxsave area */
	char image[4096];           /* NT_FILE's first file: the image, or "" */
	char psargs[81];            /* NT_PRPSINFO's command line, or "" */
	int have_lpar;
	struct elf_core_lpar lpar;
};

/*
 * Opens path and checks that it is a core of an x86-64 program: ELF64,
 * little-endian, ET_CORE, EM_X86_64, every segment inside the file
 * ("truncated" otherwise), PT_LOADs that do not overlap, well-formed notes.
 * ENOEXEC for a file that is not such a core, the errno of open() else.
 */
int elf_core_open(const char *path, struct elf_core **out, struct lerr *err);
void elf_core_close(struct elf_core *c);

/*
 * Checks that every byte of [addr, addr + len) is in a PT_LOAD; -EFAULT
 * (*bad the first that is not) otherwise.
 */
int elf_core_check(const struct elf_core *c, uint64_t addr, uint64_t len, uint64_t *bad);
/* The PT_LOAD holding addr, with the bytes left in it from addr; -EFAULT if none. */
int elf_core_find(const struct elf_core *c, uint64_t addr, uint64_t *left);
/* Copies [addr, addr + len): all or, after -EFAULT or -EIO, nothing to rely on. */
int elf_core_read(const struct elf_core *c, uint64_t addr, void *buf, size_t len,
		  struct lerr *err);
/* The end of the highest PT_LOAD: the memory size when lpar's note does not say. */
uint64_t elf_core_top(const struct elf_core *c);

#endif
