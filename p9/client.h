/* SPDX-License-Identifier: ISC
 * A synchronous 9P2000.L client: one request at a time per connection.
 * (Something that must read and write at once, like a console, opens two.)
 * Functions return 0 or a count, or -errno (the server's Rlerror code).
 */
#ifndef LPAR_P9_CLIENT_H
#define LPAR_P9_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "p9.h"

struct p9c;

#define P9C_ROOT 0u  /* the fid p9c_attach() uses */

int p9c_connect_unix(const char *path, struct p9c **out);
/* Speaks over an existing pair of fds (a socket, or pipes to diod -r/-w). */
int p9c_open_fds(int rfd, int wfd, struct p9c **out);
void p9c_close(struct p9c *c);
/*
 * Shuts a socket connection down, so that a request blocked on another
 * thread returns (an error); async-signal-safe.  Close it afterwards.
 */
void p9c_shutdown(struct p9c *c);

/* Tversion then Tattach of aname as fid P9C_ROOT. */
int p9c_mount(struct p9c *c, uint32_t msize, const char *aname);
uint32_t p9c_msize(const struct p9c *c);

int p9c_version(struct p9c *c, uint32_t msize);
int p9c_attach(struct p9c *c, uint32_t fid, const char *uname,
	       const char *aname, uint32_t uid);
/* Walks "a/b/c" (or "" to clone) from fid to newfid. */
int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path);
int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid);
ssize_t p9c_read(struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t n);
ssize_t p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *buf, uint32_t n);
int p9c_clunk(struct p9c *c, uint32_t fid);
int p9c_getattr(struct p9c *c, uint32_t fid, struct p9_attr *a);
/* Calls fn for each entry of an opened directory; stops early if fn returns non-zero. */
int p9c_readdir(struct p9c *c, uint32_t fid,
		int (*fn)(void *arg, const struct p9_qid *q, uint8_t type, const char *name),
		void *arg);
/*
 * 9P2000.L requests that change a file system (a host-directory share;
 * the control tree refuses them).  name is one path component.
 */
/* Creates and opens name in the directory fid; fid is then the new file. */
int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
		uint32_t mode, uint32_t gid, struct p9_qid *qid);
int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      uint32_t gid, struct p9_qid *qid);
int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name, const char *target,
		uint32_t gid, struct p9_qid *qid);
int p9c_mknod(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);
int p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name);
/* flags: 0 or P9_AT_REMOVEDIR. */
int p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags);
int p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
		 uint32_t newdfid, const char *newname);
int p9c_rename(struct p9c *c, uint32_t fid, uint32_t dfid, const char *name);
/* Removes the file of fid; the fid is clunked whatever the answer. */
int p9c_remove(struct p9c *c, uint32_t fid);
int p9c_setattr(struct p9c *c, uint32_t fid, const struct p9_setattr *sa);
int p9c_fsync(struct p9c *c, uint32_t fid, int datasync);
int p9c_statfs(struct p9c *c, uint32_t fid, struct p9_statfs *st);
/* The target into buf (NUL-terminated); returns its length. */
int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t size);
/* Txattrwalk: the size of attribute name (newfid reads it). */
int p9c_xattrwalk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *name,
		  uint64_t *size);

/* Sends a Tflush for tag and waits for its Rflush (for tests). */
int p9c_flush(struct p9c *c, uint16_t oldtag);

/* A new fid number for this connection. */
uint32_t p9c_fid(struct p9c *c);

/* Walks from the root to path and opens it; returns the fid in *fid. */
int p9c_open_path(struct p9c *c, const char *path, uint32_t flags, uint32_t *fid);
/* Reads a whole file (up to max bytes) into a malloc'd NUL-terminated buffer. */
ssize_t p9c_read_path(struct p9c *c, const char *path, char **out, size_t max);
/* Writes a string to path at offset 0. */
int p9c_write_path(struct p9c *c, const char *path, const char *s);

#endif
