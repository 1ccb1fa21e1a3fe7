/* SPDX-License-Identifier: ISC
 * 9P2000.L: message codec, server core and client.  Shared by the monitor's
 * control tree (hv/), the controller library (libpart/) and, later, resource
 * sharing to partitions.  See docs/control-tree.md.
 */
#ifndef LPAR_P9_H
#define LPAR_P9_H

#include <stddef.h>
#include <stdint.h>

#define P9_VERSION   "9P2000.L"
#define P9_NOTAG     0xffffu
#define P9_NOFID     0xffffffffu
#define P9_HDR       7u          /* size[4] type[1] tag[2] */
#define P9_IOHDR     24u         /* bytes of Tread/Twrite/Rread overhead, rounded up */
#define P9_MAXWELEM  16u
#define P9_MSIZE_MIN 256u
#define P9_MSIZE_MAX (1u << 20)
#define P9_OOL_MAX   (1u << 20)  /* bytes of one read or write by reference */
#define P9_MSIZE_DEFAULT 65536u
#define P9_NAME_MAX  255u        /* one name in a walk or a create (Linux's NAME_MAX) */
#define P9_PATH_MAX  4096u       /* a symlink's target (Linux's PATH_MAX, NUL included) */
#define P9_MAXFIDS   1024u       /* fids one connection may hold */
#define P9_MAXPENDING 1024u      /* deferred requests one connection may have */

enum p9_type {
	P9_RLERROR = 7,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TSYMLINK = 16, P9_RSYMLINK,
	P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME,
	P9_TREADLINK = 22, P9_RREADLINK,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
	P9_TLINK = 70, P9_RLINK,
	P9_TMKDIR = 72, P9_RMKDIR,
	P9_TRENAMEAT = 74, P9_RRENAMEAT,
	P9_TUNLINKAT = 76, P9_RUNLINKAT,
	P9_TVERSION = 100, P9_RVERSION,
	P9_TAUTH = 102, P9_RAUTH,
	P9_TATTACH = 104, P9_RATTACH,
	P9_TFLUSH = 108, P9_RFLUSH,
	P9_TWALK = 110, P9_RWALK,
	P9_TREAD = 116, P9_RREAD,
	P9_TWRITE = 118, P9_RWRITE,
	P9_TCLUNK = 120, P9_RCLUNK,
	P9_TREMOVE = 122, P9_RREMOVE,
};

#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

/* Tlopen and Tlcreate flags: the protocol's values, which are x86 Linux's. */
#define P9_ORDONLY 0
#define P9_OWRONLY 1
#define P9_ORDWR   2
#define P9_OCREAT  0100
#define P9_OEXCL   0200
#define P9_OTRUNC  01000
#define P9_OAPPEND 02000
#define P9_ODSYNC  010000
#define P9_OSYNC   04000000

/* Tunlinkat flags. */
#define P9_AT_REMOVEDIR 0x200

/* Tsetattr valid bits: what to change; without *_SET a time is "now". */
#define P9_SETATTR_MODE      0x001
#define P9_SETATTR_UID       0x002
#define P9_SETATTR_GID       0x004
#define P9_SETATTR_SIZE      0x008
#define P9_SETATTR_ATIME     0x010
#define P9_SETATTR_MTIME     0x020
#define P9_SETATTR_CTIME     0x040
#define P9_SETATTR_ATIME_SET 0x080
#define P9_SETATTR_MTIME_SET 0x100

#define P9_GETATTR_BASIC 0x7ffull

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_attr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec;
};

struct p9_setattr {
	uint32_t valid;
	uint32_t mode, uid, gid;
	uint64_t size;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

/* Rstatfs: Linux's struct statfs. */
struct p9_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/*
 * A cursor over one message.  Every get checks the bounds; the first
 * failure sets err and later gets return zeroes, so a decoder can read a
 * whole message and check err once.
 */
struct p9_buf {
	uint8_t *data;
	uint32_t size;  /* bytes available (reading) or capacity (writing) */
	uint32_t pos;
	int err;
};

void p9_buf_init(struct p9_buf *b, void *data, uint32_t size);
uint8_t p9_get8(struct p9_buf *b);
uint16_t p9_get16(struct p9_buf *b);
uint32_t p9_get32(struct p9_buf *b);
uint64_t p9_get64(struct p9_buf *b);
/* A string: points into the message; *len is its length.  Not NUL-terminated. */
const char *p9_getstr(struct p9_buf *b, uint16_t *len);
/* A string copied into dst (NUL-terminated); fails if it does not fit or holds a NUL. */
int p9_getstr_copy(struct p9_buf *b, char *dst, size_t dstlen);
void p9_getqid(struct p9_buf *b, struct p9_qid *q);
/* n raw bytes, in place. */
const uint8_t *p9_getbytes(struct p9_buf *b, uint32_t n);

void p9_put8(struct p9_buf *b, uint8_t v);
void p9_put16(struct p9_buf *b, uint16_t v);
void p9_put32(struct p9_buf *b, uint32_t v);
void p9_put64(struct p9_buf *b, uint64_t v);
void p9_putstr(struct p9_buf *b, const char *s);
void p9_putstrn(struct p9_buf *b, const char *s, size_t len);
void p9_putqid(struct p9_buf *b, const struct p9_qid *q);
void p9_putbytes(struct p9_buf *b, const void *p, uint32_t n);

/* Starts a message (header with a placeholder size); p9_msg_end() fills the size. */
void p9_msg_begin(struct p9_buf *b, uint8_t type, uint16_t tag);
void p9_msg_end(struct p9_buf *b);

/* An Rreaddir entry; returns 0, or -1 if it does not fit (nothing written). */
int p9_put_dirent(struct p9_buf *b, const struct p9_qid *q, uint64_t off,
		  uint8_t type, const char *name);

const char *p9_type_name(uint8_t type);

#endif
