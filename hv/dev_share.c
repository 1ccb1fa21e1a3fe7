/* SPDX-License-Identifier: ISC */
/*
 * The share device: host directories a partition sees as its files
 * (docs/shares.md).  The library OS is a 9P2000.L client on its own
 * message ring, "fs" (ring LPAR_FS_RING_INDEX, <lpar/fs.h>); each share is
 * one 9P connection on it, told apart by the ring message's tag.  A host
 * directory is served here by the p9/ server core over p9/hostfs.c; a
 * relayed share forwards the messages to an external server's socket.
 * Reads and writes go by reference: the data moves between the host file
 * and the program's buffer without passing through the ring.
 *
 * Everything runs on the I/O thread, under the device's mutex (a ring
 * reset the partition asks for comes from the vCPU thread).  The monitor
 * keeps its own copy of the indices it writes and trusts nothing the
 * partition wrote: a ring that breaks the rules is reset, and the
 * partition's sessions start over.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lpar/boot.h>
#include <lpar/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "../p9/hostfs.h"
#include "../p9/p9.h"
#include "../p9/server.h"
#include "priv.h"

#define PEND_SLOTS 64     /* requests remembered for the trace and relayed reads */
#define FID_SLOTS  256    /* fids whose path the trace shows */
#define TURN_MAX   64     /* messages taken in one turn of the I/O thread */
#define RELAY_MAX  (P9_MSIZE_MAX + 64) /* the largest message a relayed server may send */

/* A request on its way, by its 9P tag. */
struct pend {
	int used;
	uint16_t tag;
	uint8_t type;
	int ool;
	uint8_t *dest;          /* relay: where a read's data goes */
	uint32_t destlen;
	uint32_t newfid;        /* walk and create: the fid that gets newpath */
	uint16_t nwname;        /* walk: names asked for */
	int erofs;              /* relay: a Tremove sent as Tclunk, answered EROFS */
	char *newpath;
	uint64_t t0;
	char path[128];         /* for the trace: escaped, "" for none */
	char more[48];          /* and what follows it: " off=N count=N" */
};

struct share {
	unsigned conn;
	char *guest, *host, *aname;
	int relay, ro;
	struct p9_hostfs *fs;
	struct p9_srv *srv;
	struct p9_conn *pc;
	/* relay */
	int sock, dead;
	uint32_t msize;
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wbuf;
	size_t wlen, wcap;
	/* under hv->lock: for the status text */
	uint64_t requests, errors;
	struct pend pend[PEND_SLOTS];
	struct { uint32_t fid; char *path; } fids[FID_SLOTS];
	struct hv_share_dev *dev;
};

struct hv_share_dev {
	struct hv *hv;
	pthread_mutex_t mu;
	struct hv_ring *r;
	uint32_t tx_cons, rx_prod;  /* the monitor's own indices */
	size_t n;
	struct share sh[LPAR_SHARES_MAX];
	uint8_t msg[LPAR_FS_RING_SIZE];
	char workdir[LPAR_FS_PATH_MAX];
};

static int send_reply(void *arg, const uint8_t *msg, uint32_t len);
static const struct p9_msg_ops share_mops = { .send = send_reply };

/* ---- the trace: what each request was about ---- */

static const char *fid_path(struct share *s, uint32_t fid)
{
	struct { uint32_t fid; char *path; } *f = (void *)&s->fids[fid % FID_SLOTS];

	return f->path && f->fid == fid ? f->path : "?";
}

static void fid_set(struct share *s, uint32_t fid, char *path)
{
	free(s->fids[fid % FID_SLOTS].path);
	s->fids[fid % FID_SLOTS].fid = fid;
	s->fids[fid % FID_SLOTS].path = path;
}

static const char *op_name(uint8_t t)
{
	switch (t) {
	case P9_TVERSION: return "version";
	case P9_TATTACH: return "attach";
	case P9_TWALK: return "walk";
	case P9_TLOPEN: return "open";
	case P9_TLCREATE: return "create";
	case P9_TREAD: return "read";
	case P9_TWRITE: return "write";
	case P9_TCLUNK: return "clunk";
	case P9_TREMOVE: return "remove";
	case P9_TGETATTR: return "getattr";
	case P9_TSETATTR: return "setattr";
	case P9_TREADDIR: return "readdir";
	case P9_TSTATFS: return "statfs";
	case P9_TFSYNC: return "fsync";
	case P9_TMKDIR: return "mkdir";
	case P9_TSYMLINK: return "symlink";
	case P9_TMKNOD: return "mknod";
	case P9_TLINK: return "link";
	case P9_TUNLINKAT: return "unlinkat";
	case P9_TRENAMEAT: return "renameat";
	case P9_TRENAME: return "rename";
	case P9_TREADLINK: return "readlink";
	case P9_TFLUSH: return "flush";
	case P9_TXATTRWALK: return "xattrwalk";
	case P9_TXATTRCREATE: return "xattrcreate";
	default: return "unknown";
	}
}

/* A path and a name joined, or NULL. */
static char *join(const char *dir, const char *name, uint16_t len)
{
	char *p;

	if (asprintf(&p, "%s%s%.*s", dir, strcmp(dir, "/") ? "/" : "", (int)len, name) < 0)
		return NULL;
	return p;
}

/* The path escaped as a status word (a path may hold spaces), then more. */
static void what_path(struct pend *p, const char *path, const char *more)
{
	text_pct_escape(p->path, sizeof(p->path), path ? path : "?");
	snprintf(p->more, sizeof(p->more), "%s", more ? more : "");
}

/* Notes a T-message: its slot, its description, the fid path it will make. */
static void pend_note(struct share *s, const uint8_t *m, uint32_t len, int ool,
		      uint8_t *dest, uint32_t destlen)
{
	struct p9_buf b;
	struct pend *p;
	uint8_t type;
	uint16_t tag, nlen = 0;
	uint32_t fid;
	const char *name;

	p9_buf_init(&b, (void *)m, len);
	p9_get32(&b);
	type = p9_get8(&b);
	tag = p9_get16(&b);
	p = &s->pend[tag % PEND_SLOTS];
	free(p->newpath);
	*p = (struct pend){ .used = 1, .tag = tag, .type = type, .ool = ool, .dest = dest,
			    .destlen = destlen, .t0 = hv_now(s->dev->hv) };
	fid = p9_get32(&b);
	switch (type) {
	case P9_TVERSION:
		what_path(p, s->guest, NULL);
		return;
	case P9_TATTACH:
		p->newfid = fid;
		p->newpath = strdup(s->guest);
		what_path(p, s->guest, NULL);
		return;
	case P9_TWALK: {
		uint32_t newfid = p9_get32(&b);
		uint16_t n = p9_get16(&b);
		char *path = strdup(fid_path(s, fid));

		for (uint16_t i = 0; i < n && path && !b.err; i++) {
			char *next;

			name = p9_getstr(&b, &nlen);
			next = name ? join(path, name, nlen) : NULL;
			free(path);
			path = next;
		}
		p->newfid = newfid;
		p->nwname = n;
		p->newpath = b.err ? NULL : path;
		if (b.err)
			free(path);
		what_path(p, p->newpath, NULL);
		return;
	}
	case P9_TLCREATE: case P9_TMKDIR: case P9_TSYMLINK: case P9_TMKNOD:
	case P9_TUNLINKAT: case P9_TLINK: {
		char *path;

		if (type == P9_TLINK)
			p9_get32(&b);
		name = p9_getstr(&b, &nlen);
		path = name ? join(fid_path(s, fid), name, nlen) : NULL;
		what_path(p, path, NULL);
		if (type == P9_TLCREATE) {
			p->newfid = fid;
			p->newpath = path;
		} else {
			free(path);
		}
		return;
	}
	case P9_TREAD: case P9_TWRITE: case P9_TREADDIR: {
		uint64_t off = p9_get64(&b);
		uint32_t count = p9_get32(&b);
		char more[48];

		snprintf(more, sizeof(more), " off=%" PRIu64 " count=%u", off, count);
		what_path(p, fid_path(s, fid), more);
		return;
	}
	case P9_TFLUSH:
		return;
	default:
		what_path(p, fid_path(s, fid), NULL);
		return;
	}
}

/*
 * Its reply: the trace line, the counters, a walk's or create's new fid
 * path; returns the ring tag to send it with.
 */
static uint32_t pend_done(struct share *s, const uint8_t *m, uint32_t len)
{
	struct hv *hv = s->dev->hv;
	uint8_t type = m[4];
	uint16_t tag = (uint16_t)(m[5] | m[6] << 8);
	struct pend *p = &s->pend[tag % PEND_SLOTS];
	uint32_t rtag = s->conn, ret = 0;
	int err = type == P9_RLERROR, match = p->used && p->tag == tag;
	char res[32];

	if (len >= 11)
		memcpy(&ret, m + 7, 4);
	if (match && p->ool && type == P9_RREAD)
		rtag |= LPAR_FS_OOL;
	/* A walk makes its new fid only when it walked every name. */
	if (match && !err && p->newpath &&
	    (type != P9_RWALK || (len >= 9 && (uint16_t)(m[7] | m[8] << 8) == p->nwname))) {
		fid_set(s, p->newfid, p->newpath);
		p->newpath = NULL;
	}
	pthread_mutex_lock(&hv->lock);
	s->requests++;
	s->errors += err;
	pthread_mutex_unlock(&hv->lock);
	if (match && hv_tracing(hv)) {
		if (err)
			snprintf(res, sizeof(res), "-%u", ret);
		else if (type == P9_RREAD || type == P9_RWRITE || type == P9_RREADDIR)
			snprintf(res, sizeof(res), "%u", ret);
		else
			snprintf(res, sizeof(res), "0");
		char head[48], tail[96];
		size_t room, n = strlen(p->path);

		snprintf(head, sizeof(head), "share=%u op=%s", s->conn, op_name(p->type));
		snprintf(tail, sizeof(tail), "%s ret=%s dur=%" PRIu64, p->more, res,
			 hv_now(hv) - p->t0);
		/*
		 * An event's text is short: the path gives way, so that off,
		 * count, ret and dur always arrive; it is cut between escapes.
		 */
		room = sizeof(((struct hv_tev *)0)->text) - 1 - strlen(head) - strlen(" path=") -
		       strlen(tail);
		if (n > room) {
			n = room;
			if (n >= 1 && p->path[n - 1] == '%')
				n -= 1;
			else if (n >= 2 && p->path[n - 2] == '%')
				n -= 2;
		}
		hv_trace_note(hv, HV_TEV_9P, "%s%s%.*s%s", head, p->path[0] ? " path=" : "",
			      (int)n, p->path, tail);
	}
	if (match) {
		free(p->newpath);
		p->newpath = NULL;
		p->used = 0;
	}
	return rtag;
}

/* ---- the ring ---- */

/*
 * Whether rx has room for a message of len bytes: 0; -EAGAIN, having asked
 * the partition to ring when it has made room; -EPROTO if the partition
 * moved its index where it cannot be.
 */
static int ring_room(struct hv_share_dev *d, uint32_t len)
{
	struct lpar_ring_dir rx = hv_ring_dir(d->hv, d->r, 1);
	uint32_t need = lpar_msg_space(len), used = d->rx_prod - lpar_ring_load(&rx.ctl->cons);

	if (used > rx.size)
		return -EPROTO;
	if (rx.size - used >= need)
		return 0;
	lpar_ring_store(&rx.ctl->cons_event, d->rx_prod - rx.size + need);
	lpar_ring_fence();
	used = d->rx_prod - lpar_ring_load(&rx.ctl->cons);
	return used <= rx.size && rx.size - used >= need ? 0 : -EAGAIN;
}

/* Puts one whole message into rx, which has room, with ring tag rtag. */
static void ring_put(struct hv_share_dev *d, uint32_t rtag, const uint8_t *msg, uint32_t len)
{
	struct lpar_ring_dir rx = hv_ring_dir(d->hv, d->r, 1);
	struct lpar_msg h = { len, rtag };
	uint32_t need = lpar_msg_space(len);

	lpar_ring_copy_in(&rx, d->rx_prod, &h, sizeof(h));
	lpar_ring_copy_in(&rx, d->rx_prod + (uint32_t)sizeof(h), msg, len);
	if (lpar_ring_publish(&rx, d->rx_prod, d->rx_prod + need))
		hv_ring_kick(d->r);
	d->rx_prod += need;
}

/* The server core's send: a reply of a host-directory share. */
static int send_reply(void *arg, const uint8_t *msg, uint32_t len)
{
	struct share *s = arg;
	int e;

	if (len > LPAR_FS_RING_SIZE - sizeof(struct lpar_msg))
		return -EMSGSIZE;
	e = ring_room(s->dev, len);
	if (e)
		return e;
	ring_put(s->dev, pend_done(s, msg, len), msg, len);
	return 0;
}

/* A reply of the device's own: Rlerror(err) on tag, if rx has room (else -EAGAIN). */
static int reply_error(struct share *s, uint16_t tag, uint32_t err)
{
	uint8_t m[11] = { 11, 0, 0, 0, P9_RLERROR, (uint8_t)tag, (uint8_t)(tag >> 8),
			  (uint8_t)err, (uint8_t)(err >> 8), (uint8_t)(err >> 16),
			  (uint8_t)(err >> 24) };
	int e = ring_room(s->dev, sizeof(m));

	if (!e)
		ring_put(s->dev, pend_done(s, m, sizeof(m)), m, sizeof(m));
	return e;
}

/* ---- relayed shares: an external server on a Unix socket ---- */

static void relay_event(struct hv *hv, void *arg, short revents);

/* The server went away: what waits for it gets EIO. */
static void relay_close(struct share *s)
{
	for (unsigned i = 0; i < PEND_SLOTS && s->sock >= 0; i++)
		if (s->pend[i].used)
			reply_error(s, s->pend[i].tag, EIO);
	if (s->sock >= 0) {
		hv_io_del(s->dev->hv, s->sock);
		close(s->sock);
	}
	s->sock = -1;
	s->rlen = s->wlen = 0;
	s->dead = 1;
}

static int relay_connect(struct share *s, struct lerr *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(s->host) >= sizeof(sa.sun_path))
		return lerr_set(err, ENAMETOOLONG, "share '%s': socket path too long", s->host);
	memcpy(sa.sun_path, s->host, strlen(s->host) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lerr_set(err, errno, "share '%s': socket: %s", s->host, strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return lerr_set(err, e, "share '%s': cannot connect to the 9P server: %s",
				s->host, strerror(e));
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	s->sock = fd;
	s->dead = 0;
	s->msize = LPAR_FS_MSIZE;
	if (hv_io_add(s->dev->hv, fd, POLLIN, relay_event, s))
		return lerr_set(err, ENOSPC, "share '%s': too many sources for the I/O thread", s->host);
	return 0;
}

static void relay_flush(struct share *s)
{
	size_t done = 0;

	while (done < s->wlen) {
		ssize_t n = write(s->sock, s->wbuf + done, s->wlen - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			relay_close(s);
			return;
		}
		done += (size_t)n;
	}
	memmove(s->wbuf, s->wbuf + done, s->wlen - done);
	s->wlen -= done;
	hv_io_add(s->dev->hv, s->sock, (short)(POLLIN | (s->wlen ? POLLOUT : 0)), relay_event, s);
}

/* Queues a message (and data after it) for the server. */
static void relay_queue(struct share *s, const uint8_t *m, uint32_t len, const uint8_t *data,
			uint32_t dlen)
{
	size_t need = s->wlen + len + dlen;

	if (need > 8u << 20) {
		relay_close(s); /* a server that takes nothing */
		return;
	}
	if (need > s->wcap) {
		size_t cap = s->wcap ? s->wcap : 65536;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(s->wbuf, cap);
		if (!p) {
			relay_close(s);
			return;
		}
		s->wbuf = p;
		s->wcap = cap;
	}
	memcpy(s->wbuf + s->wlen, m, len);
	if (dlen)
		memcpy(s->wbuf + s->wlen + len, data, dlen);
	s->wlen += len + dlen;
	relay_flush(s);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Tattach as the server needs it: the share's aname, and this user. */
static void relay_attach(struct share *s, const uint8_t *m, uint32_t len)
{
	uint8_t out[7 + 8 + 4 + 2 * (2 + 4096)];
	struct p9_buf in, b;
	uint32_t fid, afid;
	uint16_t ulen;
	const char *uname;

	p9_buf_init(&in, (void *)m, len);
	p9_get32(&in);
	p9_get8(&in);
	p9_get16(&in);
	fid = p9_get32(&in);
	afid = p9_get32(&in);
	uname = p9_getstr(&in, &ulen);
	p9_buf_init(&b, out, sizeof(out));
	p9_msg_begin(&b, P9_TATTACH, (uint16_t)(m[5] | m[6] << 8));
	p9_put32(&b, fid);
	p9_put32(&b, afid);
	p9_putstrn(&b, uname ? uname : "", uname ? ulen : 0);
	p9_putstr(&b, s->aname ? s->aname : "");
	p9_put32(&b, (uint32_t)getuid());
	p9_msg_end(&b);
	if (!in.err && !b.err)
		relay_queue(s, out, b.pos, NULL, 0);
	else
		reply_error(s, (uint16_t)(m[5] | m[6] << 8), EPROTO);
}

/*
 * Whether a request changes the share.  For a read-only relayed share the
 * monitor refuses these itself: the external server does not know the
 * share is read-only, and the library OS is the partition's to bypass.
 */
static int changes(const uint8_t *m, uint32_t len)
{
	switch (m[4]) {
	case P9_TLCREATE: case P9_TMKDIR: case P9_TSYMLINK: case P9_TMKNOD: case P9_TLINK:
	case P9_TUNLINKAT: case P9_TRENAMEAT: case P9_TRENAME: case P9_TSETATTR:
	case P9_TWRITE: case P9_TXATTRCREATE:
		return 1;
	case P9_TLOPEN:
		/* Writing, or truncating (O_TRUNC, 01000). */
		return len < 15 || (le32(m + 11) & 3) != 0 || (le32(m + 11) & 01000);
	default:
		return 0;
	}
}

/* A T-message of a relayed share, with its buffer when it goes by reference. */
static void relay_take(struct share *s, uint8_t *m, uint32_t len, uint8_t *buf, uint32_t blen)
{
	uint8_t type = m[4];

	if (s->ro && changes(m, len)) {
		reply_error(s, (uint16_t)(m[5] | m[6] << 8), EROFS);
		return;
	}
	if (s->ro && type == P9_TREMOVE) {
		/* The fid goes whatever Tremove answers: clunk it, and answer EROFS. */
		m[4] = P9_TCLUNK;
		s->pend[(m[5] | m[6] << 8) % PEND_SLOTS].erofs = 1;
		relay_queue(s, m, len, NULL, 0);
		return;
	}
	if (type == P9_TATTACH) {
		relay_attach(s, m, len);
		return;
	}
	if (buf && type == P9_TREAD && len >= 23) {
		uint32_t count = le32(m + 19), max = s->msize - P9_IOHDR;

		count = count < blen ? count : blen;
		put_le32(m + 19, count < max ? count : max);
		s->pend[(m[5] | m[6] << 8) % PEND_SLOTS].destlen = blen;
		relay_queue(s, m, len, NULL, 0);
		return;
	}
	if (buf && type == P9_TWRITE && len >= 23) {
		uint32_t count = le32(m + 19), max = s->msize - 23;

		count = count < blen ? count : blen;
		count = count < max ? count : max;
		put_le32(m + 19, count);
		put_le32(m, 23 + count);
		relay_queue(s, m, 23, buf, count);
		return;
	}
	relay_queue(s, m, len, NULL, 0);
}

/* Replies from the server into the ring, while there is room. */
static void relay_deliver(struct share *s)
{
	size_t done = 0;

	while (s->rlen - done >= 7) {
		uint8_t *m = s->rbuf + done;
		uint32_t size = le32(m), out = size;
		uint16_t tag = (uint16_t)(m[5] | m[6] << 8);
		struct pend *p = &s->pend[tag % PEND_SLOTS];
		int ool = m[4] == P9_RREAD && p->used && p->tag == tag && p->ool;

		if (size < 7 || size > RELAY_MAX) {
			relay_close(s);
			return;
		}
		if (s->rlen - done < size)
			break;
		if (ool || (p->used && p->tag == tag && p->erofs))
			out = 11;
		if (out > LPAR_FS_RING_SIZE - sizeof(struct lpar_msg)) {
			relay_close(s);
			return;
		}
		if (ring_room(s->dev, out))
			break; /* the partition rings when it has made room */
		if (m[4] == P9_RVERSION && size >= 11) {
			uint32_t msize = le32(m + 7);

			s->msize = msize < LPAR_FS_MSIZE ? msize : LPAR_FS_MSIZE;
			if (s->msize < 4096)
				s->msize = 4096;
		}
		if (out == 11 && p->erofs) {
			/* The Tremove that went as Tclunk: the fid is gone, the file is not. */
			uint8_t e[11] = { 11, 0, 0, 0, P9_RLERROR, m[5], m[6] };

			put_le32(e + 7, EROFS);
			ring_put(s->dev, pend_done(s, e, 11), e, 11);
		} else if (ool) {
			/* The data to the partition's buffer, the count to the ring. */
			uint8_t r[11] = { 11, 0, 0, 0, P9_RREAD, m[5], m[6] };
			uint32_t n = size >= 11 ? le32(m + 7) : 0;

			if (n > size - 11)
				n = size - 11;
			if (n > p->destlen)
				n = p->destlen;
			memcpy(p->dest, m + 11, n);
			put_le32(r + 7, n);
			ring_put(s->dev, pend_done(s, r, 11), r, 11);
		} else {
			ring_put(s->dev, pend_done(s, m, out), m, out);
		}
		done += size;
	}
	memmove(s->rbuf, s->rbuf + done, s->rlen - done);
	s->rlen -= done;
}

/* Delivers what it can; reads on only while there is room to read into. */
static void relay_resume(struct share *s)
{
	if (s->rbuf)
		relay_deliver(s);
	if (s->sock >= 0)
		hv_io_add(s->dev->hv, s->sock,
			  (short)((s->rlen < RELAY_MAX ? POLLIN : 0) | (s->wlen ? POLLOUT : 0)),
			  relay_event, s);
}

static void relay_event(struct hv *hv, void *arg, short revents)
{
	struct share *s = arg;
	struct hv_share_dev *d = s->dev;

	(void)hv;
	pthread_mutex_lock(&d->mu);
	if (s->sock >= 0 && (revents & POLLOUT))
		relay_flush(s);
	if (s->sock >= 0 && (revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = 0;

		if (!s->rbuf)
			s->rbuf = malloc(RELAY_MAX);
		if (!s->rbuf)
			relay_close(s);
		else if (s->rlen < RELAY_MAX)
			n = read(s->sock, s->rbuf + s->rlen, RELAY_MAX - s->rlen);
		if (n > 0)
			s->rlen += (size_t)n;
		else if (s->sock >= 0 && s->rlen < RELAY_MAX &&
			 (n == 0 || (errno != EAGAIN && errno != EINTR)))
			relay_close(s);
	}
	relay_resume(s);
	pthread_mutex_unlock(&d->mu);
}

/* ---- sessions and the pump ---- */

/* A host-directory share's connection, new (its old one, if any, ended). */
static int session_open(struct share *s)
{
	if (s->pc)
		p9_srv_msg_close(s->pc);
	s->pc = NULL;
	return p9_srv_add_msgconn(s->srv, &share_mops, s, &s->pc);
}

/* Forgets every request and fid path of s. */
static void share_forget(struct share *s)
{
	for (unsigned i = 0; i < PEND_SLOTS; i++) {
		free(s->pend[i].newpath);
		s->pend[i] = (struct pend){ 0 };
	}
	for (unsigned i = 0; i < FID_SLOTS; i++) {
		free(s->fids[i].path);
		s->fids[i].path = NULL;
	}
}

/*
 * Starts the ring and every session over: the partition sees
 * -ECONNRESET and attaches again.  d->mu held.
 */
static void restart(struct hv_share_dev *d, const char *why)
{
	struct lerr err;

	hv_ring_note(d->hv, d->r, "%s", why);
	for (size_t i = 0; i < d->n; i++) {
		struct share *s = &d->sh[i];

		if (s->relay) {
			relay_close(s);
			s->wlen = s->rlen = 0;
			relay_connect(s, &err);
		} else {
			session_open(s); /* without one, its requests get EIO */
		}
		share_forget(s);
	}
	hv_ring_clear(d->hv, d->r);
	d->tx_cons = d->rx_prod = 0;
	hv_ring_set_link(d->hv, d->r, LPAR_LINK_UP, "monitor");
}

/*
 * One T-message from the ring (in d->msg, len bytes, ring tag rtag): 0 if
 * taken, -EAGAIN to offer it again when rx has room, -EPROTO if the ring
 * must start over.
 */
static int take(struct hv_share_dev *d, uint32_t rtag, uint32_t len)
{
	struct share *s;
	uint8_t *m = d->msg, *buf = NULL;
	uint32_t size, blen = 0;
	uint16_t tag;
	int ool = !!(rtag & LPAR_FS_OOL), e;

	if (LPAR_FS_CONN(rtag) >= d->n || (rtag & ~(LPAR_FS_OOL | 0xffffu)))
		return -EPROTO; /* on no connection: nothing can answer it */
	s = &d->sh[LPAR_FS_CONN(rtag)];
	if (!s->relay && s->pc && p9_srv_msg_waiting(s->pc))
		return -EAGAIN;
	/* Room for an error of our own, before anything is decided. */
	e = ring_room(d, 64);
	if (e)
		return e;
	size = len >= 4 ? le32(m) : 0;
	if (len < 7 || size < 7 || size > len || (ool && len - size != sizeof(struct lpar_fs_ool)) ||
	    (!ool && size != len))
		return -EPROTO;
	tag = (uint16_t)(m[5] | m[6] << 8);
	if (m[4] == P9_TVERSION && size >= 11 && le32(m + 7) > LPAR_FS_MSIZE)
		put_le32(m + 7, LPAR_FS_MSIZE); /* replies must fit the ring */
	if (ool) {
		struct lpar_fs_ool o;
		int wr = m[4] == P9_TREAD;

		memcpy(&o, m + size, sizeof(o));
		blen = o.len < P9_OOL_MAX ? (uint32_t)o.len : P9_OOL_MAX;
		if (m[4] != P9_TREAD && m[4] != P9_TWRITE) {
			pend_note(s, m, size, 0, NULL, 0);
			return reply_error(s, tag, EPROTO);
		}
		buf = blen ? hv_guest_buf(d->hv, o.addr, blen, wr ? HV_BUF_WRITE : HV_BUF_READ) : NULL;
		if (!buf) {
			pend_note(s, m, size, 0, NULL, 0);
			return reply_error(s, tag, EFAULT);
		}
	}
	pend_note(s, m, size, ool, buf, blen);
	if (s->relay) {
		if (s->dead)
			return reply_error(s, tag, EIO);
		relay_take(s, m, size, buf, blen);
		return 0;
	}
	if (!s->pc)
		return reply_error(s, tag, EIO);
	e = buf ? p9_srv_msg_in_ool(s->pc, m, size, buf, blen) : p9_srv_msg_in(s->pc, m, size);
	if (e == -EAGAIN)
		return e;
	if (e) {
		/* The core refused it and ended the connection: the partition starts over. */
		p9_srv_msg_close(s->pc);
		s->pc = NULL;
		return -EPROTO;
	}
	return 0;
}

/* Takes what the partition sent, sends what waits; d->mu held. */
static void pump(struct hv_share_dev *d)
{
	struct lpar_ring_dir tx = hv_ring_dir(d->hv, d->r, 0);
	int turns = 0;

	for (size_t i = 0; i < d->n; i++) {
		struct share *s = &d->sh[i];

		if (s->relay)
			relay_resume(s);
		else if (s->pc && p9_srv_msg_waiting(s->pc) && p9_srv_msg_room(s->pc)) {
			p9_srv_msg_close(s->pc);
			s->pc = NULL;
		}
	}
	for (;;) {
		uint32_t prod = lpar_ring_load(&tx.ctl->prod), used = prod - d->tx_cons, space;
		struct lpar_msg h;
		int e;

		if (used > tx.size) {
			restart(d, "reset by the monitor: the partition's index is out of range");
			return;
		}
		if (!used) {
			lpar_ring_store(&tx.ctl->prod_event, d->tx_cons + 1);
			lpar_ring_fence();
			if (lpar_ring_load(&tx.ctl->prod) == d->tx_cons)
				return;
			continue;
		}
		if (++turns > TURN_MAX) {
			uint64_t one = 1;

			/* Others get their turn too; the doorbell brings us back. */
			if (write(d->r->sink_fd, &one, sizeof(one)) < 0)
				hv_io_retry(d->hv, 1);
			return;
		}
		if (used < sizeof(h)) {
			restart(d, "reset by the monitor: a message cut short");
			return;
		}
		lpar_ring_copy_out(&tx, d->tx_cons, &h, sizeof(h));
		space = lpar_msg_space(h.len);
		if (h.len > tx.size - sizeof(h) || space > used) {
			restart(d, "reset by the monitor: a message longer than the ring holds");
			return;
		}
		lpar_ring_copy_out(&tx, d->tx_cons + (uint32_t)sizeof(h), d->msg, h.len);
		e = take(d, h.tag, h.len);
		if (e == -EAGAIN)
			return; /* rx is full: the partition rings when it takes a reply */
		if (e) {
			restart(d, "reset by the monitor: a message no share can take");
			return;
		}
		if (lpar_ring_release(&tx, d->tx_cons, d->tx_cons + space))
			hv_ring_kick(d->r);
		d->tx_cons += space;
	}
}

/* The partition rang the ring's doorbell. */
static void doorbell(struct hv *hv, void *arg, short revents)
{
	struct hv_share_dev *d = arg;
	uint64_t v;

	(void)hv;
	if (revents && read(d->r->sink_fd, &v, sizeof(v)) < 0)
		v = 0;
	pthread_mutex_lock(&d->mu);
	pump(d);
	pthread_mutex_unlock(&d->mu);
}

/*
 * The doorbell as an exit, on the vCPU thread (HVB_CAP_DOORBELL_EXITS):
 * served at once, so the reply is in the ring before the partition runs
 * on and it neither watches nor sleeps for it.
 */
static int share_io(struct hv *hv, const struct hvb_exit *ex)
{
	struct hv_share_dev *d = hv->share;

	if (!d || !ex->out || ex->size != 4 || ex->port != LPAR_DOORBELL_PORT ||
	    ex->data != LPAR_FS_RING_INDEX || d->r->db_fd >= 0)
		return 0;
	pthread_mutex_lock(&d->mu);
	pump(d);
	pthread_mutex_unlock(&d->mu);
	return 1;
}

/* The partition asked for a reset (ring_reset hcall, on the vCPU thread). */
static void share_reset(struct hv *hv, struct hv_ring *r, uint32_t gen, const char *why)
{
	struct hv_share_dev *d = hv->share;

	(void)r;
	(void)gen; /* hc_ring_reset checked it */
	pthread_mutex_lock(&d->mu);
	restart(d, why);
	pthread_mutex_unlock(&d->mu);
	hv_io_wake(hv);
}

/* ---- the device ---- */

static int share_open(struct hv_share_dev *d, struct share *s, const struct hv_share_spec *sp,
		      struct lerr *err)
{
	int e;

	s->dev = d;
	s->sock = -1;
	s->relay = sp->relay;
	s->ro = sp->readonly;
	s->host = strdup(sp->host);
	s->guest = strdup(sp->guest);
	s->aname = sp->aname ? strdup(sp->aname) : NULL;
	if (!s->host || !s->guest || (sp->aname && !s->aname))
		return lerr_set(err, ENOMEM, "out of memory");
	if (s->guest[0] != '/' || strlen(s->guest) >= LPAR_FS_PATH_MAX)
		return lerr_set(err, EINVAL, "share '%s': the partition's path must be absolute and shorter than %d bytes",
				s->host, LPAR_FS_PATH_MAX);
	if (s->relay)
		return relay_connect(s, err);
	e = p9_hostfs_open(s->host, s->ro, &s->fs, err);
	if (e)
		return e;
	if (p9_srv_new(s->fs, &p9_hostfs_ops, &s->srv) || session_open(s))
		return lerr_set(err, ENOMEM, "share '%s': out of memory", s->host);
	return 0;
}

static void share_fini(struct hv *hv);

static int share_init(struct hv *hv, struct lerr *err)
{
	const struct hv_config *cfg = hv->cfg;
	const struct elf_ring *er;
	const struct elf_sym *sym;
	struct lpar_fs_boot *fb;
	struct lpar_boot_info *bi;
	struct hv_share_dev *d;
	int e;

	if (!cfg->nshares)
		return 0;
	if (cfg->nshares > LPAR_SHARES_MAX)
		return lerr_set(err, E2BIG, "too many shares (%zu; at most %d)", cfg->nshares,
				LPAR_SHARES_MAX);
	er = elf_ring_lookup(hv->los, "fs");
	sym = elf_sym_lookup(hv->los, "los_fs_boot");
	fb = sym ? gmem_at(&hv->mem, sym->addr, sizeof(*fb)) : NULL;
	if (!er || er->kind != LPAR_RING_MSGS || er->size != LPAR_FS_RING_SIZE || !fb)
		return lerr_set(err, ENOEXEC, "the library OS lacks its fs ring or los_fs_boot");
	d = calloc(1, sizeof(*d));
	if (!d)
		return lerr_set(err, ENOMEM, "out of memory");
	pthread_mutex_init(&d->mu, NULL);
	d->hv = hv;
	hv->share = d;
	e = hv_ring_add(hv, er, LPAR_FS_RING_INDEX, &d->r, err);
	for (size_t i = 0; !e && i < cfg->nshares; i++) {
		d->sh[i].conn = (unsigned)i;
		d->n = i + 1;
		e = share_open(d, &d->sh[i], &cfg->shares[i], err);
	}
	if (!e && hv_io_add(hv, d->r->sink_fd, POLLIN, doorbell, d))
		e = lerr_set(err, ENOSPC, "shares: too many sources for the I/O thread");
	/* Where a doorbell costs an exit anyway, the vCPU thread serves it (share_io). */
	if (!e && (hvb_caps(hv->vm) & HVB_CAP_DOORBELL_EXITS))
		e = hv_ring_route(hv, d->r, -1);
	if (e) {
		share_fini(hv);
		return e;
	}
	snprintf(d->workdir, sizeof(d->workdir), "%s",
		 cfg->workdir ? cfg->workdir : d->sh[0].guest);
	memset(fb, 0, sizeof(*fb));
	fb->nshares = (uint32_t)d->n;
	snprintf(fb->cwd, sizeof(fb->cwd), "%s", d->workdir);
	for (size_t i = 0; i < d->n; i++) {
		snprintf(fb->share[i].path, sizeof(fb->share[i].path), "%s", d->sh[i].guest);
		fb->share[i].flags = d->sh[i].ro ? LPAR_SHARE_RO : 0;
		fb->share[i].conn = d->sh[i].conn;
	}
	bi = gmem_at(&hv->mem, LPAR_BOOT_INFO, sizeof(*bi));
	bi->fs = sym->addr;
	bi->fs_ring = er->addr;
	d->r->attach = "share";
	d->r->reset = share_reset;
	hv_ring_set_link(hv, d->r, LPAR_LINK_UP, "monitor");
	return 0;
}

static void share_fini(struct hv *hv)
{
	struct hv_share_dev *d = hv->share;

	if (!d)
		return;
	if (d->r) {
		hv_io_del(hv, d->r->sink_fd);
		d->r->reset = NULL;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct share *s = &d->sh[i];

		if (s->sock >= 0) {
			hv_io_del(hv, s->sock);
			close(s->sock);
		}
		if (s->pc)
			p9_srv_msg_close(s->pc);
		p9_srv_free(s->srv);
		p9_hostfs_free(s->fs);
		share_forget(s);
		free(s->rbuf);
		free(s->wbuf);
		free(s->host);
		free(s->guest);
		free(s->aname);
	}
	pthread_mutex_destroy(&d->mu);
	free(d);
	hv->share = NULL;
}

void hv_share_status(struct hv *hv, char *buf, size_t len, size_t *n)
{
	struct hv_share_dev *d = hv->share;
	char guest[LPAR_FS_PATH_MAX * 3], host[4096 * 3], aname[1024];

	if (!d)
		return;
	for (size_t i = 0; i < d->n && *n < len; i++) {
		const struct share *s = &d->sh[i];
		uint64_t req, errs;
		int w;

		pthread_mutex_lock(&hv->lock);
		req = s->requests;
		errs = s->errors;
		pthread_mutex_unlock(&hv->lock);
		text_pct_escape(guest, sizeof(guest), s->guest);
		text_pct_escape(host, sizeof(host), s->host);
		text_pct_escape(aname, sizeof(aname), s->aname ? s->aname : "");
		w = snprintf(buf + *n, len - *n,
			     "share %zu kind=%s mode=%s requests=%" PRIu64 " errors=%" PRIu64
			     " guest=%s host=%s%s%s\n",
			     i, s->relay ? "9p" : "dir", s->ro ? "ro" : "rw", req, errs, guest, host,
			     s->aname ? " aname=" : "", s->aname ? aname : "");
		if (w > 0)
			*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
	}
	if (*n < len) {
		int w;

		text_pct_escape(guest, sizeof(guest), d->workdir);
		w = snprintf(buf + *n, len - *n, "workdir %s\n", guest);
		if (w > 0)
			*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
	}
}

const struct hv_device hv_dev_share = {
	.name = "share",
	.init = share_init,
	.fini = share_fini,
	.io = share_io,
};
