/* SPDX-License-Identifier: ISC
 * Unit tests for 9P2000.L: the wire codec (p9/codec.c) and the server core
 * (p9/server.c).  The server is driven over a socketpair with a small fake
 * file system: a test writes raw T-messages to its end, runs the server's
 * poll step itself and reads the R-messages back, so every reply, and every
 * reply that must not come, is seen exactly.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../p9/p9.h"
#include "../../p9/server.h"
#include "../../p9/tree.h"
#include "p9_fake.h"

/* ---- the codec ------------------------------------------------------------ */

static void codec_integers_round_trip(void **state)
{
	static const uint8_t want[30] = {
		0xab,
		0x34, 0x12,
		0x78, 0x56, 0x34, 0x12,
		0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
		0x00,
		0xff, 0xff,
		0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	uint8_t mem[30];
	struct p9_buf b;

	(void)state;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_put8(&b, 0xab);
	p9_put16(&b, 0x1234);
	p9_put32(&b, 0x12345678);
	p9_put64(&b, 0x0123456789abcdefull);
	p9_put8(&b, 0);
	p9_put16(&b, 0xffff);
	p9_put32(&b, 0xffffffffu);
	p9_put64(&b, UINT64_MAX);
	assert_false(b.err);
	assert_int_equal(b.pos, sizeof(mem));
	assert_memory_equal(mem, want, sizeof(want));

	p9_buf_init(&b, mem, sizeof(mem));
	assert_int_equal(p9_get8(&b), 0xab);
	assert_int_equal(p9_get16(&b), 0x1234);
	assert_int_equal(p9_get32(&b), 0x12345678);
	assert_int_equal(p9_get64(&b), 0x0123456789abcdefull);
	assert_int_equal(p9_get8(&b), 0);
	assert_int_equal(p9_get16(&b), 0xffff);
	assert_int_equal(p9_get32(&b), 0xffffffffu);
	assert_int_equal(p9_get64(&b), UINT64_MAX);
	assert_false(b.err);
	assert_int_equal(b.pos, sizeof(mem));
}

static void codec_strings_round_trip(void **state)
{
	uint8_t mem[64];
	struct p9_buf b;
	const char *s;
	uint16_t len;
	char out[16];

	(void)state;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_putstr(&b, "9P2000.L");
	p9_putstr(&b, "");
	p9_putstrn(&b, "abcdef", 3);
	assert_false(b.err);
	assert_int_equal(b.pos, 17);
	assert_memory_equal(mem, "\x08\x00" "9P2000.L" "\x00\x00" "\x03\x00" "abc", 17);

	p9_buf_init(&b, mem, 17);
	s = p9_getstr(&b, &len);
	assert_ptr_equal(s, mem + 2); /* in place, not copied */
	assert_int_equal(len, 8);
	assert_memory_equal(s, "9P2000.L", 8);
	assert_int_equal(p9_getstr_copy(&b, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(p9_getstr_copy(&b, out, sizeof(out)), 0);
	assert_string_equal(out, "abc");
	assert_false(b.err);
	assert_int_equal(b.pos, 17);
}

static void codec_qid_round_trip(void **state)
{
	static const uint8_t want[13] = {
		0x80, 0xef, 0xbe, 0xad, 0xde,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	};
	const struct p9_qid q = { P9_QTDIR, 0xdeadbeef, 0x1122334455667788ull };
	struct p9_qid got;
	uint8_t mem[13];
	struct p9_buf b;

	(void)state;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_putqid(&b, &q);
	assert_false(b.err);
	assert_int_equal(b.pos, 13);
	assert_memory_equal(mem, want, sizeof(want));

	p9_buf_init(&b, mem, sizeof(mem));
	p9_getqid(&b, &got);
	assert_false(b.err);
	assert_int_equal(got.type, q.type);
	assert_int_equal(got.version, q.version);
	assert_int_equal(got.path, q.path);
}

static void codec_get_past_end(void **state)
{
	uint8_t mem[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t str[5] = { 5, 0, 'a', 'b', 'c' };
	struct p9_buf b;
	struct p9_qid q;
	uint16_t len;

	(void)state;
	p9_buf_init(&b, mem, 3);
	assert_int_equal(p9_get32(&b), 0);
	assert_true(b.err);
	assert_int_equal(b.pos, 0);
	/* The error sticks: bytes that are there read as zero after it. */
	assert_int_equal(p9_get8(&b), 0);
	assert_int_equal(p9_get16(&b), 0);
	assert_int_equal(b.pos, 0);

	p9_buf_init(&b, mem, 7);
	assert_int_equal(p9_get64(&b), 0);
	assert_true(b.err);

	p9_buf_init(&b, mem, 8);
	assert_int_equal(p9_get64(&b), 0x0807060504030201ull);
	assert_false(b.err);
	assert_int_equal(p9_get8(&b), 0);
	assert_true(b.err);

	p9_buf_init(&b, mem, 8);
	assert_ptr_equal(p9_getbytes(&b, 8), mem);
	assert_false(b.err);
	p9_buf_init(&b, mem, 8);
	assert_null(p9_getbytes(&b, 9));
	assert_true(b.err);
	/* A count that would wrap the position around is past the end too. */
	p9_buf_init(&b, mem, 8);
	(void)p9_get32(&b);
	assert_null(p9_getbytes(&b, 0xfffffffeu));
	assert_true(b.err);

	/* A string whose length runs past the end. */
	p9_buf_init(&b, str, sizeof(str));
	assert_null(p9_getstr(&b, &len));
	assert_true(b.err);

	/* A qid cut short: what is missing reads as zero. */
	memset(&q, 0xff, sizeof(q));
	p9_buf_init(&b, mem, 8);
	p9_getqid(&b, &q);
	assert_true(b.err);
	assert_int_equal(q.type, 1);
	assert_int_equal(q.version, 0x05040302);
	assert_int_equal(q.path, 0);
}

static void codec_put_past_capacity(void **state)
{
	static char huge[0x10001];
	static uint8_t room[0x10010];
	uint8_t mem[8];
	struct p9_buf b;
	const struct p9_qid q = { 0, 0, 0 };

	(void)state;
	memset(mem, 0xee, sizeof(mem));
	p9_buf_init(&b, mem, 6);
	p9_put32(&b, 0x11223344);
	p9_put32(&b, 0x55667788);
	assert_true(b.err);
	assert_int_equal(b.pos, 4);
	/* Nothing is written past the capacity, nor after the error. */
	p9_put8(&b, 0x99);
	assert_int_equal(b.pos, 4);
	assert_int_equal(mem[4], 0xee);
	assert_int_equal(mem[5], 0xee);

	p9_buf_init(&b, mem, 8);
	p9_putqid(&b, &q);
	assert_true(b.err);

	p9_buf_init(&b, mem, 8);
	p9_putbytes(&b, "123456789", 9);
	assert_true(b.err);
	assert_int_equal(b.pos, 0);

	p9_buf_init(&b, mem, 8);
	p9_putstr(&b, "1234567");
	assert_true(b.err);

	/* Strings are counted in 16 bits: 65535 bytes fit, 65536 do not. */
	memset(huge, 'x', sizeof(huge) - 1);
	p9_buf_init(&b, room, sizeof(room));
	p9_putstrn(&b, huge, 0xffff);
	assert_false(b.err);
	assert_int_equal(b.pos, 2 + 0xffff);
	p9_buf_init(&b, room, sizeof(room));
	p9_putstr(&b, huge);
	assert_true(b.err);
	assert_int_equal(b.pos, 0);
}

static void codec_getstr_copy_rejects(void **state)
{
	uint8_t nul[5] = { 3, 0, 'a', '\0', 'b' };
	uint8_t eight[10] = { 8, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	uint8_t past[4] = { 9, 0, 'a', 'b' };
	struct p9_buf b;
	char out8[8], out9[9];

	(void)state;
	memset(out8, 'X', sizeof(out8));
	p9_buf_init(&b, nul, sizeof(nul));
	assert_int_equal(p9_getstr_copy(&b, out8, sizeof(out8)), -1);
	assert_true(b.err);
	assert_string_equal(out8, "");

	/* Eight bytes and the NUL do not fit in eight... */
	memset(out8, 'X', sizeof(out8));
	p9_buf_init(&b, eight, sizeof(eight));
	assert_int_equal(p9_getstr_copy(&b, out8, sizeof(out8)), -1);
	assert_true(b.err);
	assert_string_equal(out8, "");
	/* ...but do in nine. */
	p9_buf_init(&b, eight, sizeof(eight));
	assert_int_equal(p9_getstr_copy(&b, out9, sizeof(out9)), 0);
	assert_false(b.err);
	assert_string_equal(out9, "abcdefgh");

	p9_buf_init(&b, past, sizeof(past));
	assert_int_equal(p9_getstr_copy(&b, out9, sizeof(out9)), -1);
	assert_true(b.err);
	assert_string_equal(out9, "");
}

static void codec_message_header(void **state)
{
	static const uint8_t want[11] = {
		0x0b, 0, 0, 0, P9_TCLUNK, 0x34, 0x12, 7, 0, 0, 0,
	};
	uint8_t mem[32];
	struct p9_buf b;

	(void)state;
	p9_buf_init(&b, mem, sizeof(mem));
	p9_put32(&b, 0xdeadbeef); /* begin starts over */
	p9_msg_begin(&b, P9_TCLUNK, 0x1234);
	p9_put32(&b, 7);
	p9_msg_end(&b);
	assert_false(b.err);
	assert_int_equal(b.pos, sizeof(want));
	assert_memory_equal(mem, want, sizeof(want));
}

static void codec_dirents(void **state)
{
	const struct p9_qid q1 = { P9_QTFILE, 1, 42 }, q2 = { P9_QTDIR, 2, 43 };
	uint8_t mem[27 + 26];
	struct p9_buf b;
	struct p9_qid q;
	char name[16];

	(void)state;
	p9_buf_init(&b, mem, sizeof(mem));
	assert_int_equal(p9_put_dirent(&b, &q1, 3, 8, "now"), 0);
	assert_int_equal(b.pos, 27); /* qid[13] offset[8] type[1] name[2+3] */
	/* 27 more bytes do not fit in 26: nothing is written and no error set. */
	assert_int_equal(p9_put_dirent(&b, &q1, 4, 8, "now"), -1);
	assert_int_equal(b.pos, 27);
	assert_false(b.err);
	assert_int_equal(p9_put_dirent(&b, &q2, 5, 4, "ab"), 0);
	assert_int_equal(b.pos, sizeof(mem));

	p9_buf_init(&b, mem, sizeof(mem));
	p9_getqid(&b, &q);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(q.path, 42);
	assert_int_equal(p9_get64(&b), 3);
	assert_int_equal(p9_get8(&b), 8);
	assert_int_equal(p9_getstr_copy(&b, name, sizeof(name)), 0);
	assert_string_equal(name, "now");
	p9_getqid(&b, &q);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(q.version, 2);
	assert_int_equal(q.path, 43);
	assert_int_equal(p9_get64(&b), 5);
	assert_int_equal(p9_get8(&b), 4);
	assert_int_equal(p9_getstr_copy(&b, name, sizeof(name)), 0);
	assert_string_equal(name, "ab");
	assert_false(b.err);
	assert_int_equal(b.pos, sizeof(mem));
}

static void codec_type_names(void **state)
{
	(void)state;
	assert_string_equal(p9_type_name(P9_TVERSION), "Tversion");
	assert_string_equal(p9_type_name(P9_TWALK), "Twalk");
	assert_string_equal(p9_type_name(P9_RLERROR), "Rlerror");
	assert_string_equal(p9_type_name(P9_TREADDIR), "Treaddir");
	assert_string_equal(p9_type_name(200), "unknown");
}

/* ---- driving the server ---------------------------------------------------- */

struct t {
	struct fakefs fs;
	struct p9_srv *srv;
	int fd;          /* the client's end of the connection */
	uint8_t *rbuf;   /* one reply */
};

#define FID_ROOT 1u

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	int sv[2];

	if (!t)
		return -1;
	t->rbuf = malloc(P9_MSIZE_MAX);
	if (!t->rbuf || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (p9_srv_new(&t->fs, &fake_ops, &t->srv) || p9_srv_add_conn(t->srv, sv[1]))
		return -1;
	t->fd = sv[0];
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	int ok;

	if (t->fd >= 0)
		close(t->fd);
	p9_srv_free(t->srv);
	/* Every deferred request was answered or cancelled, and none twice. */
	ok = t->fs.npending == 0 && t->fs.stray_cancels == 0;
	if (!ok)
		print_error("after p9_srv_free: %d deferred requests never cancelled, "
			    "%d stray cancels\n", t->fs.npending, t->fs.stray_cancels);
	free(t->rbuf);
	free(t);
	return ok ? 0 : -1;
}

/* Runs the server until it has nothing more to do right now. */
static void pump(struct t *t)
{
	for (int i = 0; i < 10000; i++) {
		struct pollfd fds[8];
		int n = p9_srv_pollfds(t->srv, fds, 8);

		if (n == 0 || poll(fds, (nfds_t)n, 0) <= 0)
			return;
		p9_srv_service(t->srv, fds, n);
	}
	fail_msg("the server is still busy after 10000 rounds");
}

static void send_raw(struct t *t, const void *p, size_t n)
{
	const uint8_t *q = p;

	while (n) {
		ssize_t w = send(t->fd, q, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			fail_msg("send to the server: %s", strerror(errno));
		q += w;
		n -= (size_t)w;
	}
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

/* Sends the message (its size filled in) and lets the server handle it. */
static void tsend(struct t *t, struct tmsg *m)
{
	p9_msg_end(&m->b);
	assert_false(m->b.err);
	send_raw(t, m->mem, m->b.pos);
	pump(t);
}

/* Sends the message with its size field as it is, and lets the server run. */
static void tsend_as_is(struct t *t, struct tmsg *m)
{
	send_raw(t, m->mem, m->b.pos);
	pump(t);
}

struct rmsg {
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	struct p9_buf b; /* positioned after the header */
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Reads up to n bytes, letting the server write more while the socket is
 * drained (a large reply does not fit in the socket at once); returns what
 * it got, less than n at EOF or when the server has nothing more to send.
 */
static size_t recv_some(struct t *t, uint8_t *p, size_t n)
{
	size_t got = 0;
	int idle = 0;

	while (got < n) {
		ssize_t r = recv(t->fd, p + got, n - got, MSG_DONTWAIT);

		if (r > 0) {
			got += (size_t)r;
			idle = 0;
			continue;
		}
		if (r == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			fail_msg("recv from the server: %s", strerror(errno));
		if (idle++)
			break; /* nothing came even after the server ran */
		pump(t);
	}
	return got;
}

static void get_reply(struct t *t, struct rmsg *r)
{
	size_t got = recv_some(t, t->rbuf, 4);

	if (got != 4)
		fail_msg("no reply from the server (%zu header bytes)", got);
	r->size = le32(t->rbuf);
	if (r->size < P9_HDR || r->size > P9_MSIZE_MAX)
		fail_msg("a reply of %u bytes", r->size);
	got = recv_some(t, t->rbuf + 4, r->size - 4);
	if (got != r->size - 4)
		fail_msg("a reply of %u bytes ended after %zu", r->size, got + 4);
	p9_buf_init(&r->b, t->rbuf, r->size);
	(void)p9_get32(&r->b);
	r->type = p9_get8(&r->b);
	r->tag = p9_get16(&r->b);
}

/* The next reply must be of type on tag. */
static void expect(struct t *t, struct rmsg *r, uint8_t type, uint16_t tag)
{
	get_reply(t, r);
	if (r->type == P9_RLERROR && type != P9_RLERROR) {
		uint32_t e = p9_get32(&r->b);

		fail_msg("tag %u: wanted R-message %u, got Rlerror %u (%s) on tag %u",
			 tag, type, e, strerror((int)e), r->tag);
	}
	if (r->type != type || r->tag != tag)
		fail_msg("wanted R-message %u on tag %u, got %u on tag %u",
			 type, tag, r->type, r->tag);
}

static void expect_error(struct t *t, uint16_t tag, int err)
{
	struct rmsg r;
	uint32_t e;

	get_reply(t, &r);
	if (r.type != P9_RLERROR)
		fail_msg("tag %u: wanted Rlerror %d (%s), got R-message %u on tag %u",
			 tag, err, strerror(err), r.type, r.tag);
	e = p9_get32(&r.b);
	if (e != (uint32_t)err)
		fail_msg("tag %u: wanted Rlerror %d (%s), got Rlerror %u (%s)",
			 tag, err, strerror(err), e, strerror((int)e));
	assert_int_equal(r.tag, tag);
	assert_int_equal(r.size, 11);
}

/* Nothing more comes: no reply, and the connection is still open. */
static void expect_no_reply(struct t *t)
{
	uint8_t c;
	ssize_t n;

	pump(t);
	n = recv(t->fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
	if (n == 0)
		fail_msg("the server closed the connection");
	if (n > 0) {
		struct rmsg r;

		get_reply(t, &r);
		fail_msg("an unexpected reply: R-message %u on tag %u", r.type, r.tag);
	}
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

/* The server has closed the connection (after any replies already read). */
static void expect_eof(struct t *t)
{
	uint8_t c;
	ssize_t n;

	pump(t);
	n = recv(t->fd, &c, 1, MSG_DONTWAIT);
	if (n > 0)
		fail_msg("more data where the server should have hung up");
	if (n < 0)
		fail_msg("the server did not close the connection: %s", strerror(errno));
}

/* ---- requests -------------------------------------------------------------- */

static uint32_t version(struct t *t, uint32_t msize, const char *ver, char *got,
			size_t gotlen)
{
	struct tmsg m;
	struct rmsg r;
	struct p9_buf *b = tm(&m, P9_TVERSION, P9_NOTAG);

	p9_put32(b, msize);
	p9_putstr(b, ver);
	tsend(t, &m);
	expect(t, &r, P9_RVERSION, P9_NOTAG);
	msize = p9_get32(&r.b);
	assert_int_equal(p9_getstr_copy(&r.b, got, gotlen), 0);
	assert_int_equal(r.b.pos, r.size);
	return msize;
}

static void send_attach(struct t *t, uint16_t tag, uint32_t fid, uint32_t afid,
			const char *aname)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TATTACH, tag);

	p9_put32(b, fid);
	p9_put32(b, afid);
	p9_putstr(b, "tester");
	p9_putstr(b, aname);
	p9_put32(b, 0);
	tsend(t, &m);
}

static void expect_qid(struct rmsg *r, int node)
{
	struct p9_qid q, want;

	p9_tree_qid(&tree, node, &want);
	p9_getqid(&r->b, &q);
	assert_false(r->b.err);
	assert_int_equal(q.type, want.type);
	assert_int_equal(q.path, want.path);
}

/* Tversion(msize) then Tattach as FID_ROOT. */
static void start(struct t *t, uint32_t msize)
{
	char ver[32];
	struct rmsg r;

	assert_int_equal(version(t, msize, P9_VERSION, ver, sizeof(ver)), msize);
	assert_string_equal(ver, P9_VERSION);
	send_attach(t, 1, FID_ROOT, P9_NOFID, "");
	expect(t, &r, P9_RATTACH, 1);
	expect_qid(&r, N_ROOT);
}

/* Twalk of path's elements ("a/b"; "" for none). */
static void send_walk(struct t *t, uint16_t tag, uint32_t fid, uint32_t newfid,
		      const char *path)
{
	char copy[512], *save = NULL, *names[32];
	uint16_t n = 0;
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TWALK, tag);

	snprintf(copy, sizeof(copy), "%s", path);
	for (char *s = strtok_r(copy, "/", &save); s && n < 32; s = strtok_r(NULL, "/", &save))
		names[n++] = s;
	p9_put32(b, fid);
	p9_put32(b, newfid);
	p9_put16(b, n);
	for (uint16_t i = 0; i < n; i++)
		p9_putstr(b, names[i]);
	tsend(t, &m);
}

/* Walks and expects every element to succeed. */
static void walk_ok(struct t *t, uint32_t fid, uint32_t newfid, const char *path,
		    uint16_t nwqid)
{
	struct rmsg r;

	send_walk(t, 2, fid, newfid, path);
	expect(t, &r, P9_RWALK, 2);
	assert_int_equal(p9_get16(&r.b), nwqid);
}

static void send_lopen(struct t *t, uint16_t tag, uint32_t fid, uint32_t flags)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TLOPEN, tag);

	p9_put32(b, fid);
	p9_put32(b, flags);
	tsend(t, &m);
}

static void lopen_ok(struct t *t, uint32_t fid, uint32_t flags, int node)
{
	struct rmsg r;

	send_lopen(t, 3, fid, flags);
	expect(t, &r, P9_RLOPEN, 3);
	expect_qid(&r, node);
	(void)p9_get32(&r.b);
	assert_false(r.b.err);
}

/* Walks from the root to path as newfid and opens it. */
static void open_path(struct t *t, const char *path, uint32_t newfid, uint32_t flags,
		      int node)
{
	struct rmsg r;

	send_walk(t, 2, FID_ROOT, newfid, path);
	expect(t, &r, P9_RWALK, 2);
	lopen_ok(t, newfid, flags, node);
}

static void send_read(struct t *t, uint16_t tag, uint32_t fid, uint64_t off,
		      uint32_t count)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TREAD, tag);

	p9_put32(b, fid);
	p9_put64(b, off);
	p9_put32(b, count);
	tsend(t, &m);
}

/* Expects an Rread on tag; returns its data (in t->rbuf) and count. */
static const uint8_t *expect_rread(struct t *t, uint16_t tag, uint32_t *count)
{
	struct rmsg r;
	const uint8_t *data;

	expect(t, &r, P9_RREAD, tag);
	*count = p9_get32(&r.b);
	data = p9_getbytes(&r.b, *count);
	assert_non_null(data);
	assert_int_equal(r.b.pos, r.size);
	return data;
}

static void expect_rread_text(struct t *t, uint16_t tag, const char *want)
{
	uint32_t n;
	const uint8_t *data = expect_rread(t, tag, &n);

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
	assert_int_equal(r.size, 11);
}

/* A message of type with just a fid (Tclunk, Tremove, Tstatfs). */
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
	assert_int_equal(r.size, P9_HDR);
}

static void send_getattr(struct t *t, uint16_t tag, uint32_t fid)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TGETATTR, tag);

	p9_put32(b, fid);
	p9_put64(b, P9_GETATTR_BASIC);
	tsend(t, &m);
}

/* Getattr of fid must succeed and name node. */
static void expect_fid_is(struct t *t, uint32_t fid, int node)
{
	struct rmsg r;

	send_getattr(t, 5, fid);
	expect(t, &r, P9_RGETATTR, 5);
	(void)p9_get64(&r.b);
	expect_qid(&r, node);
}

static void send_readdir(struct t *t, uint16_t tag, uint32_t fid, uint64_t off,
			 uint32_t count)
{
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TREADDIR, tag);

	p9_put32(b, fid);
	p9_put64(b, off);
	p9_put32(b, count);
	tsend(t, &m);
}

static void send_flush(struct t *t, uint16_t tag, uint16_t oldtag)
{
	struct tmsg m;

	p9_put16(tm(&m, P9_TFLUSH, tag), oldtag);
	tsend(t, &m);
}

/* Answers the fs's i-th deferred read (in arrival order) and sends it out. */
static void complete_read(struct t *t, int i, const char *data)
{
	struct p9_req *r;

	assert_true(i < t->fs.npending);
	r = t->fs.pending[i];
	memmove(t->fs.pending + i, t->fs.pending + i + 1,
		(size_t)(t->fs.npending - i - 1) * sizeof(r));
	t->fs.npending--;
	p9_reply_read(r, data, (uint32_t)strlen(data));
	p9_srv_flush_output(t->srv);
}

/* A second connection to the same server; returns the client's end. */
static int second_conn(struct t *t)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(p9_srv_add_conn(t->srv, sv[1]), 0);
	return sv[0];
}

/* ---- version negotiation ---------------------------------------------------- */

static void version_negotiates(void **state)
{
	struct t *t = *state;
	char ver[32];
	struct rmsg r;

	assert_int_equal(version(t, 8192, "9P2000.L", ver, sizeof(ver)), 8192);
	assert_string_equal(ver, "9P2000.L");
	/* The smallest msize the server takes. */
	assert_int_equal(version(t, P9_MSIZE_MIN, "9P2000.L", ver, sizeof(ver)), P9_MSIZE_MIN);
	send_attach(t, 1, FID_ROOT, P9_NOFID, "");
	expect(t, &r, P9_RATTACH, 1);
	expect_qid(&r, N_ROOT);
	assert_int_equal(r.size, P9_HDR + 13);
}

static void version_clamps_msize(void **state)
{
	struct t *t = *state;
	char ver[32];
	struct rmsg r;

	assert_int_equal(version(t, 0xffffffffu, P9_VERSION, ver, sizeof(ver)), P9_MSIZE_MAX);
	assert_string_equal(ver, P9_VERSION);
	assert_int_equal(version(t, P9_MSIZE_MAX + 1, P9_VERSION, ver, sizeof(ver)), P9_MSIZE_MAX);
	/* The iounit follows the negotiated msize. */
	send_attach(t, 1, FID_ROOT, P9_NOFID, "");
	expect(t, &r, P9_RATTACH, 1);
	send_walk(t, 2, FID_ROOT, 2, "now");
	expect(t, &r, P9_RWALK, 2);
	send_lopen(t, 3, 2, P9_ORDONLY);
	expect(t, &r, P9_RLOPEN, 3);
	expect_qid(&r, N_NOW);
	assert_int_equal(p9_get32(&r.b), P9_MSIZE_MAX - P9_IOHDR);
}

static void version_unknown(void **state)
{
	struct t *t = *state;
	char ver[32];

	(void)version(t, 8192, "9P2000.u", ver, sizeof(ver));
	assert_string_equal(ver, "unknown");
	(void)version(t, 8192, "9P2000", ver, sizeof(ver));
	assert_string_equal(ver, "unknown");
	(void)version(t, 8192, "", ver, sizeof(ver));
	assert_string_equal(ver, "unknown");
	/* No session: everything but Tversion is refused. */
	send_attach(t, 7, FID_ROOT, P9_NOFID, "");
	expect_error(t, 7, EPROTO);
	start(t, 8192);
}

static void version_msize_too_small(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b = tm(&m, P9_TVERSION, P9_NOTAG);

	p9_put32(b, P9_MSIZE_MIN - 1);
	p9_putstr(b, P9_VERSION);
	tsend(t, &m);
	expect_error(t, P9_NOTAG, EINVAL);
	b = tm(&m, P9_TVERSION, P9_NOTAG);
	p9_put32(b, 0);
	p9_putstr(b, P9_VERSION);
	tsend(t, &m);
	expect_error(t, P9_NOTAG, EINVAL);
	send_attach(t, 7, FID_ROOT, P9_NOFID, "");
	expect_error(t, 7, EPROTO);
	start(t, P9_MSIZE_MIN);
}

static void version_malformed(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b;

	/* The version string runs past the message. */
	b = tm(&m, P9_TVERSION, P9_NOTAG);
	p9_put32(b, 8192);
	p9_put16(b, 20);
	p9_putbytes(b, "9P2000.L", 8);
	tsend(t, &m);
	expect_error(t, P9_NOTAG, EPROTO);
	/* No version string at all. */
	b = tm(&m, P9_TVERSION, P9_NOTAG);
	p9_put32(b, 8192);
	tsend(t, &m);
	expect_error(t, P9_NOTAG, EPROTO);
	/* No msize either. */
	tm(&m, P9_TVERSION, P9_NOTAG);
	tsend(t, &m);
	expect_error(t, P9_NOTAG, EPROTO);
	start(t, 8192);
}

static void message_before_version(void **state)
{
	struct t *t = *state;

	send_attach(t, 1, FID_ROOT, P9_NOFID, "");
	expect_error(t, 1, EPROTO);
	send_walk(t, 2, FID_ROOT, 2, "now");
	expect_error(t, 2, EPROTO);
	send_fid(t, P9_TCLUNK, 3, FID_ROOT);
	expect_error(t, 3, EPROTO);
	send_flush(t, 4, 1);
	expect_error(t, 4, EPROTO);
	assert_int_equal(t->fs.clunks, 0);
	start(t, 8192);
}

/* A second Tversion ends the session: fids clunked, deferred reads dropped. */
static void version_resets_session(void **state)
{
	struct t *t = *state;
	char ver[32];

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	send_read(t, 10, 2, 0, 100);
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 1);
	assert_int_equal(version(t, 4096, P9_VERSION, ver, sizeof(ver)), 4096);
	/* The read is cancelled without a reply of its own. */
	assert_int_equal(t->fs.cancels, 1);
	assert_int_equal(t->fs.cancel_fid[0], 2);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(t->fs.clunks, 2);
	expect_no_reply(t);
	send_getattr(t, 11, 2);
	expect_error(t, 11, EBADF);
	send_getattr(t, 12, FID_ROOT);
	expect_error(t, 12, EBADF);
	start(t, 4096);
}

/* ---- the ordinary operations ------------------------------------------------ */

static void attach_checks(void **state)
{
	struct t *t = *state;
	struct rmsg r;
	struct tmsg m;

	start(t, 8192);
	send_attach(t, 10, 2, P9_NOFID, "nope");
	expect_error(t, 10, ENOENT);
	/* The failed attach left no fid behind. */
	send_getattr(t, 11, 2);
	expect_error(t, 11, EBADF);
	send_attach(t, 12, 2, P9_NOFID, "fake");
	expect(t, &r, P9_RATTACH, 12);
	expect_qid(&r, N_ROOT);
	/* No authentication: an afid is refused, Tauth says none is needed. */
	send_attach(t, 13, 3, 5, "");
	expect_error(t, 13, EBADF);
	send_attach(t, 14, P9_NOFID, P9_NOFID, "");
	expect_error(t, 14, EBADF);
	p9_put32(tm(&m, P9_TAUTH, 15), 9);
	p9_putstr(&m.b, "tester");
	p9_putstr(&m.b, "");
	p9_put32(&m.b, 0);
	tsend(t, &m);
	expect_error(t, 15, ENOENT);
	expect_no_reply(t);
}

static void walk_and_read(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	send_walk(t, 10, FID_ROOT, 2, "now");
	expect(t, &r, P9_RWALK, 10);
	assert_int_equal(p9_get16(&r.b), 1);
	expect_qid(&r, N_NOW);
	assert_int_equal(r.b.pos, r.size);

	send_lopen(t, 11, 2, P9_ORDONLY);
	expect(t, &r, P9_RLOPEN, 11);
	expect_qid(&r, N_NOW);
	assert_int_equal(p9_get32(&r.b), 8192 - P9_IOHDR); /* iounit */
	assert_int_equal(r.b.pos, r.size);

	send_read(t, 12, 2, 0, 100);
	expect_rread_text(t, 12, NOW_TEXT);
	assert_int_equal(t->fs.read_off, 0);
	assert_int_equal(t->fs.read_count, 100);
	send_read(t, 13, 2, 6, 4);
	expect_rread_text(t, 13, "from");
	send_read(t, 14, 2, 1000, 100);
	expect_rread_text(t, 14, "");
	/* The root is untouched by the walk. */
	expect_fid_is(t, FID_ROOT, N_ROOT);

	send_fid(t, P9_TCLUNK, 15, 2);
	expect(t, &r, P9_RCLUNK, 15);
	assert_int_equal(t->fs.clunks, 1);
	assert_int_equal(t->fs.clunked[0], 2);
	send_read(t, 16, 2, 0, 100);
	expect_error(t, 16, EBADF);
	send_fid(t, P9_TCLUNK, 17, 2);
	expect_error(t, 17, EBADF);
	assert_int_equal(t->fs.clunks, 1);
}

static void walk_variants(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	/* No names: a clone. */
	walk_ok(t, FID_ROOT, 2, "", 0);
	expect_fid_is(t, 2, N_ROOT);
	/* Two levels, and back up. */
	send_walk(t, 10, FID_ROOT, 3, "sub/deep");
	expect(t, &r, P9_RWALK, 10);
	assert_int_equal(p9_get16(&r.b), 2);
	expect_qid(&r, N_SUB);
	expect_qid(&r, N_DEEP);
	expect_fid_is(t, 3, N_DEEP);
	walk_ok(t, FID_ROOT, 4, "sub/../sub/.", 4);
	expect_fid_is(t, 4, N_SUB);
	/* In place, on a fid not opened. */
	walk_ok(t, 2, 2, "now", 1);
	expect_fid_is(t, 2, N_NOW);
	/* A walk that stops part way answers with the qids it got; no new fid. */
	send_walk(t, 11, FID_ROOT, 5, "sub/missing/deep");
	expect(t, &r, P9_RWALK, 11);
	assert_int_equal(p9_get16(&r.b), 1);
	expect_qid(&r, N_SUB);
	assert_int_equal(r.b.pos, r.size);
	send_getattr(t, 12, 5);
	expect_error(t, 12, EBADF);
	send_walk(t, 13, FID_ROOT, 5, "now/x");
	expect(t, &r, P9_RWALK, 13);
	assert_int_equal(p9_get16(&r.b), 1);
	send_getattr(t, 14, 5);
	expect_error(t, 14, EBADF);
	/* A partial walk in place leaves the fid where it was. */
	send_walk(t, 15, 4, 4, "deep/x");
	expect(t, &r, P9_RWALK, 15);
	assert_int_equal(p9_get16(&r.b), 1);
	expect_fid_is(t, 4, N_SUB);
	/* The first name missing is an error. */
	send_walk(t, 16, FID_ROOT, 5, "missing");
	expect_error(t, 16, ENOENT);
	send_getattr(t, 17, 5);
	expect_error(t, 17, EBADF);
	/* A name with a slash in it. */
	{
		struct tmsg m;
		struct p9_buf *b = tm(&m, P9_TWALK, 18);

		p9_put32(b, FID_ROOT);
		p9_put32(b, 5);
		p9_put16(b, 1);
		p9_putstr(b, "sub/deep");
		tsend(t, &m);
		expect_error(t, 18, EINVAL);
	}
	send_getattr(t, 19, 5);
	expect_error(t, 19, EBADF);
}

static void walk_opened_fid(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "sub", 2, P9_ORDONLY, N_SUB);
	/* An opened fid may be walked from, not moved. */
	send_walk(t, 10, 2, 2, "deep");
	expect_error(t, 10, EBUSY);
	expect_fid_is(t, 2, N_SUB);
	walk_ok(t, 2, 3, "deep", 1);
	expect_fid_is(t, 3, N_DEEP);
	/* The new fid is not open. */
	send_read(t, 11, 3, 0, 10);
	expect_error(t, 11, EBADF);
}

/* Walking to newfid NOFID is a bad fid, as it is for Tattach. */
static void walk_to_nofid(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	send_walk(t, 10, FID_ROOT, P9_NOFID, "now");
	expect_error(t, 10, EBADF);
	send_walk(t, 11, FID_ROOT, P9_NOFID, "");
	expect_error(t, 11, EBADF);
}

static void walk_sixteen_names(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b;
	struct rmsg r;

	start(t, 8192);
	send_walk(t, 10, FID_ROOT, 2, "./././././././././././././././.");
	expect(t, &r, P9_RWALK, 10);
	assert_int_equal(p9_get16(&r.b), P9_MAXWELEM);
	assert_int_equal(r.size, P9_HDR + 2 + 13 * P9_MAXWELEM);
	/* 17 is one too many. */
	send_walk(t, 11, FID_ROOT, 3, "././././././././././././././././.");
	expect_error(t, 11, EINVAL);
	send_getattr(t, 12, 3);
	expect_error(t, 12, EBADF);
	/* The count is checked before the names are read. */
	b = tm(&m, P9_TWALK, 13);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 3);
	p9_put16(b, 0xffff);
	tsend(t, &m);
	expect_error(t, 13, EINVAL);
	expect_fid_is(t, FID_ROOT, N_ROOT);
}

static void lopen_checks(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "now", 2, P9_ORDONLY, N_NOW);
	send_lopen(t, 10, 2, P9_ORDONLY);
	expect_error(t, 10, EBUSY);
	send_lopen(t, 11, 99, P9_ORDONLY);
	expect_error(t, 11, EBADF);
	/* The file system's refusal comes back, and the fid stays unopened. */
	walk_ok(t, FID_ROOT, 3, "sub", 1);
	send_lopen(t, 12, 3, P9_OWRONLY);
	expect_error(t, 12, EISDIR);
	send_readdir(t, 13, 3, 0, 1000);
	expect_error(t, 13, EBADF);
	lopen_ok(t, 3, P9_ORDONLY, N_SUB);
	/* A read the file system refuses. */
	send_read(t, 14, 3, 0, 10);
	expect_error(t, 14, EISDIR);
}

static void write_and_modes(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "now", 2, P9_OWRONLY, N_NOW);
	send_write(t, 10, 2, 5, "abc");
	expect_rwrite(t, 10, 3);
	assert_int_equal(t->fs.writes, 1);
	assert_int_equal(t->fs.wlen, 3);
	assert_int_equal(t->fs.woff, 5);
	assert_memory_equal(t->fs.wdata, "abc", 3);
	/* Reading a write-only open is refused before the fs sees it. */
	send_read(t, 11, 2, 0, 10);
	expect_error(t, 11, EBADF);
	assert_int_equal(t->fs.reads, 0);

	/* Writing a read-only open likewise. */
	open_path(t, "now", 3, P9_ORDONLY, N_NOW);
	send_write(t, 12, 3, 0, "xyz");
	expect_error(t, 12, EBADF);
	assert_int_equal(t->fs.writes, 1);

	/* Read-write allows both. */
	open_path(t, "now", 4, P9_ORDWR | P9_OTRUNC, N_NOW);
	send_write(t, 13, 4, 0, "hello");
	expect_rwrite(t, 13, 5);
	send_read(t, 14, 4, 0, 5);
	expect_rread_text(t, 14, "hello");

	/* A zero-byte write is a write. */
	send_write(t, 15, 4, 0, "");
	expect_rwrite(t, 15, 0);
}

static void getattr_reply(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	walk_ok(t, FID_ROOT, 2, "now", 1);
	send_getattr(t, 10, 2);
	expect(t, &r, P9_RGETATTR, 10);
	assert_int_equal(r.size, 160);
	assert_int_equal(p9_get64(&r.b), P9_GETATTR_BASIC);
	expect_qid(&r, N_NOW);
	assert_int_equal(p9_get32(&r.b), 0100644);     /* mode */
	assert_int_equal(p9_get32(&r.b), 1234);        /* uid */
	assert_int_equal(p9_get32(&r.b), 5678);        /* gid */
	assert_int_equal(p9_get64(&r.b), 1);           /* nlink */
	assert_int_equal(p9_get64(&r.b), 0);           /* rdev */
	assert_int_equal(p9_get64(&r.b), strlen(NOW_TEXT)); /* size */
	assert_int_equal(p9_get64(&r.b), 4096);        /* blksize, defaulted */
	assert_int_equal(p9_get64(&r.b), 0);           /* blocks */
	(void)p9_get64(&r.b);
	(void)p9_get64(&r.b);
	assert_int_equal(p9_get64(&r.b), 1700000000);  /* mtime */
	assert_false(r.b.err);
	send_getattr(t, 11, 99);
	expect_error(t, 11, EBADF);
}

struct dirent_seen {
	char name[32];
	uint64_t off;
	uint8_t type;
	uint64_t path;
};

/* Expects an Rreaddir on tag; returns its entries. */
static int expect_rreaddir(struct t *t, uint16_t tag, struct dirent_seen *d, int max)
{
	struct rmsg r;
	uint32_t n, end;
	int k = 0;

	expect(t, &r, P9_RREADDIR, tag);
	n = p9_get32(&r.b);
	assert_int_equal(r.size, P9_HDR + 4 + n);
	end = r.b.pos + n;
	while (r.b.pos < end) {
		struct p9_qid q;

		assert_true(k < max);
		p9_getqid(&r.b, &q);
		d[k].path = q.path;
		d[k].off = p9_get64(&r.b);
		d[k].type = p9_get8(&r.b);
		assert_int_equal(p9_getstr_copy(&r.b, d[k].name, sizeof(d[k].name)), 0);
		k++;
	}
	assert_false(r.b.err);
	return k;
}

static void readdir_entries(void **state)
{
	struct t *t = *state;
	struct dirent_seen d[8];

	start(t, 8192);
	walk_ok(t, FID_ROOT, 2, "", 0);
	send_readdir(t, 10, 2, 0, 1000);
	expect_error(t, 10, EBADF); /* not opened */
	lopen_ok(t, 2, P9_ORDONLY, N_ROOT);
	send_readdir(t, 11, 2, 0, 1000);
	assert_int_equal(expect_rreaddir(t, 11, d, 8), 4);
	assert_string_equal(d[0].name, "now");
	assert_int_equal(d[0].off, 1);
	assert_int_equal(d[0].type, 8);
	assert_int_equal(d[0].path, 1000 + N_NOW);
	assert_string_equal(d[1].name, "slow");
	assert_string_equal(d[2].name, "big");
	assert_string_equal(d[3].name, "sub");
	assert_int_equal(d[3].type, 4);
	assert_int_equal(d[3].off, 4);
	/* On from an entry's offset. */
	send_readdir(t, 12, 2, d[1].off, 1000);
	assert_int_equal(expect_rreaddir(t, 12, d, 8), 2);
	assert_string_equal(d[0].name, "big");
	assert_string_equal(d[1].name, "sub");
	send_readdir(t, 13, 2, d[1].off, 1000);
	assert_int_equal(expect_rreaddir(t, 13, d, 8), 0);
	/* The count bounds the entries: "now" is 27 bytes, "slow" 28 more. */
	send_readdir(t, 14, 2, 0, 54);
	assert_int_equal(expect_rreaddir(t, 14, d, 8), 1);
	send_readdir(t, 15, 2, 0, 55);
	assert_int_equal(expect_rreaddir(t, 15, d, 8), 2);
	/* The file system's refusal. */
	open_path(t, "now", 3, P9_ORDONLY, N_NOW);
	send_readdir(t, 16, 3, 0, 1000);
	expect_error(t, 16, ENOTDIR);
	send_readdir(t, 17, 99, 0, 1000);
	expect_error(t, 17, EBADF);
}

static void statfs_reply(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	send_fid(t, P9_TSTATFS, 10, FID_ROOT);
	expect(t, &r, P9_RSTATFS, 10);
	assert_int_equal(r.size, P9_HDR + 4 + 4 + 6 * 8 + 4);
	assert_int_equal(p9_get32(&r.b), 0x01021997); /* V9FS_MAGIC */
	assert_int_equal(p9_get32(&r.b), 4096);
	for (int i = 0; i < 6; i++)
		(void)p9_get64(&r.b);
	assert_int_equal(p9_get32(&r.b), 255);
	assert_false(r.b.err);
	send_fid(t, P9_TSTATFS, 11, 99);
	expect_error(t, 11, EBADF);
}

static void other_messages(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct rmsg r;

	start(t, 8192);
	open_path(t, "now", 2, P9_ORDWR, N_NOW);
	p9_put32(tm(&m, P9_TFSYNC, 10), 2);
	tsend(t, &m);
	expect(t, &r, P9_RFSYNC, 10);
	/* Tremove refuses but the fid goes anyway, as for Tclunk. */
	send_fid(t, P9_TREMOVE, 11, 2);
	expect_error(t, 11, EPERM);
	assert_int_equal(t->fs.clunks, 1);
	send_getattr(t, 12, 2);
	expect_error(t, 12, EBADF);
	p9_put32(tm(&m, P9_TLCREATE, 13), FID_ROOT);
	p9_putstr(&m.b, "new");
	p9_put32(&m.b, 0);
	p9_put32(&m.b, 0644);
	p9_put32(&m.b, 0);
	tsend(t, &m);
	expect_error(t, 13, EPERM);
	expect_fid_is(t, FID_ROOT, N_ROOT);
}

/* ---- malformed and out-of-protocol messages ----------------------------------- */

static void unknown_message_types(void **state)
{
	struct t *t = *state;
	struct tmsg m;

	start(t, 8192);
	p9_put32(tm(&m, P9_TSETATTR, 10), FID_ROOT);
	tsend(t, &m);
	expect_error(t, 10, EOPNOTSUPP);
	tm(&m, 200, 11);
	tsend(t, &m);
	expect_error(t, 11, EOPNOTSUPP);
	tm(&m, 0, 12);
	tsend(t, &m);
	expect_error(t, 12, EOPNOTSUPP);
	/* An R-message from the client. */
	p9_put32(tm(&m, P9_RVERSION, 13), 8192);
	p9_putstr(&m.b, P9_VERSION);
	tsend(t, &m);
	expect_error(t, 13, EOPNOTSUPP);
	p9_put32(tm(&m, P9_RLERROR, 14), EIO);
	tsend(t, &m);
	expect_error(t, 14, EOPNOTSUPP);
	/* Legacy 9P2000 messages (Topen 112, Tstat 124). */
	p9_put32(tm(&m, 112, 15), FID_ROOT);
	p9_put8(&m.b, 0);
	tsend(t, &m);
	expect_error(t, 15, EOPNOTSUPP);
	p9_put32(tm(&m, 124, 16), FID_ROOT);
	tsend(t, &m);
	expect_error(t, 16, EOPNOTSUPP);
	expect_fid_is(t, FID_ROOT, N_ROOT);
}

/* Sets a message's size field to n (not its real length). */
static void set_size(struct tmsg *m, uint32_t n)
{
	m->mem[0] = (uint8_t)n;
	m->mem[1] = (uint8_t)(n >> 8);
	m->mem[2] = (uint8_t)(n >> 16);
	m->mem[3] = (uint8_t)(n >> 24);
}

static void size_below_header(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct rmsg r;

	start(t, 8192);
	tm(&m, P9_TCLUNK, 10);
	set_size(&m, 6);
	tsend_as_is(t, &m);
	get_reply(t, &r);
	assert_int_equal(r.type, P9_RLERROR);
	assert_int_equal(p9_get32(&r.b), EPROTO);
	expect_eof(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
	assert_int_equal(t->fs.clunks, 1); /* the root fid went with it */
}

static void size_zero_alone(void **state)
{
	struct t *t = *state;
	static const uint8_t zero[4] = { 0, 0, 0, 0 };

	start(t, 8192);
	send_raw(t, zero, sizeof(zero));
	pump(t);
	/* Too short to have a tag. */
	expect_error(t, P9_NOTAG, EPROTO);
	expect_eof(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
}

static void size_above_msize(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	int fd2 = second_conn(t);
	int fd1 = t->fd;

	/* Another connection, in the middle of its own session. */
	t->fd = fd2;
	start(t, 8192);
	t->fd = fd1;

	start(t, 4096);
	/* Just the header of a message one byte too large. */
	tm(&m, P9_TWRITE, 10);
	set_size(&m, 4097);
	tsend_as_is(t, &m);
	expect_error(t, 10, EMSGSIZE);
	expect_eof(t);
	assert_int_equal(p9_srv_nconns(t->srv), 1);

	/* The other connection is undisturbed. */
	t->fd = fd2;
	expect_no_reply(t);
	expect_fid_is(t, FID_ROOT, N_ROOT);
	t->fd = fd1;
	close(fd2);
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
}

static void size_above_msize_before_version(void **state)
{
	struct t *t = *state;
	struct tmsg m;

	/* Before Tversion the limit is the default msize. */
	tm(&m, P9_TVERSION, P9_NOTAG);
	set_size(&m, P9_MSIZE_DEFAULT + 1);
	tsend_as_is(t, &m);
	expect_error(t, P9_NOTAG, EMSGSIZE);
	expect_eof(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
}

static void size_huge(void **state)
{
	struct t *t = *state;
	struct tmsg m;

	start(t, 8192);
	tm(&m, P9_TREAD, 10);
	set_size(&m, 0xffffffffu);
	tsend_as_is(t, &m);
	expect_error(t, 10, EMSGSIZE);
	expect_eof(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
}

static void string_past_message(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b;

	start(t, 8192);
	/* A walk name that claims 200 bytes where the message has 3. */
	b = tm(&m, P9_TWALK, 10);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 2);
	p9_put16(b, 1);
	p9_put16(b, 200);
	p9_putbytes(b, "now", 3);
	tsend(t, &m);
	expect_error(t, 10, EPROTO);
	send_getattr(t, 11, 2);
	expect_error(t, 11, EBADF);
	/* The second of two names. */
	b = tm(&m, P9_TWALK, 12);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 2);
	p9_put16(b, 2);
	p9_putstr(b, "sub");
	p9_put16(b, 5);
	p9_putbytes(b, "deep", 4);
	tsend(t, &m);
	expect_error(t, 12, EPROTO);
	/* Fewer names than nwname says. */
	b = tm(&m, P9_TWALK, 13);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 2);
	p9_put16(b, 3);
	p9_putstr(b, "sub");
	tsend(t, &m);
	expect_error(t, 13, EPROTO);
	/* An attach uname that runs past the end. */
	b = tm(&m, P9_TATTACH, 14);
	p9_put32(b, 2);
	p9_put32(b, P9_NOFID);
	p9_put16(b, 100);
	p9_putbytes(b, "x", 1);
	tsend(t, &m);
	expect_error(t, 14, EPROTO);
	/* A name with a NUL in it. */
	b = tm(&m, P9_TWALK, 15);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 2);
	p9_put16(b, 1);
	p9_putstrn(b, "now\0x", 5);
	tsend(t, &m);
	expect_error(t, 15, EPROTO);
	/* The connection goes on. */
	assert_int_equal(t->fs.clunks, 0);
	walk_ok(t, FID_ROOT, 2, "now", 1);
}

static void truncated_fields(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b;

	start(t, 8192);
	open_path(t, "now", 2, P9_ORDWR, N_NOW);
	/* Tread without its count. */
	b = tm(&m, P9_TREAD, 10);
	p9_put32(b, 2);
	p9_put64(b, 0);
	tsend(t, &m);
	expect_error(t, 10, EPROTO);
	/* Twrite whose count is more than the data. */
	b = tm(&m, P9_TWRITE, 11);
	p9_put32(b, 2);
	p9_put64(b, 0);
	p9_put32(b, 100);
	p9_putbytes(b, "0123456789", 10);
	tsend(t, &m);
	expect_error(t, 11, EPROTO);
	/* Two bytes of a fid. */
	p9_put16(tm(&m, P9_TCLUNK, 12), 2);
	tsend(t, &m);
	expect_error(t, 12, EPROTO);
	tm(&m, P9_TFLUSH, 13);
	tsend(t, &m);
	expect_error(t, 13, EPROTO);
	p9_put32(tm(&m, P9_TGETATTR, 14), 2);
	tsend(t, &m);
	expect_error(t, 14, EPROTO);
	p9_put32(tm(&m, P9_TLOPEN, 15), 2);
	tsend(t, &m);
	expect_error(t, 15, EPROTO);
	b = tm(&m, P9_TREADDIR, 16);
	p9_put32(b, FID_ROOT);
	p9_put64(b, 0);
	tsend(t, &m);
	expect_error(t, 16, EPROTO);
	tm(&m, P9_TSTATFS, 17);
	tsend(t, &m);
	expect_error(t, 17, EPROTO);
	b = tm(&m, P9_TWALK, 18);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 3);
	tsend(t, &m);
	expect_error(t, 18, EPROTO);
	b = tm(&m, P9_TATTACH, 19);
	p9_put32(b, 3);
	p9_put32(b, P9_NOFID);
	p9_putstr(b, "tester");
	p9_putstr(b, "");
	tsend(t, &m); /* no uid */
	expect_error(t, 19, EPROTO);
	/* Nothing reached the file system, nothing was clunked, fid 3 not made. */
	assert_int_equal(t->fs.reads, 0);
	assert_int_equal(t->fs.writes, 0);
	assert_int_equal(t->fs.clunks, 0);
	send_getattr(t, 20, 3);
	expect_error(t, 20, EBADF);
	send_read(t, 21, 2, 0, 5);
	expect_rread_text(t, 21, "hello");
}

static void unknown_fid(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	send_walk(t, 10, 99, 2, "now");
	expect_error(t, 10, EBADF);
	send_lopen(t, 11, 99, P9_ORDONLY);
	expect_error(t, 11, EBADF);
	send_read(t, 12, 99, 0, 10);
	expect_error(t, 12, EBADF);
	send_write(t, 13, 99, 0, "x");
	expect_error(t, 13, EBADF);
	send_fid(t, P9_TCLUNK, 14, 99);
	expect_error(t, 14, EBADF);
	send_getattr(t, 15, 99);
	expect_error(t, 15, EBADF);
	send_readdir(t, 16, 99, 0, 100);
	expect_error(t, 16, EBADF);
	send_fid(t, P9_TSTATFS, 17, 99);
	expect_error(t, 17, EBADF);
	send_fid(t, P9_TREMOVE, 18, 99);
	expect_error(t, 18, EBADF);
	send_getattr(t, 19, P9_NOFID);
	expect_error(t, 19, EBADF);
	assert_int_equal(t->fs.clunks, 0);
	assert_int_equal(t->fs.opens, 0);
}

static void fid_reuse(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "now", 2, P9_ORDONLY, N_NOW);
	send_attach(t, 10, FID_ROOT, P9_NOFID, "");
	expect_error(t, 10, EEXIST);
	send_attach(t, 11, 2, P9_NOFID, "");
	expect_error(t, 11, EEXIST);
	send_walk(t, 12, FID_ROOT, 2, "slow");
	expect_error(t, 12, EEXIST);
	send_walk(t, 13, FID_ROOT, 2, "");
	expect_error(t, 13, EEXIST);
	/* Both fids are as they were. */
	assert_int_equal(t->fs.clunks, 0);
	expect_fid_is(t, FID_ROOT, N_ROOT);
	expect_fid_is(t, 2, N_NOW);
	send_read(t, 14, 2, 0, 5);
	expect_rread_text(t, 14, "hello");
	/* Once clunked, the number may be used again. */
	clunk_ok(t, 2);
	walk_ok(t, FID_ROOT, 2, "slow", 1);
	expect_fid_is(t, 2, N_SLOW);
}

static void io_on_unopened_fid(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	walk_ok(t, FID_ROOT, 2, "now", 1);
	send_read(t, 10, 2, 0, 10);
	expect_error(t, 10, EBADF);
	send_write(t, 11, 2, 0, "x");
	expect_error(t, 11, EBADF);
	send_readdir(t, 12, FID_ROOT, 0, 1000);
	expect_error(t, 12, EBADF);
	assert_int_equal(t->fs.reads, 0);
	assert_int_equal(t->fs.writes, 0);
}

static void offset_overflow(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "now", 2, P9_ORDWR, N_NOW);
	send_read(t, 10, 2, UINT64_MAX - 3, 10);
	expect_error(t, 10, EINVAL);
	send_read(t, 11, 2, UINT64_MAX, 1);
	expect_error(t, 11, EINVAL);
	/* Past the largest file offset. */
	send_read(t, 12, 2, (uint64_t)INT64_MAX, 1);
	expect_error(t, 12, EINVAL);
	send_write(t, 13, 2, UINT64_MAX, "x");
	expect_error(t, 13, EINVAL);
	send_write(t, 14, 2, (uint64_t)INT64_MAX - 1, "xy");
	expect_error(t, 14, EINVAL);
	assert_int_equal(t->fs.reads, 0);
	assert_int_equal(t->fs.writes, 0);
	/* Up to the largest file offset is fine. */
	send_read(t, 15, 2, (uint64_t)INT64_MAX - 10, 10);
	expect_rread_text(t, 15, "");
	assert_int_equal(t->fs.read_off, (uint64_t)INT64_MAX - 10);
	send_read(t, 16, 2, (uint64_t)INT64_MAX, 0);
	expect_rread_text(t, 16, "");
}

static void count_clamped(void **state)
{
	struct t *t = *state;
	const uint8_t *data;
	uint32_t n;
	struct dirent_seen d[8];

	start(t, 4096);
	open_path(t, "big", 2, P9_ORDONLY, N_BIG);
	send_read(t, 10, 2, 100, 0xffffffffu);
	data = expect_rread(t, 10, &n);
	assert_int_equal(t->fs.read_count, 4096 - P9_IOHDR);
	assert_int_equal(n, 4096 - P9_IOHDR);
	assert_memory_equal(data, big + 100, n);
	send_read(t, 11, 2, 0, 4096);
	(void)expect_rread(t, 11, &n);
	assert_int_equal(n, 4096 - P9_IOHDR);
	/* Exactly the iounit is not clamped. */
	send_read(t, 12, 2, 0, 4096 - P9_IOHDR);
	(void)expect_rread(t, 12, &n);
	assert_int_equal(t->fs.read_count, 4096 - P9_IOHDR);
	send_read(t, 13, 2, 0, 4096 - P9_IOHDR - 1);
	(void)expect_rread(t, 13, &n);
	assert_int_equal(n, 4096 - P9_IOHDR - 1);
	walk_ok(t, FID_ROOT, 3, "", 0);
	lopen_ok(t, 3, P9_ORDONLY, N_ROOT);
	send_readdir(t, 14, 3, 0, 0xffffffffu);
	assert_int_equal(expect_rreaddir(t, 14, d, 8), 4);
}

/* The largest msize: a 1 MiB Rread goes out in pieces as the client reads. */
static void count_clamped_large_msize(void **state)
{
	struct t *t = *state;
	const uint8_t *data;
	uint32_t n;

	start(t, P9_MSIZE_MAX);
	open_path(t, "big", 2, P9_ORDONLY, N_BIG);
	send_read(t, 10, 2, 7, 0xffffffffu);
	data = expect_rread(t, 10, &n);
	assert_int_equal(n, P9_MSIZE_MAX - P9_IOHDR);
	assert_memory_equal(data, big + 7, n);
	send_read(t, 11, 2, 0, 10);
	(void)expect_rread(t, 11, &n);
	assert_int_equal(n, 10);
}

/* ---- deferred requests, Tflush and hang-ups ---------------------------------- */

static void deferred_out_of_order(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	open_path(t, "now", 3, P9_ORDONLY, N_NOW);
	send_read(t, 10, 2, 0, 100);
	send_read(t, 11, 2, 100, 50);
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 2);
	assert_int_equal(p9_req_count(t->fs.pending[0]), 100);
	assert_int_equal(p9_req_count(t->fs.pending[1]), 50);
	assert_ptr_equal(p9_req_fid(t->fs.pending[0]), p9_req_fid(t->fs.pending[1]));
	assert_int_equal(p9_req_fid(t->fs.pending[0])->fid, 2);
	/* Others are answered while those wait. */
	send_read(t, 12, 3, 0, 5);
	expect_rread_text(t, 12, "hello");
	expect_fid_is(t, FID_ROOT, N_ROOT);
	/* The second first. */
	complete_read(t, 1, "second");
	expect_rread_text(t, 11, "second");
	expect_no_reply(t);
	complete_read(t, 0, "first");
	expect_rread_text(t, 10, "first");
	expect_no_reply(t);
	assert_int_equal(t->fs.cancels, 0);
}

static void deferred_reply_clamped(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	send_read(t, 10, 2, 0, 4);
	expect_no_reply(t);
	complete_read(t, 0, "abcdefgh");
	expect_rread_text(t, 10, "abcd");
}

static void deferred_error_and_write(void **state)
{
	struct t *t = *state;
	struct p9_req *r;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDWR, N_SLOW);
	send_read(t, 10, 2, 0, 10);
	send_write(t, 11, 2, 0, "abc");
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 2);
	assert_int_equal(p9_req_count(t->fs.pending[1]), 3);
	r = t->fs.pending[1];
	t->fs.npending = 1;
	p9_reply_write(r, 2);
	p9_srv_flush_output(t->srv);
	expect_rwrite(t, 11, 2);
	r = t->fs.pending[0];
	t->fs.npending = 0;
	p9_reply_error(r, EIO);
	p9_srv_flush_output(t->srv);
	expect_error(t, 10, EIO);
	expect_no_reply(t);
}

static void flush_deferred_read(void **state)
{
	struct t *t = *state;
	struct p9_req *waiting;
	struct rmsg r;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	send_read(t, 20, 2, 0, 100);
	send_read(t, 22, 2, 0, 100);
	expect_no_reply(t);
	waiting = t->fs.pending[0];
	send_flush(t, 21, 20);
	expect(t, &r, P9_RFLUSH, 21);
	assert_int_equal(r.size, P9_HDR);
	/* The flushed read was cancelled, and gets no reply of its own. */
	assert_int_equal(t->fs.cancels, 1);
	assert_ptr_equal(t->fs.cancelled[0], waiting);
	assert_int_equal(t->fs.cancel_fid[0], 2);
	assert_int_equal(t->fs.npending, 1);
	expect_no_reply(t);
	/* The other read still waits, and is answered. */
	complete_read(t, 0, "still here");
	expect_rread_text(t, 22, "still here");
	/* The tag is free again. */
	send_read(t, 20, 2, 0, 100);
	expect_no_reply(t);
	complete_read(t, 0, "again");
	expect_rread_text(t, 20, "again");
	assert_int_equal(t->fs.cancels, 1);
	/* The fid is still open. */
	assert_int_equal(t->fs.clunks, 0);
}

static void flush_unknown_tag(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	/* Nothing outstanding on tag 77 (perhaps answered already). */
	send_flush(t, 21, 77);
	expect(t, &r, P9_RFLUSH, 21);
	send_read(t, 22, FID_ROOT, 0, 1);
	expect_error(t, 22, EBADF);
	send_flush(t, 23, 22);
	expect(t, &r, P9_RFLUSH, 23);
	assert_int_equal(t->fs.cancels, 0);
	expect_no_reply(t);
}

static void clunk_with_deferred_read(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	open_path(t, "slow", 3, P9_ORDONLY, N_SLOW);
	send_read(t, 30, 2, 0, 100);
	send_read(t, 32, 3, 0, 100);
	expect_no_reply(t);
	send_fid(t, P9_TCLUNK, 31, 2);
	/* The read on the clunked fid ends first, then the clunk is answered. */
	expect_error(t, 30, EINTR);
	expect(t, &r, P9_RCLUNK, 31);
	assert_int_equal(t->fs.cancels, 1);
	assert_int_equal(t->fs.cancel_fid[0], 2);
	assert_int_equal(t->fs.clunks, 1);
	assert_int_equal(t->fs.clunked[0], 2);
	/* The read on the other fid is untouched. */
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 1);
	assert_int_equal(p9_req_fid(t->fs.pending[0])->fid, 3);
	complete_read(t, 0, "three");
	expect_rread_text(t, 32, "three");
}

static void hangup_mid_message(void **state)
{
	struct t *t = *state;
	struct tmsg m;
	struct p9_buf *b;

	start(t, 8192);
	b = tm(&m, P9_TWALK, 10);
	p9_put32(b, FID_ROOT);
	p9_put32(b, 2);
	p9_put16(b, 1);
	p9_putstr(b, "now");
	p9_msg_end(b);
	send_raw(t, m.mem, m.b.pos - 3);
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 1);
	close(t->fd);
	t->fd = -1;
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
	/* The half message was never handled; the root fid was clunked. */
	assert_int_equal(t->fs.clunks, 1);
	assert_int_equal(t->fs.clunked[0], FID_ROOT);
}

static void hangup_with_deferred(void **state)
{
	struct t *t = *state;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDWR, N_SLOW);
	send_read(t, 10, 2, 0, 100);
	send_read(t, 11, 2, 0, 100);
	send_write(t, 12, 2, 0, "x");
	expect_no_reply(t);
	assert_int_equal(t->fs.npending, 3);
	/* Half of another message, then the client goes. */
	send_raw(t, "\x20\x00\x00\x00\x74", 5);
	close(t->fd);
	t->fd = -1;
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
	assert_int_equal(t->fs.cancels, 3);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(t->fs.clunks, 2);
}

/* A client that sends requests but never reads the replies is dropped. */
static void slow_reader_dropped(void **state)
{
	struct t *t = *state;

	start(t, P9_MSIZE_MAX);
	open_path(t, "big", 2, P9_ORDONLY, N_BIG);
	/* 16 replies of nearly 1 MiB: more than the 8 MiB a client may have waiting. */
	for (uint16_t i = 0; i < 16; i++) {
		struct tmsg m;
		struct p9_buf *b = tm(&m, P9_TREAD, (uint16_t)(100 + i));

		p9_put32(b, 2);
		p9_put64(b, 0);
		p9_put32(b, P9_MSIZE_MAX);
		p9_msg_end(b);
		send_raw(t, m.mem, m.b.pos);
	}
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
	assert_int_equal(t->fs.clunks, 2);
}

/* Many connections, each with its own fids and outstanding requests. */
static void connections_are_separate(void **state)
{
	struct t *t = *state;
	int fd1 = t->fd, fd2 = second_conn(t);

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	send_read(t, 10, 2, 0, 100);
	expect_no_reply(t);
	t->fd = fd2;
	start(t, 8192);
	/* Fid 2 here is not the other connection's. */
	send_getattr(t, 11, 2);
	expect_error(t, 11, EBADF);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	send_read(t, 10, 2, 0, 100); /* the same tag, on another connection */
	expect_no_reply(t);
	/* A flush of tag 10 here cancels this connection's read only. */
	send_flush(t, 12, 10);
	{
		struct rmsg r;

		expect(t, &r, P9_RFLUSH, 12);
	}
	assert_int_equal(t->fs.cancels, 1);
	assert_int_equal(t->fs.npending, 1);
	close(fd2);
	t->fd = fd1;
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 1);
	complete_read(t, 0, "one");
	expect_rread_text(t, 10, "one");
}

/*
 * Output flushed before a connection was ever answered: it has no output
 * buffer yet (NULL), and nothing may be moved from it.
 */
static void flush_before_first_reply(void **state)
{
	struct t *t = *state;

	p9_srv_flush_output(t->srv);
	/* Half a Tversion: the server reads it, and has nothing to send. */
	send_raw(t, "\x13\x00\x00\x00\x64", 5);
	pump(t);
	p9_srv_flush_output(t->srv);
	assert_int_equal(p9_srv_nconns(t->srv), 1);
	close(t->fd);
	t->fd = -1;
	pump(t);
	assert_int_equal(p9_srv_nconns(t->srv), 0);
}

/* More requests cancelled, over time, than may wait at once (MAXPEND). */
static void many_flushes(void **state)
{
	struct t *t = *state;
	struct rmsg r;

	start(t, 8192);
	open_path(t, "slow", 2, P9_ORDONLY, N_SLOW);
	for (int i = 0; i < 2 * MAXPEND + 1; i++) {
		send_read(t, 20, 2, 0, 100);
		expect_no_reply(t);
		send_flush(t, 21, 20);
		expect(t, &r, P9_RFLUSH, 21);
	}
	assert_int_equal(t->fs.cancels, 2 * MAXPEND + 1);
	assert_int_equal(t->fs.npending, 0);
	assert_int_equal(t->fs.cancel_fid[MAXPEND - 1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codec_integers_round_trip),
		cmocka_unit_test(codec_strings_round_trip),
		cmocka_unit_test(codec_qid_round_trip),
		cmocka_unit_test(codec_get_past_end),
		cmocka_unit_test(codec_put_past_capacity),
		cmocka_unit_test(codec_getstr_copy_rejects),
		cmocka_unit_test(codec_message_header),
		cmocka_unit_test(codec_dirents),
		cmocka_unit_test(codec_type_names),
#define SRV(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		SRV(version_negotiates),
		SRV(flush_before_first_reply),
		SRV(many_flushes),
		SRV(version_clamps_msize),
		SRV(version_unknown),
		SRV(version_msize_too_small),
		SRV(version_malformed),
		SRV(message_before_version),
		SRV(version_resets_session),
		SRV(attach_checks),
		SRV(walk_and_read),
		SRV(walk_variants),
		SRV(walk_opened_fid),
		SRV(walk_to_nofid),
		SRV(walk_sixteen_names),
		SRV(lopen_checks),
		SRV(write_and_modes),
		SRV(getattr_reply),
		SRV(readdir_entries),
		SRV(statfs_reply),
		SRV(other_messages),
		SRV(unknown_message_types),
		SRV(size_below_header),
		SRV(size_zero_alone),
		SRV(size_above_msize),
		SRV(size_above_msize_before_version),
		SRV(size_huge),
		SRV(string_past_message),
		SRV(truncated_fields),
		SRV(unknown_fid),
		SRV(fid_reuse),
		SRV(io_on_unopened_fid),
		SRV(offset_overflow),
		SRV(count_clamped),
		SRV(count_clamped_large_msize),
		SRV(deferred_out_of_order),
		SRV(deferred_reply_clamped),
		SRV(deferred_error_and_write),
		SRV(flush_deferred_read),
		SRV(flush_unknown_tag),
		SRV(clunk_with_deferred_read),
		SRV(hangup_mid_message),
		SRV(hangup_with_deferred),
		SRV(slow_reader_dropped),
		SRV(connections_are_separate),
#undef SRV
	};

	for (uint32_t i = 0; i < BIG_SIZE; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 11));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
