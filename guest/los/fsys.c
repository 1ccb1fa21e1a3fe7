/* SPDX-License-Identifier: ISC */
/*
 * The file syscalls: descriptors (the console, files in shares, synthetic
 * directories) and paths, over the 9P client (p9c.c), the descriptor
 * table (fd.c) and path resolution (path.c).  Errors are Linux's.
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

#define IO_MAX    (1u << 20)       /* what one Tread or Twrite asks for */
#define RW_MAX    0x7ffff000ul     /* Linux's cap on one read or write */
#define SYN_DEV   0x3f             /* st_dev of the synthetic directories */
#define SHARE_DEV 0x40             /* st_dev of share i: SHARE_DEV + i */
#define DT_DIR    4
#define ST_RDONLY 1

/* Flags an open file keeps (F_GETFL). */
#define KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY | O_LARGEFILE | \
		    O_SYNC | O_DSYNC | O_NOATIME)

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

static int stale(const struct fs_file *f)
{
	return f->kind == FS_P9 && f->gen != p9c_gen;
}

static int share_ro(int s)
{
	return s >= 0 && (los_fs_boot.share[s].flags & LPAR_SHARE_RO);
}

/* A share file's descriptor that may do I/O, or -errno. */
static struct fs_file *io_file(long fd, long *err)
{
	struct fs_file *f = fs_fd(fd);

	*err = 0;
	if (!f)
		*err = -EBADF;
	else if (f->flags & O_PATH)
		*err = -EBADF;
	else if (stale(f))
		*err = -EIO;
	return *err ? NULL : f;
}

/*
 * Reads at off.  A reply shorter than asked is where a regular file ends,
 * so read() normally takes one round trip; all (for mmap) reads on to the
 * end in case the server cut the count.
 */
static long pread_all(struct fs_file *f, char *buf, size_t len, uint64_t off, int all)
{
	size_t done = 0;

	while (done < len) {
		uint32_t want = len - done > IO_MAX ? IO_MAX : (uint32_t)(len - done);
		long r = p9c_read(f->share, f->fid, off + done, buf + done, want);

		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if (!r || (!all && (uint32_t)r < want))
			break;
	}
	return (long)done;
}

static long pwrite_all(struct fs_file *f, const char *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		uint32_t want = len - done > IO_MAX ? IO_MAX : (uint32_t)(len - done);
		long r = p9c_write(f->share, f->fid, off + done, buf + done, want);

		if (r < 0)
			return done ? (long)done : r;
		if (!r)
			break;
		done += (size_t)r;
	}
	return (long)done;
}

/* After an O_APPEND write the server knows where the end is: the offset follows it. */
static int sync_end(struct fs_file *f)
{
	struct p9c_attr a;
	int r;

	if (!f->end_stale)
		return 0;
	r = p9c_getattr(f->share, f->fid, &a);
	if (r)
		return r;
	f->off = a.size;
	f->end_stale = 0;
	return 0;
}

/* read and pread: off < 0 is the descriptor's offset. */
static long f_read(struct fs_file *f, void *buf, size_t len, int64_t off)
{
	long r;

	if (len > RW_MAX)
		len = RW_MAX;
	if (f->kind == FS_CON)
		return off >= 0 ? -ESPIPE : los_con_read(buf, len);
	if (f->kind == FS_SYN || (f->qtype & P9C_QTDIR))
		return -EISDIR;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!len)
		return 0;
	if (off >= 0)
		return pread_all(f, buf, len, (uint64_t)off, 0);
	r = sync_end(f);
	if (r)
		return r;
	r = pread_all(f, buf, len, f->off, 0);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

static long f_write(struct fs_file *f, const void *buf, size_t len, int64_t off)
{
	long r;

	if (len > RW_MAX)
		len = RW_MAX;
	if (f->kind == FS_CON)
		return off >= 0 ? -ESPIPE : los_con_write(buf, len);
	if (f->kind == FS_SYN || (f->qtype & P9C_QTDIR))
		return -EISDIR;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!len)
		return 0;
	if (off >= 0)
		return pwrite_all(f, buf, len, (uint64_t)off);
	/* O_APPEND set by F_SETFL after the open: the end is found here. */
	if ((f->flags & O_APPEND) && !f->fid_append) {
		f->end_stale = 1;
		r = sync_end(f);
		if (r)
			return r;
	}
	r = pwrite_all(f, buf, len, f->off);
	if (r > 0) {
		f->off += (uint64_t)r;
		/* The fid was opened O_APPEND: the server wrote at the end, wherever that was. */
		if (f->fid_append)
			f->end_stale = 1;
	}
	return r;
}

long fs_read(long fd, void *buf, size_t len)
{
	long e;
	struct fs_file *f = io_file(fd, &e);

	return f ? f_read(f, buf, len, -1) : e;
}

long fs_write(long fd, const void *buf, size_t len)
{
	long e;
	struct fs_file *f = io_file(fd, &e);

	return f ? f_write(f, buf, len, -1) : e;
}

long sys_read(long fd, long buf, long len)
{
	return fs_read(fd, (void *)buf, (size_t)len);
}

long sys_write(long fd, long buf, long len)
{
	return fs_write(fd, (const void *)buf, (size_t)len);
}

long sys_pread64(long fd, long buf, long len, long off)
{
	long e;
	struct fs_file *f = io_file(fd, &e);

	if (!f)
		return e;
	return off < 0 ? -EINVAL : f_read(f, (void *)buf, (size_t)len, off);
}

long sys_pwrite64(long fd, long buf, long len, long off)
{
	long e;
	struct fs_file *f = io_file(fd, &e);

	if (!f)
		return e;
	return off < 0 ? -EINVAL : f_write(f, (const void *)buf, (size_t)len, off);
}

/*
 * musl's stdio writes its buffer and the new bytes as two pieces: small
 * ones go out together, as one console write or one Twrite.
 */
static char gather[4096];

/* readv, writev, preadv, pwritev: piece after piece, stopping where one comes back short. */
static long rw_vec(long fd, const struct iovec *iov, long n, int out, int64_t off)
{
	long e, done = 0;
	struct fs_file *f = io_file(fd, &e);
	size_t total = 0;

	if (!f)
		return e;
	if (n < 0 || n > 1024)
		return -EINVAL;
	if (out && n >= 2 && n <= 8) {
		long i;

		for (i = 0; i < n && iov[i].iov_len <= sizeof(gather) - total; i++) {
			memcpy(gather + total, iov[i].iov_base, iov[i].iov_len);
			total += iov[i].iov_len;
		}
		if (i == n)
			return f_write(f, gather, total, off);
	}
	for (long i = 0; i < n; i++) {
		long r;

		if (!iov[i].iov_len)
			continue;
		r = out ? f_write(f, iov[i].iov_base, iov[i].iov_len, off)
			: f_read(f, iov[i].iov_base, iov[i].iov_len, off);
		if (r < 0)
			return done ? done : r;
		done += r;
		if (off >= 0)
			off += r;
		/* Console input: what is there, into the first piece only. */
		if ((size_t)r < iov[i].iov_len || (!out && f->kind == FS_CON))
			break;
	}
	return done;
}

long sys_readv(long fd, long iov, long n)
{
	return rw_vec(fd, (const struct iovec *)iov, n, 0, -1);
}

long sys_writev(long fd, long iov, long n)
{
	return rw_vec(fd, (const struct iovec *)iov, n, 1, -1);
}

long sys_preadv(long fd, long iov, long n, long off)
{
	return off < 0 ? -EINVAL : rw_vec(fd, (const struct iovec *)iov, n, 0, off);
}

long sys_pwritev(long fd, long iov, long n, long off)
{
	return off < 0 ? -EINVAL : rw_vec(fd, (const struct iovec *)iov, n, 1, off);
}

long sys_lseek(long fd, long off, long whence)
{
	struct fs_file *f = fs_fd(fd);
	struct p9c_attr a;
	int64_t base;
	int r;

	if (!f)
		return -EBADF;
	if (f->kind == FS_CON)
		return -ESPIPE;
	if (stale(f))
		return -EIO;
	/* A directory's offset is the cookie of its next entry: only set or read back. */
	if (f->kind == FS_SYN || (f->qtype & P9C_QTDIR)) {
		if (whence == SEEK_SET && off >= 0)
			f->off = (uint64_t)off;
		else if (!(whence == SEEK_CUR && !off))
			return -EINVAL;
		return (long)f->off;
	}
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		r = sync_end(f);
		if (r)
			return r;
		base = (int64_t)f->off;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		r = p9c_getattr(f->share, f->fid, &a);
		if (r)
			return r;
		if (whence == SEEK_END) {
			base = (int64_t)a.size;
			break;
		}
		/* No holes are known: data up to the end, one hole after it. */
		if (off < 0 || (uint64_t)off >= a.size)
			return -ENXIO;
		base = 0;
		if (whence == SEEK_HOLE)
			off = (long)a.size;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	f->end_stale = 0;
	return (long)f->off;
}

long sys_close(long fd)
{
	return fs_fd_close(fd);
}

long sys_dup(long fd)
{
	struct fs_file *f = fs_fd(fd);

	if (!f)
		return -EBADF;
	f->refs++;
	return fs_fd_install(f, 0, 0);
}

long sys_dup3(long old, long to, long flags)
{
	struct fs_file *f = fs_fd(old);

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (!f || to < 0 || to >= FS_FDS)
		return -EBADF;
	if (old == to)
		return -EINVAL;
	return fs_fd_replace(to, f, flags & O_CLOEXEC);
}

long sys_dup2(long old, long to)
{
	if (old == to)
		return fs_fd(old) ? to : -EBADF;
	return sys_dup3(old, to, 0);
}

long sys_fcntl(long fd, long cmd, long arg)
{
	struct fs_file *f = fs_fd(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FS_FDS)
			return -EINVAL;
		f->refs++;
		return fs_fd_install(f, arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fs_fd_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fs_fd_set_cloexec(fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
			   ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_GETLK:
	case F_OFD_GETLK:
		/* One process: nothing else ever holds a lock. */
		((struct flock *)arg)->l_type = F_UNLCK;
		return 0;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return 0;
	default:
		return -EINVAL;
	}
}

/* Only TIOCGWINSZ means anything: the console is a terminal only if the monitor's is. */
long sys_ioctl(long fd, long req, long arg)
{
	struct fs_file *f = fs_fd(fd);

	if (!f)
		return -EBADF;
	if (f->kind == FS_CON && req == TIOCGWINSZ &&
	    !(lpar_boot->flags & LPAR_BOOT_CONSOLE_BUFFERED)) {
		*(struct winsize *)arg = (struct winsize){ .ws_row = 24, .ws_col = 80 };
		return 0;
	}
	return -ENOTTY;
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
	if (stale(f))
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

struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

static long put_dirent(char *buf, size_t room, uint64_t ino, uint64_t off, uint8_t type,
		       const char *name, size_t nl)
{
	size_t reclen = (offsetof(struct kdirent64, d_name) + nl + 1 + 7) & ~(size_t)7;
	struct kdirent64 *d = (struct kdirent64 *)buf;

	if (reclen > room)
		return 0;
	d->d_ino = ino;
	d->d_off = (int64_t)off;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = type;
	memcpy(d->d_name, name, nl);
	memset(d->d_name + nl, 0, reclen - offsetof(struct kdirent64, d_name) - nl);
	return (long)reclen;
}

/* A synthetic directory lists ".", ".." and the next names of the mount points below it. */
static long getdents_syn(struct fs_file *f, char *buf, size_t len)
{
	const char *path = fs_file_path(f);
	size_t done = 0;

	for (;; f->off++) {
		const char *name = f->off == 0 ? "." : "..";
		unsigned nl = (unsigned)f->off + 1;
		long r;

		if (f->off >= 2) {
			name = fs_syn_entry(path, (unsigned)f->off - 2, &nl);
			if (!name)
				break;
		}
		r = put_dirent(buf + done, len - done, fs_syn_ino(path) + f->off, f->off + 1,
			       DT_DIR, name, nl);
		if (!r)
			return done ? (long)done : -EINVAL;
		done += (size_t)r;
	}
	return (long)done;
}

long sys_getdents64(long fd, long bufp, long lenp)
{
	struct fs_file *f = fs_fd(fd);
	char *buf = (char *)bufp;
	size_t len = (size_t)lenp, done = 0;
	const uint8_t *p, *end;
	long n;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->kind == FS_SYN)
		return getdents_syn(f, buf, len);
	if (f->kind != FS_P9 || !(f->qtype & P9C_QTDIR))
		return -ENOTDIR;
	if (stale(f))
		return -EIO;
	/*
	 * A Linux entry may be a few bytes larger than its 9P one: what does
	 * not fit is asked for again next time, from the last entry's cookie.
	 */
	n = p9c_readdir(f->share, f->fid, f->off, len > 0xffffffffu ? 0xffffffffu : (uint32_t)len,
			&p);
	if (n <= 0)
		return n;
	for (end = p + n; end - p >= 24;) {
		uint64_t ino, off;
		uint16_t nl;
		uint8_t type;
		long r;

		memcpy(&ino, p + 5, 8);
		memcpy(&off, p + 13, 8);
		type = p[21];
		memcpy(&nl, p + 22, 2);
		if (nl > end - p - 24)
			return done ? (long)done : -EIO;
		r = put_dirent(buf + done, len - done, ino, off, type, (const char *)p + 24, nl);
		if (!r)
			return done ? (long)done : -EINVAL;
		done += (size_t)r;
		f->off = off;
		p += 24 + nl;
	}
	return (long)done;
}

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
	if ((mode & W_OK) && share_ro(r.share))
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
		if (stale(f))
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
	struct fs_file *f = io_file(fd, &e);

	if (!f)
		return e;
	if (len < 0 || f->kind != FS_P9 || (f->qtype & P9C_QTDIR) ||
	    (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return p9c_setattr(f->share, f->fid, &sa);
}

static long sync_fd(long fd, int data)
{
	long e;
	struct fs_file *f = io_file(fd, &e);

	if (!f)
		return e;
	if (f->kind == FS_CON)
		return -EINVAL;
	if (f->kind == FS_SYN)
		return 0;
	return p9c_fsync(f->share, f->fid, data);
}

/* Advice (fadvise64) and whole-file locks (flock): one process, nothing to do. */
long sys_fd_noop(long fd)
{
	return fs_fd(fd) ? 0 : -EBADF;
}

long sys_fsync(long fd)
{
	return sync_fd(fd, 0);
}

long sys_fdatasync(long fd)
{
	return sync_fd(fd, 1);
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
	b->f_flags = share_ro(share) ? ST_RDONLY : 0;
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
	if (stale(f))
		return -EIO;
	if (f->kind == FS_P9)
		e = p9c_statfs(f->share, f->fid, &s);
	if (!e)
		statfs_fill((struct statfs *)buf, f->kind == FS_P9 ? f->share : -1, &s);
	return e;
}

/*
 * A file mapping is anonymous memory with the file's bytes read into it
 * (the rest zero): private mappings behave as on Linux until the file
 * changes; a writable shared one would need pages to write back.
 */
long fs_mmap_file(uint64_t addr, uint64_t len, long prot, long flags, long fd, long off)
{
	struct fs_file *f = fs_fd(fd);
	long m, r;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (f->kind != FS_P9 || (f->qtype & P9C_QTDIR))
		return -ENODEV;
	if (stale(f))
		return -EIO;
	if ((off & 4095) || off < 0)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_SHARED_VALIDATE) != MAP_PRIVATE && (prot & PROT_WRITE))
		return (f->flags & O_ACCMODE) == O_RDWR ? -ENODEV : -EACCES;
	m = los_mmap(addr, len, prot,
		     (flags & ~(long)MAP_SHARED_VALIDATE) | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m < 0)
		return m;
	r = pread_all(f, (char *)m, len, (uint64_t)off, 1);
	if (r < 0) {
		los_munmap((uint64_t)m, len);
		return r;
	}
	return m;
}
