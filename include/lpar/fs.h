/* SPDX-License-Identifier: ISC */
/*
 * Files in partitions: the host directories a partition shares (the
 * monitor serves each over 9P2000.L) and the message ring the library OS
 * reaches them by.  Shared by the monitor and the library OS; see
 * docs/shares.md for the protocol on the ring.
 */
#ifndef LPAR_FS_H
#define LPAR_FS_H

#include <stdint.h>

/*
 * The library OS declares one message ring, "fs" (LPAR_RING in its own
 * image).  It is ring LPAR_FS_RING_INDEX whatever the image declares: its
 * doorbell value and its ready bit LPAR_READY_RING(LPAR_FS_RING_INDEX).
 */
#define LPAR_FS_RING_INDEX 16u
#define LPAR_FS_RING_SIZE  65536u
/* The msize the library OS asks for in Tversion: two messages fit the ring. */
#define LPAR_FS_MSIZE      (LPAR_FS_RING_SIZE / 2u)

/*
 * Each message on the ring is one whole 9P2000.L message; the ring
 * message's tag (struct lpar_msg) says which share's connection it is on
 * (LPAR_FS_CONN) and whether its bulk data goes by reference
 * (LPAR_FS_OOL).  A reply carries its request's tag.
 *
 * By reference: a Tread or Twrite with LPAR_FS_OOL is followed, inside
 * the ring message, by a struct lpar_fs_ool naming the partition's buffer.
 * A Twrite then has count[4] and no data: the data is the buffer's first
 * count bytes.  A Tread's count is at most the buffer's length; its Rread
 * (tagged LPAR_FS_OOL too) has count[4] and no data: the monitor has put
 * the data in the buffer.  Either way count may be cut to what the
 * server takes at once.
 */
#define LPAR_FS_CONN(tag)  ((tag) & 0xffffu)
#define LPAR_FS_OOL        (1u << 31)

struct lpar_fs_ool {
	uint64_t addr;          /* guest address of the buffer */
	uint64_t len;           /* its length in bytes */
};

#define LPAR_SHARES_MAX   16
#define LPAR_FS_PATH_MAX  256  /* a share's guest path, NUL included */
#define LPAR_SHARE_RO     1u   /* every change answers EROFS */

struct lpar_fs_share {
	char path[LPAR_FS_PATH_MAX]; /* absolute, no "." or ".." or "//", no trailing '/' but "/" */
	uint32_t flags;         /* LPAR_SHARE_* */
	uint32_t conn;          /* its connection on the ring: LPAR_FS_CONN of the tags */
};

/*
 * The mount table, in the library OS's data ("los_fs_boot"), written by
 * the monitor before the partition starts; boot info's fs points to it.
 */
struct lpar_fs_boot {
	uint32_t nshares;
	uint32_t reserved;
	char cwd[LPAR_FS_PATH_MAX];  /* the working directory at start */
	struct lpar_fs_share share[LPAR_SHARES_MAX];
};

#endif
