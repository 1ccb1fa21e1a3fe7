/* SPDX-License-Identifier: ISC
 * Channels between partitions: a ring in each image, joined by shared
 * pages, with doorbells that go from one partition's ioeventfd straight to
 * the other's block() through the kernel.  See docs/rings.md.
 *
 * Two monitors meet at a socket named after the channel in the channel
 * directory.  The first to come listens; the second connects and sends
 * HELLO (layout version, kind, size, its partition's name, and the
 * eventfd its block() polls); the listener checks it against its own ring
 * and answers ACK with a fresh memfd for the shared pages, sealed against
 * resizing (the connector refuses one that is not, or of another size),
 * and its own eventfd, or NACK with the reason.  The listener waits for
 * a HELLO on the I/O thread's poll set, never in a blocking call.  Then each maps the shared pages over
 * its ring's two directions (crossed: one's tx is the other's rx), routes
 * its doorbell to the other's eventfd, and tells its partition the link
 * is up.  A flock on the channel's lock file makes "connect or listen"
 * one step, so two monitors starting together cannot both listen.
 *
 * The link goes down when the connection closes: the other monitor
 * ended, or either side reset the ring.  Both then put their partition's
 * private pages back (zeroed), route the doorbell to nowhere, and tell it;
 * the one that connected meets again, so a restarted or reset side comes
 * back up with new, empty rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <lpar/ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/rundir.h"
#include "../elf/elf.h"
#include "priv.h"

#define CHAN_MAGIC 0x4e48434cu /* "LCHN" */
#define CHAN_PROTO 1
#define CHAN_TIMEOUT_MS 2000   /* for the other monitor's answer or greeting */
#define CHAN_RETRY_MS 200      /* between tries to meet again */
/*
 * Greetings a listener waits for at once: when all are taken the oldest
 * goes, so there are enough that a burst of silent connections does not
 * push out a real peer whose HELLO is on its way.
 */
#define CHAN_PENDING 16
/* What the shared pages must be sealed with: their size is fixed for good. */
#define CHAN_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* recv_msg: nothing has come yet (a non-blocking socket). */
#define CHAN_NOTHING_YET (-2)

enum { CHAN_HELLO = 1, CHAN_ACK, CHAN_NACK };

struct chan_msg {
	uint32_t magic;        /* CHAN_MAGIC */
	uint32_t type;         /* CHAN_* */
	uint32_t proto;        /* CHAN_PROTO */
	uint32_t version;      /* LPAR_RING_VERSION of the ring */
	uint32_t kind, size;
	char part[64];         /* the sender's partition */
	char ring[32];         /* the sender's ring */
	char text[200];        /* NACK: why */
};

/*
 * A connection the listener accepted and waits to greet it, on the I/O
 * thread's poll set: a connector that says nothing costs a slot until
 * its deadline, never the thread's time.
 */
struct chan_pend {
	struct hv_chan *c;
	int fd;                /* -1: a free slot */
	uint64_t deadline;     /* when it is dropped (ms, hv_host_ns) */
};

struct hv_chan {
	struct hv_ring *r;
	char name[64];
	struct sockaddr_un sa;
	char lock_path[4200];
	int listen_fd;         /* this side listens for the other, or -1 */
	int conn_fd;           /* connection to the other side while the link is up, or -1 */
	int side;              /* 0: listened (tx is the shared pages' first half); 1: connected */
	int peer_in_fd;        /* the other partition's eventfd: our doorbell goes there */
	int mem_fd;            /* the shared pages */
	uint64_t reset_gen;    /* a reset the partition asked for: its generation + 1 (atomic) */
	uint64_t retry_at;     /* when to meet again after a failed try (ms), or 0 */
	struct chan_pend pend[CHAN_PENDING];
};

struct hv_chans {
	struct hv_chan c[LPAR_RINGS_MAX];
	int n;
};

/* Bytes of one direction: its control page and data. */
static uint64_t dir_len(const struct hv_chan *c)
{
	return LPAR_RING_PAGE + c->r->er->size;
}

static uint64_t dir_gpa(const struct hv_chan *c, int rx)
{
	return c->r->er->addr + (rx ? LPAR_RING_RX_OFF(c->r->er->size)
				    : LPAR_RING_TX_OFF(c->r->er->size));
}

static int send_msg(int fd, const struct chan_msg *m, const int *fds, int nfds)
{
	char ctl[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *cm;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0 : -1;
}

/*
 * Receives one message and the fds it carries (closing any past want),
 * waiting up to timeout_ms: how many fds came, CHAN_NOTHING_YET if
 * nothing did in time, or -1 for anything else (a hang-up, a bad message).
 */
static int recv_msg(int fd, struct chan_msg *m, int *fds, int want, int timeout_ms)
{
	char ctl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *cm;
	int got = 0;
	ssize_t n;

	for (int i = 0; i < want; i++)
		fds[i] = -1;
	if (timeout_ms > 0 && poll(&p, 1, timeout_ms) <= 0)
		return CHAN_NOTHING_YET;
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return CHAN_NOTHING_YET;
	for (cm = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;

			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (got < want)
				fds[got++] = f;
			else
				close(f);
		}
	}
	if (n != (ssize_t)sizeof(*m) || m->magic != CHAN_MAGIC || m->proto != CHAN_PROTO ||
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (int i = 0; i < got; i++)
			close(fds[i]);
		for (int i = 0; i < want; i++)
			fds[i] = -1;
		return -1;
	}
	m->part[sizeof(m->part) - 1] = m->ring[sizeof(m->ring) - 1] = 0;
	m->text[sizeof(m->text) - 1] = 0;
	return got;
}

static void msg_fill(struct hv *hv, const struct hv_chan *c, struct chan_msg *m, uint32_t type)
{
	memset(m, 0, sizeof(*m));
	m->magic = CHAN_MAGIC;
	m->type = type;
	m->proto = CHAN_PROTO;
	m->version = LPAR_RING_VERSION;
	m->kind = c->r->er->kind;
	m->size = c->r->er->size;
	snprintf(m->part, sizeof(m->part), "%s", hv->name);
	snprintf(m->ring, sizeof(m->ring), "%s", c->r->er->name);
}

/* Why the other side's ring cannot join ours, in text; 0 if it can. */
static int mismatch(struct hv *hv, const struct hv_chan *c, const struct chan_msg *m,
		    char *why, size_t len)
{
	if (m->version != LPAR_RING_VERSION)
		snprintf(why, len, "ring layout versions differ (%s has %u, %s has %d)",
			 m->part, m->version, hv->name, LPAR_RING_VERSION);
	else if (m->kind != c->r->er->kind)
		snprintf(why, len, "ring kinds differ (%s's ring '%s' is %s, %s's ring '%s' is %s)",
			 m->part, m->ring, hv_ring_kind_name(m->kind), hv->name, c->r->er->name,
			 hv_ring_kind_name(c->r->er->kind));
	else if (m->size != c->r->er->size)
		snprintf(why, len, "ring sizes differ (%s's ring '%s' has %u bytes, %s's ring '%s' has %u)",
			 m->part, m->ring, m->size, hv->name, c->r->er->name, c->r->er->size);
	else if (!strcmp(m->part, hv->name))
		snprintf(why, len, "partition %s cannot connect to itself", hv->name);
	else
		return 0;
	return 1;
}

/* Puts the shared pages (or, with fd = the RAM fd, the private ones) under the ring. */
static int map_dirs(struct hv *hv, struct hv_chan *c, int fd, int shared)
{
	for (int rx = 0; rx < 2; rx++) {
		uint64_t gpa = dir_gpa(c, rx);
		/* Crossed: the listener's tx is the first half, the connector's rx. */
		off_t off = shared ? (off_t)(((unsigned)rx ^ (unsigned)c->side) * dir_len(c))
				   : (off_t)gpa;

		if (mmap(hv->mem.base + gpa, dir_len(c), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED)
			return -errno;
	}
	return 0;
}

static void conn_event(struct hv *hv, void *arg, short revents);
static int meet(struct hv *hv, struct hv_chan *c, struct lerr *err);
static void meet_again(struct hv *hv, struct hv_chan *c);
static void chan_close(struct hv_chan *c);

/* The link is up: map, route, tell the partition. */
static int link_up(struct hv *hv, struct hv_chan *c, int conn, int mem_fd, int peer_in,
		   const char *peer)
{
	int e = map_dirs(hv, c, mem_fd, 1);

	if (!e)
		e = hv_ring_route(hv, c->r, peer_in);
	if (!e)
		e = hv_io_add(hv, conn, POLLIN, conn_event, c);
	if (e) {
		map_dirs(hv, c, hv->ram_fd, 0);
		hv_ring_route(hv, c->r, c->r->sink_fd);
		return e;
	}
	c->conn_fd = conn;
	c->mem_fd = mem_fd;
	c->peer_in_fd = peer_in;
	hv_ring_set_link(hv, c->r, LPAR_LINK_UP, peer);
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_RING, "ring=%s what=up channel=%s peer=%s",
			      c->r->er->name, c->name, peer);
	return 0;
}

/* The link is down: private, zeroed pages again, and the doorbell goes nowhere. */
static void link_down(struct hv *hv, struct hv_chan *c, const char *why)
{
	if (c->conn_fd < 0)
		return;
	hv_io_del(hv, c->conn_fd);
	close(c->conn_fd);
	c->conn_fd = -1;
	hv_ring_route(hv, c->r, c->r->sink_fd);
	close(c->peer_in_fd);
	c->peer_in_fd = -1;
	for (int rx = 0; rx < 2; rx++)
		fallocate(hv->ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)dir_gpa(c, rx), (off_t)dir_len(c));
	if (map_dirs(hv, c, hv->ram_fd, 0) == 0)
		hv_ring_clear(hv, c->r);
	close(c->mem_fd);
	c->mem_fd = -1;
	hv_ring_set_link(hv, c->r, LPAR_LINK_DOWN, "");
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_RING, "ring=%s what=down channel=%s reason=%s",
			      c->r->er->name, c->name, why);
}

/* The connecting side's half of the handshake. */
static int hello(struct hv *hv, struct hv_chan *c, int fd, struct lerr *err)
{
	struct chan_msg m;
	struct stat st;
	int fds[2], r = 0, seals;

	if (!hv_peer_allowed(fd))
		return lerr_set(err, EPERM, "channel '%s': another user's monitor listens at %s",
				c->name, c->sa.sun_path);
	msg_fill(hv, c, &m, CHAN_HELLO);
	if (send_msg(fd, &m, &c->r->in_fd, 1) < 0)
		return lerr_set(err, EPIPE, "channel '%s': the other side hung up", c->name);
	if (recv_msg(fd, &m, fds, 2, CHAN_TIMEOUT_MS) < 0)
		return lerr_set(err, ETIMEDOUT, "channel '%s': no answer from the other side",
				c->name);
	if (m.type == CHAN_NACK)
		r = lerr_set(err, ECONNREFUSED, "channel '%s': %s", c->name, m.text);
	else if (m.type != CHAN_ACK || fds[0] < 0 || fds[1] < 0 || fstat(fds[0], &st) < 0 ||
		 !S_ISREG(st.st_mode))
		r = lerr_set(err, EPROTO, "channel '%s': a bad answer from the other side",
			     c->name);
	else if ((uint64_t)st.st_size != 2 * dir_len(c))
		r = lerr_set(err, EPROTO,
			     "channel '%s': the other side's shared pages have %lld bytes, not %llu",
			     c->name, (long long)st.st_size, (unsigned long long)(2 * dir_len(c)));
	else if ((seals = fcntl(fds[0], F_GET_SEALS)) < 0 || (seals & CHAN_SEALS) != CHAN_SEALS)
		/*
		 * Unsealed, the other side could shrink them under our
		 * mapping, and our next touch of the ring would be a SIGBUS.
		 */
		r = lerr_set(err, EPROTO,
			     "channel '%s': the other side's shared pages are not sealed against resizing",
			     c->name);
	if (!r) {
		c->side = 1;
		if (link_up(hv, c, fd, fds[0], fds[1], m.part))
			r = lerr_set(err, EIO, "channel '%s': cannot map the shared pages", c->name);
	}
	if (r) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
	}
	return r;
}

static void nack(struct hv *hv, struct hv_chan *c, int fd, const char *why)
{
	struct chan_msg m;

	msg_fill(hv, c, &m, CHAN_NACK);
	snprintf(m.text, sizeof(m.text), "%s", why);
	send_msg(fd, &m, NULL, 0);
}

/* Empty rings in new shared pages; each consumer wants to hear of the first byte. */
static int shared_init(int fd, uint64_t len)
{
	uint32_t one = 1;

	for (int i = 0; i < 2; i++)
		if (pwrite(fd, &one, sizeof(one), (off_t)(i * len + offsetof(struct lpar_ring_ctl,
									   prod_event))) !=
		    (ssize_t)sizeof(one))
			return -1;
	return 0;
}

/*
 * The listening side: the greeting on connection fd, if it has come
 * (CHAN_NOTHING_YET if not: fd stays open).  Otherwise the answer, ACK
 * and the link up or NACK and fd closed, is given at once.
 */
static int greet(struct hv *hv, struct hv_chan *c, int fd)
{
	struct chan_msg m;
	char why[200];
	char peer[sizeof(m.part)];
	int peer_in = -1, mem_fd, got;
	int fds[2];

	got = recv_msg(fd, &m, &peer_in, 1, 0);
	if (got == CHAN_NOTHING_YET)
		return CHAN_NOTHING_YET;
	if (got < 0 || m.type != CHAN_HELLO) {
		if (peer_in >= 0)
			close(peer_in);
		close(fd);
		return 0;
	}
	if (c->conn_fd >= 0) {
		/* A side that reset closes first and comes back at once: see to that first. */
		struct pollfd p = { .fd = c->conn_fd, .events = POLLIN };

		if (poll(&p, 1, 0) > 0)
			conn_event(hv, c, p.revents);
	}
	if (c->conn_fd >= 0) {
		snprintf(why, sizeof(why), "channel already joins %s and %s", hv->name, c->r->peer);
		goto refuse;
	}
	if (mismatch(hv, c, &m, why, sizeof(why)))
		goto refuse;
	if (peer_in < 0) {
		snprintf(why, sizeof(why), "no doorbell in the greeting");
		goto refuse;
	}
	/* Sealed: neither side can resize them under the other's mapping. */
	mem_fd = memfd_create("lpar-chan", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem_fd < 0 || ftruncate(mem_fd, (off_t)(2 * dir_len(c))) < 0 ||
	    shared_init(mem_fd, dir_len(c)) || fcntl(mem_fd, F_ADD_SEALS, CHAN_SEALS) < 0) {
		snprintf(why, sizeof(why), "%s cannot make the shared pages: %s", hv->name,
			 strerror(errno));
		if (mem_fd >= 0)
			close(mem_fd);
		goto refuse;
	}
	snprintf(peer, sizeof(peer), "%s", m.part);
	c->side = 0;
	/* Up here first, so a failure can still be told to the other side. */
	if (link_up(hv, c, fd, mem_fd, peer_in, peer)) {
		close(mem_fd);
		snprintf(why, sizeof(why), "%s cannot map the shared pages", hv->name);
		goto refuse;
	}
	msg_fill(hv, c, &m, CHAN_ACK);
	fds[0] = mem_fd;
	fds[1] = c->r->in_fd;
	if (send_msg(fd, &m, fds, 2) < 0)
		link_down(hv, c, "the other side hung up during the handshake");
	return 0;
refuse:
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_RING, "ring=%s what=refused channel=%s peer=%s reason=%s",
			      c->r->er->name, c->name, m.part, why);
	nack(hv, c, fd, why);
	if (peer_in >= 0)
		close(peer_in);
	close(fd);
	return 0;
}

static void pend_drop(struct hv *hv, struct chan_pend *p)
{
	hv_io_del(hv, p->fd);
	close(p->fd);
	p->fd = -1;
}

/* A connection waiting to be greeted has something: the greeting, or a hang-up. */
static void pend_event(struct hv *hv, void *arg, short revents)
{
	struct chan_pend *p = arg;
	int fd = p->fd;

	(void)revents;
	hv_io_del(hv, fd);
	p->fd = -1;
	if (greet(hv, p->c, fd) == CHAN_NOTHING_YET) {
		/* Woken for nothing: wait on, to the same deadline. */
		if (hv_io_add(hv, fd, POLLIN, pend_event, p) == 0)
			p->fd = fd;
		else
			close(fd);
	}
}

/*
 * The listening side: another monitor knocks.  Its greeting is usually
 * there already; if not, the connection waits on the poll set in a slot
 * of its own (the oldest goes if all are taken) and the I/O thread goes
 * on: a connector that says nothing holds up no one.
 */
static void accept_event(struct hv *hv, void *arg, short revents)
{
	struct hv_chan *c = arg;
	struct chan_pend *p = NULL;
	int fd;

	(void)revents;
	fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (!hv_peer_allowed(fd)) {
		close(fd);
		return;
	}
	if (greet(hv, c, fd) != CHAN_NOTHING_YET)
		return;
	for (int i = 0; i < CHAN_PENDING; i++) {
		if (c->pend[i].fd < 0) {
			p = &c->pend[i];
			break;
		}
		if (!p || c->pend[i].deadline < p->deadline)
			p = &c->pend[i];
	}
	if (p->fd >= 0)
		pend_drop(hv, p);
	if (hv_io_add(hv, fd, POLLIN, pend_event, p)) {
		close(fd);
		return;
	}
	p->fd = fd;
	p->deadline = hv_host_ns() / 1000000 + CHAN_TIMEOUT_MS;
	hv_io_retry(hv, CHAN_TIMEOUT_MS);
}

/* The connection: anything but a clean close is the other side misbehaving. */
static void conn_event(struct hv *hv, void *arg, short revents)
{
	struct hv_chan *c = arg;

	(void)revents;
	link_down(hv, c, "the other side went away");
	if (c->side == 1)
		meet_again(hv, c);
}

/*
 * A reset of a channel's ring (the partition asked): the I/O thread drops
 * the link, and the connecting side meets again.
 */
static void chan_reset(struct hv *hv, struct hv_ring *r, uint32_t want, const char *why)
{
	uint32_t gen;

	pthread_mutex_lock(&hv->lock);
	gen = r->gen;
	pthread_mutex_unlock(&hv->lock);
	/* The link came up again since the partition looked: nothing to do. */
	if (want && want != gen)
		return;
	hv_ring_note(hv, r, "%s", why);
	/*
	 * Down at once: the partition must not go on reading what it found
	 * corrupt.  Not if the I/O thread brought a new generation up
	 * meanwhile; then chan_tick ignores the request too.
	 */
	hv_ring_drop(hv, r, gen);
	__atomic_store_n(&r->chan->reset_gen, (uint64_t)gen + 1, __ATOMIC_RELEASE);
	hv_io_wake(hv);
}

/* I/O thread: meets the other side again, or tries later. */
static void meet_again(struct hv *hv, struct hv_chan *c)
{
	struct lerr err = { 0 };

	if (!meet(hv, c, &err)) {
		c->retry_at = 0;
		return;
	}
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_RING, "ring=%s what=error channel=%s reason=%s",
			      c->r->er->name, c->name, err.msg);
	c->retry_at = hv_host_ns() / 1000000 + CHAN_RETRY_MS;
	hv_io_retry(hv, CHAN_RETRY_MS);
}

/* Drops the connections that said nothing by their deadline; wakes for the next one. */
static void pend_expire(struct hv *hv, struct hv_chan *c)
{
	uint64_t now = hv_host_ns() / 1000000;

	for (int i = 0; i < CHAN_PENDING; i++) {
		struct chan_pend *p = &c->pend[i];

		if (p->fd < 0)
			continue;
		if (now >= p->deadline)
			pend_drop(hv, p);
		else
			hv_io_retry(hv, (int)(p->deadline - now));
	}
}

/*
 * I/O thread, every turn: carries out the resets asked for (unless the
 * ring started over since), and meets the other side again where an
 * earlier try failed.
 */
static void chan_tick(struct hv *hv, void *arg, short revents)
{
	struct hv_chans *cs = arg;

	(void)revents;
	for (int i = 0; i < cs->n; i++) {
		struct hv_chan *c = &cs->c[i];
		uint64_t req = __atomic_exchange_n(&c->reset_gen, 0, __ATOMIC_ACQ_REL);
		uint32_t gen;

		pthread_mutex_lock(&hv->lock);
		gen = c->r->gen;
		pthread_mutex_unlock(&hv->lock);
		if (req && req - 1 == gen) {
			if (c->conn_fd < 0) {
				hv_ring_clear(hv, c->r);
			} else {
				link_down(hv, c, "reset by the partition");
				if (c->side == 1)
					meet_again(hv, c);
			}
		}
		if (c->retry_at && hv_host_ns() / 1000000 >= c->retry_at)
			meet_again(hv, c);
		else if (c->retry_at)
			hv_io_retry(hv, (int)(c->retry_at - hv_host_ns() / 1000000));
		pend_expire(hv, c);
	}
}

static int listen_here(struct hv *hv, struct hv_chan *c, struct lerr *err)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), e;

	if (fd < 0)
		return lerr_set(err, errno, "channel '%s': %s", c->name, strerror(errno));
	unlink(c->sa.sun_path); /* a monitor that is gone left it */
	if (bind(fd, (struct sockaddr *)&c->sa, sizeof(c->sa)) < 0 || listen(fd, 8) < 0) {
		e = errno;
		close(fd);
		return lerr_set(err, e, "channel '%s': cannot listen at %s: %s", c->name,
				c->sa.sun_path, strerror(e));
	}
	e = hv_io_add(hv, fd, POLLIN, accept_event, c);
	if (e) {
		close(fd);
		return lerr_set(err, -e, "channel '%s': %s", c->name, strerror(-e));
	}
	c->listen_fd = fd;
	c->side = 0;
	return 0;
}

/* Connects to the other side if it is there, else listens for it: under the channel's lock. */
static int meet(struct hv *hv, struct hv_chan *c, struct lerr *err)
{
	int lock = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), fd, r;

	/* Never wait long for a monitor that holds the lock: it may be stopped. */
	for (int i = 0; lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK &&
			i < CHAN_TIMEOUT_MS / 10; i++)
		usleep(10000);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		r = lerr_set(err, errno, "channel '%s': cannot lock %s: %s", c->name,
			     c->lock_path, strerror(errno));
		if (lock >= 0)
			close(lock);
		return r;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = lerr_set(err, errno, "channel '%s': %s", c->name, strerror(errno));
	} else if (connect(fd, (struct sockaddr *)&c->sa, sizeof(c->sa)) == 0) {
		r = hello(hv, c, fd, err);
		if (r)
			close(fd);
	} else if (errno == ECONNREFUSED || errno == ENOENT) {
		close(fd);
		r = listen_here(hv, c, err);
	} else {
		r = lerr_set(err, errno, "channel '%s': cannot connect to %s: %s", c->name,
			     c->sa.sun_path, strerror(errno));
		close(fd);
	}
	close(lock);
	return r;
}

/* Which ring channel spec s attaches to: named, else by the channel's name, else the only free one. */
static struct hv_ring *pick_ring(struct hv *hv, const struct hv_chan_spec *s, struct lerr *err)
{
	struct hv_ring *r = NULL;
	int candidates = 0;

	if (s->ring) {
		r = hv_ring_find(hv, s->ring);
		if (!r)
			lerr_set(err, ENOENT, "channel '%s': the image has no ring named '%s'",
				 s->name, s->ring);
	} else if (!(r = hv_ring_find(hv, s->name))) {
		for (size_t i = 0; i < hv->nrings; i++)
			if (!hv->rings[i].attach) {
				candidates++;
				r = &hv->rings[i];
			}
		if (!candidates) {
			lerr_set(err, ENOENT,
				 "channel '%s': the image has no ring for it (declare one with LPAR_RING)",
				 s->name);
			return NULL;
		}
		if (candidates > 1) {
			lerr_set(err, ENOENT,
				 "channel '%s': the image has %d rings it could use; name one with --chan %s:RING",
				 s->name, candidates, s->name);
			return NULL;
		}
	}
	if (r && r->attach) {
		lerr_set(err, EBUSY, "channel '%s': ring '%s' is already used by the %s", s->name,
			 r->er->name, r->attach);
		return NULL;
	}
	return r;
}

static void chan_fini(struct hv *hv);

static int chan_setup(struct hv *hv, const char *dir, const struct hv_chan_spec *s,
		      struct lerr *err)
{
	struct hv_chan *c = &hv->chans->c[hv->chans->n];
	struct hv_ring *r = pick_ring(hv, s, err);

	if (!r)
		return -ENOENT;
	c->r = r;
	c->listen_fd = c->conn_fd = c->peer_in_fd = c->mem_fd = -1;
	for (int i = 0; i < CHAN_PENDING; i++)
		c->pend[i] = (struct chan_pend){ .c = c, .fd = -1 };
	snprintf(c->name, sizeof(c->name), "%s", s->name);
	c->sa.sun_family = AF_UNIX;
	if ((size_t)snprintf(c->sa.sun_path, sizeof(c->sa.sun_path), "%s/%s.sock",
			     dir, s->name) >= sizeof(c->sa.sun_path))
		return lerr_set(err, ENAMETOOLONG, "channel '%s': the path %s/%s.sock is too long for a socket",
				s->name, dir, s->name);
	snprintf(c->lock_path, sizeof(c->lock_path), "%s/%s.lock", dir, s->name);
	hv->chans->n++;
	r->attach = "channel";
	r->chan = c;
	r->reset = chan_reset;
	hv_ring_set_link(hv, r, LPAR_LINK_DOWN, "");
	return meet(hv, c, err);
}

static int chan_init(struct hv *hv, struct lerr *err)
{
	const struct hv_chan_spec *specs = hv->cfg->chans;
	size_t nspecs = hv->cfg->nchans;
	const char *dir = hv->cfg->chan_dir;
	int r = 0;

	if (!nspecs)
		return 0;
	if (!dir)
		return lerr_set(err, EINVAL, "channels need a channel directory");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return lerr_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	/* Its sockets are trusted to lead to our own monitors: see part_dir_check(). */
	r = part_dir_check(dir, "channel directory", err);
	if (r)
		return r;
	hv->chans = calloc(1, sizeof(*hv->chans));
	if (!hv->chans)
		return lerr_set(err, ENOMEM, "out of memory");
	r = hv_io_tick(hv, chan_tick, hv->chans);
	for (size_t i = 0; i < nspecs && !r; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(specs[i].name, specs[j].name))
				r = lerr_set(err, EINVAL, "channel '%s' is named twice",
					     specs[i].name);
		if (!r)
			r = chan_setup(hv, dir, &specs[i], err);
	}
	if (r)
		chan_fini(hv);
	return r;
}

static void chan_fini(struct hv *hv)
{
	if (!hv->chans)
		return;
	for (int i = 0; i < hv->chans->n; i++) {
		struct hv_chan *c = &hv->chans->c[i];

		chan_close(c);
		if (c->peer_in_fd >= 0)
			close(c->peer_in_fd);
		if (c->mem_fd >= 0)
			close(c->mem_fd);
		c->r->attach = NULL;
		c->r->chan = NULL;
		c->r->reset = NULL;
	}
	free(hv->chans);
	hv->chans = NULL;
}

/* Stops listening (so the other side listens in its place), then hangs up. */
static void chan_close(struct hv_chan *c)
{
	if (c->listen_fd >= 0) {
		unlink(c->sa.sun_path);
		close(c->listen_fd);
		c->listen_fd = -1;
	}
	if (c->conn_fd >= 0)
		close(c->conn_fd);
	c->conn_fd = -1;
	for (int i = 0; i < CHAN_PENDING; i++)
		if (c->pend[i].fd >= 0) {
			close(c->pend[i].fd);
			c->pend[i].fd = -1;
		}
}

/* The partition has ended: its channels' links are down (for the record). */
static void chan_end(struct hv *hv)
{
	for (int i = 0; hv->chans && i < hv->chans->n; i++) {
		struct hv_chan *c = &hv->chans->c[i];

		chan_close(c);
		if (c->r->link == LPAR_LINK_UP)
			hv_ring_set_link(hv, c->r, LPAR_LINK_DOWN, "");
	}
}

const char *hv_chan_name(const struct hv_ring *r)
{
	return r->chan ? r->chan->name : NULL;
}

const struct hv_device hv_dev_chan = {
	.name = "channel",
	.init = chan_init,
	.fini = chan_fini,
	.end = chan_end,
};
