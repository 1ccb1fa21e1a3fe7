/* SPDX-License-Identifier: ISC */
/*
 * The library OS's 9P2000.L client: one session per share, over the "fs"
 * message ring (<lpar/fs.h>), one request at a time.  Every call returns
 * 0 (or a count) or -errno; Rlerror's Linux errno values pass through.
 */
#ifndef LOS_P9C_H
#define LOS_P9C_H

#include <lpar/fs.h>
#include <stdint.h>

#define P9C_NOFID     0xffffffffu
#define P9C_MAXWELEM  16
#define P9C_QTDIR     0x80
#define P9C_QTSYMLINK 0x02

/* Tsetattr's valid bits. */
#define P9C_SET_MODE      0x001
#define P9C_SET_SIZE      0x008
#define P9C_SET_ATIME     0x010
#define P9C_SET_MTIME     0x020
#define P9C_SET_ATIME_SET 0x080
#define P9C_SET_MTIME_SET 0x100

struct p9c_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9c_attr {
	struct p9c_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

struct p9c_setattr {
	uint32_t valid, mode;
	uint64_t size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct p9c_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/* The mount table, which the monitor fills before the partition starts. */
extern struct lpar_fs_boot los_fs_boot;

/*
 * Bumped whenever the monitor resets the ring: every fid of every share
 * is gone then, so a file opened in an older generation is stale.
 */
extern uint32_t p9c_gen;

/* Whether the partition has shares at all (the monitor filled los_fs_boot). */
int p9c_present(void);
/* How many shares there are (0 without). */
int p9c_nshares(void);
/* Share s's root fid, starting its session if need be (lazily, at first use). */
long p9c_root(int s, struct p9c_qid *qid);
/* A fid number free on share s (not yet known to the server), or -EMFILE. */
long p9c_fid_new(int s);
/* Forgets a fid the server does not know (a walk to it failed). */
void p9c_fid_drop(int s, uint32_t fid);

/* Walks n names (each of len[i] bytes); returns how many were walked (qids[i]), or -errno. */
int p9c_walk(int s, uint32_t fid, uint32_t newfid, int n, const char *const *name,
	     const uint16_t *len, struct p9c_qid *qids);
/* Clunks fid and frees its number. */
int p9c_clunk(int s, uint32_t fid);
int p9c_lopen(int s, uint32_t fid, uint32_t flags, struct p9c_qid *qid);
/* Turns the directory fid dfid into the new file, opened. */
int p9c_lcreate(int s, uint32_t dfid, const char *name, uint32_t flags, uint32_t mode,
		struct p9c_qid *qid);
/* By reference into or out of buf: one request, count may come back short. */
long p9c_read(int s, uint32_t fid, uint64_t off, void *buf, uint32_t len);
long p9c_write(int s, uint32_t fid, uint64_t off, const void *buf, uint32_t len);
/* Directory entries at cookie off; *data points into the reply, valid until the next call. */
long p9c_readdir(int s, uint32_t fid, uint64_t off, uint32_t count, const uint8_t **data);
int p9c_getattr(int s, uint32_t fid, struct p9c_attr *a);
int p9c_setattr(int s, uint32_t fid, const struct p9c_setattr *a);
/* The target, NUL-terminated, into buf of size bytes; returns its length. */
long p9c_readlink(int s, uint32_t fid, char *buf, uint32_t size);
int p9c_mkdir(int s, uint32_t dfid, const char *name, uint32_t mode);
int p9c_symlink(int s, uint32_t dfid, const char *name, const char *target);
int p9c_link(int s, uint32_t dfid, uint32_t fid, const char *name);
int p9c_renameat(int s, uint32_t odfid, const char *oname, uint32_t ndfid, const char *nname);
/* Tunlinkat's flag for rmdir (Linux's AT_REMOVEDIR). */
#define P9C_AT_REMOVEDIR 0x200
int p9c_unlinkat(int s, uint32_t dfid, const char *name, uint32_t flags);
int p9c_fsync(int s, uint32_t fid, int datasync);
int p9c_statfs(int s, uint32_t fid, struct p9c_statfs *st);
/* The most bytes one Rreaddir may carry on share s's session. */
uint32_t p9c_iounit(int s);

#endif
