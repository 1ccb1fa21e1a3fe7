/* SPDX-License-Identifier: ISC */
/*
 * The library OS's 9P2000.L client.  Each share is a connection on the
 * "fs" ring: a ring message's tag names the connection, and reads and
 * writes go by reference (LPAR_FS_OOL), so file data never passes through
 * the ring.  A program is single-threaded, so there is one request at a
 * time and one buffer for it and its reply.  Messages are built and taken
 * apart by format strings (one letter a field) instead of a function a
 * message.  See docs/shares.md and <lpar/fs.h>.
 */
#include <errno.h>
#include <lpar/fs.h>
#include <stdarg.h>

#include "los.h"
#include "p9c.h"

/* The monitor finds both by name in the library OS's image and fills them before start. */
LPAR_RING(fs, LPAR_RING_MSGS, LPAR_FS_RING_SIZE);
struct lpar_fs_boot los_fs_boot;

enum {
	RLERROR = 7,
	TSTATFS = 8,
	TLOPEN = 12,
	TLCREATE = 14,
	TSYMLINK = 16,
	TREADLINK = 22,
	TGETATTR = 24,
	TSETATTR = 26,
	TREADDIR = 40,
	TFSYNC = 50,
	TLINK = 70,
	TMKDIR = 72,
	TRENAMEAT = 74,
	TUNLINKAT = 76,
	TVERSION = 100,
	TATTACH = 104,
	TWALK = 110,
	TREAD = 116,
	TWRITE = 118,
	TCLUNK = 120,
	TREMOVE = 122,
	TRENAME = 20,
};

#define HDR       7u        /* size[4] type[1] tag[2] */
#define NOTAG     0xffffu
#define MAXFIDS   1024u     /* the server's bound per connection */
#define IO_MAX    (1u << 20) /* the most one Tread or Twrite asks for */
#define ROOT_FID  0u
#define GETATTR_BASIC 0x7ffull

struct session {
	uint32_t gen;           /* p9c_gen it was started in; 0: not started */
	uint32_t msize;
	struct p9c_qid root;
	uint32_t used[MAXFIDS / 32]; /* fid numbers taken */
};

static struct session sess[LPAR_SHARES_MAX];
uint32_t p9c_gen = 1;

/* The request being built, then its reply. */
static uint8_t msg[LPAR_FS_MSIZE];
static uint32_t mlen;   /* building: bytes so far; decoding: the reply's length */
static uint32_t mpos;   /* decoding: the cursor */
static int moverflow;   /* building: a field did not fit */
static uint16_t tag_next;

int p9c_present(void)
{
	return lpar_boot->fs && lpar_boot->fs_ring && los_fs_boot.nshares;
}

int p9c_nshares(void)
{
	if (!p9c_present())
		return 0;
	return los_fs_boot.nshares > LPAR_SHARES_MAX ? LPAR_SHARES_MAX : (int)los_fs_boot.nshares;
}

static void put(const void *p, uint32_t n)
{
	if (n > sizeof(msg) - mlen) {
		moverflow = 1;
		return;
	}
	memcpy(msg + mlen, p, n);
	mlen += n;
}

/* Fields are little-endian, as x86 is. */
static void put_int(uint64_t v, uint32_t n)
{
	put(&v, n);
}

static void put_str(const char *s, size_t n)
{
	if (n > 0xffff) {
		moverflow = 1;
		return;
	}
	put_int(n, 2);
	put(s, (uint32_t)n);
}

/*
 * Appends fields: b, w, d and q are 1, 2, 4 and 8-byte integers (q takes a
 * uint64_t, the others an unsigned), s a NUL-terminated string, S a
 * string as pointer and unsigned length.
 */
static void putf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		const char *s;

		switch (*fmt) {
		case 'b':
			put_int(va_arg(ap, unsigned), 1);
			break;
		case 'w':
			put_int(va_arg(ap, unsigned), 2);
			break;
		case 'd':
			put_int(va_arg(ap, unsigned), 4);
			break;
		case 'q':
			put_int(va_arg(ap, uint64_t), 8);
			break;
		case 's':
			s = va_arg(ap, const char *);
			put_str(s, strlen(s));
			break;
		case 'S':
			s = va_arg(ap, const char *);
			put_str(s, va_arg(ap, unsigned));
			break;
		}
	}
	va_end(ap);
}

static uint64_t get_int(uint32_t n, int *err)
{
	uint64_t v = 0;

	if (*err || n > mlen - mpos) {
		*err = 1;
		return 0;
	}
	memcpy(&v, msg + mpos, n);
	mpos += n;
	return v;
}

/*
 * Takes fields from the reply: b, w, d, q into uint8_t, uint16_t,
 * uint32_t and uint64_t pointers, Q into a struct p9c_qid, s into a const
 * char ** and a uint16_t * (pointing into the reply); a null pointer
 * skips the field.  -EPROTO if the reply is too short.
 */
static int getf(const char *fmt, ...)
{
	va_list ap;
	int err = 0;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		void *p = va_arg(ap, void *);
		struct p9c_qid *q;
		uint64_t v;
		uint16_t *lenp;

		switch (*fmt) {
		case 'b':
			v = get_int(1, &err);
			if (p)
				*(uint8_t *)p = (uint8_t)v;
			break;
		case 'w':
			v = get_int(2, &err);
			if (p)
				*(uint16_t *)p = (uint16_t)v;
			break;
		case 'd':
			v = get_int(4, &err);
			if (p)
				*(uint32_t *)p = (uint32_t)v;
			break;
		case 'q':
			v = get_int(8, &err);
			if (p)
				*(uint64_t *)p = v;
			break;
		case 'Q':
			q = p;
			if (q) {
				q->type = (uint8_t)get_int(1, &err);
				q->version = (uint32_t)get_int(4, &err);
				q->path = get_int(8, &err);
			} else {
				get_int(1, &err);
				get_int(4, &err);
				get_int(8, &err);
			}
			break;
		case 's':
			lenp = va_arg(ap, uint16_t *);
			v = get_int(2, &err);
			if (!err && v > mlen - mpos)
				err = 1;
			if (!err) {
				if (p)
					*(const char **)p = (const char *)msg + mpos;
				*lenp = (uint16_t)v;
				mpos += (uint32_t)v;
			}
			break;
		}
	}
	va_end(ap);
	return err ? -EPROTO : 0;
}

static void begin(uint8_t type)
{
	mlen = 0;
	moverflow = 0;
	if (++tag_next == NOTAG)
		tag_next = 1;
	putf("dbw", 0u, (unsigned)type, type == TVERSION ? NOTAG : (unsigned)tag_next);
}

/* The ring was reset: every session and every fid is gone. */
static void reset_all(void)
{
	p9c_gen++;
	if (!p9c_gen)
		p9c_gen = 1;
	for (int i = 0; i < LPAR_SHARES_MAX; i++)
		sess[i].gen = 0;
}

static long ring_error(long r)
{
	struct lpar_ring_hdr *ring = lpar_ring(fs);

	if (r == -EMSGSIZE) /* a reply larger than msize stays in the ring: start it over */
		lpar_ring_reset(ring);
	if (r == -ECONNRESET || r == -EMSGSIZE)
		reset_all();
	return -EIO;
}

/*
 * Sends the message built on share s's connection, with buf by reference
 * if ool, and waits for its reply, left in msg for getf().  Returns 0, or
 * the Rlerror's -errno, or -EIO if the ring failed.
 */
static int call(int s, const void *ool_buf, uint32_t ool_len)
{
	struct lpar_ring_hdr *ring = lpar_ring(fs);
	uint32_t conn = los_fs_boot.share[s].conn, tag, size = mlen;
	uint8_t type = msg[4];
	uint16_t want = (uint16_t)(msg[5] | msg[6] << 8);
	long r;

	/* A fid from before a reset means nothing to the new session: none is sent. */
	if (type != TVERSION && type != TATTACH && sess[s].gen != p9c_gen)
		return -EIO;
	if (moverflow || mlen > (sess[s].msize ? sess[s].msize : LPAR_FS_MSIZE))
		return -ENAMETOOLONG;
	memcpy(msg, &size, 4);
	if (ool_buf) {
		struct lpar_fs_ool o = { (uint64_t)(uintptr_t)ool_buf, ool_len };

		if (sizeof(o) > sizeof(msg) - mlen)
			return -ENAMETOOLONG;
		memcpy(msg + mlen, &o, sizeof(o));
	}
	if (lpar_ring_link(ring) != LPAR_LINK_UP) {
		/* Up from the start in practice; a short wait covers a monitor still linking it. */
		r = lpar_ring_wait_up(ring, lpar_time_monotonic() + 1000000000ull);
		if (r)
			return -EIO;
	}
	r = lpar_ring_send_tag(ring, conn | (ool_buf ? LPAR_FS_OOL : 0), msg,
			       mlen + (ool_buf ? sizeof(struct lpar_fs_ool) : 0), LPAR_DEADLINE_NEVER);
	if (r < 0)
		return (int)ring_error(r);
	for (;;) {
		uint16_t got;

		r = lpar_ring_recv_tag(ring, &tag, msg, sizeof(msg), LPAR_DEADLINE_NEVER);
		if (r < 0)
			return (int)ring_error(r);
		if ((uint64_t)r < HDR || LPAR_FS_CONN(tag) != conn)
			continue; /* not ours: a reply left over from before */
		got = (uint16_t)(msg[5] | msg[6] << 8);
		memcpy(&size, msg, 4);
		if (got != want || size != (uint64_t)r)
			continue;
		break;
	}
	mlen = (uint32_t)r;
	mpos = HDR;
	if (msg[4] == RLERROR) {
		uint32_t e = 0;

		if (getf("d", &e) || !e || e > 4095)
			return -EIO;
		return -(int)e;
	}
	return msg[4] == type + 1 ? 0 : -EPROTO;
}

static int start(int s)
{
	struct session *x = &sess[s];
	uint32_t msize = 0;
	const char *v;
	uint16_t vlen = 0;
	int r;

	memset(x, 0, sizeof(*x));
	begin(TVERSION);
	putf("ds", LPAR_FS_MSIZE, "9P2000.L");
	r = call(s, NULL, 0);
	if (!r)
		r = getf("ds", &msize, &v, &vlen);
	if (r)
		return r;
	if (vlen != 8 || memcmp(v, "9P2000.L", 8) || msize < 4096)
		return -EIO;
	x->msize = msize < LPAR_FS_MSIZE ? msize : LPAR_FS_MSIZE;
	/* The monitor sets the share's aname and uname: ours are empty. */
	begin(TATTACH);
	putf("ddssd", ROOT_FID, P9C_NOFID, "", "", 0u);
	r = call(s, NULL, 0);
	if (!r)
		r = getf("Q", &x->root);
	if (r)
		return r;
	x->used[0] = 1u << ROOT_FID;
	x->gen = p9c_gen;
	return 0;
}

long p9c_root(int s, struct p9c_qid *qid)
{
	int r;

	if (s < 0 || s >= p9c_nshares())
		return -ENOENT;
	if (sess[s].gen != p9c_gen) {
		r = start(s);
		if (r)
			return r == -ENOENT ? -EIO : r;
	}
	if (qid)
		*qid = sess[s].root;
	return ROOT_FID;
}

uint32_t p9c_iounit(int s)
{
	return sess[s].msize - HDR - 4;
}

long p9c_fid_new(int s)
{
	struct session *x = &sess[s];

	for (uint32_t i = 0; i < MAXFIDS / 32; i++)
		if (x->used[i] != ~0u) {
			uint32_t b = (uint32_t)__builtin_ctz(~x->used[i]);

			x->used[i] |= 1u << b;
			return i * 32 + b;
		}
	return -EMFILE;
}

void p9c_fid_drop(int s, uint32_t fid)
{
	if (fid != ROOT_FID && fid < MAXFIDS)
		sess[s].used[fid / 32] &= ~(1u << fid % 32);
}

int p9c_walk(int s, uint32_t fid, uint32_t newfid, int n, const char *const *name,
	     const uint16_t *len, struct p9c_qid *qids)
{
	uint16_t got = 0;
	int r;

	if (n < 0 || n > P9C_MAXWELEM)
		return -EINVAL;
	begin(TWALK);
	putf("ddw", fid, newfid, (unsigned)n);
	for (int i = 0; i < n; i++)
		putf("S", name[i], (unsigned)len[i]);
	r = call(s, NULL, 0);
	if (!r)
		r = getf("w", &got);
	if (r)
		return r;
	if (got > n)
		return -EPROTO;
	for (int i = 0; i < got; i++)
		if (getf("Q", &qids[i]))
			return -EPROTO;
	return got;
}

int p9c_clunk(int s, uint32_t fid)
{
	int r;

	if (fid == ROOT_FID)
		return 0;
	if (sess[s].gen != p9c_gen)
		return -EIO; /* gone with its session; the number may be taken again */
	begin(TCLUNK);
	putf("d", fid);
	r = call(s, NULL, 0);
	/* Whatever the answer, the fid is gone (9P's rule for Tclunk). */
	p9c_fid_drop(s, fid);
	return r;
}

int p9c_lopen(int s, uint32_t fid, uint32_t flags, struct p9c_qid *qid)
{
	int r;

	begin(TLOPEN);
	putf("dd", fid, flags);
	r = call(s, NULL, 0);
	return r ? r : getf("Qd", qid, NULL);
}

int p9c_lcreate(int s, uint32_t dfid, const char *name, uint32_t flags, uint32_t mode,
		struct p9c_qid *qid)
{
	int r;

	begin(TLCREATE);
	putf("dsddd", dfid, name, flags, mode, 0u);
	r = call(s, NULL, 0);
	return r ? r : getf("Qd", qid, NULL);
}

/* Tread and Twrite by reference: count and no data either way. */
static long io(int s, uint8_t type, uint32_t fid, uint64_t off, const void *buf, uint32_t len)
{
	uint32_t count = 0;
	int r;

	if (len > IO_MAX)
		len = IO_MAX;
	begin(type);
	putf("dqd", fid, off, len);
	r = call(s, buf, len);
	if (!r)
		r = getf("d", &count);
	if (r)
		return r;
	return count > len ? -EIO : (long)count;
}

long p9c_read(int s, uint32_t fid, uint64_t off, void *buf, uint32_t len)
{
	return io(s, TREAD, fid, off, buf, len);
}

long p9c_write(int s, uint32_t fid, uint64_t off, const void *buf, uint32_t len)
{
	return io(s, TWRITE, fid, off, buf, len);
}

long p9c_readdir(int s, uint32_t fid, uint64_t off, uint32_t count, const uint8_t **data)
{
	uint32_t got = 0;
	int r;

	if (count > p9c_iounit(s))
		count = p9c_iounit(s);
	begin(TREADDIR);
	putf("dqd", fid, off, count);
	r = call(s, NULL, 0);
	if (!r)
		r = getf("d", &got);
	if (r)
		return r;
	if (got > mlen - mpos || got > count)
		return -EPROTO;
	*data = msg + mpos;
	return got;
}

int p9c_getattr(int s, uint32_t fid, struct p9c_attr *a)
{
	int r;

	begin(TGETATTR);
	putf("dq", fid, GETATTR_BASIC);
	r = call(s, NULL, 0);
	if (r)
		return r;
	return getf("qQdddqqqqqqqqqqq", NULL, &a->qid, &a->mode, &a->uid, &a->gid, &a->nlink,
		    &a->rdev, &a->size, &a->blksize, &a->blocks, &a->atime_sec, &a->atime_nsec,
		    &a->mtime_sec, &a->mtime_nsec, &a->ctime_sec, &a->ctime_nsec);
}

int p9c_setattr(int s, uint32_t fid, const struct p9c_setattr *a)
{
	begin(TSETATTR);
	putf("dddddqqqqq", fid, a->valid, a->mode, 0u, 0u, a->size, a->atime_sec, a->atime_nsec,
	     a->mtime_sec, a->mtime_nsec);
	return call(s, NULL, 0);
}

long p9c_readlink(int s, uint32_t fid, char *buf, uint32_t size)
{
	const char *t;
	uint16_t n = 0;
	int r;

	begin(TREADLINK);
	putf("d", fid);
	r = call(s, NULL, 0);
	if (!r)
		r = getf("s", &t, &n);
	if (r)
		return r;
	if ((uint32_t)n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, t, n);
	buf[n] = 0;
	return n;
}

int p9c_mkdir(int s, uint32_t dfid, const char *name, uint32_t mode)
{
	begin(TMKDIR);
	putf("dsdd", dfid, name, mode, 0u);
	return call(s, NULL, 0);
}

int p9c_symlink(int s, uint32_t dfid, const char *name, const char *target)
{
	begin(TSYMLINK);
	putf("dssd", dfid, name, target, 0u);
	return call(s, NULL, 0);
}

int p9c_link(int s, uint32_t dfid, uint32_t fid, const char *name)
{
	begin(TLINK);
	putf("dds", dfid, fid, name);
	return call(s, NULL, 0);
}

/*
 * For servers without Trenameat and Tunlinkat (diod 1.0.24 answers
 * EOPNOTSUPP), the requests Linux's v9fs falls back to: Trename and
 * Tremove of the file walked to.  First the walk: a new fid, or -errno.
 */
static long walk_name(int s, uint32_t dfid, const char *name)
{
	long fid = p9c_fid_new(s);
	uint16_t len = (uint16_t)strlen(name);
	struct p9c_qid q;
	int r;

	if (fid < 0)
		return fid;
	r = p9c_walk(s, dfid, (uint32_t)fid, 1, &name, &len, &q);
	if (r == 1)
		return fid;
	p9c_fid_drop(s, (uint32_t)fid);
	return r < 0 ? r : -ENOENT;
}

int p9c_renameat(int s, uint32_t odfid, const char *oname, uint32_t ndfid, const char *nname)
{
	long fid;
	int r;

	begin(TRENAMEAT);
	putf("dsds", odfid, oname, ndfid, nname);
	r = call(s, NULL, 0);
	if (r != -EOPNOTSUPP)
		return r;
	fid = walk_name(s, odfid, oname);
	if (fid < 0)
		return (int)fid;
	begin(TRENAME);
	putf("dds", (uint32_t)fid, ndfid, nname);
	r = call(s, NULL, 0);
	p9c_clunk(s, (uint32_t)fid);
	return r;
}

int p9c_unlinkat(int s, uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9c_attr a;
	long fid;
	int r, dir;

	begin(TUNLINKAT);
	putf("dsd", dfid, name, flags);
	r = call(s, NULL, 0);
	if (r != -EOPNOTSUPP)
		return r;
	fid = walk_name(s, dfid, name);
	if (fid < 0)
		return (int)fid;
	/* Tremove takes whatever it is: unlink and rmdir each want their kind. */
	r = p9c_getattr(s, (uint32_t)fid, &a);
	dir = (a.mode & 0170000) == 0040000;
	if (!r && dir != !!(flags & P9C_AT_REMOVEDIR))
		r = dir ? -EISDIR : -ENOTDIR;
	if (r) {
		p9c_clunk(s, (uint32_t)fid);
		return r;
	}
	begin(TREMOVE);
	putf("d", (uint32_t)fid);
	r = call(s, NULL, 0);
	p9c_fid_drop(s, (uint32_t)fid); /* Tremove clunks it, whatever it answers */
	return r;
}

int p9c_fsync(int s, uint32_t fid, int datasync)
{
	begin(TFSYNC);
	putf("dd", fid, (unsigned)datasync);
	return call(s, NULL, 0);
}

int p9c_statfs(int s, uint32_t fid, struct p9c_statfs *st)
{
	int r;

	begin(TSTATFS);
	putf("d", fid);
	r = call(s, NULL, 0);
	if (r)
		return r;
	return getf("ddqqqqqqd", &st->type, &st->bsize, &st->blocks, &st->bfree, &st->bavail,
		    &st->files, &st->ffree, &st->fsid, &st->namelen);
}
