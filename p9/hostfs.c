/* SPDX-License-Identifier: ISC */
/*
 * A host directory as a 9P2000.L file system, confined to it.  A node is
 * an O_PATH descriptor and every lookup is one name resolved from its
 * directory's descriptor with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * | RESOLVE_NO_MAGICLINKS): no symlink is ever followed (the client reads
 * them with Treadlink and resolves them itself), and a name swapped for a
 * symlink between two requests is found as the symlink it now is.
 * Opening a node reopens that same inode through /proc/self/fd, after its
 * type has been checked, so what was checked is what is opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostfs.h"

#define DENTS_SIZE 32768u

struct hnode {
	int fd;          /* O_PATH */
	unsigned refs;
	mode_t type;     /* S_IFMT bits: a descriptor's inode never changes type */
	dev_t dev;
	ino_t ino;
	char *path;      /* from the root ("" for it): only for "..", Trename, Tremove */
};

/* An open fid's state. */
struct hopen {
	int fd;
};

struct p9_hostfs {
	int readonly;
	unsigned nfds;
	struct hnode *root;
	uint8_t *buf;    /* one read's data */
	uint8_t *dents;  /* one getdents64 batch */
};

/* ---- descriptors, names and nodes ---------------------------------------- */

static int fd_take(struct p9_hostfs *fs)
{
	if (fs->nfds >= P9_HOSTFS_MAXFDS)
		return -EMFILE;
	fs->nfds++;
	return 0;
}

static void fd_close(struct p9_hostfs *fs, int fd)
{
	close(fd);
	fs->nfds--;
}

/* name resolved beneath dirfd, following no symlink; fd or -errno. */
static int beneath(int dirfd, const char *name, uint64_t flags, uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	for (int tries = 0;; tries++) {
		long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		/* EAGAIN: a rename raced the lookup; the kernel asks for a retry. */
		if (errno != EAGAIN || tries == 8)
			return -errno;
	}
}

static void proc_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/*
 * Opens the inode an O_PATH descriptor holds.  Only for types already
 * checked: the magic link is ours, never a name from the client.
 */
static int reopen(int pathfd, int flags)
{
	char p[32];
	int fd;

	proc_path(p, sizeof(p), pathfd);
	fd = open(p, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int path_join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, P9_PATH_MAX, "%s%s%s", dir, *dir ? "/" : "", name);

	return n < 0 || (unsigned)n >= P9_PATH_MAX ? -ENAMETOOLONG : 0;
}

/*
 * A name an op may create or remove: one component, not "." or "..".
 * The server has refused '/' and names longer than NAME_MAX.
 */
static int check_name(const char *name, int creating)
{
	if (!*name)
		return -ENOENT;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return creating ? -EEXIST : -EINVAL;
	return 0;
}

static void qid_of(const struct p9_hostfs *fs, const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR :
		  S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	/* A change of contents or of attributes is a new version. */
	q->version = (uint32_t)(st->st_mtim.tv_sec ^ st->st_mtim.tv_nsec ^
				(st->st_ctim.tv_sec << 8) ^ st->st_ctim.tv_nsec);
	/* Inodes of another file system mounted in the share get its device too. */
	q->path = (uint64_t)st->st_ino;
	if (st->st_dev != fs->root->dev)
		q->path ^= (uint64_t)st->st_dev << 40 | 1ull << 63;
}

/* A node for fd (which it now owns, counted); NULL with *err on failure. */
static struct hnode *node_new(struct p9_hostfs *fs, int fd, const char *path, int *err)
{
	struct hnode *n = calloc(1, sizeof(*n));
	struct stat st;

	if (n)
		n->path = strdup(path);
	if (!n || !n->path || fstat(fd, &st) < 0) {
		*err = n && n->path ? -errno : -ENOMEM;
		if (n)
			free(n->path);
		free(n);
		fd_close(fs, fd);
		return NULL;
	}
	n->fd = fd;
	n->refs = 1;
	n->type = st.st_mode & S_IFMT;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return n;
}

static void h_hold(void *fsv, void *node)
{
	(void)fsv;
	((struct hnode *)node)->refs++;
}

static void h_put(void *fsv, void *node)
{
	struct hnode *n = node;

	if (--n->refs)
		return;
	fd_close(fsv, n->fd);
	free(n->path);
	free(n);
}

static int node_qid(struct p9_hostfs *fs, struct hnode *n, struct p9_qid *q)
{
	struct stat st;

	if (fstat(n->fd, &st) < 0)
		return -errno;
	qid_of(fs, &st, q);
	return 0;
}

/*
 * The directory holding n and n's name in it, looked up again from the
 * root by n's path, and checked to still name n.  *dirfd is fs's root
 * descriptor or a new one the caller closes with fd_close().
 */
static int node_parent(struct p9_hostfs *fs, struct hnode *n, int *dirfd,
		       const char **base)
{
	char parent[P9_PATH_MAX];
	const char *slash = strrchr(n->path, '/');
	struct stat st;
	int fd, r;

	if (!n->path[0])
		return -EBUSY; /* the root itself */
	*base = slash ? slash + 1 : n->path;
	if (!slash) {
		fd = fs->root->fd;
	} else {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - n->path), n->path);
		r = fd_take(fs);
		if (r)
			return r;
		fd = beneath(fs->root->fd, parent, O_PATH | O_DIRECTORY, 0);
		if (fd < 0) {
			fs->nfds--;
			return fd;
		}
	}
	if (fstatat(fd, *base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != n->dev || st.st_ino != n->ino) {
		if (fd != fs->root->fd)
			fd_close(fs, fd);
		return -ENOENT; /* renamed or removed behind our back */
	}
	*dirfd = fd;
	return 0;
}

static void parent_done(struct p9_hostfs *fs, int dirfd)
{
	if (dirfd != fs->root->fd)
		fd_close(fs, dirfd);
}

/* ---- lookups, opening, I/O ------------------------------------------------- */

static int h_attach(void *fsv, const char *aname, uint32_t uid, void **node,
		    struct p9_qid *qid)
{
	struct p9_hostfs *fs = fsv;
	int r = node_qid(fs, fs->root, qid);

	(void)aname; /* one share, one tree; uid: we act as ourselves */
	(void)uid;
	if (r)
		return r;
	h_hold(fs, fs->root);
	*node = fs->root;
	return 0;
}

static int h_walk(void *fsv, void *node, const char *name, void **child,
		  struct p9_qid *qid)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = node, *c;
	char path[P9_PATH_MAX];
	int fd, r;

	if (n->type != S_IFDIR)
		return -ENOTDIR;
	if (!*name)
		return -ENOENT;
	if (!strcmp(name, ".") || (!strcmp(name, "..") && !n->path[0])) {
		/* ".." at the root is the root (CVE-2016-7116). */
		r = node_qid(fs, n, qid);
		if (!r) {
			h_hold(fs, n);
			*child = n;
		}
		return r;
	}
	if (!strcmp(name, "..")) {
		const char *slash = strrchr(n->path, '/');

		if (!slash) {
			r = node_qid(fs, fs->root, qid);
			if (!r) {
				h_hold(fs, fs->root);
				*child = fs->root;
			}
			return r;
		}
		snprintf(path, sizeof(path), "%.*s", (int)(slash - n->path), n->path);
		r = fd_take(fs);
		if (r)
			return r;
		fd = beneath(fs->root->fd, path, O_PATH | O_DIRECTORY, 0);
	} else {
		r = path_join(path, n->path, name);
		if (!r)
			r = fd_take(fs);
		if (r)
			return r;
		/* O_PATH | O_NOFOLLOW: a symlink is walked to, never through. */
		fd = beneath(n->fd, name, O_PATH | O_NOFOLLOW, 0);
	}
	if (fd < 0) {
		fs->nfds--;
		return fd;
	}
	c = node_new(fs, fd, path, &r);
	if (!c)
		return r;
	r = node_qid(fs, c, qid);
	if (r) {
		h_put(fs, c);
		return r;
	}
	*child = c;
	return 0;
}

/* Open flags from Tlopen/Tlcreate flags: what a share allows, no more. */
static int open_flags(uint32_t flags)
{
	int o = (int)(flags & 3) | O_NOCTTY;

	if (flags & P9_OTRUNC)
		o |= O_TRUNC;
	if (flags & P9_OAPPEND)
		o |= O_APPEND;
	if (flags & P9_ODSYNC)
		o |= O_DSYNC;
	if (flags & P9_OSYNC)
		o |= O_SYNC;
	return o;
}

static int set_open(struct p9_fid *f, int fd)
{
	struct hopen *h = malloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->fd = fd;
	f->aux = h;
	return 0;
}

/*
 * Only directories and regular files open: a device, FIFO or socket in a
 * share answers EACCES, as on a nodev mount (CVE-2023-2861), and a
 * symlink ELOOP, as open(O_NOFOLLOW) would.
 */
static int openable(mode_t type, uint32_t flags, int readonly)
{
	uint32_t acc = flags & 3;

	if (type == S_IFLNK)
		return -ELOOP;
	if (type != S_IFDIR && type != S_IFREG)
		return -EACCES;
	if (acc == 3)
		return -EINVAL;
	if (type == S_IFDIR && (acc != P9_ORDONLY || (flags & P9_OTRUNC)))
		return -EISDIR;
	if (readonly && (acc != P9_ORDONLY || (flags & P9_OTRUNC)))
		return -EROFS;
	return 0;
}

static int h_open(void *fsv, struct p9_fid *f, uint32_t flags, struct p9_qid *qid)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = f->node;
	int fd, r = openable(n->type, flags, fs->readonly);

	if (!r)
		r = node_qid(fs, n, qid);
	if (!r)
		r = fd_take(fs);
	if (r)
		return r;
	fd = reopen(n->fd, n->type == S_IFDIR ? O_RDONLY | O_DIRECTORY : open_flags(flags));
	if (fd < 0) {
		fs->nfds--;
		return fd;
	}
	r = set_open(f, fd);
	if (r)
		fd_close(fs, fd);
	return r;
}

static int h_read(void *fsv, struct p9_req *r, struct p9_fid *f, uint64_t off,
		  uint32_t count)
{
	struct p9_hostfs *fs = fsv;
	struct hopen *h = f->aux;
	/* By reference the data goes straight to the client's buffer. */
	uint8_t *dst = p9_req_dest(r) ? p9_req_dest(r) : fs->buf;
	ssize_t n;

	if (((struct hnode *)f->node)->type == S_IFDIR)
		return -EISDIR;

	if (count > P9_MSIZE_MAX)
		count = P9_MSIZE_MAX;
	n = pread(h->fd, dst, count, (off_t)off);
	if (n < 0)
		return -errno;
	p9_reply_read(r, dst, (uint32_t)n);
	return 0;
}

static int h_write(void *fsv, struct p9_req *r, struct p9_fid *f, uint64_t off,
		   const uint8_t *data, uint32_t count)
{
	struct hopen *h = f->aux;
	ssize_t n;

	(void)fsv;
	n = pwrite(h->fd, data, count, (off_t)off);
	if (n < 0)
		return -errno;
	p9_reply_write(r, (uint32_t)n);
	return 0;
}

static int h_getattr(void *fsv, void *node, struct p9_attr *a)
{
	struct hnode *n = node;
	struct stat st;

	if (fstat(n->fd, &st) < 0)
		return -errno;
	qid_of(fsv, &st, &a->qid);
	a->valid = P9_GETATTR_BASIC;
	a->mode = st.st_mode;
	a->uid = st.st_uid;
	a->gid = st.st_gid;
	a->nlink = st.st_nlink;
	a->rdev = st.st_rdev;
	a->size = (uint64_t)st.st_size;
	a->blksize = (uint64_t)st.st_blksize;
	a->blocks = (uint64_t)st.st_blocks;
	a->atime_sec = (uint64_t)st.st_atim.tv_sec;
	a->atime_nsec = (uint64_t)st.st_atim.tv_nsec;
	a->mtime_sec = (uint64_t)st.st_mtim.tv_sec;
	a->mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
	a->ctime_sec = (uint64_t)st.st_ctim.tv_sec;
	a->ctime_nsec = (uint64_t)st.st_ctim.tv_nsec;
	return 0;
}

/*
 * Entries from getdents64 on the fid's own directory descriptor.  The
 * offsets are the file system's own d_off cookies, so a client resuming at
 * one gets neither a duplicate nor a loss.
 */
static int h_readdir(void *fsv, struct p9_fid *f, uint64_t off, struct p9_buf *out)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = f->node;
	struct hopen *h = f->aux;
	int any = 0;

	if (n->type != S_IFDIR)
		return -ENOTDIR;
	if (lseek(h->fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ssize_t got = getdents64(h->fd, fs->dents, DENTS_SIZE);

		if (got < 0)
			return -errno;
		if (got == 0)
			return 0;
		for (ssize_t pos = 0; pos < got;) {
			struct dirent64 *d = (struct dirent64 *)(fs->dents + pos);
			struct stat st = {
				.st_ino = d->d_ino, .st_dev = n->dev,
				.st_mode = d->d_type == DT_DIR ? S_IFDIR :
					   d->d_type == DT_LNK ? S_IFLNK : S_IFREG,
			};
			struct p9_qid q;

			qid_of(fs, &st, &q);
			q.version = 0;
			/* The root's ".." is itself: nothing of the host above shows. */
			if (!n->path[0] && !strcmp(d->d_name, ".."))
				node_qid(fs, n, &q);
			if (p9_put_dirent(out, &q, (uint64_t)d->d_off, d->d_type, d->d_name))
				return any ? 0 : -EINVAL; /* not even one fits */
			any = 1;
			pos += d->d_reclen;
		}
	}
}

static void h_clunk(void *fsv, struct p9_fid *f)
{
	struct hopen *h = f->aux;

	if (h) {
		fd_close(fsv, h->fd);
		free(h);
		f->aux = NULL;
	}
}

/* ---- changes ---------------------------------------------------------------- */

static int h_lcreate(void *fsv, struct p9_fid *f, const char *name, uint32_t flags,
		     uint32_t mode, uint32_t gid, void **node, struct p9_qid *qid)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *d = f->node, *c;
	char path[P9_PATH_MAX];
	int o = open_flags(flags), fd, pfd, r;

	(void)gid; /* the file is ours: the monitor never changes uid or gid */
	if (fs->readonly)
		return -EROFS;
	r = check_name(name, 1);
	if (!r && d->type != S_IFDIR)
		r = -ENOTDIR;
	if (!r && (flags & 3) == 3)
		r = -EINVAL;
	if (!r)
		r = path_join(path, d->path, name);
	if (!r && fs->nfds + 2 > P9_HOSTFS_MAXFDS)
		r = -EMFILE;
	if (r)
		return r;
	fs->nfds += 2; /* the open file and its node */
	/* Set-user and set-group bits are never made: mode & 01777. */
	fd = beneath(d->fd, name, (uint64_t)o | O_CREAT | O_EXCL | O_NOFOLLOW, mode & 01777);
	if (fd >= 0) {
		pfd = reopen(fd, O_PATH);
	} else if (fd == -EEXIST && !(flags & P9_OEXCL)) {
		/* It is there: open it as a walk and Tlopen would, or refuse. */
		struct stat st;

		pfd = beneath(d->fd, name, O_PATH | O_NOFOLLOW, 0);
		r = pfd < 0 ? pfd : fstat(pfd, &st) < 0 ? -errno :
		    openable(st.st_mode & S_IFMT, flags, 0);
		if (!r && S_ISDIR(st.st_mode))
			r = -EISDIR;
		fd = r ? r : reopen(pfd, o);
	} else {
		pfd = -EBADF;
	}
	if (fd < 0 || pfd < 0) {
		r = fd < 0 ? fd : pfd;
		if (fd >= 0)
			close(fd);
		if (pfd >= 0)
			close(pfd);
		fs->nfds -= 2;
		return r;
	}
	c = node_new(fs, pfd, path, &r);
	if (!c) {
		fd_close(fs, fd);
		return r;
	}
	r = node_qid(fs, c, qid);
	if (!r)
		r = set_open(f, fd);
	if (r) {
		fd_close(fs, fd);
		h_put(fs, c);
		return r;
	}
	*node = c;
	return 0;
}

/* The qid of name, just made in d. */
static int made_qid(struct p9_hostfs *fs, struct hnode *d, const char *name,
		    struct p9_qid *qid)
{
	struct stat st;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	qid_of(fs, &st, qid);
	return 0;
}

/* The checks every change in a directory starts with. */
static int change_in(struct p9_hostfs *fs, struct hnode *d, const char *name,
		     int creating)
{
	int r;

	if (fs->readonly)
		return -EROFS;
	r = check_name(name, creating);
	if (!r && d->type != S_IFDIR)
		r = -ENOTDIR;
	return r;
}

static int h_mkdir(void *fsv, void *dir, const char *name, uint32_t mode,
		   uint32_t gid, struct p9_qid *qid)
{
	struct hnode *d = dir;
	int r = change_in(fsv, d, name, 1);

	(void)gid;
	if (r)
		return r;
	if (mkdirat(d->fd, name, mode & 01777) < 0)
		return -errno;
	return made_qid(fsv, d, name, qid);
}

static int h_symlink(void *fsv, void *dir, const char *name, const char *target,
		     uint32_t gid, struct p9_qid *qid)
{
	struct hnode *d = dir;
	int r = change_in(fsv, d, name, 1);

	/* Any target may be written: the server never follows one. */
	(void)gid;
	if (r)
		return r;
	if (symlinkat(target, d->fd, name) < 0)
		return -errno;
	return made_qid(fsv, d, name, qid);
}

/* Device files, FIFOs and sockets are never made in a share. */
static int h_mknod(void *fsv, void *dir, const char *name, uint32_t mode,
		   uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid)
{
	struct p9_hostfs *fs = fsv;

	(void)dir, (void)name, (void)mode, (void)major, (void)minor, (void)gid, (void)qid;
	return fs->readonly ? -EROFS : -EPERM;
}

static int h_link(void *fsv, void *dir, void *node, const char *name)
{
	struct hnode *d = dir, *n = node;
	char p[32];
	int r = change_in(fsv, d, name, 1);

	if (r)
		return r;
	/*
	 * Through the inode's magic link, so no name is looked up again; not
	 * for a symlink, which that link would follow.
	 */
	if (n->type == S_IFDIR || n->type == S_IFLNK)
		return -EPERM;
	proc_path(p, sizeof(p), n->fd);
	return linkat(AT_FDCWD, p, d->fd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

static int h_unlinkat(void *fsv, void *dir, const char *name, uint32_t flags)
{
	struct hnode *d = dir;
	int r = change_in(fsv, d, name, 0);

	if (!r && (flags & ~(uint32_t)P9_AT_REMOVEDIR))
		r = -EINVAL;
	if (r)
		return r;
	r = unlinkat(d->fd, name, (flags & P9_AT_REMOVEDIR) ? AT_REMOVEDIR : 0);
	return r < 0 ? -errno : 0;
}

static int h_renameat(void *fsv, void *olddir, const char *oldname, void *newdir,
		      const char *newname)
{
	struct hnode *od = olddir, *nd = newdir;
	int r = change_in(fsv, od, oldname, 0);

	if (!r)
		r = change_in(fsv, nd, newname, 0);
	if (r)
		return r;
	return renameat(od->fd, oldname, nd->fd, newname) < 0 ? -errno : 0;
}

static int h_rename(void *fsv, void *node, void *dir, const char *name)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = node, *d = dir;
	char path[P9_PATH_MAX], *p;
	const char *base;
	int pfd, r = change_in(fs, d, name, 0);

	if (!r)
		r = path_join(path, d->path, name);
	if (!r)
		r = node_parent(fs, n, &pfd, &base);
	if (r)
		return r;
	r = renameat(pfd, base, d->fd, name) < 0 ? -errno : 0;
	parent_done(fs, pfd);
	if (!r && (p = strdup(path))) {
		free(n->path);
		n->path = p;
	}
	return r;
}

static int h_remove(void *fsv, void *node)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = node;
	const char *base;
	int pfd, r;

	if (fs->readonly)
		return -EROFS;
	r = node_parent(fs, n, &pfd, &base);
	if (r)
		return r;
	r = unlinkat(pfd, base, n->type == S_IFDIR ? AT_REMOVEDIR : 0) < 0 ? -errno : 0;
	parent_done(fs, pfd);
	return r;
}

static int h_setattr(void *fsv, struct p9_fid *f, const struct p9_setattr *sa)
{
	struct p9_hostfs *fs = fsv;
	struct hnode *n = f->node;
	uint32_t v = sa->valid;
	char p[32];

	if (!v)
		return 0;
	if (fs->readonly)
		return -EROFS;
	/* A symlink's magic link would be followed: only its owner changes. */
	if (n->type == S_IFLNK &&
	    (v & (P9_SETATTR_MODE | P9_SETATTR_SIZE | P9_SETATTR_ATIME | P9_SETATTR_MTIME)))
		return -EOPNOTSUPP;
	proc_path(p, sizeof(p), n->fd);
	if (v & P9_SETATTR_SIZE) {
		if (n->type != S_IFREG)
			return n->type == S_IFDIR ? -EISDIR : -EINVAL;
		if (sa->size > (uint64_t)INT64_MAX)
			return -EFBIG;
		if (truncate(p, (off_t)sa->size) < 0)
			return -errno;
	}
	if ((v & P9_SETATTR_MODE) && chmod(p, sa->mode & 01777) < 0)
		return -errno;
	if ((v & (P9_SETATTR_UID | P9_SETATTR_GID)) &&
	    fchownat(n->fd, "", (v & P9_SETATTR_UID) ? sa->uid : (uid_t)-1,
		     (v & P9_SETATTR_GID) ? sa->gid : (gid_t)-1, AT_EMPTY_PATH) < 0)
		return -errno;
	if (v & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };

		if (v & P9_SETATTR_ATIME)
			ts[0] = (v & P9_SETATTR_ATIME_SET) ?
				(struct timespec){ (time_t)sa->atime_sec, (long)sa->atime_nsec } :
				(struct timespec){ .tv_nsec = UTIME_NOW };
		if (v & P9_SETATTR_MTIME)
			ts[1] = (v & P9_SETATTR_MTIME_SET) ?
				(struct timespec){ (time_t)sa->mtime_sec, (long)sa->mtime_nsec } :
				(struct timespec){ .tv_nsec = UTIME_NOW };
		if (utimensat(AT_FDCWD, p, ts, 0) < 0)
			return -errno;
	}
	return 0;
}

static int h_fsync(void *fsv, struct p9_fid *f, int datasync)
{
	struct hopen *h = f->aux;

	(void)fsv;
	if (!h)
		return -EBADF;
	return (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0 ? -errno : 0;
}

static int h_statfs(void *fsv, void *node, struct p9_statfs *st)
{
	struct hnode *n = node;
	struct statfs s;

	(void)fsv;
	if (fstatfs(n->fd, &s) < 0)
		return -errno;
	st->type = (uint32_t)s.f_type;
	st->bsize = (uint32_t)s.f_bsize;
	st->blocks = s.f_blocks;
	st->bfree = s.f_bfree;
	st->bavail = s.f_bavail;
	st->files = s.f_files;
	st->ffree = s.f_ffree;
	memcpy(&st->fsid, &s.f_fsid, sizeof(st->fsid));
	st->namelen = (uint32_t)s.f_namelen;
	return 0;
}

static int h_readlink(void *fsv, void *node, char *buf, size_t size)
{
	struct hnode *n = node;
	ssize_t len;

	(void)fsv;
	if (n->type != S_IFLNK)
		return -EINVAL;
	len = readlinkat(n->fd, "", buf, size);
	if (len < 0)
		return -errno;
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	return (int)len;
}

const struct p9_fs_ops p9_hostfs_ops = {
	.attach = h_attach,
	.walk = h_walk,
	.open = h_open,
	.read = h_read,
	.write = h_write,
	.getattr = h_getattr,
	.clunk = h_clunk,
	.hold = h_hold,
	.put = h_put,
	.readdir_fid = h_readdir,
	.lcreate = h_lcreate,
	.mkdir = h_mkdir,
	.symlink = h_symlink,
	.mknod = h_mknod,
	.link = h_link,
	.unlinkat = h_unlinkat,
	.renameat = h_renameat,
	.rename = h_rename,
	.remove = h_remove,
	.setattr = h_setattr,
	.fsync = h_fsync,
	.statfs = h_statfs,
	.readlink = h_readlink,
};

/* ---- the share ------------------------------------------------------------- */

int p9_hostfs_open(const char *dir, int readonly, struct p9_hostfs **out,
		   struct lerr *err)
{
	struct p9_hostfs *fs;
	struct stat st;
	int fd, pfd, e;

	if (stat(dir, &st) < 0)
		return lerr_set(err, errno, "cannot share '%s': %s", dir,
				errno == ENOENT ? "no such directory" :
				errno == EACCES ? "this user cannot read it" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lerr_set(err, ENOTDIR, "cannot share '%s': not a directory", dir);
	if (access(dir, R_OK | X_OK) < 0)
		return lerr_set(err, errno, "cannot share '%s': %s", dir,
				errno == EACCES ? "this user cannot read it" : strerror(errno));
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lerr_set(err, errno, "cannot share '%s': %s", dir, strerror(errno));
	/* Files are opened again through /proc/self/fd: see reopen(). */
	pfd = reopen(fd, O_RDONLY | O_DIRECTORY);
	if (pfd < 0) {
		close(fd);
		return lerr_set(err, -pfd, "cannot share '%s': /proc/self/fd is needed (%s)",
				dir, strerror(-pfd));
	}
	close(pfd);
	fs = calloc(1, sizeof(*fs));
	if (fs) {
		fs->buf = malloc(P9_MSIZE_MAX);
		fs->dents = malloc(DENTS_SIZE);
	}
	if (!fs || !fs->buf || !fs->dents) {
		close(fd);
		if (fs) {
			free(fs->buf);
			free(fs->dents);
		}
		free(fs);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	fs->readonly = readonly;
	fs->nfds = 1;
	fs->root = node_new(fs, fd, "", &e);
	if (!fs->root) {
		free(fs->buf);
		free(fs->dents);
		free(fs);
		return lerr_set(err, -e, "cannot share '%s': %s", dir, strerror(-e));
	}
	*out = fs;
	return 0;
}

unsigned p9_hostfs_nfds(const struct p9_hostfs *fs)
{
	return fs->nfds;
}

/* Call after p9_srv_free(): the server's fids hold nodes. */
void p9_hostfs_free(struct p9_hostfs *fs)
{
	if (!fs)
		return;
	h_put(fs, fs->root);
	free(fs->buf);
	free(fs->dents);
	free(fs);
}
