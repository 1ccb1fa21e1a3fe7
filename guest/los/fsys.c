/* SPDX-License-Identifier: ISC */
/*
 * The file syscalls that take paths: stat, open, the working directory,
 * names (mkdir, unlink, rename, link, symlink, readlink), attributes and
 * statfs, over the 9P client (p9c.c), the descriptor table (fd.c) and
 * path resolution (path.c).  Those that work on an open descriptor are
 * in fsio.c.  Errors are Linux's.
 */
#include <errno.h>
#include <fcntl.h>
#include <lpar/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fs.h"
#include "los.h"


void los_fs_init(void)
{
	const char *c = los_fs_boot.cwd;
	size_t n = strnlen(c, sizeof(los_fs_boot.cwd));

	fs_fd_init();
	if (p9c_present() && c[0] == '/' && n < sizeof(los_fs_boot.cwd)) {
		memcpy(fs_cwd, c, n + 1);
	} else {
		fs_cwd[0] = '/';
		fs_cwd[1] = 0;
	}
}

/* stat */

static void stat_attr(struct stat *st, int share, const struct p9c_attr *a)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = SHARE_DEV + (dev_t)share;
	st->st_ino = a->qid.path;
	st->st_nlink = a->nlink;
	st->st_mode = a->mode;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = (off_t)a->size;
	st->st_blksize = (blksize_t)a->blksize;
	st->st_blocks = (blkcnt_t)a->blocks;
	st->st_atim.tv_sec = (time_t)a->atime_sec;
	st->st_atim.tv_nsec = (long)a->atime_nsec;
	st->st_mtim.tv_sec = (time_t)a->mtime_sec;
	st->st_mtim.tv_nsec = (long)a->mtime_nsec;
	st->st_ctim.tv_sec = (time_t)a->ctime_sec;
	st->st_ctim.tv_nsec = (long)a->ctime_nsec;
}

static void stat_syn(struct stat *st, const char *path)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = SYN_DEV;
	st->st_ino = fs_syn_ino(path);
	st->st_nlink = 2;
	st->st_mode = S_IFDIR | 0555;
	st->st_blksize = 4096;
}

static void stat_con(struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = SYN_DEV;
	st->st_ino = 1;
	st->st_nlink = 1;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = (5 << 8) | 1; /* /dev/console */
	st->st_blksize = 1024;
}

static long stat_file(struct fs_file *f, struct stat *st)
{
	struct p9c_attr a;
	int r;

	if (f->kind == FS_CON) {
		stat_con(st);
		return 0;
	}
	if (f->kind == FS_SYN) {
		stat_syn(st, fs_file_path(f));
		return 0;
	}
	if (fs_stale(f))
		return -EIO;
	r = p9c_getattr(f->share, f->fid, &a);
	if (!r)
		stat_attr(st, f->share, &a);
	return r;
}

static long stat_at(long dirfd, const char *path, long flags, struct stat *st)
{
	struct fs_res r;
	struct p9c_attr a;
	int e;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && !path[0]) {
		struct fs_file *f = dirfd == AT_FDCWD ? NULL : fs_fd(dirfd);

		if (dirfd == AT_FDCWD)
			return stat_at(AT_FDCWD, ".", 0, st);
		return f ? stat_file(f, st) : -EBADF;
	}
	r.links = 0;
	e = fs_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : FS_FOLLOW, &r);
	if (e)
		return e;
	if (r.share < 0) {
		stat_syn(st, r.path);
		return 0;
	}
	e = p9c_getattr(r.share, r.fid, &a);
	fs_res_put(&r);
	if (!e)
		stat_attr(st, r.share, &a);
	return e;
}

long sys_stat(long path, long st)
{
	return stat_at(AT_FDCWD, (const char *)path, 0, (struct stat *)st);
}

long sys_lstat(long path, long st)
{
	return stat_at(AT_FDCWD, (const char *)path, AT_SYMLINK_NOFOLLOW, (struct stat *)st);
}

long sys_fstat(long fd, long st)
{
	struct fs_file *f = fs_fd(fd);

	return f ? stat_file(f, (struct stat *)st) : -EBADF;
}

long sys_newfstatat(long dirfd, long path, long st, long flags)
{
	return stat_at(dirfd, (const char *)path, flags, (struct stat *)st);
}

/* The kernel's struct statx (musl 1.2.3 has none). */
struct kstatx_time {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct kstatx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct kstatx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

_Static_assert(sizeof(struct kstatx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffu

long sys_statx(long dirfd, long path, long flags, long mask, long buf)
{
	struct kstatx *x = (struct kstatx *)buf;
	struct stat st;
	long e;

	(void)mask;
	e = stat_at(dirfd, (const char *)path, flags, &st);
	if (e)
		return e;
	memset(x, 0, sizeof(*x));
	x->mask = STATX_BASIC_STATS;
	x->blksize = (uint32_t)st.st_blksize;
	x->nlink = (uint32_t)st.st_nlink;
	x->uid = st.st_uid;
	x->gid = st.st_gid;
	x->mode = (uint16_t)st.st_mode;
	x->ino = st.st_ino;
	x->size = (uint64_t)st.st_size;
	x->blocks = (uint64_t)st.st_blocks;
	x->atime = (struct kstatx_time){ st.st_atim.tv_sec, (uint32_t)st.st_atim.tv_nsec, 0 };
	x->mtime = (struct kstatx_time){ st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec, 0 };
	x->ctime = (struct kstatx_time){ st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec, 0 };
	x->rdev_major = (uint32_t)(st.st_rdev >> 8 & 0xfff);
	x->rdev_minor = (uint32_t)(st.st_rdev & 0xff);
	x->dev_minor = (uint32_t)st.st_dev;
	return 0;
}

/* open */

static char linkpath[FS_PATH_MAX];

/*
 * Makes a descriptor of r's object, whose fid r owns (or the share's
 * root); opened says Tlcreate has opened it already.
 */
static long open_res(struct fs_res *r, long flags, int opened)
{
	int isdir = r->share < 0 || (r->qid.type & P9C_QTDIR), acc = flags & O_ACCMODE, e = 0;
	struct fs_file *f;

	if ((r->qid.type & P9C_QTSYMLINK) && r->share >= 0 && !(flags & O_PATH))
		e = -ELOOP;
	else if ((flags & O_DIRECTORY) && !isdir)
		e = -ENOTDIR;
	else if (isdir && !(flags & O_PATH) && (acc != O_RDONLY || (flags & O_TRUNC)))
		e = -EISDIR;
	else if (r->share >= 0)
		e = fs_res_own(r);
	if (!e && r->share >= 0 && !(flags & O_PATH) && !opened) {
		uint32_t lf = isdir ? O_RDONLY
				    : (uint32_t)(acc | (flags & (O_TRUNC | O_APPEND | O_SYNC | O_DSYNC)));

		e = p9c_lopen(r->share, r->fid, lf, &r->qid);
	}
	if (e) {
		fs_res_put(r);
		return e;
	}
	f = fs_file_new(r->share < 0 ? FS_SYN : FS_P9);
	if (!f) {
		/* Descriptions never outnumber descriptors: every fd is taken. */
		fs_res_put(r);
		return -EMFILE;
	}
	f->flags = (uint32_t)flags & KEPT_FLAGS;
	if (r->share >= 0) {
		f->share = (int8_t)r->share;
		f->fid = r->fid;
		f->gen = p9c_gen;
		f->qtype = r->qid.type;
		f->ino = r->qid.path;
		f->fid_append = !isdir && (flags & O_APPEND) && !(flags & O_PATH);
		r->owned = 0;
	}
	if (isdir) {
		e = fs_file_set_path(f, r->path);
		if (e) {
			fs_file_put(f);
			return e;
		}
	}
	return fs_fd_install(f, 0, flags & O_CLOEXEC);
}

/* linkpath = dir "/" linkpath, for a relative symlink target. */
static int link_rel(const char *dir, size_t tl)
{
	size_t pl = strlen(dir);

	if (pl + 1 + tl >= sizeof(linkpath))
		return -ENAMETOOLONG;
	for (size_t i = tl + 1; i-- > 0;)
		linkpath[pl + 1 + i] = linkpath[i];
	memcpy(linkpath, dir, pl);
	linkpath[pl] = '/';
	return 0;
}

/*
 * O_CREAT: the name is walked in its directory and created there if it is
 * not there.  Returns 1 with r at the new file (opened), 0 with r at the
 * existing one, or -errno.
 */
static long open_creat(long dirfd, const char *path, long flags, long mode, struct fs_res *r)
{
	for (;;) {
		const char *name[1];
		uint16_t len[1];
		struct p9c_qid q;
		long nf, tl;
		int e, got;

		e = fs_lookup(dirfd, path, FS_PARENT | FS_FOLLOW, r);
		if (e)
			return e;
		if (!r->name[0] || r->busy || r->dir_only) {
			fs_res_put(r);
			return flags & O_EXCL ? -EEXIST : -EISDIR;
		}
		if (r->share < 0)
			return -EROFS;
		nf = p9c_fid_new(r->share);
		if (nf < 0) {
			fs_res_put(r);
			return nf;
		}
		name[0] = r->name;
		len[0] = (uint16_t)strlen(r->name);
		got = p9c_walk(r->share, r->fid, (uint32_t)nf, 1, name, len, &q);
		if (got != 1)
			p9c_fid_drop(r->share, (uint32_t)nf);
		if (got == -ENOENT) {
			e = fs_res_own(r);
			if (!e)
				e = p9c_lcreate(r->share, r->fid, r->name,
						(uint32_t)(flags & (O_ACCMODE | O_TRUNC | O_APPEND |
								    O_SYNC | O_DSYNC)),
						(uint32_t)mode & ~fs_umask & 07777, &r->qid);
			if (e) {
				fs_res_put(r);
				return e;
			}
			return 1;
		}
		if (got != 1) {
			fs_res_put(r);
			return got < 0 ? got : -ENOENT;
		}
		if (flags & O_EXCL) {
			p9c_clunk(r->share, (uint32_t)nf);
			fs_res_put(r);
			return -EEXIST;
		}
		if (!(q.type & P9C_QTSYMLINK) || (flags & O_NOFOLLOW)) {
			/* The name's fid replaces its directory's (r->path stays the directory's). */
			fs_res_put(r);
			r->fid = (uint32_t)nf;
			r->owned = 1;
			r->qid = q;
			return 0;
		}
		/* A symlink: the file is created where it points, as on Linux. */
		tl = ++r->links > 40 ? -ELOOP
				     : p9c_readlink(r->share, (uint32_t)nf, linkpath, sizeof(linkpath));
		p9c_clunk(r->share, (uint32_t)nf);
		fs_res_put(r);
		if (tl < 0)
			return tl;
		if (linkpath[0] != '/') {
			e = link_rel(r->path, (size_t)tl);
			if (e)
				return e;
		}
		path = linkpath;
		dirfd = AT_FDCWD;
	}
}

long sys_openat(long dirfd, long pathp, long flags, long mode)
{
	const char *path = (const char *)pathp;
	struct fs_res r;
	long e;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	r.links = 0;
	if (flags & O_CREAT) {
		e = open_creat(dirfd, path, flags, mode, &r);
		if (e < 0)
			return e;
		if (e == 0 && (r.qid.type & P9C_QTDIR)) {
			fs_res_put(&r);
			return -EISDIR;
		}
		return open_res(&r, flags, e == 1);
	}
	e = fs_lookup(dirfd, path, flags & O_NOFOLLOW ? 0 : FS_FOLLOW, &r);
	if (e)
		return e;
	return open_res(&r, flags, 0);
}

long sys_open(long path, long flags, long mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(long path, long mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* Directories */

long sys_getcwd(long buf, long size)
{
	size_t n = strlen(fs_cwd) + 1;

	if ((size_t)size < n)
		return -ERANGE;
	memcpy((char *)buf, fs_cwd, n);
	return (long)n;
}

long sys_chdir(long path)
{
	struct fs_res r;
	int e;

	r.links = 0;
	e = fs_lookup(AT_FDCWD, (const char *)path, FS_FOLLOW, &r);
	if (e)
		return e;
	fs_res_put(&r);
	if (r.share >= 0 && !(r.qid.type & P9C_QTDIR))
		return -ENOTDIR;
	memcpy(fs_cwd, r.path, strlen(r.path) + 1);
	return 0;
}

long sys_fchdir(long fd)
{
	struct fs_file *f = fs_fd(fd);
	const char *p;

	if (!f)
		return -EBADF;
	p = fs_file_path(f);
	if (!p)
		return -ENOTDIR;
	memcpy(fs_cwd, p, strlen(p) + 1);
	return 0;
}

long sys_umask(long mask)
{
	long old = fs_umask;

	fs_umask = (uint32_t)mask & 0777;
	return old;
}

/* Changes by name: in a share's directory, never above the mount points. */

/* r at the directory and the name to make there, or why not. */
static int lookup_new(long dirfd, const char *path, struct fs_res *r)
{
	int e;

	r->links = 0;
	e = fs_lookup(dirfd, path, FS_PARENT | FS_FOLLOW, r);
	if (e)
		return e;
	if (!r->name[0] || r->busy) {
		fs_res_put(r);
		return -EEXIST;
	}
	if (r->share < 0)
		return -EROFS;
	return 0;
}

/* Whether r's name in its directory is a directory: 1, 0 or -errno. */
static int name_is_dir(const struct fs_res *r)
{
	const char *name[1] = { r->name };
	uint16_t len[1] = { (uint16_t)strlen(r->name) };
	struct p9c_qid q;
	long nf = p9c_fid_new(r->share);
	int got;

	if (nf < 0)
		return (int)nf;
	got = p9c_walk(r->share, r->fid, (uint32_t)nf, 1, name, len, &q);
	if (got != 1) {
		p9c_fid_drop(r->share, (uint32_t)nf);
		return got < 0 ? got : -ENOENT;
	}
	p9c_clunk(r->share, (uint32_t)nf);
	return !!(q.type & P9C_QTDIR);
}

/* r at the directory and the name to take away there. */
static int lookup_old(long dirfd, const char *path, struct fs_res *r, int dir)
{
	int e;

	r->links = 0;
	e = fs_lookup(dirfd, path, FS_PARENT | FS_FOLLOW, r);
	if (e)
		return e;
	if (!r->name[0] || r->busy) {
		fs_res_put(r);
		if (!dir)
			return -EISDIR;
		return r->busy || (r->path[0] == '/' && !r->path[1]) ? -EBUSY : -EINVAL;
	}
	if (r->share < 0)
		return -ENOENT;
	return 0;
}

long sys_mkdirat(long dirfd, long path, long mode)
{
	struct fs_res r;
	int e = lookup_new(dirfd, (const char *)path, &r);

	if (e)
		return e;
	e = p9c_mkdir(r.share, r.fid, r.name, (uint32_t)mode & ~fs_umask & 07777);
	fs_res_put(&r);
	return e;
}

long sys_mkdir(long path, long mode)
{
	return sys_mkdirat(AT_FDCWD, path, mode);
}

long sys_unlinkat(long dirfd, long path, long flags)
{
	struct fs_res r;
	int e;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	e = lookup_old(dirfd, (const char *)path, &r, flags & AT_REMOVEDIR);
	if (e)
		return e;
	if (r.dir_only && !(flags & AT_REMOVEDIR)) {
		/* "name/" is a directory, or no name at all: never unlinked. */
		e = name_is_dir(&r);
		fs_res_put(&r);
		return e < 0 ? e : e ? -EISDIR : -ENOTDIR;
	}
	e = p9c_unlinkat(r.share, r.fid, r.name, flags & AT_REMOVEDIR ? P9C_AT_REMOVEDIR : 0);
	fs_res_put(&r);
	return e;
}

long sys_unlink(long path)
{
	return sys_unlinkat(AT_FDCWD, path, 0);
}

long sys_rmdir(long path)
{
	return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

long sys_renameat2(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct fs_res o, n;
	int e;

	if (flags)
		return -EINVAL;
	e = lookup_old(odirfd, (const char *)opath, &o, 1);
	if (e)
		return e == -EINVAL ? -EBUSY : e;
	n.links = 0;
	e = fs_lookup(ndirfd, (const char *)npath, FS_PARENT | FS_FOLLOW, &n);
	if (e) {
		fs_res_put(&o);
		return e;
	}
	if (!n.name[0] || n.busy)
		e = -EBUSY;
	else if (n.share != o.share)
		e = -EXDEV; /* before EROFS, as Linux checks the mounts first */
	else
		e = p9c_renameat(o.share, o.fid, o.name, n.fid, n.name);
	fs_res_put(&n);
	fs_res_put(&o);
	return e;
}

long sys_renameat(long odirfd, long opath, long ndirfd, long npath)
{
	return sys_renameat2(odirfd, opath, ndirfd, npath, 0);
}

long sys_rename(long opath, long npath)
{
	return sys_renameat2(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

long sys_linkat(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct fs_res o, n;
	int e;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	o.links = 0;
	e = fs_lookup(odirfd, (const char *)opath, flags & AT_SYMLINK_FOLLOW ? FS_FOLLOW : 0, &o);
	if (e)
		return e;
	if (o.share < 0)
		return -EPERM;
	e = lookup_new(ndirfd, (const char *)npath, &n);
	if (e) {
		fs_res_put(&o);
		return e;
	}
	e = n.share != o.share ? -EXDEV : p9c_link(n.share, n.fid, o.fid, n.name);
	fs_res_put(&n);
	fs_res_put(&o);
	return e;
}

long sys_link(long opath, long npath)
{
	return sys_linkat(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

long sys_symlinkat(long targetp, long dirfd, long path)
{
	const char *target = (const char *)targetp;
	size_t tl = strnlen(target, FS_PATH_MAX);
	struct fs_res r;
	int e;

	if (tl >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (!tl)
		return -ENOENT;
	e = lookup_new(dirfd, (const char *)path, &r);
	if (e)
		return e;
	e = p9c_symlink(r.share, r.fid, r.name, target);
	fs_res_put(&r);
	return e;
}

long sys_symlink(long target, long path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}

long sys_readlinkat(long dirfd, long path, long buf, long size)
{
	struct fs_res r;
	long n;
	int e;

	if (size <= 0)
		return -EINVAL;
	r.links = 0;
	e = fs_lookup(dirfd, (const char *)path, 0, &r);
	if (e)
		return e;
	if (r.share < 0 || !(r.qid.type & P9C_QTSYMLINK)) {
		fs_res_put(&r);
		return -EINVAL;
	}
	n = p9c_readlink(r.share, r.fid, linkpath, sizeof(linkpath));
	fs_res_put(&r);
	if (n < 0)
		return n;
	if (n > size)
		n = size;
	memcpy((char *)buf, linkpath, (size_t)n);
	return n;
}

long sys_readlink(long path, long buf, long size)
{
	return sys_readlinkat(AT_FDCWD, path, buf, size);
}

/*
 * The program runs as uid 0 but the server with the rights of the user
 * who ran lpar, who owns the files as a rule: the owner's bits answer.
 */
long sys_faccessat2(long dirfd, long path, long mode, long flags)
{
	struct fs_res r;
	struct p9c_attr a;
	int e;

	if (mode & ~(long)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	r.links = 0;
	e = fs_lookup(dirfd, (const char *)path, flags & AT_SYMLINK_NOFOLLOW ? 0 : FS_FOLLOW, &r);
	if (e)
		return e;
	if (r.share < 0)
		return mode & W_OK ? -EROFS : 0;
	e = p9c_getattr(r.share, r.fid, &a);
	fs_res_put(&r);
	if (e)
		return e;
	if ((mode & W_OK) && fs_share_ro(r.share))
		return -EROFS;
	if (((mode & R_OK) && !(a.mode & 0400)) || ((mode & W_OK) && !(a.mode & 0200)) ||
	    ((mode & X_OK) && !(a.mode & 0100)))
		return -EACCES;
	return 0;
}

long sys_faccessat(long dirfd, long path, long mode)
{
	return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(long path, long mode)
{
	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

/* Tsetattr on a path (following it unless nofollow) or, with path NULL, on fd. */
static long setattr_at(long dirfd, const char *path, int nofollow, const struct p9c_setattr *sa)
{
	struct fs_res r;
	int e;

	if (!path) {
		struct fs_file *f = fs_fd(dirfd);

		if (!f)
			return -EBADF;
		if (f->kind == FS_CON)
			return 0;
		if (f->kind == FS_SYN)
			return -EROFS;
		if (fs_stale(f))
			return -EIO;
		return p9c_setattr(f->share, f->fid, sa);
	}
	r.links = 0;
	e = fs_lookup(dirfd, path, nofollow ? 0 : FS_FOLLOW, &r);
	if (e)
		return e;
	if (r.share < 0)
		return -EROFS;
	e = p9c_setattr(r.share, r.fid, sa);
	fs_res_put(&r);
	return e;
}

long sys_fchmodat(long dirfd, long path, long mode)
{
	struct p9c_setattr sa = { .valid = P9C_SET_MODE, .mode = (uint32_t)mode & 07777 };

	return setattr_at(dirfd, (const char *)path, 0, &sa);
}

long sys_chmod(long path, long mode)
{
	return sys_fchmodat(AT_FDCWD, path, mode);
}

long sys_fchmod(long fd, long mode)
{
	struct p9c_setattr sa = { .valid = P9C_SET_MODE, .mode = (uint32_t)mode & 07777 };

	return setattr_at(fd, NULL, 0, &sa);
}

long sys_utimensat(long dirfd, long path, long times, long flags)
{
	const struct timespec *t = (const struct timespec *)times;
	struct p9c_setattr sa = { 0 };

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		long ns = t ? t[i].tv_nsec : UTIME_NOW;
		uint32_t bit = i ? P9C_SET_MTIME : P9C_SET_ATIME;

		if (ns == UTIME_OMIT)
			continue;
		sa.valid |= bit;
		if (ns == UTIME_NOW)
			continue;
		if (ns < 0 || ns >= 1000000000)
			return -EINVAL;
		sa.valid |= i ? P9C_SET_MTIME_SET : P9C_SET_ATIME_SET;
		if (i) {
			sa.mtime_sec = (uint64_t)t[i].tv_sec;
			sa.mtime_nsec = (uint64_t)ns;
		} else {
			sa.atime_sec = (uint64_t)t[i].tv_sec;
			sa.atime_nsec = (uint64_t)ns;
		}
	}
	return setattr_at(dirfd, (const char *)path, flags & AT_SYMLINK_NOFOLLOW, &sa);
}

long sys_truncate(long path, long len)
{
	struct p9c_setattr sa = { .valid = P9C_SET_SIZE, .size = (uint64_t)len };
	struct stat st;
	long e;

	if (len < 0)
		return -EINVAL;
	e = stat_at(AT_FDCWD, (const char *)path, 0, &st);
	if (e)
		return e;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return setattr_at(AT_FDCWD, (const char *)path, 0, &sa);
}

long sys_ftruncate(long fd, long len)
{
	struct p9c_setattr sa = { .valid = P9C_SET_SIZE, .size = (uint64_t)len };
	long e;
	struct fs_file *f = fs_io_file(fd, &e);

	if (!f)
		return e;
	if (len < 0 || f->kind != FS_P9 || (f->qtype & P9C_QTDIR) ||
	    (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return p9c_setattr(f->share, f->fid, &sa);
}


static void statfs_fill(struct statfs *b, int share, const struct p9c_statfs *s)
{
	memset(b, 0, sizeof(*b));
	b->f_bsize = 4096;
	b->f_frsize = 4096;
	b->f_namelen = FS_NAME_MAX;
	b->f_flags = ST_RDONLY;
	if (share < 0)
		return;
	b->f_type = s->type;
	b->f_bsize = b->f_frsize = s->bsize;
	b->f_blocks = s->blocks;
	b->f_bfree = s->bfree;
	b->f_bavail = s->bavail;
	b->f_files = s->files;
	b->f_ffree = s->ffree;
	b->f_fsid.__val[0] = (int)s->fsid;
	b->f_fsid.__val[1] = (int)(s->fsid >> 32);
	b->f_namelen = s->namelen;
	b->f_flags = fs_share_ro(share) ? ST_RDONLY : 0;
}

long sys_statfs(long path, long buf)
{
	struct p9c_statfs s = { 0 };
	struct fs_res r;
	int e;

	r.links = 0;
	e = fs_lookup(AT_FDCWD, (const char *)path, FS_FOLLOW, &r);
	if (e)
		return e;
	if (r.share >= 0) {
		e = p9c_statfs(r.share, r.fid, &s);
		fs_res_put(&r);
	}
	if (!e)
		statfs_fill((struct statfs *)buf, r.share, &s);
	return e;
}

long sys_fstatfs(long fd, long buf)
{
	struct p9c_statfs s = { 0 };
	struct fs_file *f = fs_fd(fd);
	int e = 0;

	if (!f)
		return -EBADF;
	if (fs_stale(f))
		return -EIO;
	if (f->kind == FS_P9)
		e = p9c_statfs(f->share, f->fid, &s);
	if (!e)
		statfs_fill((struct statfs *)buf, f->kind == FS_P9 ? f->share : -1, &s);
	return e;
}
