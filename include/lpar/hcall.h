/*
 * The hcall ABI, version 1: how a partition asks the monitor for service.
 * Shared by the monitor and by guest code; see lpar-hcall(7).
 */
#ifndef LPAR_HCALL_H
#define LPAR_HCALL_H

#define LPAR_ABI_VERSION 1

/*
 * An hcall is "outl %eax, $LPAR_HCALL_PORT" with the hcall number in %rax
 * and up to five arguments in %rdi, %rsi, %rdx, %rcx, %r8 (the System V
 * order, so a C wrapper needs no shuffling).  The result comes back in %rax:
 * zero or positive on success, a negative Linux errno on failure.  No other
 * register is changed.
 */
#define LPAR_HCALL_PORT 0x4c

/*
 * The hcall table: number, name, arguments.  The monitor's dispatch table,
 * lpar-hcall(7) and "lpar hcall --list" all follow this list.
 */
#define LPAR_HC_ABI_VERSION    0 /* ()                 -> LPAR_ABI_VERSION */
#define LPAR_HC_CONSOLE_WRITE  1 /* (buf, len)         -> bytes written */
#define LPAR_HC_CONSOLE_READ   2 /* (buf, len)         -> bytes, 0 at EOF, -EAGAIN */
#define LPAR_HC_EXIT           3 /* (status)           -> does not return */
#define LPAR_HC_ABORT          4 /* (msg, len)         -> does not return */
#define LPAR_HC_TIME_MONOTONIC 5 /* ()                 -> ns since boot */
#define LPAR_HC_TIME_WALL      6 /* ()                 -> ns since the Epoch */
#define LPAR_HC_BLOCK          7 /* (deadline)         -> ready set, 0 on timeout */
#define LPAR_HC_MAX           64 /* numbers below this are reserved for hcalls */

/* Bits of the ready set that block() returns. */
#define LPAR_READY_CONSOLE  (1u << 0) /* console input (or its EOF) is waiting */
#define LPAR_READY_SHUTDOWN (1u << 1) /* the controller asks the partition to end */

/* A block() deadline that never passes. */
#define LPAR_DEADLINE_NEVER 0xffffffffffffffffull

#endif
