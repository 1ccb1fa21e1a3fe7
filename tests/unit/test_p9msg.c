/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the server core's message transport (p9_srv_add_msgconn):
 * what a ring between a partition and its monitor will carry, driven here
 * by a fake transport that records every R-message and can say "no room".
 * Served: the fake file system of test_p9.c, and p9/hostfs.c on a
 * temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../p9/hostfs.h"
#include "../../p9/p9.h"
#include "../../p9/server.h"
#include "p9_fake.h"

/* ---- a fake transport ------------------------------------------------------- */

struct xport {
	int room;      /* messages it takes before -EAGAIN; -1: no limit */
	int fail;      /* if not 0, what send returns */
	int eagains;   /* -EAGAIN answers given */
	int torn;      /* messages whose size field was not their length */
	uint8_t *q;    /* every R-message sent, one after another */
	size_t qlen, qcap, rpos;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int x_send(void *arg, const uint8_t *msg, uint32_t len)
{
	struct xport *x = arg;

	if (x->fail)
		return x->fail;
	if (x->room == 0) {
		x->eagains++;
		return -EAGAIN;
	}
	if (len < P9_HDR || le32(msg) != len)
		x->torn++;
	if (x->qlen + len > x->qcap) {
		size_t cap = x->qcap ? x->qcap : 4096;
		uint8_t *p;

		while (cap < x->qlen + len)
			cap *= 2;
		p = realloc(x->q, cap);
		if (!p)
			return -ENOMEM;
		x->q = p;
		x->qcap = cap;
	}
	memcpy(x->q + x->qlen, msg, len);
	x->qlen += len;
	if (x->room > 0)
		x->room--;
	return 0;
}

static const struct p9_msg_ops x_ops = { .send = x_send };

/* ---- driving a connection ---------------------------------------------------- */

#define NCONN 2

struct t {
	struct fakefs fs;
	struct p9_hostfs *hfs;
	char dir[64];
	struct p9_srv *srv;
	struct p9_conn *conn[NCONN];
	struct xport x[NCONN];
	int cur; /* the connection requests go to */
	unsigned base_fds; /* descriptors a share holds with no fid */
};

#define C(t) ((t)->conn[(t)->cur])
#define X(t) (&(t)->x[(t)->cur])
#define FID_ROOT 1u

static int add_conns(struct t *t)
{
	for (int i = 0; i < NCONN; i++) {
		t->x[i].room = -1;
		if (p9_srv_add_msgconn(t->srv, &x_ops, &t->x[i], &t->conn[i]))
			return -1;
	}
	return 0;
}

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t || p9_srv_new(&t->fs, &fake_ops, &t->srv) || add_conns(t))
		return -1;
	*state = t;
	return 0;
}

static int teardown_common(struct t *t)
{
	int ok = 1;

	p9_srv_free(t->srv); /* closes the connections still open */
	for (int i = 0; i < NCONN; i++) {
		if (t->x[i].torn)
			ok = 0;
		free(t->x[i].q);
	}
	if (!ok)
		print_error("a message left the server torn\n");
	return ok;
}

static int teardown(void **state)
{
	struct t *t = *state;
	int ok = teardown_common(t);

	if (t->fs.npending || t->fs.stray_cancels)
		ok = 0;
	if (t->fs.npending || t->fs.stray_cancels)
		print_error("after p9_srv_free: %d deferred requests never cancelled, "
			    "%d stray cancels\n", t->fs.npending, t->fs.stray_cancels);
	free(t);
	return ok ? 0 : -1;
}

/* Marks connection i closed by the test itself (p9_srv_free must not see it). */
static void close_conn(struct t *t, int i)
{
	p9_srv_msg_close(t->conn[i]);
	t->conn[i] = NULL;
}

struct tmsg {
	struct p9_buf b;
	uint8_t mem[8192];
};

static struct p9_buf *tm(struct tmsg *m, uint8_t type, uint16_t tag)
{
	p9_buf_init(&m->b, m->mem, sizeof(m->mem));
	p9_msg_begin(&m->b, type, tag);
	return &m->b;
}

/* Hands the message (its size filled in) to the server; returns what msg_in did. */
static int tsend_rc(struct t *t, struct tmsg *m)
{
	p9_msg_end(&m->b);
	assert_false(m->b.err);
	return p9_srv_msg_in(C(t), m->mem, m->b.pos);
}

static void tsend(struct t *t, struct tmsg *m)
{
	assert_int_equal(tsend_rc(t, m), 0);
}

struct rmsg {
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	struct p9_buf b; /* positioned after the header */
};

/* The next R-message the transport took; fails if there is none. */
static void get_reply(struct t *t, struct rmsg *r)
{
	struct xport *x = X(t);
	uint8_t *m = x->q + x->rpos;

	if (x->qlen - x->rpos < P9_HDR)
		fail_msg("no reply from the server");
	r->size = le32(m);
	assert_true(r->size >= P9_HDR && r->size <= x->qlen - x->rpos);
	x->rpos += r->size;
	p9_buf_init(&r->b, m, r->size);
	(void)p9_get32(&r->b);
	r->type = p9_get8(&r->b);
	r->tag = p9_get16(&r->b);
}

static void expect(struct t *t, struct rmsg *r, uint8_t type, uint16_t tag)
{
	get_reply(t, r);
	if (r->type == P9_RLERROR && type != P9_RLERROR) {
		uint32_t e = p9_get32(&r->b);

		fail_msg("tag %u: wanted R-message %u, got Rlerror %u (%s)",
			 tag, type, e, strerror((int)e));
	}
	if (r->type != type || r->tag != tag)
		fail_msg("wanted R-message %u on tag %u, got %u on tag %u",
			 type, tag, r->type, r->tag);
}

static void expect_error(struct t *t, uint16_t tag, int err)
{
	struct rmsg r;

	get_reply(t, &r);
	if (r.type != P9_RLERROR)
		fail_msg("tag %u: wanted Rlerror %d, got R-message %u on tag %u",
			 tag, err, r.type, r.tag);
	assert_int_equal(r.tag, tag);
	assert_int_equal(r.size, 11);
	assert_int_equal(p9_get32(&r.b), (uint32_t)err);
}

static void expect_no_reply(struct t *t)
{
	if (X(t)->qlen != X(t)->rpos) {
		struct rmsg r;

		get_reply(t, &r);
		fail_msg("an unexpected reply: R-message %u on tag %u", r.type, r.tag);
	}
}

/* ---- requests ------------------------------------------------------------------ */

static void start_as(struct t *t, uint32_t msize, const char *aname)
{
	struct tmsg m;
	struct rmsg r;
	struct p9_buf *b = tm(&m, P9_TVERSION, P9_NOTAG);
	char ver[32];

	p9_put32(b, msize);
	p9_putstr(b, P9_VERSION);
	tsend(t, &m);
	expect(t, &r, P9_RVERSION, P9_NOTAG);
	assert_int_equal(p9_get32(&r.b), msize);
	assert_int_equal(p9_getstr_copy(&r.b, ver, sizeof(ver)), 0);
	assert_string_equal(ver, P9_VERSION);

	b = tm(&m, P9_TATTACH, 1);
	p9_put32(b, FID_ROOT);
	p9_put32(b, P9_NOFID);
	p9_putstr(b, "tester");
	p9_putstr(b, aname);
	p9_put32(b, 0);
	tsend(t, &m);
	expect(t, &r, P9_RATTACH, 1);
}

static void start(struct t *t, uint32_t msize)
{
	start_as(t, msize, "");
}

static void send_walk1(struct t *t, uint16_t tag, uint32_t fid, uint32_t newfid,
		       const char *name)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TWALK, tag);

	p9_put32(b, fid);
	p9_put32(b, newfid);
	p9_put16(b, 1);
	p9_putstr(b, name);
	tsend(t, &m);
}

static void clone_fid(struct t *t, uint32_t fid, uint32_t newfid)
{
	struct tmsg m;
	struct rmsg r;
	struct p9_buf *b = tm(&m, P9_TWALK, 2);

	p9_put32(b, fid);
	p9_put32(b, newfid);
	p9_put16(b, 0);
	tsend(t, &m);
	expect(t, &r, P9_RWALK, 2);
	assert_int_equal(p9_get16(&r.b), 0);
}

/* Walks name from the root to newfid and opens it with flags. */
static void open_name(struct t *t, const char *name, uint32_t newfid, uint32_t flags)
{
	struct tmsg m;
	struct rmsg r;
	struct p9_buf *b;

	send_walk1(t, 2, FID_ROOT, newfid, name);
	expect(t, &r, P9_RWALK, 2);
	assert_int_equal(p9_get16(&r.b), 1);
	b = tm(&m, P9_TLOPEN, 3);
	p9_put32(b, newfid);
	p9_put32(b, flags);
	tsend(t, &m);
	expect(t, &r, P9_RLOPEN, 3);
}

static void build_read(struct tmsg *m, uint16_t tag, uint32_t fid, uint64_t off,
		       uint32_t count)
{
	struct p9_buf *b = tm(m, P9_TREAD, tag);

	p9_put32(b, fid);
	p9_put64(b, off);
	p9_put32(b, count);
}

static void send_read(struct t *t, uint16_t tag, uint32_t fid, uint64_t off,
		      uint32_t count)
{
	struct tmsg m;

	build_read(&m, tag, fid, off, count);
	tsend(t, &m);
}

static void expect_rread_text(struct t *t, uint16_t tag, const char *want)
{
	struct rmsg r;
	uint32_t n;
	const uint8_t *data;

	expect(t, &r, P9_RREAD, tag);
	n = p9_get32(&r.b);
	data = p9_getbytes(&r.b, n);
	assert_non_null(data);
	assert_int_equal(r.b.pos, r.size);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(data, want, n);
}

static void send_write(struct t *t, uint16_t tag, uint32_t fid, uint64_t off,
		       const char *data)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TWRITE, tag);

	p9_put32(b, fid);
	p9_put64(b, off);
	p9_put32(b, (uint32_t)strlen(data));
	p9_putbytes(b, data, (uint32_t)strlen(data));
	tsend(t, &m);
}

static void expect_rwrite(struct t *t, uint16_t tag, uint32_t count)
{
	struct rmsg r;

	expect(t, &r, P9_RWRITE, tag);
	assert_int_equal(p9_get32(&r.b), count);
}

static void send_fid(struct t *t, uint8_t type, uint16_t tag, uint32_t fid)
{
	struct tmsg m;

	p9_put32(tm(&m, type, tag), fid);
	tsend(t, &m);
}

static void clunk_ok(struct t *t, uint32_t fid)
{
	struct rmsg r;

	send_fid(t, P9_TCLUNK, 4, fid);
	expect(t, &r, P9_RCLUNK, 4);
}

/* Answers the fake fs's i-th deferred read (in arrival order). */
static void complete_read(struct t *t, int i, const void *data, uint32_t n)
{
	struct p9_req *r;

	assert_true(i < t->fs.npending);
	r = t->fs.pending[i];
	memmove(t->fs.pending + i, t->fs.pending + i + 1,
		(size_t)(t->fs.npending - i - 1) * sizeof(r));
	t->fs.npending--;
	p9_reply_read(r, data, n);
}

static void complete_text(struct t *t, int i, const char *s)
{
	complete_read(t, i, s, (uint32_t)strlen(s));
}

/* The other connection serves a whole session: the server is unharmed. */
static void other_conn_works(struct t *t)
{
	int was = t->cur;

	t->cur = !was;
	start(t, 8192);
	open_name(t, "now", 7, P9_ORDONLY);
	send_read(t, 20, 7, 0, 100);
	expect_rread_text(t, 20, NOW_TEXT);
	clunk_ok(t, 7);
	t->cur = was;
}

/* ---- round trips ---------------------------------------------------------------- */

static void fake_round_trip(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	assert_int_equal(p9_srv_nconns(t->srv), NCONN);
	start(t, 8192);
	send_walk1(t, 2, FID_ROOT, 2, "sub");
	expect(t, &r, P9_RWALK, 2);
	open_name(t, "now", 3, P9_ORDWR);
	send_read(t, 10, 3, 6, 100);
	expect_rread_text(t, 10, &NOW_TEXT[6]);
	send_write(t, 11, 3, 5, "abc");
	expect_rwrite(t, 11, 3);
	assert_int_equal(t->fs.wlen, 3);
	assert_int_equal(t->fs.woff, 5);
	assert_memory_equal(t->fs.wdata, "abc", 3);
	clunk_ok(t, 3);
	clunk_ok(t, 2);
	send_fid(t, P9_TGETATTR, 12, 3);
	expect_error(t, 12, EPROTO); /* no mask: truncated */
	expect_no_reply(t);
	assert_int_equal(X(t)->eagains, 0);
}

/* Output flushed before any reply: no buffer yet (NULL), nothing to hand on. */
static void flush_before_first_reply(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	p9_srv_flush_output(t->srv);
	assert_int_equal(p9_srv_nconns(t->srv), NCONN);
	start(t, 8192);
	send_walk1(t, 2, FID_ROOT, 2, "sub");
	expect(t, &r, P9_RWALK, 2);
}

/* A reply as large as msize goes out as one message. */
static void large_reply_whole(void **state)
{
	struct t *t = *state;
	struct rmsg r;
	uint32_t n;
	const uint8_t *data;

	start(t, P9_MSIZE_MAX);
	open_name(t, "big", 2, P9_ORDONLY);
	send_read(t, 10, 2, 4096, P9_MSIZE_MAX);
	expect(t, &r, P9_RREAD, 10);
	n = p9_get32(&r.b);
	assert_int_equal(n, P9_MSIZE_MAX - P9_IOHDR);
	assert_int_equal(r.size, P9_HDR + 4 + n);
	data = p9_getbytes(&r.b, n);
	assert_non_null(data);
	assert_memory_equal(data, big + 4096, n);
}

/* ---- no room ------------------------------------------------------------------------ */

static void no_room_then_room(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	int reads;

	start(t, 8192);
	open_name(t, "now", 2, P9_ORDONLY);
	X(t)->room = 0;
	send_read(t, 10, 2, 0, 5);
	assert_true(p9_srv_msg_waiting(C(t)));
	expect_no_reply(t);
	/* Nothing new is taken while the reply waits, and no room stays no room. */
	reads = t->fs.reads;
	build_read(&m, 11, 2, 6, 4);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tsend_rc(t, &m), -EAGAIN);
		assert_int_equal(p9_srv_msg_room(C(t)), 0);
	}
	assert_int_equal(t->fs.reads, reads);
	assert_true(X(t)->eagains >= 6);
	expect_no_reply(t);
	/* Room: the waiting reply goes, whole; then the kept message is taken. */
	X(t)->room = -1;
	assert_int_equal(p9_srv_msg_room(C(t)), 0);
	assert_false(p9_srv_msg_waiting(C(t)));
	expect_rread_text(t, 10, "hello");
	assert_int_equal(p9_srv_msg_in(C(t), m.mem, m.b.pos), 0);
	expect_rread_text(t, 11, "from");
	expect_no_reply(t);
}

/* Replies that wait go out in the order they were made, room or not. */
static void waiting_replies_in_order(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDONLY);
	for (uint16_t tag = 10; tag < 14; tag++)
		send_read(t, tag, 2, 0, 100);
	assert_int_equal(t->fs.npending, 4);
	X(t)->room = 0;
	complete_text(t, 2, "c"); /* tag 12 */
	complete_text(t, 0, "a"); /* tag 10 */
	complete_text(t, 1, "d"); /* tag 13 */
	expect_no_reply(t);
	/* One message of room at a time: one reply at a time, in order. */
	X(t)->room = 1;
	assert_int_equal(p9_srv_msg_room(C(t)), 0);
	expect_rread_text(t, 12, "c");
	expect_no_reply(t);
	assert_int_equal(p9_srv_msg_room(C(t)), 0);
	expect_no_reply(t);
	X(t)->room = 2;
	assert_int_equal(p9_srv_msg_room(C(t)), 0);
	expect_rread_text(t, 10, "a");
	expect_rread_text(t, 13, "d");
	assert_false(p9_srv_msg_waiting(C(t)));
	/* With room, a deferred reply goes at once, no call needed. */
	X(t)->room = -1;
	complete_text(t, 0, "b");
	expect_rread_text(t, 11, "b");
}

/*
 * The bound: with no room, the only replies that can pile up are those of
 * requests already taken; past 8 MiB waiting the connection ends.
 */
static void waiting_replies_bounded(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	int clunks;

	start(t, P9_MSIZE_MAX);
	open_name(t, "slow", 2, P9_ORDONLY);
	for (uint16_t tag = 10; tag < 26; tag++)
		send_read(t, tag, 2, 0, P9_MSIZE_MAX);
	assert_int_equal(t->fs.npending, 16);
	X(t)->room = 0;
	/* A client that never makes room cannot add requests... */
	send_fid(t, P9_TSTATFS, 30, FID_ROOT);
	build_read(&m, 31, 2, 0, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(tsend_rc(t, &m), -EAGAIN);
	assert_int_equal(t->fs.npending, 16);
	/* ...and the replies it has coming are cut off at 8 MiB. */
	clunks = t->fs.clunks;
	for (int i = 0; i < 16; i++)
		complete_read(t, 0, big, BIG_SIZE);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(p9_srv_msg_room(C(t)), -EPIPE);
	assert_int_equal(t->fs.clunks, clunks + 2); /* the session went */
	assert_int_equal(tsend_rc(t, &m), -EPIPE);
	expect_no_reply(t);
	assert_int_equal(p9_srv_nconns(t->srv), NCONN);
	close_conn(t, t->cur);
	assert_int_equal(p9_srv_nconns(t->srv), NCONN - 1);
	other_conn_works(t);
}

/* A transport that fails ends the connection. */
static void send_failure_ends(void **state)
{
	struct t *t = *state;
	struct tmsg m;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDONLY);
	send_read(t, 10, 2, 0, 100);
	X(t)->fail = -EPIPE;
	p9_put32(tm(&m, P9_TSTATFS, 11), FID_ROOT);
	assert_int_equal(tsend_rc(t, &m), -EPIPE);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(t->fs.cancels, 1);
	assert_int_equal(t->fs.clunks, 2);
	other_conn_works(t);
}

/* ---- deferred replies and flush ------------------------------------------------------- */

static void deferred_replies(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDWR);
	send_read(t, 10, 2, 0, 100);
	send_write(t, 11, 2, 0, "xy");
	send_read(t, 12, 2, 0, 100);
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 3);
	complete_text(t, 2, "last");
	expect_rread_text(t, 12, "last");
	p9_reply_write(t->fs.pending[1], 2);
	t->fs.npending--;
	expect_rwrite(t, 11, 2);
	p9_reply_error(t->fs.pending[0], EIO);
	t->fs.npending--;
	expect_error(t, 10, EIO);
	expect_no_reply(t);
}

static void flush_deferred(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct rmsg r;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDONLY);
	send_read(t, 10, 2, 0, 100);
	send_read(t, 11, 2, 0, 100);
	p9_put16(tm(&m, P9_TFLUSH, 12), 10);
	tsend(t, &m);
	expect(t, &r, P9_RFLUSH, 12);
	assert_int_equal(t->fs.cancels, 1);
	assert_int_equal(t->fs.cancel_fid[0], 2);
	assert_int_equal(t->fs.npending, 1);
	complete_text(t, 0, "eleven");
	expect_rread_text(t, 11, "eleven");
	expect_no_reply(t); /* nothing for the flushed tag 10 */
}

/* ---- malformed messages ------------------------------------------------------------------ */

/* The connection has ended after a refusal: session gone, later calls -EPIPE. */
static void expect_ended(struct t *t, int clunks)
{
	static const uint8_t ok[11] = { 11, 0, 0, 0, P9_TSTATFS, 1, 0, 1, 0, 0, 0 };

	assert_int_equal(t->fs.clunks, clunks);
	assert_int_equal(p9_srv_msg_in(C(t), ok, sizeof(ok)), -EPIPE);
	assert_int_equal(p9_srv_msg_room(C(t)), -EPIPE);
	expect_no_reply(t);
	other_conn_works(t);
	close_conn(t, t->cur);
	assert_int_equal(p9_srv_nconns(t->srv), NCONN - 1);
}

static void set_size(uint8_t *m, uint32_t n)
{
	m[0] = (uint8_t)n;
	m[1] = (uint8_t)(n >> 8);
	m[2] = (uint8_t)(n >> 16);
	m[3] = (uint8_t)(n >> 24);
}

static void too_short(void **state)
{
	struct t *t = *state;
	static const uint8_t three[3] = { 3, 0, 0 };

	start(t, 8192);
	assert_int_equal(p9_srv_msg_in(C(t), three, sizeof(three)), -EPROTO);
	expect_error(t, P9_NOTAG, EPROTO);
	expect_ended(t, 1);
}

static void size_below_header(void **state)
{
	struct t *t = *state;
	uint8_t six[6] = { 6, 0, 0, 0, P9_TCLUNK, 10 };

	start(t, 8192);
	assert_int_equal(p9_srv_msg_in(C(t), six, sizeof(six)), -EPROTO);
	expect_error(t, P9_NOTAG, EPROTO); /* too short to have a tag */
	expect_ended(t, 1);
}

static void size_disagrees(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	int clunks;

	start(t, 8192);
	p9_put32(tm(&m, P9_TCLUNK, 10), FID_ROOT);
	p9_msg_end(&m.b);
	/* The size field says one byte more than there is... */
	set_size(m.mem, m.b.pos + 1);
	assert_int_equal(p9_srv_msg_in(C(t), m.mem, m.b.pos), -EPROTO);
	expect_error(t, 10, EPROTO); /* and no Rclunk: refused, not handled */
	expect_ended(t, 1);

	/* ...or one byte less: the same. */
	t->cur = 1;
	start(t, 8192);
	clunks = t->fs.clunks;
	p9_put32(tm(&m, P9_TCLUNK, 11), FID_ROOT);
	p9_put32(&m.b, 0);
	p9_msg_end(&m.b);
	set_size(m.mem, m.b.pos - 1);
	assert_int_equal(p9_srv_msg_in(C(t), m.mem, m.b.pos), -EPROTO);
	expect_error(t, 11, EPROTO);
	expect_no_reply(t);
	assert_int_equal(t->fs.clunks, clunks + 1); /* the root fid, by the hang-up */
}

static void oversize(void **state)
{
	struct t *t = *state;
	static uint8_t msg[4097];

	start(t, 4096);
	msg[4] = P9_TWRITE;
	msg[5] = 10;
	/* A message of msize + 1 bytes that says so... */
	set_size(msg, sizeof(msg));
	assert_int_equal(p9_srv_msg_in(C(t), msg, sizeof(msg)), -EMSGSIZE);
	expect_error(t, 10, EMSGSIZE);
	expect_ended(t, 1);

	/* ...or says it is small, or huge: refused before it is read. */
	t->cur = 1;
	start(t, 4096);
	set_size(msg, 23);
	msg[5] = 11;
	assert_int_equal(p9_srv_msg_in(C(t), msg, sizeof(msg)), -EMSGSIZE);
	expect_error(t, 11, EMSGSIZE);
	assert_int_equal(p9_srv_msg_in(C(t), msg, UINT32_MAX), -EPIPE);
}

static void oversize_before_version(void **state)
{
	struct t *t = *state;
	uint8_t *msg = calloc(1, P9_MSIZE_DEFAULT + 1);

	assert_non_null(msg);
	set_size(msg, P9_MSIZE_DEFAULT + 1);
	msg[4] = P9_TVERSION;
	msg[5] = 0xff;
	msg[6] = 0xff;
	assert_int_equal(p9_srv_msg_in(C(t), msg, P9_MSIZE_DEFAULT + 1), -EMSGSIZE);
	free(msg);
	expect_error(t, P9_NOTAG, EMSGSIZE);
	expect_ended(t, 0);
}

/* Well framed but not understood: an error, and the connection goes on. */
static void unknown_type(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	static const uint8_t types[] = { 0, 1, 6, 7, 9, 13, 99, 101, 117, 127, 200, 255 };

	start(t, 8192);
	for (size_t i = 0; i < sizeof(types); i++) {
		p9_put32(tm(&m, types[i], (uint16_t)(40 + i)), 0);
		tsend(t, &m);
		expect_error(t, (uint16_t)(40 + i), EOPNOTSUPP);
	}
	send_read(t, 10, FID_ROOT, 0, 10);
	expect_error(t, 10, EBADF); /* the session is intact: the fid is there, unopened */
	clunk_ok(t, FID_ROOT);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Random bytes, framed and not: never more than one reply each, nothing torn. */
static void garbage(void **state)
{
	struct t *t = *state;
	uint8_t msg[256];
	uint32_t seed = 15;
	size_t before;
	int ended = 0;

	start(t, 8192);
	for (int i = 0; i < 5000; i++) {
		uint32_t len = P9_HDR + rnd(&seed) % (sizeof(msg) - P9_HDR);
		int rc;

		for (uint32_t k = 0; k < len; k++)
			msg[k] = (uint8_t)rnd(&seed);
		set_size(msg, len);
		before = X(t)->qlen;
		rc = p9_srv_msg_in(C(t), msg, len);
		assert_int_equal(rc, 0);
		/* One reply, or none (a read deferred on a fid it happened to open). */
		if (X(t)->qlen != before) {
			struct rmsg r;

			get_reply(t, &r);
			assert_int_equal(X(t)->rpos, X(t)->qlen);
		}
	}
	/* Garbage in the size field too: refused, and the connection ends. */
	for (uint32_t k = 0; k < 64; k++)
		msg[k] = (uint8_t)rnd(&seed);
	set_size(msg, 0x01000040u);
	ended = p9_srv_msg_in(C(t), msg, 64);
	assert_int_equal(ended, -EMSGSIZE);
	expect_error(t, (uint16_t)(msg[5] | msg[6] << 8), EMSGSIZE);
	other_conn_works(t);
}

/* ---- closing ---------------------------------------------------------------------------------- */

static void close_with_fids_and_deferred(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDWR);
	open_name(t, "now", 3, P9_ORDONLY);
	send_walk1(t, 2, FID_ROOT, 4, "sub");
	send_read(t, 10, 2, 0, 100);
	send_read(t, 11, 2, 0, 100);
	send_write(t, 12, 2, 0, "x");
	assert_int_equal(t->fs.npending, 3);
	/* And replies waiting for room. */
	X(t)->room = 0;
	send_read(t, 13, 3, 0, 100);
	complete_text(t, 0, "one");
	assert_true(p9_srv_msg_waiting(C(t)));
	close_conn(t, 0);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(t->fs.cancels, 2);
	assert_int_equal(t->fs.clunks, 4);
	assert_int_equal(p9_srv_nconns(t->srv), NCONN - 1);
	other_conn_works(t);
}

/* p9_srv_free ends a connection still open the same way. */
static void free_with_fids_and_deferred(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_name(t, "slow", 2, P9_ORDWR);
	send_read(t, 10, 2, 0, 100);
	X(t)->room = 0;
	send_read(t, 11, 2, 0, 100);
	complete_text(t, 1, "waits");
	assert_int_equal(t->fs.npending, 1);
	/* teardown frees the server: it must cancel tag 10 (checked there). */
}

/* ---- the host-directory server ------------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int host_teardown(void **state)
{
	struct t *t = *state;
	int ok = 1;

	if (!t)
		return -1;
	if (t->srv && !teardown_common(t))
		ok = 0;
	if (t->hfs) {
		if (p9_hostfs_nfds(t->hfs) != t->base_fds) {
			print_error("%u descriptors still held\n", p9_hostfs_nfds(t->hfs));
			ok = 0;
		}
		p9_hostfs_free(t->hfs);
	}
	if (t->dir[0] && nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		ok = 0;
	free(t);
	return ok ? 0 : -1;
}

static int host_setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	struct lerr err;
	char path[128];
	int fd;

	if (!t)
		return -1;
	*state = t;
	snprintf(t->dir, sizeof(t->dir), "/tmp/lpar-p9msg-XXXXXX");
	if (!mkdtemp(t->dir)) {
		t->dir[0] = '\0';
		host_teardown(state);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/hello", t->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, "hello, ring\n", 12) != 12) {
		if (fd >= 0)
			close(fd);
		host_teardown(state);
		return -1;
	}
	close(fd);
	if (p9_hostfs_open(t->dir, 0, &t->hfs, &err) ||
	    p9_srv_new(t->hfs, &p9_hostfs_ops, &t->srv) || add_conns(t)) {
		host_teardown(state); /* cmocka runs no teardown after a failed setup */
		return -1;
	}
	t->base_fds = p9_hostfs_nfds(t->hfs);
	return 0;
}

static void host_round_trip(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct rmsg r;
	struct p9_buf *b;
	char path[128];
	struct stat st;

	start(t, 8192);
	open_name(t, "hello", 2, P9_ORDONLY);
	send_read(t, 10, 2, 7, 100);
	expect_rread_text(t, 10, "ring\n");

	/* Create, write, read back, with the reply to the read waiting for room. */
	clone_fid(t, FID_ROOT, 3);
	b = tm(&m, P9_TLCREATE, 11);
	p9_put32(b, 3);
	p9_putstr(b, "new");
	p9_put32(b, P9_ORDWR);
	p9_put32(b, 0644);
	p9_put32(b, 0);
	tsend(t, &m);
	expect(t, &r, P9_RLCREATE, 11);
	send_write(t, 12, 3, 0, "written by message");
	expect_rwrite(t, 12, 18);
	X(t)->room = 0;
	send_read(t, 13, 3, 11, 100);
	build_read(&m, 14, 2, 0, 5);
	assert_int_equal(tsend_rc(t, &m), -EAGAIN);
	X(t)->room = -1;
	assert_int_equal(p9_srv_msg_room(C(t)), 0);
	expect_rread_text(t, 13, "message");
	assert_int_equal(p9_srv_msg_in(C(t), m.mem, m.b.pos), 0);
	expect_rread_text(t, 14, "hello");
	clunk_ok(t, 3);
	clunk_ok(t, 2);
	snprintf(path, sizeof(path), "%s/new", t->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 18);

	/* A bad message ends this connection; the share serves the other. */
	open_name(t, "hello", 2, P9_ORDONLY);
	p9_put32(tm(&m, P9_TCLUNK, 15), 2);
	p9_msg_end(&m.b);
	set_size(m.mem, 3);
	assert_int_equal(p9_srv_msg_in(C(t), m.mem, m.b.pos), -EPROTO);
	expect_error(t, 15, EPROTO);
	assert_int_equal(p9_hostfs_nfds(t->hfs), t->base_fds); /* every fid's went */
	t->cur = 1;
	start(t, 8192);
	open_name(t, "new", 2, P9_ORDONLY);
	send_read(t, 10, 2, 0, 7);
	expect_rread_text(t, 10, "written");
}

/* Closing with fids open releases every descriptor they held. */
static void host_close_with_fids(void **state)
{
	struct t *t = *state;
	unsigned base = t->base_fds;

	start(t, 8192);
	open_name(t, "hello", 2, P9_ORDONLY);
	open_name(t, "hello", 3, P9_ORDONLY);
	send_walk1(t, 2, FID_ROOT, 4, "hello");
	assert_true(p9_hostfs_nfds(t->hfs) > base);
	close_conn(t, 0);
	assert_int_equal(p9_hostfs_nfds(t->hfs), base);
}

/* Reads and writes by reference: the data goes to and from the client's buffer. */
static void host_by_reference(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct rmsg r;
	char buf[64], path[128];
	struct p9_buf *b;
	struct stat st;

	start(t, 8192);
	open_name(t, "hello", 2, P9_ORDONLY);
	/* A read: the data lands in buf; the reply has only the count. */
	memset(buf, '#', sizeof(buf));
	build_read(&m, 10, 2, 7, 100);
	p9_msg_end(&m.b);
	assert_int_equal(p9_srv_msg_in_ool(C(t), m.mem, m.b.pos, buf, 3), 0);
	expect(t, &r, P9_RREAD, 10);
	assert_int_equal(p9_get32(&r.b), 3); /* cut to the buffer */
	assert_int_equal(r.size, 11);
	assert_memory_equal(buf, "rin#", 4);
	/* Anything but a read or a write cannot go by reference. */
	p9_put32(tm(&m, P9_TGETATTR, 11), 2);
	p9_put64(&m.b, P9_GETATTR_BASIC);
	p9_msg_end(&m.b);
	assert_int_equal(p9_srv_msg_in_ool(C(t), m.mem, m.b.pos, buf, 8), 0);
	expect_error(t, 11, EPROTO);
	clunk_ok(t, 2);

	/* A write: count bytes of buf, the message carries none; more than buf is refused. */
	clone_fid(t, FID_ROOT, 3);
	b = tm(&m, P9_TLCREATE, 12);
	p9_put32(b, 3);
	p9_putstr(b, "byref");
	p9_put32(b, P9_ORDWR);
	p9_put32(b, 0644);
	p9_put32(b, 0);
	tsend(t, &m);
	expect(t, &r, P9_RLCREATE, 12);
	memcpy(buf, "by reference", 12);
	b = tm(&m, P9_TWRITE, 13);
	p9_put32(b, 3);
	p9_put64(b, 0);
	p9_put32(b, 12);
	p9_msg_end(b);
	assert_int_equal(p9_srv_msg_in_ool(C(t), m.mem, m.b.pos, buf, 12), 0);
	expect_rwrite(t, 13, 12);
	assert_int_equal(p9_srv_msg_in_ool(C(t), m.mem, m.b.pos, buf, 11), 0);
	expect_error(t, 13, EPROTO);
	/* And inline reads see it. */
	send_read(t, 14, 3, 3, 100);
	expect_rread_text(t, 14, "reference");
	clunk_ok(t, 3);
	snprintf(path, sizeof(path), "%s/byref", t->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define SRV(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		SRV(fake_round_trip),
		SRV(flush_before_first_reply),
		SRV(large_reply_whole),
		SRV(no_room_then_room),
		SRV(waiting_replies_in_order),
		SRV(waiting_replies_bounded),
		SRV(send_failure_ends),
		SRV(deferred_replies),
		SRV(flush_deferred),
		SRV(too_short),
		SRV(size_below_header),
		SRV(size_disagrees),
		SRV(oversize),
		SRV(oversize_before_version),
		SRV(unknown_type),
		SRV(garbage),
		SRV(close_with_fids_and_deferred),
		SRV(free_with_fids_and_deferred),
#undef SRV
		cmocka_unit_test_setup_teardown(host_round_trip, host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(host_by_reference, host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(host_close_with_fids, host_setup,
						host_teardown),
	};

	for (uint32_t i = 0; i < BIG_SIZE; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 11));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
