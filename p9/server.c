/*
 * The 9P2000.L server core.  Each connection has its own fid table, list of
 * outstanding (deferred) requests and output queue; sockets are
 * non-blocking so a client that stops reading never stalls the server, and
 * one that falls too far behind is dropped.  Two thin transports share one
 * request/reply path (dispatch, queue, conn_refuse): a byte stream on a
 * socket, and whole messages passed in and out by calls (for a ring).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

#define OUT_MAX (8u << 20) /* output queued for one client before it is dropped */

struct p9_req {
	struct p9_conn *conn;
	uint16_t tag;
	uint8_t type;
	uint32_t count;
	struct p9_fid *fid;
	void *dest;                   /* a read by reference: where its data goes */
	struct p9_req *next;
};

struct p9_conn {
	int fd;                       /* -1 for a message connection */
	const struct p9_msg_ops *mops; /* NULL for a socket */
	void *marg;
	int dead;
	uint32_t msize;
	int versioned;
	uint8_t *in;
	uint32_t inlen;
	uint8_t *out;
	size_t outlen, outcap;
	struct p9_fid **fids;
	size_t nfids, capfids;
	struct p9_req *pending;
	uint32_t npending;
	struct p9_srv *srv;
	/* While a message by reference is handled: its buffer. */
	uint8_t *ool;
	uint32_t ool_len;
};

struct p9_srv {
	void *fs;
	const struct p9_fs_ops *ops;
	struct p9_conn **conns;
	int nconns, capconns;
};

int p9_srv_new(void *fs, const struct p9_fs_ops *ops, struct p9_srv **out)
{
	struct p9_srv *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->fs = fs;
	s->ops = ops;
	*out = s;
	return 0;
}

/* ---- output ------------------------------------------------------------ */

static uint32_t get_le32(const uint8_t *m)
{
	return m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
}

/*
 * Queues one whole R-message.  A message connection with nothing waiting
 * hands it to the transport at once; what cannot go now waits, in order.
 */
static int queue(struct p9_conn *c, const uint8_t *msg, uint32_t n)
{
	if (c->dead)
		return -EPIPE;
	if (c->mops && !c->outlen) {
		int r = c->mops->send(c->marg, msg, n);

		if (r != -EAGAIN) {
			if (r)
				c->dead = 1;
			return r;
		}
	}
	if (c->outlen + n > OUT_MAX) {
		c->dead = 1; /* too far behind: drop it rather than grow */
		return -ENOBUFS;
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		uint8_t *p;

		while (cap < c->outlen + n)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			c->dead = 1;
			return -ENOMEM;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, msg, n);
	c->outlen += n;
	return 0;
}

/* Hands waiting messages to the transport, whole, until it has no room. */
static void flush_msgs(struct p9_conn *c)
{
	size_t done = 0;

	while (!c->dead && done < c->outlen) {
		uint32_t n = get_le32(c->out + done); /* written by queue(): trusted */
		int r = c->mops->send(c->marg, c->out + done, n);

		if (r == -EAGAIN)
			break;
		if (r) {
			c->dead = 1;
			break;
		}
		done += n;
	}
	if (!done)
		return; /* c->out may be NULL: nothing was ever queued */
	memmove(c->out, c->out + done, c->outlen - done);
	c->outlen -= done;
}

static void flush_conn(struct p9_conn *c)
{
	size_t done = 0;

	if (c->mops) {
		flush_msgs(c);
		return;
	}
	while (!c->dead && done < c->outlen) {
		ssize_t w = send(c->fd, c->out + done, c->outlen - done, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			c->dead = 1;
			break;
		}
		done += (size_t)w;
	}
	memmove(c->out, c->out + done, c->outlen - done);
	c->outlen -= done;
}

/* A reply buffer: the connection's msize at most. */
static uint8_t *reply_buf(struct p9_conn *c, struct p9_buf *b, uint8_t type,
			  uint16_t tag)
{
	uint32_t size = c->msize ? c->msize : P9_MSIZE_DEFAULT;
	uint8_t *mem = malloc(size);

	if (!mem)
		return NULL;
	p9_buf_init(b, mem, size);
	p9_msg_begin(b, type, tag);
	return mem;
}

static void send_buf(struct p9_conn *c, struct p9_buf *b)
{
	p9_msg_end(b);
	queue(c, b->data, b->pos);
}

static void send_error(struct p9_conn *c, uint16_t tag, int err)
{
	uint8_t mem[11];
	struct p9_buf b;

	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RLERROR, tag);
	p9_put32(&b, (uint32_t)err);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void send_empty(struct p9_conn *c, uint8_t type, uint16_t tag)
{
	uint8_t mem[P9_HDR];
	struct p9_buf b;

	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, type, tag);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

/* An empty reply, or Rlerror(-r) if r is an error. */
static void reply_rc(struct p9_conn *c, uint8_t type, uint16_t tag, int r)
{
	if (r)
		send_error(c, tag, -r);
	else
		send_empty(c, type, tag);
}

/* ---- fids and requests ---------------------------------------------------- */

static struct p9_fid *fid_find(struct p9_conn *c, uint32_t fid)
{
	for (size_t i = 0; i < c->nfids; i++)
		if (c->fids[i]->fid == fid)
			return c->fids[i];
	return NULL;
}

static void node_hold(struct p9_srv *s, void *node)
{
	if (s->ops->hold)
		s->ops->hold(s->fs, node);
}

static void node_put(struct p9_srv *s, void *node)
{
	if (s->ops->put)
		s->ops->put(s->fs, node);
}

/* A new fid; NULL with *err EBADF (NOFID), EEXIST, EMFILE or ENOMEM. */
static struct p9_fid *fid_new(struct p9_conn *c, uint32_t fid, int *err)
{
	struct p9_fid *f;

	*err = fid == P9_NOFID ? EBADF : fid_find(c, fid) ? EEXIST :
	       c->nfids >= P9_MAXFIDS ? EMFILE : ENOMEM;
	if (*err != ENOMEM)
		return NULL;
	if (c->nfids == c->capfids) {
		size_t cap = c->capfids ? c->capfids * 2 : 16;
		struct p9_fid **p = realloc(c->fids, cap * sizeof(*p));

		if (!p)
			return NULL;
		c->fids = p;
		c->capfids = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->fid = fid;
	f->conn = c;
	c->fids[c->nfids++] = f;
	return f;
}

static void req_unlink(struct p9_req *r)
{
	struct p9_req **pp = &r->conn->pending;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = r->next;
		r->conn->npending--;
	}
}

/* Drops every deferred request on fid (or all, if fid is NULL) without a reply. */
static void cancel_pending(struct p9_conn *c, struct p9_fid *fid, int reply)
{
	struct p9_req **pp = &c->pending;

	while (*pp) {
		struct p9_req *r = *pp;

		if (fid && r->fid != fid) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		c->npending--;
		if (c->srv->ops->cancel)
			c->srv->ops->cancel(c->srv->fs, r);
		if (reply)
			send_error(c, r->tag, EINTR);
		free(r);
	}
}

static void fid_free(struct p9_conn *c, struct p9_fid *f)
{
	cancel_pending(c, f, 1);
	if (c->srv->ops->clunk)
		c->srv->ops->clunk(c->srv->fs, f);
	if (f->node)
		node_put(c->srv, f->node);
	for (size_t i = 0; i < c->nfids; i++)
		if (c->fids[i] == f) {
			c->fids[i] = c->fids[--c->nfids];
			break;
		}
	free(f);
}

void *p9_req_dest(const struct p9_req *r)
{
	return r->dest;
}

struct p9_fid *p9_req_fid(const struct p9_req *r) { return r->fid; }
uint32_t p9_req_count(const struct p9_req *r) { return r->count; }

void p9_reply_read(struct p9_req *r, const void *data, uint32_t n)
{
	struct p9_conn *c = r->conn;
	struct p9_buf b;
	uint8_t *mem;

	req_unlink(r);
	if (n > r->count)
		n = r->count;
	if (r->dest) {
		/* By reference: the data goes to the client's buffer, the reply has its count. */
		if (data != r->dest)
			memcpy(r->dest, data, n);
		data = NULL;
	}
	mem = reply_buf(c, &b, P9_RREAD, r->tag);
	if (!mem) {
		send_error(c, r->tag, ENOMEM);
	} else {
		p9_put32(&b, n);
		if (data)
			p9_putbytes(&b, data, n);
		if (b.err)
			send_error(c, r->tag, EMSGSIZE);
		else
			send_buf(c, &b);
		free(mem);
	}
	free(r);
}

void p9_reply_write(struct p9_req *r, uint32_t n)
{
	uint8_t mem[11];
	struct p9_buf b;

	req_unlink(r);
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RWRITE, r->tag);
	p9_put32(&b, n);
	p9_msg_end(&b);
	queue(r->conn, mem, b.pos);
	free(r);
}

void p9_reply_error(struct p9_req *r, int err)
{
	req_unlink(r);
	send_error(r->conn, r->tag, err);
	free(r);
}

/* ---- message handlers ----------------------------------------------------- */

/*
 * A name argument into dst[P9_NAME_MAX + 1].  Returns 0, or -1 with *err
 * set if it is the first problem of the message: EPROTO if it runs past
 * the message or holds a NUL, ENAMETOOLONG, EINVAL if it holds a '/'.
 */
static int get_name(struct p9_buf *in, char *dst, int *err)
{
	uint16_t n;
	const char *p = p9_getstr(in, &n);
	int e = 0;

	dst[0] = '\0';
	if (!p || memchr(p, '\0', n))
		e = EPROTO;
	else if (n > P9_NAME_MAX)
		e = ENAMETOOLONG;
	else if (memchr(p, '/', n))
		e = EINVAL;
	if (e) {
		if (!*err)
			*err = e;
		return -1;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static void t_version(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	uint32_t msize = p9_get32(in);
	char ver[32];
	struct p9_buf b;
	uint8_t mem[64];

	if (p9_getstr_copy(in, ver, sizeof(ver)) < 0 || in->err) {
		send_error(c, tag, EPROTO);
		return;
	}
	/* A new version aborts everything outstanding and clunks every fid. */
	cancel_pending(c, NULL, 0);
	while (c->nfids)
		fid_free(c, c->fids[0]);
	if (msize > P9_MSIZE_MAX)
		msize = P9_MSIZE_MAX;
	if (msize < P9_MSIZE_MIN) {
		send_error(c, tag, EINVAL);
		return;
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RVERSION, tag);
	p9_put32(&b, msize);
	if (strncmp(ver, "9P2000.L", 8) == 0) {
		p9_putstr(&b, P9_VERSION);
		c->msize = msize;
		c->versioned = 1;
	} else {
		p9_putstr(&b, "unknown");
	}
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_attach(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), afid = p9_get32(in), uid;
	char uname[256], aname[256];
	struct p9_qid q;
	struct p9_fid *f;
	struct p9_buf b;
	uint8_t mem[32];
	int r, e;

	p9_getstr_copy(in, uname, sizeof(uname));
	p9_getstr_copy(in, aname, sizeof(aname));
	uid = p9_get32(in);
	if (in->err) {
		send_error(c, tag, EPROTO);
		return;
	}
	if (afid != P9_NOFID) {
		send_error(c, tag, EBADF);
		return;
	}
	f = fid_new(c, fid, &e);
	if (!f) {
		send_error(c, tag, e);
		return;
	}
	r = s->ops->attach(s->fs, aname, uid, &f->node, &q);
	if (r) {
		fid_free(c, f);
		send_error(c, tag, -r);
		return;
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RATTACH, tag);
	p9_putqid(&b, &q);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_walk(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), newfid = p9_get32(in);
	uint16_t nw = p9_get16(in);
	char names[P9_MAXWELEM][P9_NAME_MAX + 1];
	struct p9_qid qids[P9_MAXWELEM];
	struct p9_fid *f, *nf;
	void *node;
	uint16_t i;
	struct p9_buf b;
	uint8_t mem[P9_HDR + 2 + 13 * P9_MAXWELEM];
	int e = 0;

	if (in->err || nw > P9_MAXWELEM) {
		send_error(c, tag, in->err ? EPROTO : EINVAL);
		return;
	}
	for (i = 0; i < nw; i++)
		if (get_name(in, names[i], &e)) {
			send_error(c, tag, e);
			return;
		}
	f = fid_find(c, fid);
	if (!f) {
		send_error(c, tag, EBADF);
		return;
	}
	/* An opened fid may be walked from (diod's clients do), not changed. */
	if (f->opened && newfid == fid) {
		send_error(c, tag, EBUSY);
		return;
	}
	if (newfid == P9_NOFID) {
		send_error(c, tag, EBADF);
		return;
	}
	if (newfid != fid && fid_find(c, newfid)) {
		send_error(c, tag, EEXIST);
		return;
	}
	if (newfid != fid && c->nfids >= P9_MAXFIDS) {
		send_error(c, tag, EMFILE);
		return;
	}
	/*
	 * Each step's node is a new reference (if the file system counts
	 * them); the ones in between are dropped as the walk goes on.
	 */
	node = f->node;
	for (i = 0; i < nw; i++) {
		void *next;
		int r = s->ops->walk(s->fs, node, names[i], &next, &qids[i]);

		if (r) {
			if (node != f->node)
				node_put(s, node);
			if (i == 0) {
				send_error(c, tag, -r);
				return;
			}
			break; /* a partial walk answers with the qids it got */
		}
		if (node != f->node)
			node_put(s, node);
		node = next;
	}
	if (i == nw) {
		nf = newfid == fid ? f : fid_new(c, newfid, &e);
		if (!nf) {
			if (nw)
				node_put(s, node);
			send_error(c, tag, e);
			return;
		}
		if (!nw && nf != f)
			node_hold(s, node);
		if (nw && nf == f)
			node_put(s, f->node);
		nf->node = node;
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RWALK, tag);
	p9_put16(&b, i);
	for (uint16_t k = 0; k < i; k++)
		p9_putqid(&b, &qids[k]);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

/* The fid a message names, if it decoded and exists; NULL once answered. */
static struct p9_fid *fid_arg(struct p9_conn *c, struct p9_buf *in, uint16_t tag,
			      uint32_t fid)
{
	struct p9_fid *f;

	if (in->err) {
		send_error(c, tag, EPROTO);
		return NULL;
	}
	f = fid_find(c, fid);
	if (!f)
		send_error(c, tag, EBADF);
	return f;
}

static void t_lopen(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), flags = p9_get32(in);
	struct p9_fid *f;
	struct p9_qid q;
	struct p9_buf b;
	uint8_t mem[32];
	int r;

	f = fid_arg(c, in, tag, fid);
	if (!f)
		return;
	if (f->opened) {
		send_error(c, tag, EBUSY);
		return;
	}
	r = s->ops->open(s->fs, f, flags, &q);
	if (r) {
		send_error(c, tag, -r);
		return;
	}
	f->opened = 1;
	f->flags = flags;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RLOPEN, tag);
	p9_putqid(&b, &q);
	p9_put32(&b, c->msize - P9_IOHDR);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static struct p9_req *req_new(struct p9_conn *c, uint16_t tag, uint8_t type,
			      struct p9_fid *f, uint32_t count)
{
	struct p9_req *r;

	if (c->npending >= P9_MAXPENDING)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	c->npending++;
	r->conn = c;
	r->tag = tag;
	r->type = type;
	r->fid = f;
	r->count = count;
	r->next = c->pending;
	c->pending = r;
	return r;
}

/*
 * Checks an I/O request: fid opened for the direction, count and offset
 * sane.  writing < 0: a Treaddir whose offset is the file system's own
 * cookie (readdir_fid), any 64-bit value.
 */
static struct p9_fid *io_fid(struct p9_conn *c, uint16_t tag, uint32_t fid,
			     uint64_t off, uint32_t *count, int writing)
{
	struct p9_fid *f = fid_find(c, fid);
	int cookie = writing < 0;
	uint32_t acc;
	uint64_t end;

	if (cookie)
		writing = 0;
	if (!f) {
		send_error(c, tag, EBADF);
		return NULL;
	}
	acc = f->flags & 3;
	if (!f->opened || (writing && acc == P9_ORDONLY) ||
	    (!writing && acc == P9_OWRONLY)) {
		send_error(c, tag, EBADF);
		return NULL;
	}
	if (!cookie && (__builtin_add_overflow(off, (uint64_t)*count, &end) ||
			end > (uint64_t)INT64_MAX)) {
		send_error(c, tag, EINVAL);
		return NULL;
	}
	/*
	 * Reads are clamped to the iounit Rlopen advertised; a write may fill
	 * its message (23 bytes of header).
	 */
	if (c->ool) {
		if (*count > c->ool_len)
			*count = c->ool_len;
		if (*count > P9_OOL_MAX)
			*count = P9_OOL_MAX;
	} else if (*count > c->msize - (writing ? 23u : P9_IOHDR)) {
		*count = c->msize - (writing ? 23u : P9_IOHDR);
	}
	return f;
}

/* Decodes fid[4] offset[8] count[4] of Tread and Treaddir; NULL once answered. */
static struct p9_fid *read_args(struct p9_conn *c, struct p9_buf *in, uint16_t tag,
				uint64_t *off, uint32_t *count, int cookie)
{
	uint32_t fid = p9_get32(in);

	*off = p9_get64(in);
	*count = p9_get32(in);
	if (in->err) {
		send_error(c, tag, EPROTO);
		return NULL;
	}
	return io_fid(c, tag, fid, *off, count, cookie ? -1 : 0);
}

static void t_read(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint64_t off;
	uint32_t count;
	struct p9_fid *f;
	struct p9_req *r;
	int rc;

	f = read_args(c, in, tag, &off, &count, 0);
	if (!f)
		return;
	r = req_new(c, tag, P9_TREAD, f, count);
	if (!r) {
		send_error(c, tag, c->npending >= P9_MAXPENDING ? EAGAIN : ENOMEM);
		return;
	}
	r->dest = c->ool;
	rc = s->ops->read(s->fs, r, f, off, count);
	if (rc < 0)
		p9_reply_error(r, -rc);
}

static void t_write(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in);
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in), want = count;
	const uint8_t *data = c->ool ? c->ool : p9_getbytes(in, count);
	struct p9_fid *f;
	struct p9_req *r;
	int rc;

	if (in->err || !data || (c->ool && count > c->ool_len)) {
		send_error(c, tag, EPROTO);
		return;
	}
	f = io_fid(c, tag, fid, off, &count, 1);
	if (!f)
		return;
	/* By reference a write may be cut short, as a pipe's is; inline it is whole. */
	if (count != want && !c->ool) {
		send_error(c, tag, EMSGSIZE);
		return;
	}
	r = req_new(c, tag, P9_TWRITE, f, count);
	if (!r) {
		send_error(c, tag, c->npending >= P9_MAXPENDING ? EAGAIN : ENOMEM);
		return;
	}
	rc = s->ops->write(s->fs, r, f, off, data, count);
	if (rc < 0)
		p9_reply_error(r, -rc);
}

static void t_clunk(struct p9_conn *c, struct p9_buf *in, uint16_t tag, int remove)
{
	struct p9_fid *f = fid_arg(c, in, tag, p9_get32(in));
	int r = -EPERM; /* nothing in a synthetic tree can be removed */

	if (!f)
		return;
	if (remove && c->srv->ops->remove)
		r = c->srv->ops->remove(c->srv->fs, f->node);
	fid_free(c, f); /* the fid goes whatever remove said */
	if (remove)
		reply_rc(c, P9_RREMOVE, tag, r);
	else
		send_empty(c, P9_RCLUNK, tag);
}

static void t_getattr(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in);
	struct p9_attr a;
	struct p9_fid *f;
	struct p9_buf b;
	uint8_t mem[256];
	int r;

	(void)p9_get64(in); /* request mask: we always answer the basics */
	f = fid_arg(c, in, tag, fid);
	if (!f)
		return;
	memset(&a, 0, sizeof(a));
	r = s->ops->getattr(s->fs, f->node, &a);
	if (r) {
		send_error(c, tag, -r);
		return;
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RGETATTR, tag);
	p9_put64(&b, a.valid ? a.valid : P9_GETATTR_BASIC);
	p9_putqid(&b, &a.qid);
	p9_put32(&b, a.mode);
	p9_put32(&b, a.uid);
	p9_put32(&b, a.gid);
	p9_put64(&b, a.nlink);
	p9_put64(&b, a.rdev);
	p9_put64(&b, a.size);
	p9_put64(&b, a.blksize ? a.blksize : 4096);
	p9_put64(&b, a.blocks);
	p9_put64(&b, a.atime_sec);
	p9_put64(&b, a.atime_nsec);
	p9_put64(&b, a.mtime_sec);
	p9_put64(&b, a.mtime_nsec);
	p9_put64(&b, a.ctime_sec);
	p9_put64(&b, a.ctime_nsec);
	for (int i = 0; i < 4; i++)
		p9_put64(&b, 0); /* btime, gen, data_version */
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_readdir(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint64_t off;
	uint32_t count;
	struct p9_fid *f;
	struct p9_buf b, ents;
	uint8_t *mem;
	int r;

	f = read_args(c, in, tag, &off, &count, s->ops->readdir_fid != NULL);
	if (!f)
		return;
	mem = reply_buf(c, &b, P9_RREADDIR, tag);
	if (!mem) {
		send_error(c, tag, ENOMEM);
		return;
	}
	p9_put32(&b, 0);
	p9_buf_init(&ents, b.data + b.pos, count);
	if (s->ops->readdir_fid)
		r = s->ops->readdir_fid(s->fs, f, off, &ents);
	else
		r = s->ops->readdir(s->fs, f->node, off, &ents);
	if (r) {
		send_error(c, tag, -r);
	} else {
		b.pos += ents.pos;
		b.data[P9_HDR + 0] = (uint8_t)ents.pos;
		b.data[P9_HDR + 1] = (uint8_t)(ents.pos >> 8);
		b.data[P9_HDR + 2] = (uint8_t)(ents.pos >> 16);
		b.data[P9_HDR + 3] = (uint8_t)(ents.pos >> 24);
		send_buf(c, &b);
	}
	free(mem);
}

static void t_statfs(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in);
	struct p9_statfs st = { .type = 0x01021997, .bsize = 4096, .namelen = 255 };
	struct p9_fid *f;
	struct p9_buf b;
	uint8_t mem[80];

	if (in->err || !(f = fid_find(c, fid))) {
		send_error(c, tag, in->err ? EPROTO : EBADF);
		return;
	}
	/* Without an op: V9FS_MAGIC, and nothing used or free. */
	if (s->ops->statfs) {
		int r = s->ops->statfs(s->fs, f->node, &st);

		if (r) {
			send_error(c, tag, -r);
			return;
		}
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RSTATFS, tag);
	p9_put32(&b, st.type);
	p9_put32(&b, st.bsize);
	p9_put64(&b, st.blocks);
	p9_put64(&b, st.bfree);
	p9_put64(&b, st.bavail);
	p9_put64(&b, st.files);
	p9_put64(&b, st.ffree);
	p9_put64(&b, st.fsid);
	p9_put32(&b, st.namelen);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}


/* ---- requests that change a file system (optional ops) ------------------- */

/* The answer for a decoded message: EPROTO first, then the first bad field. */
static int args_err(const struct p9_buf *in, int e)
{
	return in->err ? EPROTO : e;
}

/* Looks fid up; 0, or EBADF in *e if this is the message's first problem. */
static struct p9_fid *fid_need(struct p9_conn *c, uint32_t fid, int *e)
{
	struct p9_fid *f = fid_find(c, fid);

	if (!f && !*e)
		*e = EBADF;
	return f;
}

static void reply_qid(struct p9_conn *c, uint8_t type, uint16_t tag,
		      const struct p9_qid *q)
{
	uint8_t mem[32];
	struct p9_buf b;

	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, type, tag);
	p9_putqid(&b, q);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_lcreate(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), flags, mode, gid;
	char name[P9_NAME_MAX + 1];
	struct p9_fid *f = NULL;
	struct p9_qid q;
	struct p9_buf b;
	uint8_t mem[32];
	void *node;
	int e = 0, r;

	if (!s->ops->lcreate) {
		send_error(c, tag, EPERM); /* a fixed tree has a fixed shape */
		return;
	}
	get_name(in, name, &e);
	flags = p9_get32(in);
	mode = p9_get32(in);
	gid = p9_get32(in);
	e = args_err(in, e);
	if (!e)
		f = fid_need(c, fid, &e);
	if (f && f->opened)
		e = EBUSY;
	if (e) {
		send_error(c, tag, e);
		return;
	}
	r = s->ops->lcreate(s->fs, f, name, flags, mode, gid, &node, &q);
	if (r) {
		send_error(c, tag, -r);
		return;
	}
	node_put(s, f->node);
	f->node = node;
	f->opened = 1;
	f->flags = flags;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RLCREATE, tag);
	p9_putqid(&b, &q);
	p9_put32(&b, c->msize - P9_IOHDR);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_mkdir(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t dfid = p9_get32(in), mode, gid;
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = NULL;
	struct p9_qid q;
	int e = 0, r;

	get_name(in, name, &e);
	mode = p9_get32(in);
	gid = p9_get32(in);
	e = args_err(in, e);
	if (!e)
		d = fid_need(c, dfid, &e);
	if (e) {
		send_error(c, tag, e);
		return;
	}
	r = s->ops->mkdir(s->fs, d->node, name, mode, gid, &q);
	if (r)
		send_error(c, tag, -r);
	else
		reply_qid(c, P9_RMKDIR, tag, &q);
}

static void t_symlink(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t dfid = p9_get32(in), gid;
	char name[P9_NAME_MAX + 1], target[P9_PATH_MAX];
	const char *t;
	uint16_t n;
	struct p9_fid *d = NULL;
	struct p9_qid q;
	int e = 0, r;

	get_name(in, name, &e);
	t = p9_getstr(in, &n);
	gid = p9_get32(in);
	if (t && !memchr(t, '\0', n) && n < sizeof(target)) {
		memcpy(target, t, n);
		target[n] = '\0';
	} else if (!e) {
		e = !t || memchr(t, '\0', n) ? EPROTO : ENAMETOOLONG;
	}
	e = args_err(in, e);
	if (!e)
		d = fid_need(c, dfid, &e);
	if (e) {
		send_error(c, tag, e);
		return;
	}
	r = s->ops->symlink(s->fs, d->node, name, target, gid, &q);
	if (r)
		send_error(c, tag, -r);
	else
		reply_qid(c, P9_RSYMLINK, tag, &q);
}

static void t_mknod(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t dfid = p9_get32(in), mode, major, minor, gid;
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = NULL;
	struct p9_qid q;
	int e = 0, r;

	get_name(in, name, &e);
	mode = p9_get32(in);
	major = p9_get32(in);
	minor = p9_get32(in);
	gid = p9_get32(in);
	e = args_err(in, e);
	if (!e)
		d = fid_need(c, dfid, &e);
	if (e) {
		send_error(c, tag, e);
		return;
	}
	r = s->ops->mknod(s->fs, d->node, name, mode, major, minor, gid, &q);
	if (r)
		send_error(c, tag, -r);
	else
		reply_qid(c, P9_RMKNOD, tag, &q);
}

static void t_link(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t dfid = p9_get32(in), fid = p9_get32(in);
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = NULL, *f = NULL;
	int e = 0;

	get_name(in, name, &e);
	e = args_err(in, e);
	if (!e) {
		d = fid_need(c, dfid, &e);
		f = fid_need(c, fid, &e);
	}
	if (e)
		send_error(c, tag, e);
	else
		reply_rc(c, P9_RLINK, tag, s->ops->link(s->fs, d->node, f->node, name));
}

static void t_unlinkat(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t dfid = p9_get32(in), flags;
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = NULL;
	int e = 0;

	get_name(in, name, &e);
	flags = p9_get32(in);
	e = args_err(in, e);
	if (!e)
		d = fid_need(c, dfid, &e);
	if (e)
		send_error(c, tag, e);
	else
		reply_rc(c, P9_RUNLINKAT, tag, s->ops->unlinkat(s->fs, d->node, name, flags));
}

static void t_renameat(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t ofid = p9_get32(in), nfid;
	char oname[P9_NAME_MAX + 1], nname[P9_NAME_MAX + 1];
	struct p9_fid *od = NULL, *nd = NULL;
	int e = 0;

	get_name(in, oname, &e);
	nfid = p9_get32(in);
	get_name(in, nname, &e);
	e = args_err(in, e);
	if (!e) {
		od = fid_need(c, ofid, &e);
		nd = fid_need(c, nfid, &e);
	}
	if (e)
		send_error(c, tag, e);
	else
		reply_rc(c, P9_RRENAMEAT, tag,
			 s->ops->renameat(s->fs, od->node, oname, nd->node, nname));
}

static void t_rename(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), dfid = p9_get32(in);
	char name[P9_NAME_MAX + 1];
	struct p9_fid *f = NULL, *d = NULL;
	int e = 0;

	get_name(in, name, &e);
	e = args_err(in, e);
	if (!e) {
		f = fid_need(c, fid, &e);
		d = fid_need(c, dfid, &e);
	}
	if (e)
		send_error(c, tag, e);
	else
		reply_rc(c, P9_RRENAME, tag, s->ops->rename(s->fs, f->node, d->node, name));
}

static void t_readlink(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	char target[P9_PATH_MAX];
	struct p9_fid *f = fid_arg(c, in, tag, p9_get32(in));
	struct p9_buf b;
	uint8_t mem[P9_HDR + 2 + P9_PATH_MAX];
	int r;

	if (!f)
		return;
	r = s->ops->readlink(s->fs, f->node, target, sizeof(target));
	if (r < 0) {
		send_error(c, tag, -r);
		return;
	}
	p9_buf_init(&b, mem, sizeof(mem));
	p9_msg_begin(&b, P9_RREADLINK, tag);
	p9_putstrn(&b, target, (size_t)r);
	p9_msg_end(&b);
	queue(c, mem, b.pos);
}

static void t_setattr(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in);
	struct p9_setattr sa;
	struct p9_fid *f;

	sa.valid = p9_get32(in);
	sa.mode = p9_get32(in);
	sa.uid = p9_get32(in);
	sa.gid = p9_get32(in);
	sa.size = p9_get64(in);
	sa.atime_sec = p9_get64(in);
	sa.atime_nsec = p9_get64(in);
	sa.mtime_sec = p9_get64(in);
	sa.mtime_nsec = p9_get64(in);
	f = fid_arg(c, in, tag, fid);
	if (f)
		reply_rc(c, P9_RSETATTR, tag, s->ops->setattr(s->fs, f, &sa));
}

static void t_fsync(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	struct p9_srv *s = c->srv;
	uint32_t fid = p9_get32(in), datasync = 0;
	struct p9_fid *f;

	if (!s->ops->fsync) {
		send_empty(c, P9_RFSYNC, tag); /* nothing is ever unwritten */
		return;
	}
	/* Older clients send no datasync field. */
	if (in->size - in->pos >= 4)
		datasync = p9_get32(in);
	f = fid_arg(c, in, tag, fid);
	if (f)
		reply_rc(c, P9_RFSYNC, tag, s->ops->fsync(s->fs, f, datasync != 0));
}

static void t_flush(struct p9_conn *c, struct p9_buf *in, uint16_t tag)
{
	uint16_t old = p9_get16(in);
	struct p9_req **pp = &c->pending;

	if (in->err) {
		send_error(c, tag, EPROTO);
		return;
	}
	while (*pp && (*pp)->tag != old)
		pp = &(*pp)->next;
	if (*pp) {
		struct p9_req *r = *pp;

		*pp = r->next;
		c->npending--;
		if (c->srv->ops->cancel)
			c->srv->ops->cancel(c->srv->fs, r);
		free(r); /* a flushed request gets no reply of its own */
	}
	send_empty(c, P9_RFLUSH, tag);
}

static void dispatch(struct p9_conn *c, uint8_t *msg, uint32_t size)
{
	struct p9_buf in;
	uint8_t type;
	uint16_t tag;

	p9_buf_init(&in, msg, size);
	(void)p9_get32(&in);
	type = p9_get8(&in);
	tag = p9_get16(&in);
	if (type != P9_TVERSION && !c->versioned) {
		send_error(c, tag, EPROTO);
		return;
	}
/* A request for an optional op: EOPNOTSUPP, undecoded, without it. */
#define OPT(op, handler) \
	(c->srv->ops->op ? handler(c, &in, tag) : send_error(c, tag, EOPNOTSUPP))

	switch (type) {
	case P9_TVERSION: t_version(c, &in, tag); break;
	case P9_TAUTH: send_error(c, tag, ENOENT); break; /* "authentication not required" */
	case P9_TATTACH: t_attach(c, &in, tag); break;
	case P9_TWALK: t_walk(c, &in, tag); break;
	case P9_TLOPEN: t_lopen(c, &in, tag); break;
	case P9_TREAD: t_read(c, &in, tag); break;
	case P9_TWRITE: t_write(c, &in, tag); break;
	case P9_TCLUNK: t_clunk(c, &in, tag, 0); break;
	case P9_TREMOVE: t_clunk(c, &in, tag, 1); break;
	case P9_TGETATTR: t_getattr(c, &in, tag); break;
	case P9_TREADDIR: t_readdir(c, &in, tag); break;
	case P9_TSTATFS: t_statfs(c, &in, tag); break;
	case P9_TFLUSH: t_flush(c, &in, tag); break;
	case P9_TFSYNC: t_fsync(c, &in, tag); break;
	case P9_TLCREATE: t_lcreate(c, &in, tag); break;
	case P9_TMKDIR: OPT(mkdir, t_mkdir); break;
	case P9_TSYMLINK: OPT(symlink, t_symlink); break;
	case P9_TMKNOD: OPT(mknod, t_mknod); break;
	case P9_TLINK: OPT(link, t_link); break;
	case P9_TUNLINKAT: OPT(unlinkat, t_unlinkat); break;
	case P9_TRENAMEAT: OPT(renameat, t_renameat); break;
	case P9_TRENAME: OPT(rename, t_rename); break;
	case P9_TREADLINK: OPT(readlink, t_readlink); break;
	case P9_TSETATTR: OPT(setattr, t_setattr); break;
	case P9_TXATTRWALK:
	case P9_TXATTRCREATE:
		send_error(c, tag, ENOTSUP); /* no extended attributes, ever */
		break;
	default:
		send_error(c, tag, EOPNOTSUPP);
		break;
	}
}

/* ---- connections ----------------------------------------------------------- */

/* A new connection in s's table, not yet bound to a transport; NULL if out of memory. */
static struct p9_conn *conn_new(struct p9_srv *s)
{
	struct p9_conn *c;

	if (s->nconns == s->capconns) {
		int cap = s->capconns ? s->capconns * 2 : 8;
		struct p9_conn **p = realloc(s->conns, (size_t)cap * sizeof(*p));

		if (!p)
			return NULL;
		s->conns = p;
		s->capconns = cap;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->in = malloc(P9_MSIZE_MAX);
	if (!c || !c->in) {
		free(c);
		return NULL;
	}
	c->fd = -1;
	c->srv = s;
	c->msize = P9_MSIZE_DEFAULT; /* until Tversion says otherwise */
	s->conns[s->nconns++] = c;
	return c;
}

int p9_srv_add_conn(struct p9_srv *s, int fd)
{
	struct p9_conn *c = conn_new(s);

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->fd = fd;
	return 0;
}

int p9_srv_nconns(const struct p9_srv *s)
{
	return s->nconns;
}

/* Ends a connection's session as a hang-up does: requests dropped, fids clunked. */
static void conn_release(struct p9_conn *c)
{
	cancel_pending(c, NULL, 0);
	while (c->nfids)
		fid_free(c, c->fids[0]);
}

static void conn_free(struct p9_conn *c)
{
	conn_release(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c->fids);
	free(c->in);
	free(c->out);
	free(c);
}

/* The largest message the client may send now. */
static uint32_t conn_limit(const struct p9_conn *c)
{
	return c->versioned ? c->msize : P9_MSIZE_DEFAULT;
}

/* What is wrong with a message of size bytes by its header: 0, EPROTO or EMSGSIZE. */
static int frame_err(uint32_t size, uint32_t limit)
{
	return size < P9_HDR ? EPROTO : size > limit ? EMSGSIZE : 0;
}

/*
 * Refuses a message the connection cannot go on from: answers Rlerror(err)
 * on its tag (P9_NOTAG if it is too short to have one), then ends it.
 */
static void conn_refuse(struct p9_conn *c, const uint8_t *m, uint32_t have, int err)
{
	uint16_t tag = have >= P9_HDR ? (uint16_t)(m[5] | m[6] << 8) : P9_NOTAG;

	send_error(c, tag, err);
	flush_conn(c);
	c->dead = 1;
}

/* Reads what is there and handles every complete message. */
static void conn_input(struct p9_conn *c)
{
	for (;;) {
		uint32_t limit = conn_limit(c);
		ssize_t n = recv(c->fd, c->in + c->inlen, limit - c->inlen, 0);
		uint32_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->dead = 1; /* hang-up or error: drop everything it had */
			return;
		}
		c->inlen += (uint32_t)n;
		while (c->inlen - off >= 4) {
			uint8_t *m = c->in + off;
			uint32_t size = get_le32(m);
			int err = frame_err(size, limit);

			if (err) {
				/* Cannot resynchronise: answer, then hang up. */
				conn_refuse(c, m, c->inlen - off, err);
				return;
			}
			if (c->inlen - off < size)
				break;
			dispatch(c, m, size);
			off += size;
			if (c->dead)
				return;
			/* Tversion may have shrunk the limit. */
			limit = conn_limit(c);
		}
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

int p9_srv_pollfds(struct p9_srv *s, struct pollfd *fds, int max)
{
	int n = 0;

	for (int i = 0; i < s->nconns && n < max; i++) {
		if (s->conns[i]->mops)
			continue;
		fds[n].fd = s->conns[i]->fd;
		fds[n].events = POLLIN | (s->conns[i]->outlen ? POLLOUT : 0);
		fds[n].revents = 0;
		n++;
	}
	return n;
}

/*
 * Frees the dead socket connections.  A dead message connection only loses
 * its session: its transport holds it until p9_srv_msg_close().
 */
static void reap(struct p9_srv *s)
{
	for (int i = 0; i < s->nconns;) {
		if (s->conns[i]->dead && s->conns[i]->mops) {
			conn_release(s->conns[i]);
			i++;
		} else if (s->conns[i]->dead) {
			conn_free(s->conns[i]);
			s->conns[i] = s->conns[--s->nconns];
		} else {
			i++;
		}
	}
}

void p9_srv_service(struct p9_srv *s, const struct pollfd *fds, int n)
{
	for (int k = 0; k < n; k++) {
		struct p9_conn *c = NULL;

		for (int i = 0; i < s->nconns; i++)
			if (!s->conns[i]->mops && s->conns[i]->fd == fds[k].fd)
				c = s->conns[i];
		if (!c || !fds[k].revents)
			continue;
		if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
			conn_input(c);
		flush_conn(c);
	}
	reap(s);
}

void p9_srv_flush_output(struct p9_srv *s)
{
	for (int i = 0; i < s->nconns; i++)
		flush_conn(s->conns[i]);
	reap(s);
}

/* ---- the message transport ---------------------------------------------- */

int p9_srv_add_msgconn(struct p9_srv *s, const struct p9_msg_ops *ops, void *arg,
		       struct p9_conn **out)
{
	struct p9_conn *c;

	if (!ops || !ops->send)
		return -EINVAL;
	c = conn_new(s);
	if (!c)
		return -ENOMEM;
	c->mops = ops;
	c->marg = arg;
	*out = c;
	return 0;
}

/* The connection has ended: its session goes now, the struct at p9_srv_msg_close(). */
static int msg_ended(struct p9_conn *c, int err)
{
	conn_release(c);
	return -err;
}

int p9_srv_msg_in(struct p9_conn *c, const uint8_t *msg, uint32_t len)
{
	return p9_srv_msg_in_ool(c, msg, len, NULL, 0);
}

int p9_srv_msg_in_ool(struct p9_conn *c, const uint8_t *msg, uint32_t len, void *buf,
		      uint32_t buflen)
{
	uint32_t limit = conn_limit(c), size;
	int err;

	if (c->dead)
		return msg_ended(c, EPIPE);
	/* Nothing new is taken while a reply waits: that bounds the queue. */
	flush_msgs(c);
	if (c->dead)
		return msg_ended(c, EPIPE);
	if (c->outlen)
		return -EAGAIN;
	if (len < 4 || len > limit) {
		err = len < 4 ? EPROTO : EMSGSIZE;
		conn_refuse(c, msg, len, err);
		return msg_ended(c, err);
	}
	/* A copy: the client may still write where msg lies (shared memory). */
	memcpy(c->in, msg, len);
	size = get_le32(c->in);
	err = frame_err(size, limit);
	if (!err && size != len)
		err = EPROTO;
	if (err) {
		conn_refuse(c, c->in, len, err);
		return msg_ended(c, err);
	}
	if (buf && c->in[4] != P9_TREAD && c->in[4] != P9_TWRITE) {
		/* Only reads and writes go by reference. */
		send_error(c, (uint16_t)(c->in[5] | c->in[6] << 8), EPROTO);
		return 0;
	}
	c->ool = buf;
	c->ool_len = buflen;
	dispatch(c, c->in, size);
	c->ool = NULL;
	c->ool_len = 0;
	if (c->dead)
		return msg_ended(c, EPIPE);
	return 0;
}

int p9_srv_msg_room(struct p9_conn *c)
{
	if (c->dead)
		return msg_ended(c, EPIPE);
	flush_msgs(c);
	if (c->dead)
		return msg_ended(c, EPIPE);
	return 0;
}

int p9_srv_msg_waiting(const struct p9_conn *c)
{
	return c->outlen != 0;
}

void p9_srv_msg_close(struct p9_conn *c)
{
	struct p9_srv *s = c->srv;

	for (int i = 0; i < s->nconns; i++)
		if (s->conns[i] == c) {
			s->conns[i] = s->conns[--s->nconns];
			break;
		}
	conn_free(c);
}

void p9_srv_free(struct p9_srv *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nconns; i++)
		conn_free(s->conns[i]);
	free(s->conns);
	free(s);
}
