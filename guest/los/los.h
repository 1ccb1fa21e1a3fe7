/* SPDX-License-Identifier: ISC
 * The library OS: the Linux system calls of musl's libc.a carried out
 * inside the partition, over hcalls.  Freestanding: it is linked with no C
 * library and compiled for general registers only, so a syscall keeps the
 * caller's SSE state as Linux does.
 */
#ifndef LPAR_LOS_H
#define LPAR_LOS_H

#include <lpar.h>
#include <stddef.h>
#include <stdint.h>

/* Where the syscall being served came from (entry.S): a crash report names it. */
extern uint64_t los_syscall_rip;

/* mm.c */
void los_mm_init(uint64_t lo, uint64_t hi);
long los_brk(uint64_t addr);
long los_mmap(uint64_t addr, uint64_t len, long prot, long flags, long fd, long off);
long los_munmap(uint64_t addr, uint64_t len);
long los_mremap(uint64_t old, uint64_t oldlen, uint64_t len, long flags, uint64_t to);
long los_mprotect(uint64_t addr, uint64_t len, long prot);

/* con.c: the console, which fds 0, 1 and 2 start as. */
long los_con_write(const void *buf, size_t len);
long los_con_read(void *buf, size_t len);

/* fsys.c: the descriptor table and the working directory, at the first syscall. */
void los_fs_init(void);

/*
 * Waits in block() until deadline; keeps the ready bits other than want
 * for lpar_block().  A shutdown request ends the partition (as SIGTERM).
 */
void los_wait(uint64_t deadline, uint64_t want);

/* Ends the partition as crashed, with a reason. */
__attribute__((noreturn)) void los_abort(const char *msg);

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);

#endif
