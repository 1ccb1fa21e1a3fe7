/* SPDX-License-Identifier: ISC
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
#define LPAR_HC_BLOCK          7 /* (deadline, mask)   -> ready set & mask (mask 0: all),
                                     0 on timeout; bits outside mask stay pending */
#define LPAR_HC_EVENT_TAKE     8 /* ()                 -> event bits, cleared */
#define LPAR_HC_TRACE_MARK     9 /* (msg, len)         -> 0; a mark in lpar trace */
#define LPAR_HC_RING_RESET    10 /* (ring, gen)        -> 0; resets the ring (and channel) if
                                     still in generation gen (0: any) */
#define LPAR_HC_SYSCALL_UNSUPPORTED 11 /* (nr, a0, a1, a2) -> -ENOSYS; the library OS
                                          reports a Linux syscall it does not have */
#define LPAR_HC_RANDOM        12 /* (buf, len)         -> bytes of the host's getrandom() */
#define LPAR_HC_SET_FS_BASE   13 /* (base)             -> 0; for CPUs without wrfsbase */

/*
 * Controller hcalls: issued by a controller through the control tree's
 * hcall file (lpar hcall), never by the partition (which gets -ENOSYS).
 */
#define LPAR_HC_CTL_INFO          32 /* ()     -> 0; mem, vcpus, state, abi */
#define LPAR_HC_CTL_EVENT         33 /* (bits) -> 0; block() sees LPAR_READY_EVENT */
#define LPAR_HC_CTL_CONSOLE_INPUT 34 /* (text) -> bytes queued */
#define LPAR_HC_CTL_WAKE          35 /* (ns)   -> 0; block() sees LPAR_READY_TIMER */
#define LPAR_HC_CTL_SHUTDOWN      36 /* ()     -> 0; block() sees LPAR_READY_SHUTDOWN */
#define LPAR_HC_CTL_PANIC         37 /* ()     -> 0; stops it for good, state kept */
#define LPAR_HC_MAX           64 /* numbers below this are reserved for hcalls */

/* Bits of the ready set that block() returns. */
#define LPAR_READY_CONSOLE  (1u << 0) /* console input (or its EOF) is waiting */
#define LPAR_READY_SHUTDOWN (1u << 1) /* the controller asks the partition to end */
#define LPAR_READY_EVENT    (1u << 2) /* the controller raised event bits (event_take) */
#define LPAR_READY_TIMER    (1u << 3) /* a wake-up the controller set has come */
/* Ring i (its header's index) changed: data, room, or its link went up or down. */
#define LPAR_READY_RING(i)  (1ull << (16 + (i)))
#define LPAR_READY_RINGS    (0xffffull << 16)

/* A block() deadline that never passes. */
#define LPAR_DEADLINE_NEVER 0xffffffffffffffffull

#endif
