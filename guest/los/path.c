/* SPDX-License-Identifier: ISC */
/*
 * Paths: the partition's namespace is its shares, each at its guest path
 * (the longest matching path wins), and above them read-only synthetic
 * directories leading to the mount points.  A path is resolved as Linux
 * resolves it, component by component, but names within one share are
 * walked together, up to 16 in one Twalk, so an ordinary path costs one
 * round trip.  The server never follows a symlink: a walk shows it in its
 * qid, and the library OS reads it and splices its target into what is
 * left of the path (an absolute target starts again at the partition's own
 * "/", so a symlink never leads out of the shares).
 */
#include <errno.h>
#include <fcntl.h>
#include <lpar/fs.h>

#include "fs.h"
#include "los.h"

char fs_cwd[FS_PATH_MAX];
uint32_t fs_umask = 022;

#define MAXLINKS 40     /* Linux's: then ELOOP */
#define REST_MAX (2 * FS_PATH_MAX + P9C_MAXWELEM * (FS_NAME_MAX + 1))

/*
 * The walk in progress.  cur is the path resolved so far; its last n
 * names are pending: appended but not yet walked (the first `known` of
 * them are known to be directories, from a path already resolved).  fid
 * is at cur without them (P9C_NOFID: at the share's root).  trusted
 * counts the names ahead in the rest that come from such a path (the
 * working directory, a directory descriptor's path, cur before a "..").
 */
static struct {
	int share;
	uint32_t fid;
	struct p9c_qid qid;
	char *cur;
	size_t clen;
	int n, known, trusted, links;
	uint16_t off[P9C_MAXWELEM], len[P9C_MAXWELEM];
} w;

/* What is left of the path: it moves between two buffers as symlinks are spliced in. */
static char restbuf[2][REST_MAX];
static const char *rest;
static char target[FS_PATH_MAX];

static const char *share_path(int i, size_t *len)
{
	const char *p = los_fs_boot.share[i].path;
	size_t n = strnlen(p, LPAR_FS_PATH_MAX);

	if (n == LPAR_FS_PATH_MAX || p[0] != '/')
		return NULL;
	*len = n;
	return p;
}

int fs_share_of(const char *path)
{
	int best = -1;
	size_t bestlen = 0;

	for (int i = 0; i < p9c_nshares(); i++) {
		size_t n;
		const char *p = share_path(i, &n);

		if (!p)
			continue;
		if (n == 1 || (!memcmp(path, p, n) && (path[n] == '/' || !path[n]))) {
			if (best < 0 || n > bestlen) {
				best = i;
				bestlen = n;
			}
		}
	}
	return best;
}

int fs_is_mount_or_above(const char *path)
{
	size_t pl = strlen(path);

	for (int i = 0; i < p9c_nshares(); i++) {
		size_t n;
		const char *p = share_path(i, &n);

		if (!p)
			continue;
		if (pl == 1 || (n >= pl && !memcmp(path, p, pl) && (p[pl] == '/' || !p[pl])))
			return 1;
	}
	return 0;
}

const char *fs_syn_entry(const char *path, unsigned k, unsigned *len)
{
	size_t pl = strlen(path), skip = pl == 1 ? 1 : pl + 1;

	for (int i = 0; i < p9c_nshares(); i++) {
		size_t n, cl = 0;
		const char *p = share_path(i, &n), *c;
		int dup = 0;

		if (!p || n <= skip || memcmp(path, p, pl) || (pl > 1 && p[pl] != '/'))
			continue;
		c = p + skip;
		while (c[cl] && c[cl] != '/')
			cl++;
		/* The same name under an earlier share counts once. */
		for (int j = 0; j < i && !dup; j++) {
			size_t m;
			const char *q = share_path(j, &m);

			dup = q && m >= skip + cl && !memcmp(q, p, skip + cl) &&
			      (q[skip + cl] == '/' || !q[skip + cl]);
		}
		if (dup)
			continue;
		if (!k--) {
			*len = (unsigned)cl;
			return c;
		}
	}
	return NULL;
}

uint64_t fs_syn_ino(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*path)
		h = (h ^ (uint8_t)*path++) * 0x100000001b3ull;
	return h | 1ull << 63;
}

static void release(void)
{
	if (w.fid != P9C_NOFID)
		p9c_clunk(w.share, w.fid);
	w.fid = P9C_NOFID;
}

/*
 * rest = a, then "/" b if b is not empty, then c (after a "/" if it has
 * none), in the buffer rest is not in.  No '/' is added at the end: a
 * trailing one means a directory.
 */
static int rest_set(const char *a, size_t al, const char *b, size_t bl, const char *c)
{
	char *d = rest >= restbuf[0] && rest < restbuf[1] ? restbuf[1] : restbuf[0];
	size_t cl = strlen(c), n = al;

	if (al + bl + cl + 3 > REST_MAX)
		return -ENAMETOOLONG;
	memcpy(d, a, al);
	if (bl) {
		d[n++] = '/';
		memcpy(d + n, b, bl);
		n += bl;
	}
	if (cl && c[0] != '/')
		d[n++] = '/';
	memcpy(d + n, c, cl + 1);
	rest = d;
	return 0;
}

static int enter_share(int s)
{
	long r;

	release();
	w.share = s;
	w.n = w.known = 0;
	if (s < 0)
		return 0;
	r = p9c_root(s, &w.qid);
	return r < 0 ? (int)r : 0;
}

/* Starts again at "/" with prefix (canonical: its names are trusted) before the rest. */
static int restart(const char *prefix, size_t plen)
{
	int e = rest_set(prefix, plen, "", 0, rest), names = 0;

	if (e)
		return e;
	for (size_t i = 0; i < plen; i++)
		names += prefix[i] != '/' && (!i || prefix[i - 1] == '/');
	w.cur[0] = '/';
	w.cur[1] = 0;
	w.clen = 1;
	w.trusted = names;
	return enter_share(fs_share_of("/"));
}

/*
 * The pending name j is a symlink: reads it, moves the walk to its
 * directory, and puts its target before the names after it and the rest.
 * lf is a fid at the link if the walk made one.  Returns 1 (spliced).
 */
static int follow(int j, uint32_t lf, uint32_t base, const char *const *names)
{
	struct p9c_qid q[P9C_MAXWELEM];
	int s = w.share, r;
	long nf, tl;
	size_t after;

	if (++w.links > MAXLINKS) {
		if (lf != P9C_NOFID)
			p9c_clunk(s, lf);
		return -ELOOP;
	}
	if (lf == P9C_NOFID) {
		nf = p9c_fid_new(s);
		if (nf < 0)
			return (int)nf;
		r = p9c_walk(s, base, (uint32_t)nf, j + 1, names, w.len, q);
		if (r != j + 1) {
			p9c_fid_drop(s, (uint32_t)nf);
			return r < 0 ? r : -ENOENT;
		}
		lf = (uint32_t)nf;
	}
	tl = p9c_readlink(s, lf, target, sizeof(target));
	p9c_clunk(s, lf);
	if (tl < 0)
		return (int)tl;
	if (!tl)
		return -ENOENT;
	if (j > 0) {
		nf = p9c_fid_new(s);
		if (nf < 0)
			return (int)nf;
		r = p9c_walk(s, base, (uint32_t)nf, j, names, w.len, q);
		if (r != j) {
			p9c_fid_drop(s, (uint32_t)nf);
			return r < 0 ? r : -ENOENT;
		}
		release();
		w.fid = (uint32_t)nf;
		w.qid = q[j - 1];
	}
	after = j + 1 < w.n ? w.off[j + 1] : w.clen;
	r = rest_set(target, (size_t)tl, w.cur + after, w.clen - after, rest);
	if (r)
		return r;
	w.clen = w.off[j] > 1 ? w.off[j] - 1u : 1u;
	w.cur[w.clen] = 0;
	w.n = w.known = w.trusted = 0;
	if (target[0] == '/') {
		w.cur[0] = '/';
		w.cur[1] = 0;
		w.clen = 1;
		r = enter_share(fs_share_of("/"));
		if (r)
			return r;
	}
	return 1;
}

/*
 * A walk stopped at name k without saying why (Rwalk only counts): the
 * name is walked alone for the error, which may be ENOENT, ENOTDIR,
 * EACCES or the server's EMFILE.
 */
static int walk_error(uint32_t base, const char *const *names, int k)
{
	struct p9c_qid q[P9C_MAXWELEM];
	int s = w.share, r;
	long nf = p9c_fid_new(s);

	if (nf < 0)
		return (int)nf;
	r = p9c_walk(s, base, (uint32_t)nf, k, names, w.len, q);
	if (r != k) {
		p9c_fid_drop(s, (uint32_t)nf);
		return r < 0 ? r : -ENOENT;
	}
	/* In place: a failed walk leaves the fid where it was. */
	r = p9c_walk(s, (uint32_t)nf, (uint32_t)nf, 1, names + k, w.len + k, q);
	p9c_clunk(s, (uint32_t)nf);
	return r < 0 ? r : -ENOENT;
}

/*
 * Walks the pending names in one Twalk.  Returns 0 when they are all
 * walked, 1 when a symlink among them was spliced into the rest, or
 * -errno.  A symlink as the last name is followed only if follow_last.
 */
static int verify(int follow_last)
{
	const char *names[P9C_MAXWELEM];
	struct p9c_qid q[P9C_MAXWELEM];
	int s = w.share, n = w.n, got, j;
	long root = p9c_root(s, NULL), nf;
	uint32_t base;

	if (root < 0)
		return (int)root;
	base = w.fid == P9C_NOFID ? (uint32_t)root : w.fid;
	for (int i = 0; i < n; i++)
		names[i] = w.cur + w.off[i];
	nf = p9c_fid_new(s);
	if (nf < 0)
		return (int)nf;
	got = p9c_walk(s, base, (uint32_t)nf, n, names, w.len, q);
	if (got < 0) {
		p9c_fid_drop(s, (uint32_t)nf);
		return got;
	}
	if (got < n)
		p9c_fid_drop(s, (uint32_t)nf);
	for (j = 0; j < got; j++)
		if (q[j].type & P9C_QTSYMLINK)
			break;
	if (j < got && (j < n - 1 || follow_last))
		return follow(j, got == n ? (uint32_t)nf : P9C_NOFID, base, names);
	if (got < n)
		return walk_error(base, names, got);
	release();
	w.fid = (uint32_t)nf;
	w.qid = q[n - 1];
	w.n = w.known = 0;
	return 0;
}

static int is_dot(const char *c, size_t n)
{
	return n == 1 && c[0] == '.';
}

static int is_dotdot(const char *c, size_t n)
{
	return n == 2 && c[0] == '.' && c[1] == '.';
}

/* Takes the rest's names into cur; stops at the end, or before the last name with FS_PARENT. */
static int parse(int flags, struct fs_res *r)
{
	r->dir_only = 0;
	r->name[0] = 0;
	for (;;) {
		const char *p = rest, *c, *q;
		size_t cl, old = w.clen, nl;
		int last, m, e;

		while (*p == '/')
			p++;
		if (!*p) {
			rest = p;
			return 0;
		}
		for (c = p; *p && *p != '/'; p++)
			;
		cl = (size_t)(p - c);
		for (q = p; *q == '/'; q++)
			;
		last = !*q;
		if (last && *p == '/')
			r->dir_only = 1;
		if (cl > FS_NAME_MAX)
			return -ENAMETOOLONG;
		if ((flags & FS_PARENT) && last && !is_dot(c, cl) && !is_dotdot(c, cl)) {
			memcpy(r->name, c, cl);
			r->name[cl] = 0;
			rest = c; /* kept: a symlink spliced in before it keeps it */
			return 0;
		}
		if (is_dot(c, cl)) {
			rest = p;
			if (w.trusted)
				w.trusted--;
			continue;
		}
		if (is_dotdot(c, cl)) {
			/* ".." of a symlink is its target's parent: see it first. */
			if (w.n > w.known) {
				e = verify(1);
				if (e < 0)
					return e;
				if (e)
					continue;
			}
			rest = p;
			while (w.clen > 1 && w.cur[w.clen - 1] != '/')
				w.clen--;
			if (w.clen > 1)
				w.clen--;
			w.cur[w.clen] = 0;
			e = restart(w.cur, w.clen);
			if (e)
				return e;
			continue;
		}
		nl = old == 1 ? 1 + cl : old + 1 + cl;
		if (nl >= FS_PATH_MAX)
			return -ENAMETOOLONG;
		if (old > 1)
			w.cur[w.clen++] = '/';
		memcpy(w.cur + w.clen, c, cl);
		w.clen += cl;
		w.cur[w.clen] = 0;
		m = fs_share_of(w.cur);
		if (m != w.share && m >= 0) {
			/* A mount point: what lay above it is taken as directories. */
			rest = p;
			if (w.trusted)
				w.trusted--;
			e = enter_share(m);
			if (e)
				return e;
			continue;
		}
		if (m < 0) {
			if (!fs_is_mount_or_above(w.cur)) {
				w.clen = old;
				w.cur[old] = 0;
				return -ENOENT;
			}
			rest = p;
			if (w.trusted)
				w.trusted--;
			continue;
		}
		if (w.n == P9C_MAXWELEM) {
			w.clen = old;
			w.cur[old] = 0;
			e = verify(1);
			if (e < 0)
				return e;
			continue;
		}
		rest = p;
		w.off[w.n] = (uint16_t)(w.clen - cl);
		w.len[w.n] = (uint16_t)cl;
		w.n++;
		if (w.trusted) {
			w.trusted--;
			w.known = w.n;
		}
	}
}

static int resolve(int flags, struct fs_res *r)
{
	for (;;) {
		int e = parse(flags, r);

		if (e < 0)
			return e;
		if (w.n) {
			e = verify(flags & FS_PARENT ? 1 : (flags & FS_FOLLOW) || r->dir_only);
			if (e < 0)
				return e;
			if (e)
				continue;
		}
		return 0;
	}
}

int fs_lookup(long dirfd, const char *path, int flags, struct fs_res *r)
{
	const char *start = "/";
	size_t len;
	int e;

	len = strnlen(path, FS_PATH_MAX);
	if (len >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (path[0] != '/') {
		if (dirfd == AT_FDCWD) {
			start = fs_cwd;
		} else {
			struct fs_file *f = fs_fd(dirfd);

			if (!f)
				return -EBADF;
			start = fs_file_path(f);
			if (!start)
				return -ENOTDIR;
			if (f->kind == FS_P9 && f->gen != p9c_gen)
				return -EIO;
		}
	}
	if (!len)
		return -ENOENT;
	if (!p9c_present())
		return -ENOENT;
	r->owned = 0;
	w.cur = r->path;
	w.fid = P9C_NOFID;
	w.share = -1;
	w.links = r->links;
	rest = path;
	e = restart(start, strlen(start));
	if (!e)
		e = resolve(flags, r);
	r->links = w.links;
	if (e) {
		release();
		return e;
	}
	r->share = w.share;
	r->qid = w.qid;
	r->owned = w.fid != P9C_NOFID;
	r->fid = r->owned ? w.fid : 0;
	w.fid = P9C_NOFID;
	if (r->share >= 0 && !(r->qid.type & P9C_QTDIR) &&
	    ((flags & FS_PARENT) || (r->dir_only && !(r->qid.type & P9C_QTSYMLINK)))) {
		fs_res_put(r);
		return -ENOTDIR;
	}
	if ((flags & FS_PARENT) && r->name[0]) {
		size_t pl = strlen(r->path), nl = strlen(r->name);
		char *t = r->path;

		/* Whether the name is a mount point or above one: it then exists, and is busy. */
		if (pl + 1 + nl < FS_PATH_MAX) {
			size_t at = pl == 1 ? 1 : pl + 1;

			if (pl > 1)
				t[pl] = '/';
			memcpy(t + at, r->name, nl + 1);
			r->busy = fs_is_mount_or_above(t);
			t[pl == 1 ? 1 : pl] = 0;
		}
	}
	return 0;
}

void fs_res_put(struct fs_res *r)
{
	if (r->owned && r->share >= 0)
		p9c_clunk(r->share, r->fid);
	r->owned = 0;
}

int fs_res_own(struct fs_res *r)
{
	long nf, root;
	int got;

	if (r->share < 0)
		return -EROFS;
	if (r->owned)
		return 0;
	root = p9c_root(r->share, NULL);
	if (root < 0)
		return (int)root;
	nf = p9c_fid_new(r->share);
	if (nf < 0)
		return (int)nf;
	got = p9c_walk(r->share, (uint32_t)root, (uint32_t)nf, 0, NULL, NULL, NULL);
	if (got < 0) {
		p9c_fid_drop(r->share, (uint32_t)nf);
		return got;
	}
	r->fid = (uint32_t)nf;
	r->owned = 1;
	return 0;
}
