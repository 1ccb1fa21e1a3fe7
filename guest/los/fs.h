/* SPDX-License-Identifier: ISC */
/*
 * Files in the library OS: the descriptor table (fd.c), paths over the
 * partition's shares (path.c) and the file syscalls (fsys.c: paths; fsio.c: descriptors).
 */
#ifndef LOS_FS_H
#define LOS_FS_H

#include <stddef.h>
#include <stdint.h>

#include "p9c.h"

#define FS_FDS      1024   /* Linux's default RLIMIT_NOFILE */
#define FS_PATH_MAX 4096   /* PATH_MAX, NUL included */
#define FS_NAME_MAX 255
#define FS_NOPATH   0xffff

enum fs_kind {
	FS_CON = 1,  /* the console */
	FS_P9,       /* a file in a share: a fid */
	FS_SYN,      /* a directory above the shares' mount points */
};

/* An open file description, shared by the descriptors dup() made. */
struct fs_file {
	uint8_t kind;
	uint8_t qtype;          /* FS_P9: the qid's type */
	int8_t share;
	uint8_t end_stale;      /* an O_APPEND write moved the end: the offset is found again */
	uint8_t fid_append;     /* the fid was opened O_APPEND: the server appends */
	uint16_t refs;
	uint16_t path;          /* directories: where their path is kept, or FS_NOPATH */
	uint32_t flags;         /* O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH, O_DIRECTORY */
	uint32_t fid;
	uint32_t gen;           /* p9c_gen when opened: older is stale (-EIO) */
	uint64_t off;           /* a directory's: the cookie of its next entry */
	uint64_t ino;
};

/* fd.c */
void fs_fd_init(void);
struct fs_file *fs_fd(long fd);
struct fs_file *fs_file_new(enum fs_kind kind);
/* Installs f at the lowest free descriptor >= min; drops f's reference on failure. */
long fs_fd_install(struct fs_file *f, long min, int cloexec);
void fs_file_put(struct fs_file *f);
long fs_fd_close(long fd);
/* The path kept for a directory, or NULL. */
const char *fs_file_path(const struct fs_file *f);
int fs_file_set_path(struct fs_file *f, const char *path);
int fs_fd_cloexec(long fd);
void fs_fd_set_cloexec(long fd, int on);
/* Replaces (or fills) descriptor to with f, taking a reference. */
long fs_fd_replace(long to, struct fs_file *f, int cloexec);

/* path.c */
#define FS_FOLLOW 1     /* follow a symlink in the last component */
#define FS_PARENT 2     /* stop at the last component's directory */

struct fs_res {
	int share;          /* -1: a synthetic directory */
	int owned;          /* fid is the result's own (else the share's root fid) */
	uint32_t fid;
	struct p9c_qid qid; /* share >= 0 */
	int dir_only;       /* the path ended in '/' */
	int busy;           /* FS_PARENT: name is a mount point or above one */
	int links;          /* symlinks followed so far (in: before this lookup) */
	char name[FS_NAME_MAX + 1]; /* FS_PARENT: the last name; "" if there is none */
	char path[FS_PATH_MAX];     /* canonical: absolute, no symlink, no "." or ".." */
};

extern char fs_cwd[FS_PATH_MAX];
extern uint32_t fs_umask;

/* Resolves path from dirfd (AT_FDCWD: the cwd); r->links must be set (0). */
int fs_lookup(long dirfd, const char *path, int flags, struct fs_res *r);
void fs_res_put(struct fs_res *r);
/* Makes r's fid its own: a clone of the share's root if it had none. */
int fs_res_own(struct fs_res *r);
/* Whether path (canonical) is a share's path or lies above one. */
int fs_is_mount_or_above(const char *path);
/* The share whose path is the longest prefix of path, or -1. */
int fs_share_of(const char *path);
/* Synthetic directories: the name of the n-th entry below path, or NULL past the end. */
const char *fs_syn_entry(const char *path, unsigned n, unsigned *len);
/* A stable inode number for a synthetic directory. */
uint64_t fs_syn_ino(const char *path);

/* fsys.c and fsio.c: mmap of a file, for sys.c's mmap, and the syscalls in sys.c's table. */
long fs_read(long fd, void *buf, size_t len);
long fs_write(long fd, const void *buf, size_t len);
long fs_mmap_file(uint64_t addr, uint64_t len, long prot, long flags, long fd, long off);

long sys_read(long fd, long buf, long len);
long sys_write(long fd, long buf, long len);
long sys_readv(long fd, long iov, long n);
long sys_writev(long fd, long iov, long n);
long sys_pread64(long fd, long buf, long len, long off);
long sys_pwrite64(long fd, long buf, long len, long off);
long sys_preadv(long fd, long iov, long n, long off);
long sys_pwritev(long fd, long iov, long n, long off);
long sys_open(long path, long flags, long mode);
long sys_openat(long dirfd, long path, long flags, long mode);
long sys_creat(long path, long mode);
long sys_close(long fd);
long sys_lseek(long fd, long off, long whence);
long sys_ioctl(long fd, long req, long arg);
long sys_fcntl(long fd, long cmd, long arg);
long sys_dup(long fd);
long sys_dup2(long old, long to);
long sys_dup3(long old, long to, long flags);
long sys_stat(long path, long st);
long sys_lstat(long path, long st);
long sys_fstat(long fd, long st);
long sys_newfstatat(long dirfd, long path, long st, long flags);
long sys_statx(long dirfd, long path, long flags, long mask, long buf);
long sys_getdents64(long fd, long buf, long len);
long sys_getcwd(long buf, long size);
long sys_chdir(long path);
long sys_fchdir(long fd);
long sys_umask(long mask);
long sys_mkdir(long path, long mode);
long sys_mkdirat(long dirfd, long path, long mode);
long sys_unlink(long path);
long sys_unlinkat(long dirfd, long path, long flags);
long sys_rmdir(long path);
long sys_rename(long opath, long npath);
long sys_renameat(long odirfd, long opath, long ndirfd, long npath);
long sys_renameat2(long odirfd, long opath, long ndirfd, long npath, long flags);
long sys_link(long opath, long npath);
long sys_linkat(long odirfd, long opath, long ndirfd, long npath, long flags);
long sys_symlink(long target, long path);
long sys_symlinkat(long target, long dirfd, long path);
long sys_readlink(long path, long buf, long size);
long sys_readlinkat(long dirfd, long path, long buf, long size);
long sys_access(long path, long mode);
long sys_faccessat(long dirfd, long path, long mode);
long sys_faccessat2(long dirfd, long path, long mode, long flags);
long sys_chmod(long path, long mode);
long sys_fchmod(long fd, long mode);
long sys_fchmodat(long dirfd, long path, long mode);
long sys_utimensat(long dirfd, long path, long times, long flags);
long sys_truncate(long path, long len);
long sys_ftruncate(long fd, long len);
long sys_fsync(long fd);
long sys_fd_noop(long fd);
long sys_fdatasync(long fd);
long sys_statfs(long path, long buf);
long sys_fstatfs(long fd, long buf);

/* fsys.c and fsio.c */
#define IO_MAX    (1u << 20)       /* what one Tread or Twrite asks for */
#define RW_MAX    0x7ffff000ul     /* Linux's cap on one read or write */
#define SYN_DEV   0x3f             /* st_dev of the synthetic directories */
#define SHARE_DEV 0x40             /* st_dev of share i: SHARE_DEV + i */
#define DT_DIR    4
#define ST_RDONLY 1

/* Flags an open file keeps (F_GETFL). */
#define KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY | O_LARGEFILE | \
		    O_SYNC | O_DSYNC | O_NOATIME)

int fs_stale(const struct fs_file *f);
int fs_share_ro(int s);
/* A share file's descriptor that may do I/O, or NULL with *err = -errno. */
struct fs_file *fs_io_file(long fd, long *err);

#endif
