/*
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
#define P9_MSIZE_DEFAULT 65536u

enum p9_type {
	P9_RLERROR = 7,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
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

#define P9_QTDIR  0x80
#define P9_QTFILE 0x00

/* Tlopen flags are Linux open(2) flags. */
#define P9_ORDONLY 0
#define P9_OWRONLY 1
#define P9_ORDWR   2
#define P9_OTRUNC  01000

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
