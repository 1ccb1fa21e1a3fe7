/* SPDX-License-Identifier: ISC
 * The partition SDK: hcall wrappers and rings, the services a partition
 * gets besides musl's C library, which runs on the library OS.
 */
#ifndef LPAR_H
#define LPAR_H

#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <lpar/ring.h>
#include <stddef.h>
#include <stdint.h>

static inline long lpar_hcall(long nr, long a0, long a1, long a2, long a3,
			      long a4)
{
	register long r8 __asm__("r8") = a4;
	long ret;

	__asm__ volatile("outl %%eax, %[port]"
			 : "=a"(ret)
			 : "a"(nr), [port] "i"(LPAR_HCALL_PORT), "D"(a0),
			   "S"(a1), "d"(a2), "c"(a3), "r"(r8)
			 : "memory");
	return ret;
}

#define lpar_hcall0(nr)         lpar_hcall((nr), 0, 0, 0, 0, 0)
#define lpar_hcall1(nr, a)      lpar_hcall((nr), (long)(a), 0, 0, 0, 0)
#define lpar_hcall2(nr, a, b)   lpar_hcall((nr), (long)(a), (long)(b), 0, 0, 0)

/* What the monitor handed this partition at entry (read-only). */
#define lpar_boot ((const struct lpar_boot_info *)(uintptr_t)LPAR_BOOT_INFO)

/*
 * Writes out what printf() and friends have buffered (fflush(stdout)).
 * The console wrappers below call it first, so stdio's output and theirs
 * keep their order.
 */
void lpar_flush(void);

static inline long lpar_console_write(const void *buf, size_t len)
{
	lpar_flush();
	return lpar_hcall2(LPAR_HC_CONSOLE_WRITE, buf, len);
}

/* Non-blocking: bytes read, 0 at end of input, -EAGAIN if none is waiting. */
static inline long lpar_console_read(void *buf, size_t len)
{
	lpar_flush();
	return lpar_hcall2(LPAR_HC_CONSOLE_READ, buf, len);
}

static inline uint64_t lpar_time_monotonic(void)
{
	return (uint64_t)lpar_hcall0(LPAR_HC_TIME_MONOTONIC);
}

static inline uint64_t lpar_time_wall(void)
{
	return (uint64_t)lpar_hcall0(LPAR_HC_TIME_WALL);
}

/*
 * Sleeps until something is ready or deadline (monotonic ns) passes;
 * returns the ready set (LPAR_READY_*), 0 at the deadline.  Bits that came
 * while a ring function waited are returned here without sleeping.
 */
#define lpar_ready_pending (*(uint64_t *)(uintptr_t)lpar_boot->ready_pending)
static inline uint64_t lpar_block(uint64_t deadline)
{
	uint64_t r = lpar_ready_pending;

	lpar_flush();
	if (r) {
		lpar_ready_pending = 0;
		return r;
	}
	return (uint64_t)lpar_hcall1(LPAR_HC_BLOCK, deadline);
}

/*
 * Rings (<lpar/ring.h>, docs/rings.md).  r is lpar_ring(NAME).  deadline
 * is monotonic ns: 0 never waits (-EAGAIN), LPAR_DEADLINE_NEVER waits for
 * good, anything else gives -ETIMEDOUT when it passes.  Errors: -ENOTCONN
 * while the link is not up; -ECONNRESET once after the ring was reset
 * (the other side restarted, or broke the ring's rules and it was reset);
 * -EMSGSIZE for a message too large for the ring or the buffer.
 */
/* LPAR_LINK_NONE, _DOWN or _UP. */
int lpar_ring_link(const struct lpar_ring_hdr *r);
/* Waits for the link to come up. */
int lpar_ring_wait_up(struct lpar_ring_hdr *r, uint64_t deadline);
/* Byte rings: writes all of buf (fewer bytes only if an error or the deadline stops it). */
long lpar_ring_write(struct lpar_ring_hdr *r, const void *buf, size_t len, uint64_t deadline);
/* Byte rings: reads what is there, at least one byte. */
long lpar_ring_read(struct lpar_ring_hdr *r, void *buf, size_t len, uint64_t deadline);
/* Message rings: sends one message of len bytes; returns len. */
long lpar_ring_send(struct lpar_ring_hdr *r, const void *msg, size_t len, uint64_t deadline);
/* Message rings: receives one message into buf; returns its length. */
long lpar_ring_recv(struct lpar_ring_hdr *r, void *buf, size_t len, uint64_t deadline);
/* The same with the message's tag (struct lpar_msg): the SDK's own calls send 0. */
long lpar_ring_send_tag(struct lpar_ring_hdr *r, uint32_t tag, const void *msg, size_t len,
			uint64_t deadline);
long lpar_ring_recv_tag(struct lpar_ring_hdr *r, uint32_t *tag, void *buf, size_t len,
			uint64_t deadline);
/* Starts the ring over (and its channel): both sides see -ECONNRESET. */
void lpar_ring_reset(struct lpar_ring_hdr *r);
/* Doorbells this partition has rung so far (notification suppression at work). */
extern uint64_t lpar_ring_doorbells;

static inline int lpar_abi_version(void)
{
	return (int)lpar_hcall0(LPAR_HC_ABI_VERSION);
}

/* exit(status): atexit handlers run and stdio is flushed. */
__attribute__((noreturn)) void lpar_exit(int status);
/* Ends the partition as crashed, with msg as the reason (stdout is flushed first). */
__attribute__((noreturn)) void lpar_abort(const char *msg);

#endif
