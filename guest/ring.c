/* SPDX-License-Identifier: ISC
 * Rings for partition code: byte streams and messages over the rings an
 * image declares with LPAR_RING(), with Xen-style notification
 * suppression (a doorbell only when the other side asked for one) and
 * block() to wait.  The other side may be another partition: every index
 * it writes is checked, and a ring that makes no sense is reset rather
 * than trusted.  See docs/rings.md.
 */
#include <errno.h>
#include <lpar.h>

uint64_t lpar_ring_doorbells;

static void doorbell(const struct lpar_ring_hdr *r)
{
	lpar_ring_doorbells++;
	__asm__ volatile("outl %%eax, %[port]" ::"a"(r->index), [port] "i"(LPAR_DOORBELL_PORT)
			 : "memory");
}

/*
 * Before a side sleeps it watches the other side's index for a while: an
 * exit to sleep and the wake-up cost about 100 us on a nested host, while
 * a streaming peer moves the index within microseconds.  So in the steady
 * state neither side exits at all.  The watch is bounded (LPAR_RING_SPIN
 * TSC ticks, some tens of microseconds) and only ever precedes a sleep.
 */
#define LPAR_RING_SPIN 60000ull

static int spin(const uint32_t *word, uint32_t seen)
{
	uint64_t t0 = __builtin_ia32_rdtsc();

	do {
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen)
			return 1;
		__builtin_ia32_pause();
	} while (__builtin_ia32_rdtsc() - t0 < LPAR_RING_SPIN);
	return 0;
}

/* Waits for r's ready bit, keeping the others for lpar_block(). */
static int wait_ring(const struct lpar_ring_hdr *r, uint64_t deadline)
{
	uint64_t bit = LPAR_READY_RING(r->index), got;

	if (lpar_ready_pending & bit) {
		lpar_ready_pending &= ~bit;
		return 0;
	}
	if (!deadline)
		return -EAGAIN;
	if (deadline != LPAR_DEADLINE_NEVER && lpar_time_monotonic() >= deadline)
		return -ETIMEDOUT;
	/* Not console input or a shutdown request: they last, and would wake it again and again. */
	got = (uint64_t)lpar_hcall2(LPAR_HC_BLOCK, deadline,
				    ~(uint64_t)(LPAR_READY_CONSOLE | LPAR_READY_SHUTDOWN));
	if ((int64_t)got > 0)
		lpar_ready_pending |= got & ~bit;
	return 0;
}

/*
 * Whether r can be used: its link is up and the partition has heard of
 * the generation it is in.  A ring that came back from a reset says so
 * once with -ECONNRESET.
 */
static int usable(struct lpar_ring_hdr *r)
{
	uint32_t gen;

	if (__atomic_load_n(&r->link, __ATOMIC_ACQUIRE) != LPAR_LINK_UP)
		return -ENOTCONN;
	gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
	if (gen != r->seen_gen) {
		int first = r->seen_gen == 0;

		r->seen_gen = gen;
		if (!first)
			return -ECONNRESET;
	}
	return 0;
}

/* The other side broke the ring's rules: have the monitor start it over. */
static int corrupt(struct lpar_ring_hdr *r)
{
	/* The generation usable() saw: a ring that started over since is left alone. */
	lpar_hcall2(LPAR_HC_RING_RESET, r->index, r->seen_gen);
	return -ECONNRESET;
}

/*
 * Bytes waiting in d (with the indices read), or why r cannot be used: the
 * link, a reset, or indices that make no sense (then reset).
 */
static int64_t waiting(struct lpar_ring_hdr *r, const struct lpar_ring_dir *d,
		       uint32_t *prod, uint32_t *cons)
{
	int e = usable(r);
	int64_t used;

	if (e)
		return e;
	used = lpar_ring_used(d, prod, cons);
	return used < 0 ? corrupt(r) : used;
}

static struct lpar_ring_dir dir(struct lpar_ring_hdr *r, int rx)
{
	return lpar_ring_dir_at(r, r->size, rx);
}

int lpar_ring_link(const struct lpar_ring_hdr *r)
{
	return (int)__atomic_load_n(&r->link, __ATOMIC_ACQUIRE);
}

int lpar_ring_wait_up(struct lpar_ring_hdr *r, uint64_t deadline)
{
	for (;;) {
		int e;

		if (lpar_ring_link(r) == LPAR_LINK_UP) {
			r->seen_gen = __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE);
			return 0;
		}
		e = wait_ring(r, deadline);
		if (e)
			return e;
	}
}

void lpar_ring_reset(struct lpar_ring_hdr *r)
{
	lpar_hcall2(LPAR_HC_RING_RESET, r->index, __atomic_load_n(&r->gen, __ATOMIC_ACQUIRE));
}

long lpar_ring_write(struct lpar_ring_hdr *r, const void *buf, size_t len, uint64_t deadline)
{
	struct lpar_ring_dir d = dir(r, 0);
	size_t done = 0;

	while (done < len) {
		uint32_t prod, cons, room, n;
		int64_t used = waiting(r, &d, &prod, &cons);
		int e;

		if (used < 0)
			return done ? (long)done : used;
		room = d.size - (uint32_t)used;
		if (!room) {
			/* Ask for a wake-up when half the ring (or what is left) is free. */
			uint32_t want = len - done < d.size / 2 ? (uint32_t)(len - done) : d.size / 2;

			if (deadline && spin(&d.ctl->cons, cons))
				continue;
			if (lpar_ring_arm_write(&d, want))
				continue;
			e = wait_ring(r, deadline);
			if (e)
				return done ? (long)done : e;
			continue;
		}
		n = len - done < room ? (uint32_t)(len - done) : room;
		lpar_ring_copy_in(&d, prod, (const uint8_t *)buf + done, n);
		if (lpar_ring_publish(&d, prod, prod + n))
			doorbell(r);
		done += n;
	}
	return (long)done;
}

long lpar_ring_read(struct lpar_ring_hdr *r, void *buf, size_t len, uint64_t deadline)
{
	struct lpar_ring_dir d = dir(r, 1);

	for (;;) {
		uint32_t prod, cons, n;
		int64_t used = waiting(r, &d, &prod, &cons);
		int e;

		if (used < 0)
			return used;
		if (used) {
			n = (uint64_t)used < len ? (uint32_t)used : (uint32_t)len;
			lpar_ring_copy_out(&d, cons, buf, n);
			if (lpar_ring_release(&d, cons, cons + n))
				doorbell(r);
			return n;
		}
		if (!len)
			return 0;
		if ((deadline && spin(&d.ctl->prod, prod)) || lpar_ring_arm_read(&d))
			continue;
		e = wait_ring(r, deadline);
		if (e)
			return e;
	}
}

long lpar_ring_send(struct lpar_ring_hdr *r, const void *msg, size_t len, uint64_t deadline)
{
	return lpar_ring_send_tag(r, 0, msg, len, deadline);
}

long lpar_ring_send_tag(struct lpar_ring_hdr *r, uint32_t tag, const void *msg, size_t len,
			uint64_t deadline)
{
	struct lpar_ring_dir d = dir(r, 0);
	uint32_t need;

	if (len > d.size || lpar_msg_space((uint32_t)len) > d.size)
		return -EMSGSIZE;
	need = lpar_msg_space((uint32_t)len);
	for (;;) {
		struct lpar_msg h = { (uint32_t)len, tag };
		uint32_t prod, cons;
		int64_t used = waiting(r, &d, &prod, &cons);
		int e;

		if (used < 0)
			return used;
		if (d.size - (uint32_t)used < need) {
			if (deadline && spin(&d.ctl->cons, cons))
				continue;
			if (lpar_ring_arm_write(&d, need))
				continue;
			e = wait_ring(r, deadline);
			if (e)
				return e;
			continue;
		}
		lpar_ring_copy_in(&d, prod, &h, sizeof(h));
		lpar_ring_copy_in(&d, prod + sizeof(h), msg, len);
		if (lpar_ring_publish(&d, prod, prod + need))
			doorbell(r);
		return (long)len;
	}
}

long lpar_ring_recv(struct lpar_ring_hdr *r, void *buf, size_t len, uint64_t deadline)
{
	return lpar_ring_recv_tag(r, NULL, buf, len, deadline);
}

long lpar_ring_recv_tag(struct lpar_ring_hdr *r, uint32_t *tag, void *buf, size_t len,
			uint64_t deadline)
{
	struct lpar_ring_dir d = dir(r, 1);

	for (;;) {
		struct lpar_msg h;
		uint32_t prod, cons, space;
		int64_t used = waiting(r, &d, &prod, &cons);
		int e;

		if (used < 0)
			return used;
		if (used) {
			/* Messages are published whole: anything else is corruption. */
			if ((uint64_t)used < sizeof(h))
				return corrupt(r);
			lpar_ring_copy_out(&d, cons, &h, sizeof(h));
			if (h.len > d.size || (space = lpar_msg_space(h.len)) > (uint32_t)used)
				return corrupt(r);
			if (h.len > len)
				return -EMSGSIZE;
			lpar_ring_copy_out(&d, cons + sizeof(h), buf, h.len);
			if (tag)
				*tag = h.tag;
			if (lpar_ring_release(&d, cons, cons + space))
				doorbell(r);
			return (long)h.len;
		}
		if ((deadline && spin(&d.ctl->prod, prod)) || lpar_ring_arm_read(&d))
			continue;
		e = wait_ring(r, deadline);
		if (e)
			return e;
	}
}
