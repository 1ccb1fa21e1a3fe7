/* SPDX-License-Identifier: ISC
 * Ring buffers, version 1: shared-memory channels compiled into a
 * partition image.  Shared by the monitor and by guest code; the layout
 * and the rules are in docs/rings.md.
 *
 * A ring is a page-aligned object in the image's ".lpar.rings" section,
 * named __lpar_ring_NAME in the symbol table, which is how the controller
 * finds it.  It holds a header page and two directions:
 *
 *   +0                     struct lpar_ring_hdr (the partition's own page)
 *   +4 KiB                 tx: struct lpar_ring_ctl, then size data bytes
 *   +8 KiB + size          rx: struct lpar_ring_ctl, then size data bytes
 *
 * tx is what the partition produces; rx what it consumes.  Each direction
 * has its producer and consumer indices and its event indices on separate
 * cache lines.  Indices are free-running 32-bit counters; a byte's place
 * is index & (size - 1).  Whoever reads an index from the other side must
 * check it: prod - cons never exceeds size in a sane ring.
 */
#ifndef LPAR_RING_H
#define LPAR_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LPAR_RING_MAGIC   0x474e4952u /* "RING" */
#define LPAR_RING_VERSION 1
#define LPAR_RING_SECTION ".lpar.rings"
#define LPAR_RING_PREFIX  "__lpar_ring_"
#define LPAR_RING_NAME_MAX 31

/* Data bytes per direction: a power of two in [LPAR_RING_MIN, LPAR_RING_MAX_SIZE]. */
#define LPAR_RING_MIN      4096u
#define LPAR_RING_MAX_SIZE (16u << 20)
/* Rings one image may declare; ring i is bit LPAR_READY_RING(i) of block(). */
#define LPAR_RINGS_MAX 16

/* Kinds. */
#define LPAR_RING_BYTES 1 /* a byte stream */
#define LPAR_RING_MSGS  2 /* messages: struct lpar_msg, payload, padding to 8 */

/* hdr->link, written by the monitor. */
#define LPAR_LINK_NONE 0 /* nothing attached: the partition's private ring */
#define LPAR_LINK_DOWN 1 /* attached to a channel whose other side is absent */
#define LPAR_LINK_UP   2 /* the other side (monitor or partition) is there */

/*
 * Doorbell: "outl %eax, $LPAR_DOORBELL_PORT" with the ring's index in %eax
 * tells the other side that ring changed.  The monitor serves it with an
 * ioeventfd, so it costs no exit to the monitor's process.
 */
#define LPAR_DOORBELL_PORT 0x50

/* The header page. */
struct lpar_ring_hdr {
	/* Set by LPAR_RING() and checked when the image loads. */
	uint32_t magic;        /* LPAR_RING_MAGIC */
	uint32_t version;      /* LPAR_RING_VERSION */
	uint32_t kind;         /* LPAR_RING_BYTES or LPAR_RING_MSGS */
	uint32_t size;         /* data bytes per direction */
	char name[LPAR_RING_NAME_MAX + 1];
	/* Written by the monitor; it never reads them back. */
	uint32_t index;        /* doorbell value, ready bit */
	uint32_t link;         /* LPAR_LINK_* */
	uint32_t gen;          /* bumped whenever the ring is reset */
	uint32_t reserved;
	char peer[64];         /* the other side: "monitor" or a partition name */
	/* The partition's own (the guest SDK's); the monitor never reads them. */
	uint32_t seen_gen;
};

#define LPAR_RING_LINE 64

/* The control page of one direction: each index on its own cache line. */
struct lpar_ring_ctl {
	uint32_t prod;         /* producer: bytes published */
	uint8_t pad0[LPAR_RING_LINE - 4];
	uint32_t cons_event;   /* producer: wake me when cons passes this */
	uint8_t pad1[LPAR_RING_LINE - 4];
	uint32_t cons;         /* consumer: bytes taken */
	uint8_t pad2[LPAR_RING_LINE - 4];
	uint32_t prod_event;   /* consumer: wake me when prod passes this */
	uint8_t pad3[LPAR_RING_LINE - 4];
};

/* A message's header in a LPAR_RING_MSGS ring. */
struct lpar_msg {
	uint32_t len;          /* payload bytes */
	uint32_t tag;          /* the application's */
};

#define LPAR_RING_PAGE 4096u
/* Bytes a ring of size data bytes per direction takes. */
#define LPAR_RING_BYTES_TOTAL(size) (3 * LPAR_RING_PAGE + 2 * (size_t)(size))
/* Offsets of a direction's control page from the ring's start. */
#define LPAR_RING_TX_OFF(size) ((size_t)LPAR_RING_PAGE)
#define LPAR_RING_RX_OFF(size) ((size_t)2 * LPAR_RING_PAGE + (size_t)(size))

/*
 * Declares ring NAME of KIND with SIZE data bytes each way, e.g.
 * LPAR_RING(console, LPAR_RING_BYTES, 65536).  lpar_ring(NAME) is its handle.
 */
#define LPAR_RING(NAME, KIND, SIZE)                                                 \
	_Static_assert((SIZE) >= LPAR_RING_MIN && (SIZE) <= LPAR_RING_MAX_SIZE &&    \
			       ((SIZE) & ((SIZE) - 1)) == 0,                         \
		       "ring size must be a power of two from 4 KiB to 16 MiB");     \
	_Static_assert(sizeof(#NAME) <= LPAR_RING_NAME_MAX + 1, "ring name too long"); \
	__attribute__((section(LPAR_RING_SECTION), aligned(4096), used))            \
	union {                                                                     \
		struct lpar_ring_hdr hdr;                                           \
		uint8_t bytes[LPAR_RING_BYTES_TOTAL(SIZE)];                         \
	} __lpar_ring_##NAME = { .hdr = { .magic = LPAR_RING_MAGIC,                   \
				       .version = LPAR_RING_VERSION, .kind = (KIND), \
				       .size = (SIZE), .name = #NAME } }
#define lpar_ring(NAME) (&__lpar_ring_##NAME.hdr)

/*
 * One direction as one side sees it.  The rules, for both sides:
 *  - read the other side's index once, with an acquire load, and check it;
 *  - publish your own index with a release store after the data;
 *  - a full fence between publishing an index and reading the other
 *    side's event index (lpar_ring_fence), and between setting your own
 *    event index and the last look before sleeping.
 * Everything else needs no fence on x86 (stores are not reordered).
 */
struct lpar_ring_dir {
	struct lpar_ring_ctl *ctl;
	uint8_t *data;
	uint32_t size;
};

static inline uint32_t lpar_ring_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void lpar_ring_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void lpar_ring_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline struct lpar_ring_dir lpar_ring_dir_at(void *ring, uint32_t size, int rx)
{
	uint8_t *c = (uint8_t *)ring + (rx ? LPAR_RING_RX_OFF(size) : LPAR_RING_TX_OFF(size));
	struct lpar_ring_dir d = { (struct lpar_ring_ctl *)c, c + LPAR_RING_PAGE, size };

	return d;
}

/* Whether moving an index from old to now passed event: the Xen rule. */
static inline int lpar_ring_passed(uint32_t event, uint32_t old, uint32_t now)
{
	return (uint32_t)(now - event) < (uint32_t)(now - old);
}

/* Bytes waiting, or -1 if the indices are impossible (a corrupt ring). */
static inline int64_t lpar_ring_used(const struct lpar_ring_dir *d, uint32_t *prod,
				     uint32_t *cons)
{
	uint32_t p = lpar_ring_load(&d->ctl->prod), c = lpar_ring_load(&d->ctl->cons);

	*prod = p;
	*cons = c;
	return (uint32_t)(p - c) > d->size ? -1 : (int64_t)(uint32_t)(p - c);
}

/* Copies len bytes in at index at, wrapping. */
static inline void lpar_ring_copy_in(const struct lpar_ring_dir *d, uint32_t at,
				     const void *src, size_t len)
{
	uint32_t o = at & (d->size - 1);
	size_t first = len < d->size - o ? len : d->size - o;

	memcpy(d->data + o, src, first);
	memcpy(d->data, (const uint8_t *)src + first, len - first);
}

static inline void lpar_ring_copy_out(const struct lpar_ring_dir *d, uint32_t at,
				      void *dst, size_t len)
{
	uint32_t o = at & (d->size - 1);
	size_t first = len < d->size - o ? len : d->size - o;

	memcpy(dst, d->data + o, first);
	memcpy((uint8_t *)dst + first, d->data, len - first);
}

/*
 * Producer: publishes new_prod after the data is in; returns 1 if the
 * consumer asked to hear of it (ring its doorbell).
 */
static inline int lpar_ring_publish(const struct lpar_ring_dir *d, uint32_t old_prod,
				    uint32_t new_prod)
{
	lpar_ring_store(&d->ctl->prod, new_prod);
	lpar_ring_fence();
	return lpar_ring_passed(lpar_ring_load(&d->ctl->prod_event), old_prod, new_prod);
}

/* Consumer: frees up to new_cons; returns 1 if the producer waits for room. */
static inline int lpar_ring_release(const struct lpar_ring_dir *d, uint32_t old_cons,
				    uint32_t new_cons)
{
	lpar_ring_store(&d->ctl->cons, new_cons);
	lpar_ring_fence();
	return lpar_ring_passed(lpar_ring_load(&d->ctl->cons_event), old_cons, new_cons);
}

/*
 * Consumer about to sleep: asks to be woken by the next byte.  Returns 1 if
 * something arrived meanwhile (do not sleep).
 */
static inline int lpar_ring_arm_read(const struct lpar_ring_dir *d)
{
	uint32_t c = lpar_ring_load(&d->ctl->cons);

	lpar_ring_store(&d->ctl->prod_event, c + 1);
	lpar_ring_fence();
	return lpar_ring_load(&d->ctl->prod) != c;
}

/*
 * Producer about to sleep for room for need bytes: asks to be woken when
 * the consumer has freed it.  Returns 1 if there is room already.
 */
static inline int lpar_ring_arm_write(const struct lpar_ring_dir *d, uint32_t need)
{
	uint32_t p = lpar_ring_load(&d->ctl->prod);

	lpar_ring_store(&d->ctl->cons_event, p - d->size + need);
	lpar_ring_fence();
	return d->size - (uint32_t)(p - lpar_ring_load(&d->ctl->cons)) >= need;
}

/* Bytes a message of len payload bytes takes in a ring. */
static inline uint32_t lpar_msg_space(uint32_t len)
{
	return (uint32_t)sizeof(struct lpar_msg) + ((len + 7u) & ~7u);
}

#endif
