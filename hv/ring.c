/* SPDX-License-Identifier: ISC
 * The ring device: the rings the image declares (found by elf/ring.c),
 * their doorbells and wake-ups, resets, and the ring_reset hcall.  Who
 * serves a ring is up to the device that attaches it: the console pump
 * (dev_console.c) or a channel to another partition (chan.c).
 *
 * Doorbells: the partition's "outl index, $LPAR_DOORBELL_PORT" goes into
 * an eventfd inside the kernel (ioeventfd): the server's, or the peer
 * partition's in_fd.  Wake-ups: block() polls every ring's in_fd and
 * reports LPAR_READY_RING(index).  The monitor writes the header page but
 * never reads anything back from it; every index it reads from a ring is
 * checked (<lpar/ring.h>).
 */
#include <errno.h>
#include <lpar/fs.h>
#include <lpar/hcall.h>
#include <lpar/ring.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "priv.h"

struct lpar_ring_hdr *hv_ring_hdr(struct hv *hv, const struct hv_ring *r)
{
	return gmem_at(&hv->mem, r->er->addr, LPAR_RING_PAGE);
}

struct lpar_ring_dir hv_ring_dir(struct hv *hv, const struct hv_ring *r, int rx)
{
	return lpar_ring_dir_at(gmem_at(&hv->mem, r->er->addr, r->er->len), r->er->size, rx);
}

struct hv_ring *hv_ring_find(struct hv *hv, const char *name)
{
	for (size_t i = 0; i < hv->nrings; i++)
		if (!strcmp(hv->rings[i].er->name, name))
			return &hv->rings[i];
	return NULL;
}

void hv_ring_kick(struct hv_ring *r)
{
	uint64_t one = 1;

	if (write(r->in_fd, &one, sizeof(one)) < 0)
		return; /* saturated: the partition will look anyway */
}

int hv_ring_route(struct hv *hv, struct hv_ring *r, int fd)
{
	int e;

	if (fd == r->db_fd)
		return 0;
	/* KVM takes one eventfd per port and value: the old one goes first. */
	if (r->db_fd >= 0)
		hvb_ioeventfd(hv->vm, LPAR_DOORBELL_PORT, r->index, r->db_fd, 0);
	if (fd < 0) {
		r->db_fd = -1; /* the doorbell exits: the ring's device takes it (its io hook) */
		return 0;
	}
	e = hvb_ioeventfd(hv->vm, LPAR_DOORBELL_PORT, r->index, fd, 1);
	if (e) {
		if (r->db_fd >= 0 &&
		    hvb_ioeventfd(hv->vm, LPAR_DOORBELL_PORT, r->index, r->db_fd, 1))
			r->db_fd = -1;
		return e;
	}
	r->db_fd = fd;
	return 0;
}

/* Under hv->lock: the link state, in the monitor's record and the ring's header. */
static void set_link_locked(struct hv *hv, struct hv_ring *r, int link, const char *peer)
{
	struct lpar_ring_hdr *h = hv_ring_hdr(hv, r);

	if (link == LPAR_LINK_UP)
		r->gen++;
	r->link = link;
	snprintf(r->peer, sizeof(r->peer), "%s", peer ? peer : "");
	h->gen = r->gen;
	/* The whole field, zero-padded, so the partition reads no stale name. */
	memset(h->peer, 0, sizeof(h->peer));
	memcpy(h->peer, r->peer, strnlen(r->peer, sizeof(h->peer) - 1));
	__atomic_store_n(&h->link, (uint32_t)link, __ATOMIC_RELEASE);
}

void hv_ring_set_link(struct hv *hv, struct hv_ring *r, int link, const char *peer)
{
	pthread_mutex_lock(&hv->lock);
	set_link_locked(hv, r, link, peer);
	pthread_mutex_unlock(&hv->lock);
	hv_ring_kick(r);
}

/*
 * Checked and done under one lock: a reset asked for in one generation must
 * not take down the link the I/O thread brought up in the next.
 */
int hv_ring_drop(struct hv *hv, struct hv_ring *r, uint32_t gen)
{
	int drop;

	pthread_mutex_lock(&hv->lock);
	drop = r->link == LPAR_LINK_UP && r->gen == gen;
	if (drop)
		set_link_locked(hv, r, LPAR_LINK_DOWN, "");
	pthread_mutex_unlock(&hv->lock);
	if (drop)
		hv_ring_kick(r);
	return drop;
}

void hv_ring_clear(struct hv *hv, struct hv_ring *r)
{
	for (int rx = 0; rx < 2; rx++) {
		struct lpar_ring_dir d = hv_ring_dir(hv, r, rx);

		memset(d.ctl, 0, sizeof(*d.ctl));
		/* The consumer wants to hear of the first byte (as Xen's req_event = 1). */
		d.ctl->prod_event = 1;
	}
}

void hv_ring_note(struct hv *hv, struct hv_ring *r, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&hv->lock);
	r->resets++;
	snprintf(r->last_reset, sizeof(r->last_reset), "%s", what);
	pthread_mutex_unlock(&hv->lock);
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_RING, "ring=%s what=reset reason=%s", r->er->name, what);
}

/* A ring nobody serves (or the console's) starts over empty, with a new generation. */
static void reset_local(struct hv *hv, struct hv_ring *r, const char *why)
{
	hv_ring_note(hv, r, "%s", why);
	hv_ring_clear(hv, r);
	hv_ring_set_link(hv, r, r->link, r->peer);
}

void hv_ring_reset(struct hv *hv, struct hv_ring *r, uint32_t gen, const char *why)
{
	if (r->reset)
		r->reset(hv, r, gen, why);
	else
		reset_local(hv, r, why);
}

/* block() polls a ring's in_fd while the partition wants to hear of it. */
static int wake_fds(struct hv *hv, void *arg, uint64_t want, struct pollfd *fds, int max)
{
	struct hv_ring *r = arg;

	(void)hv;
	/* Not wanted: the eventfd keeps the news. */
	if (!(want & LPAR_READY_RING(r->index)) || max < 1)
		return 0;
	fds[0] = (struct pollfd){ .fd = r->in_fd, .events = POLLIN };
	return 1;
}

/* It fired: read (cleared), and the ring is ready. */
static uint64_t wake_polled(struct hv *hv, void *arg, const struct pollfd *fds, int n)
{
	struct hv_ring *r = arg;
	uint64_t val;

	(void)hv;
	if (n && fds[0].revents && read(fds[0].fd, &val, sizeof(val)) == sizeof(val))
		return LPAR_READY_RING(r->index);
	return 0;
}

static const struct hv_block_src ring_wake = { .fds = wake_fds, .polled = wake_polled };

static const char *const link_names[] = { "none", "down", "up" };

const char *hv_ring_kind_name(uint32_t kind)
{
	return kind == LPAR_RING_BYTES ? "bytes" : kind == LPAR_RING_MSGS ? "messages" : "unknown";
}

/* Ring index, the image's or the library OS's, or NULL. */
static struct hv_ring *ring_at(struct hv *hv, uint64_t index)
{
	if (index < hv->nrings)
		return &hv->rings[index];
	if (index == LPAR_FS_RING_INDEX && hv->rings[index].er)
		return &hv->rings[index];
	return NULL;
}

void hv_ring_status(struct hv *hv, char *buf, size_t len, size_t *n)
{
	pthread_mutex_lock(&hv->lock);
	for (size_t i = 0; i <= LPAR_FS_RING_INDEX && *n < len; i++) {
		const struct hv_ring *r = ring_at(hv, i);

		if (!r)
			continue;
		const char *chan = hv_chan_name(r);
		int w;

		w = snprintf(buf + *n, len - *n,
			     "ring %s index=%u addr=0x%llx len=%llu kind=%s size=%u attach=%s%s%s link=%s%s%s gen=%u resets=%llu\n",
			     r->er->name, r->index, (unsigned long long)r->er->addr,
			     (unsigned long long)r->er->len,
			     hv_ring_kind_name(r->er->kind), r->er->size,
			     r->attach ? r->attach : "none", chan ? ":" : "", chan ? chan : "",
			     link_names[r->link], r->peer[0] ? " peer=" : "", r->peer, r->gen,
			     (unsigned long long)r->resets);
		if (w > 0)
			*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
	}
	pthread_mutex_unlock(&hv->lock);
}

/*
 * A doorbell that reached the monitor's process: not a ring's index (those
 * go to their eventfds and never get here, but for a ring routed to none,
 * whose device serves it), so it is ignored.
 */
static int ring_io(struct hv *hv, const struct hvb_exit *ex)
{
	struct hv_ring *r;

	if (!ex->out || ex->size != 4 || ex->port != LPAR_DOORBELL_PORT)
		return 0;
	/* A ring whose device takes its doorbells itself. */
	r = ring_at(hv, ex->data);
	if (r && r->db_fd < 0)
		return 0;
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_EXIT, "what=doorbell value=%u reason=no ring has this index",
			      ex->data);
	return 1;
}

/*
 * The partition names the generation it found wrong, so a request that
 * arrives after the ring started over anyway (the link went down and up)
 * does not take down the new one.
 */
static int64_t hc_ring_reset(struct hv *hv, const uint64_t *a)
{
	struct hv_ring *r;
	uint32_t gen;

	r = ring_at(hv, a[0]);
	if (!r)
		return -EINVAL;
	pthread_mutex_lock(&hv->lock);
	gen = r->gen;
	pthread_mutex_unlock(&hv->lock);
	if (a[1] && a[1] != gen)
		return 0;
	hv_ring_reset(hv, r, (uint32_t)a[1], "reset by the partition");
	return 0;
}

static int ring_setup(struct hv *hv, struct hv_ring *r, const struct elf_ring *er,
		      unsigned index, struct lerr *err)
{
	struct lpar_ring_hdr *h;
	int e;

	r->er = er;
	r->index = index;
	r->in_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->sink_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->in_fd < 0 || r->sink_fd < 0)
		return lerr_set(err, errno, "ring '%s': cannot create an eventfd: %s",
				r->er->name, strerror(errno));
	e = hv_ring_route(hv, r, r->sink_fd);
	if (e)
		return lerr_set(err, -e, "ring '%s': cannot set up its doorbell: %s",
				r->er->name, strerror(-e));
	e = hv_block_add(hv, &ring_wake, r);
	if (e)
		return lerr_set(err, -e, "ring '%s': block() cannot wait on it: %s",
				r->er->name, strerror(-e));
	h = hv_ring_hdr(hv, r);
	h->index = r->index;
	h->link = LPAR_LINK_NONE;
	h->gen = 0;
	memset(h->peer, 0, sizeof(h->peer));
	hv_ring_clear(hv, r);
	return 0;
}

static void ring_fini(struct hv *hv);

static int ring_init(struct hv *hv, struct lerr *err)
{
	int r = 0;

	hv->nrings = hv->img->nrings;
	for (size_t i = 0; i < hv->nrings; i++)
		hv->rings[i].in_fd = hv->rings[i].sink_fd = hv->rings[i].db_fd = -1;
	for (size_t i = 0; i < hv->nrings && !r; i++)
		r = ring_setup(hv, &hv->rings[i], &hv->img->rings[i], (unsigned)i, err);
	if (r)
		ring_fini(hv);
	return r;
}

int hv_ring_add(struct hv *hv, const struct elf_ring *er, unsigned index, struct hv_ring **out,
		struct lerr *err)
{
	struct hv_ring *r = &hv->rings[index];

	if (index != LPAR_FS_RING_INDEX || r->er)
		return lerr_set(err, EINVAL, "ring '%s': index %u is not free", er->name, index);
	r->in_fd = r->sink_fd = r->db_fd = -1;
	*out = r;
	return ring_setup(hv, r, er, index, err);
}

static void ring_fini(struct hv *hv)
{
	for (size_t i = 0; i <= LPAR_FS_RING_INDEX; i++) {
		struct hv_ring *r = ring_at(hv, i);

		if (!r)
			continue;
		if (r->in_fd >= 0)
			close(r->in_fd);
		if (r->sink_fd >= 0)
			close(r->sink_fd);
		r->in_fd = r->sink_fd = -1;
	}
}

static const struct hv_hcall ring_hcalls[] = {
	{ .nr = LPAR_HC_RING_RESET, .fn = hc_ring_reset },
};

const struct hv_device hv_dev_ring = {
	.name = "ring",
	.hcalls = ring_hcalls,
	.nhcalls = sizeof(ring_hcalls) / sizeof(ring_hcalls[0]),
	.init = ring_init,
	.fini = ring_fini,
	.io = ring_io,
};
