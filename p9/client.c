/* SPDX-License-Identifier: ISC */
/* The synchronous 9P2000.L client. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

struct p9c {
	int rfd, wfd;
	uint32_t msize;
	uint32_t next_fid;
	uint16_t next_tag;
	uint8_t *buf;     /* one message, msize bytes */
};

int p9c_open_fds(int rfd, int wfd, struct p9c **out)
{
	struct p9c *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->rfd = rfd;
	c->wfd = wfd;
	c->msize = P9_MSIZE_DEFAULT;
	c->next_fid = 1;
	c->buf = malloc(P9_MSIZE_MAX);
	if (!c->buf) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

int p9c_connect_unix(const char *path, struct p9c **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = p9c_open_fds(fd, fd, out);
	if (r)
		close(fd);
	return r;
}

void p9c_close(struct p9c *c)
{
	if (!c)
		return;
	close(c->rfd);
	if (c->wfd != c->rfd)
		close(c->wfd);
	free(c->buf);
	free(c);
}

void p9c_shutdown(struct p9c *c)
{
	if (c)
		shutdown(c->rfd, SHUT_RDWR);
}

uint32_t p9c_msize(const struct p9c *c) { return c->msize; }
uint32_t p9c_fid(struct p9c *c) { return c->next_fid++; }

/* On a socket, a peer that hung up is an error (EPIPE), not a SIGPIPE. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * Sends the message in b and reads the reply into c->buf; returns the reply
 * cursor positioned after the header, or -errno (an Rlerror's code too).
 */
static int rpc(struct p9c *c, struct p9_buf *b, uint8_t rtype, struct p9_buf *reply)
{
	uint16_t tag = (uint16_t)(b->data[5] | b->data[6] << 8);
	uint32_t size;
	uint8_t type;
	int r;

	p9_msg_end(b);
	if (b->err)
		return -EMSGSIZE;
	r = write_all(c->wfd, b->data, b->pos);
	for (;;) {
		if (r)
			return r;
		r = read_all(c->rfd, c->buf, 4);
		if (r)
			return r;
		size = c->buf[0] | c->buf[1] << 8 | c->buf[2] << 16 | (uint32_t)c->buf[3] << 24;
		if (size < P9_HDR || size > P9_MSIZE_MAX)
			return -EPROTO;
		r = read_all(c->rfd, c->buf + 4, size - 4);
		if (r)
			return r;
		p9_buf_init(reply, c->buf, size);
		(void)p9_get32(reply);
		type = p9_get8(reply);
		if (p9_get16(reply) != tag)
			continue; /* a late answer to something flushed */
		if (type == P9_RLERROR) {
			uint32_t e = p9_get32(reply);

			return reply->err || !e ? -EPROTO : -(int)e;
		}
		return type == rtype ? 0 : -EPROTO;
	}
}

static void begin(struct p9c *c, struct p9_buf *b, uint8_t *mem, uint32_t size,
		  uint8_t type)
{
	uint16_t tag = type == P9_TVERSION ? P9_NOTAG : (uint16_t)(++c->next_tag % 0xfffe);

	p9_buf_init(b, mem, size);
	p9_msg_begin(b, type, tag);
}

int p9c_version(struct p9c *c, uint32_t msize)
{
	uint8_t mem[64];
	struct p9_buf b, r;
	char ver[32];
	int e;

	begin(c, &b, mem, sizeof(mem), P9_TVERSION);
	p9_put32(&b, msize);
	p9_putstr(&b, P9_VERSION);
	e = rpc(c, &b, P9_RVERSION, &r);
	if (e)
		return e;
	msize = p9_get32(&r);
	if (p9_getstr_copy(&r, ver, sizeof(ver)) < 0 || strcmp(ver, P9_VERSION))
		return -EPROTONOSUPPORT;
	if (msize < P9_MSIZE_MIN || msize > P9_MSIZE_MAX)
		return -EPROTO;
	c->msize = msize;
	return 0;
}

int p9c_attach(struct p9c *c, uint32_t fid, const char *uname,
	       const char *aname, uint32_t uid)
{
	uint8_t mem[600];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TATTACH);
	p9_put32(&b, fid);
	p9_put32(&b, P9_NOFID);
	p9_putstr(&b, uname);
	p9_putstr(&b, aname);
	p9_put32(&b, uid);
	return rpc(c, &b, P9_RATTACH, &r);
}

int p9c_mount(struct p9c *c, uint32_t msize, const char *aname)
{
	int r = p9c_version(c, msize);

	if (!r)
		r = p9c_attach(c, P9C_ROOT, "", aname, (uint32_t)getuid());
	return r;
}

int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path)
{
	uint8_t mem[P9_HDR + 10 + P9_MAXWELEM * 258];
	struct p9_buf b, r;
	const char *names[P9_MAXWELEM];
	size_t lens[P9_MAXWELEM];
	uint16_t n = 0, got;
	int e;

	while (*path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);

		if (len) {
			if (n == P9_MAXWELEM || len > 255)
				return -ENAMETOOLONG;
			names[n] = path;
			lens[n++] = len;
		}
		path += len + (slash != NULL);
	}
	begin(c, &b, mem, sizeof(mem), P9_TWALK);
	p9_put32(&b, fid);
	p9_put32(&b, newfid);
	p9_put16(&b, n);
	for (uint16_t i = 0; i < n; i++)
		p9_putstrn(&b, names[i], lens[i]);
	e = rpc(c, &b, P9_RWALK, &r);
	if (e)
		return e;
	got = p9_get16(&r);
	if (got == n)
		return 0;
	/* Some servers (diod) keep newfid after a partial walk: let it go. */
	if (newfid != fid)
		p9c_clunk(c, newfid);
	return -ENOENT;
}

int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid)
{
	uint8_t mem[32];
	struct p9_buf b, r;
	struct p9_qid q;
	int e;

	begin(c, &b, mem, sizeof(mem), P9_TLOPEN);
	p9_put32(&b, fid);
	p9_put32(&b, flags);
	e = rpc(c, &b, P9_RLOPEN, &r);
	if (e)
		return e;
	p9_getqid(&r, qid ? qid : &q);
	return r.err ? -EPROTO : 0;
}

ssize_t p9c_read(struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t n)
{
	uint8_t mem[32];
	struct p9_buf b, r;
	const uint8_t *data;
	uint32_t got;
	int e;

	if (n > c->msize - P9_IOHDR)
		n = c->msize - P9_IOHDR;
	begin(c, &b, mem, sizeof(mem), P9_TREAD);
	p9_put32(&b, fid);
	p9_put64(&b, off);
	p9_put32(&b, n);
	e = rpc(c, &b, P9_RREAD, &r);
	if (e)
		return e;
	got = p9_get32(&r);
	data = p9_getbytes(&r, got);
	if (!data || got > n)
		return -EPROTO;
	memcpy(buf, data, got);
	return got;
}

ssize_t p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *buf, uint32_t n)
{
	struct p9_buf b, r;
	uint8_t *mem;
	uint32_t got;
	int e;

	if (n > c->msize - P9_IOHDR)
		n = c->msize - P9_IOHDR;
	mem = malloc(P9_IOHDR + n); /* 23 bytes of header, rounded */
	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, P9_IOHDR + n, P9_TWRITE);
	p9_put32(&b, fid);
	p9_put64(&b, off);
	p9_put32(&b, n);
	p9_putbytes(&b, buf, n);
	e = rpc(c, &b, P9_RWRITE, &r);
	free(mem);
	if (e)
		return e;
	got = p9_get32(&r);
	if (r.err || got > n)
		return -EPROTO;
	return got;
}

int p9c_clunk(struct p9c *c, uint32_t fid)
{
	uint8_t mem[16];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TCLUNK);
	p9_put32(&b, fid);
	return rpc(c, &b, P9_RCLUNK, &r);
}

int p9c_flush(struct p9c *c, uint16_t oldtag)
{
	uint8_t mem[16];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TFLUSH);
	p9_put16(&b, oldtag);
	return rpc(c, &b, P9_RFLUSH, &r);
}

int p9c_getattr(struct p9c *c, uint32_t fid, struct p9_attr *a)
{
	uint8_t mem[32];
	struct p9_buf b, r;
	int e;

	begin(c, &b, mem, sizeof(mem), P9_TGETATTR);
	p9_put32(&b, fid);
	p9_put64(&b, P9_GETATTR_BASIC);
	e = rpc(c, &b, P9_RGETATTR, &r);
	if (e)
		return e;
	memset(a, 0, sizeof(*a));
	a->valid = p9_get64(&r);
	p9_getqid(&r, &a->qid);
	a->mode = p9_get32(&r);
	a->uid = p9_get32(&r);
	a->gid = p9_get32(&r);
	a->nlink = p9_get64(&r);
	a->rdev = p9_get64(&r);
	a->size = p9_get64(&r);
	a->blksize = p9_get64(&r);
	a->blocks = p9_get64(&r);
	a->atime_sec = p9_get64(&r);
	a->atime_nsec = p9_get64(&r);
	a->mtime_sec = p9_get64(&r);
	a->mtime_nsec = p9_get64(&r);
	a->ctime_sec = p9_get64(&r);
	a->ctime_nsec = p9_get64(&r);
	return r.err ? -EPROTO : 0;
}

int p9c_readdir(struct p9c *c, uint32_t fid,
		int (*fn)(void *arg, const struct p9_qid *q, uint8_t type, const char *name),
		void *arg)
{
	uint64_t off = 0;

	for (;;) {
		uint8_t mem[32];
		struct p9_buf b, r, ents;
		uint32_t n;
		const uint8_t *data;
		int e;

		begin(c, &b, mem, sizeof(mem), P9_TREADDIR);
		p9_put32(&b, fid);
		p9_put64(&b, off);
		p9_put32(&b, c->msize - P9_IOHDR);
		e = rpc(c, &b, P9_RREADDIR, &r);
		if (e)
			return e;
		n = p9_get32(&r);
		data = p9_getbytes(&r, n);
		if (!data)
			return -EPROTO;
		if (n == 0)
			return 0;
		p9_buf_init(&ents, (void *)data, n);
		while (ents.pos < n) {
			struct p9_qid q;
			uint8_t type;
			char name[256];

			p9_getqid(&ents, &q);
			off = p9_get64(&ents);
			type = p9_get8(&ents);
			if (p9_getstr_copy(&ents, name, sizeof(name)) < 0 || ents.err)
				return -EPROTO;
			if (fn(arg, &q, type, name))
				return 0;
		}
	}
}

/* A reply's qid into q (if not NULL). */
static int got_qid(int e, struct p9_buf *r, struct p9_qid *q)
{
	struct p9_qid dummy;

	if (e)
		return e;
	p9_getqid(r, q ? q : &dummy);
	return r->err ? -EPROTO : 0;
}

/* Room for a message of fixed fields and up to two names. */
#define NAMES_MSG (P9_HDR + 64 + 2 * (2 + 0xffff))

static uint8_t *msg_mem(void)
{
	return malloc(NAMES_MSG);
}

int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
		uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TLCREATE);
	p9_put32(&b, fid);
	p9_putstr(&b, name);
	p9_put32(&b, flags);
	p9_put32(&b, mode);
	p9_put32(&b, gid);
	e = got_qid(rpc(c, &b, P9_RLCREATE, &r), &r, qid);
	free(mem);
	return e;
}

int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      uint32_t gid, struct p9_qid *qid)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TMKDIR);
	p9_put32(&b, dfid);
	p9_putstr(&b, name);
	p9_put32(&b, mode);
	p9_put32(&b, gid);
	e = got_qid(rpc(c, &b, P9_RMKDIR, &r), &r, qid);
	free(mem);
	return e;
}

int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name, const char *target,
		uint32_t gid, struct p9_qid *qid)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TSYMLINK);
	p9_put32(&b, dfid);
	p9_putstr(&b, name);
	p9_putstr(&b, target);
	p9_put32(&b, gid);
	e = got_qid(rpc(c, &b, P9_RSYMLINK, &r), &r, qid);
	free(mem);
	return e;
}

int p9c_mknod(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TMKNOD);
	p9_put32(&b, dfid);
	p9_putstr(&b, name);
	p9_put32(&b, mode);
	p9_put32(&b, major);
	p9_put32(&b, minor);
	p9_put32(&b, gid);
	e = got_qid(rpc(c, &b, P9_RMKNOD, &r), &r, qid);
	free(mem);
	return e;
}

int p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TLINK);
	p9_put32(&b, dfid);
	p9_put32(&b, fid);
	p9_putstr(&b, name);
	e = rpc(c, &b, P9_RLINK, &r);
	free(mem);
	return e;
}

int p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TUNLINKAT);
	p9_put32(&b, dfid);
	p9_putstr(&b, name);
	p9_put32(&b, flags);
	e = rpc(c, &b, P9_RUNLINKAT, &r);
	free(mem);
	return e;
}

int p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
		 uint32_t newdfid, const char *newname)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TRENAMEAT);
	p9_put32(&b, olddfid);
	p9_putstr(&b, oldname);
	p9_put32(&b, newdfid);
	p9_putstr(&b, newname);
	e = rpc(c, &b, P9_RRENAMEAT, &r);
	free(mem);
	return e;
}

int p9c_rename(struct p9c *c, uint32_t fid, uint32_t dfid, const char *name)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TRENAME);
	p9_put32(&b, fid);
	p9_put32(&b, dfid);
	p9_putstr(&b, name);
	e = rpc(c, &b, P9_RRENAME, &r);
	free(mem);
	return e;
}

int p9c_remove(struct p9c *c, uint32_t fid)
{
	uint8_t mem[16];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TREMOVE);
	p9_put32(&b, fid);
	return rpc(c, &b, P9_RREMOVE, &r);
}

int p9c_setattr(struct p9c *c, uint32_t fid, const struct p9_setattr *sa)
{
	uint8_t mem[P9_HDR + 4 + 4 * 4 + 5 * 8];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TSETATTR);
	p9_put32(&b, fid);
	p9_put32(&b, sa->valid);
	p9_put32(&b, sa->mode);
	p9_put32(&b, sa->uid);
	p9_put32(&b, sa->gid);
	p9_put64(&b, sa->size);
	p9_put64(&b, sa->atime_sec);
	p9_put64(&b, sa->atime_nsec);
	p9_put64(&b, sa->mtime_sec);
	p9_put64(&b, sa->mtime_nsec);
	return rpc(c, &b, P9_RSETATTR, &r);
}

int p9c_fsync(struct p9c *c, uint32_t fid, int datasync)
{
	uint8_t mem[16];
	struct p9_buf b, r;

	begin(c, &b, mem, sizeof(mem), P9_TFSYNC);
	p9_put32(&b, fid);
	p9_put32(&b, datasync ? 1 : 0);
	return rpc(c, &b, P9_RFSYNC, &r);
}

int p9c_statfs(struct p9c *c, uint32_t fid, struct p9_statfs *st)
{
	uint8_t mem[16];
	struct p9_buf b, r;
	int e;

	begin(c, &b, mem, sizeof(mem), P9_TSTATFS);
	p9_put32(&b, fid);
	e = rpc(c, &b, P9_RSTATFS, &r);
	if (e)
		return e;
	st->type = p9_get32(&r);
	st->bsize = p9_get32(&r);
	st->blocks = p9_get64(&r);
	st->bfree = p9_get64(&r);
	st->bavail = p9_get64(&r);
	st->files = p9_get64(&r);
	st->ffree = p9_get64(&r);
	st->fsid = p9_get64(&r);
	st->namelen = p9_get32(&r);
	return r.err ? -EPROTO : 0;
}

int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t size)
{
	uint8_t mem[16];
	struct p9_buf b, r;
	const char *t;
	uint16_t n;
	int e;

	begin(c, &b, mem, sizeof(mem), P9_TREADLINK);
	p9_put32(&b, fid);
	e = rpc(c, &b, P9_RREADLINK, &r);
	if (e)
		return e;
	t = p9_getstr(&r, &n);
	if (!t)
		return -EPROTO;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return n;
}

int p9c_xattrwalk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *name,
		  uint64_t *size)
{
	uint8_t *mem = msg_mem();
	struct p9_buf b, r;
	int e;

	if (!mem)
		return -ENOMEM;
	begin(c, &b, mem, NAMES_MSG, P9_TXATTRWALK);
	p9_put32(&b, fid);
	p9_put32(&b, newfid);
	p9_putstr(&b, name);
	e = rpc(c, &b, P9_RXATTRWALK, &r);
	free(mem);
	if (e)
		return e;
	*size = p9_get64(&r);
	return r.err ? -EPROTO : 0;
}

int p9c_open_path(struct p9c *c, const char *path, uint32_t flags, uint32_t *fid)
{
	uint32_t f = p9c_fid(c);
	int r = p9c_walk(c, P9C_ROOT, f, path);

	if (r)
		return r;
	r = p9c_lopen(c, f, flags, NULL);
	if (r) {
		p9c_clunk(c, f);
		return r;
	}
	*fid = f;
	return 0;
}

ssize_t p9c_read_path(struct p9c *c, const char *path, char **out, size_t max)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	uint32_t fid;
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	r = p9c_open_path(c, path, P9_ORDONLY, &fid);
	if (r) {
		free(buf);
		return r;
	}
	for (;;) {
		if (len == cap) {
			char *p;

			if (cap >= max) {
				n = -EFBIG; /* larger than the caller allows */
				goto fail;
			}
			cap *= 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				n = -ENOMEM;
				goto fail;
			}
			buf = p;
		}
		n = p9c_read(c, fid, len, buf + len, (uint32_t)(cap - len));
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	p9c_clunk(c, fid);
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
fail:
	p9c_clunk(c, fid);
	free(buf);
	return n;
}

int p9c_write_path(struct p9c *c, const char *path, const char *s)
{
	uint32_t fid;
	ssize_t n;
	int r = p9c_open_path(c, path, P9_OWRONLY, &fid);

	if (r)
		return r;
	n = p9c_write(c, fid, 0, s, (uint32_t)strlen(s));
	p9c_clunk(c, fid);
	return n < 0 ? (int)n : 0;
}
