/* SPDX-License-Identifier: ISC */
/*
 * The file syscalls that work on an open descriptor: reading and writing
 * (by reference, so the data goes straight between the program's buffer
 * and the host file), seeking, dup and fcntl, directory listings, fsync,
 * and file mappings.  See fsys.c for those that take paths.
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


int fs_stale(const struct fs_file *f)
{
	return f->kind == FS_P9 && f->gen != p9c_gen;
}

int fs_share_ro(int s)
{
	return s >= 0 && (los_fs_boot.share[s].flags & LPAR_SHARE_RO);
}

/* A share file's descriptor that may do I/O, or -errno. */
struct fs_file *fs_io_file(long fd, long *err)
{
	struct fs_file *f = fs_fd(fd);

	*err = 0;
	if (!f)
		*err = -EBADF;
	else if (f->flags & O_PATH)
		*err = -EBADF;
	else if (fs_stale(f))
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
	struct fs_file *f = fs_io_file(fd, &e);

	return f ? f_read(f, buf, len, -1) : e;
}

long fs_write(long fd, const void *buf, size_t len)
{
	long e;
	struct fs_file *f = fs_io_file(fd, &e);

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
	struct fs_file *f = fs_io_file(fd, &e);

	if (!f)
		return e;
	return off < 0 ? -EINVAL : f_read(f, (void *)buf, (size_t)len, off);
}

long sys_pwrite64(long fd, long buf, long len, long off)
{
	long e;
	struct fs_file *f = fs_io_file(fd, &e);

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
	struct fs_file *f = fs_io_file(fd, &e);
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
	if (fs_stale(f))
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
	if (fs_stale(f))
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

static long sync_fd(long fd, int data)
{
	long e;
	struct fs_file *f = fs_io_file(fd, &e);

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
	if (fs_stale(f))
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
