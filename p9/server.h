/* SPDX-License-Identifier: ISC
 * The 9P2000.L server core: connections, fids, outstanding requests and
 * message checking.  A file system supplies the ops; reads and writes may
 * be answered later (a blocking read), and a Tflush cancels them.
 * Single-threaded: call everything from the thread that runs the poll loop.
 */
#ifndef LPAR_P9_SERVER_H
#define LPAR_P9_SERVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "p9.h"

#define P9_DEFER 1  /* returned by read/write ops that will reply later */

struct p9_srv;
struct p9_conn;
struct p9_req;

struct p9_fid {
	uint32_t fid;
	void *node;       /* the file system's object */
	int opened;
	uint32_t flags;   /* Tlopen flags */
	void *aux;        /* the file system's per-open state */
	struct p9_conn *conn;
};

struct p9_fs_ops {
	/* The root: sets *node and *qid.  uid is the attaching user. */
	int (*attach)(void *fs, const char *aname, uint32_t uid, void **node,
		      struct p9_qid *qid);
	/* One step of a walk from node ("." and ".." included). */
	int (*walk)(void *fs, void *node, const char *name, void **child,
		    struct p9_qid *qid);
	int (*open)(void *fs, struct p9_fid *f, uint32_t flags,
		    struct p9_qid *qid);
	/* Reply now with p9_reply_read(), or return P9_DEFER and reply later. */
	int (*read)(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    uint32_t count);
	/* Reply now with p9_reply_write(), or return P9_DEFER. */
	int (*write)(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		     const uint8_t *data, uint32_t count);
	int (*getattr)(void *fs, void *node, struct p9_attr *a);
	/* Appends entries from index off with p9_put_dirent() until full. */
	int (*readdir)(void *fs, void *node, uint64_t off, struct p9_buf *out);
	void (*clunk)(void *fs, struct p9_fid *f);
	/* A deferred request is being dropped (flush, clunk, hang-up). */
	void (*cancel)(void *fs, struct p9_req *r);

	/*
	 * Everything below is optional.  Without it a request answers as a
	 * fixed tree's would: Tlcreate EPERM, Tremove EPERM (the fid goes
	 * anyway), Tfsync success, Tstatfs fixed values, the rest EOPNOTSUPP
	 * (Txattrwalk and Txattrcreate always: ENOTSUP is the same number).
	 * name arguments are checked first: at most P9_NAME_MAX bytes
	 * (ENAMETOOLONG), no '/' (EINVAL).
	 */

	/*
	 * Nodes made on demand: attach and walk return a node the server then
	 * holds (one reference per fid); put drops one, hold adds one (a walk
	 * of no names clones a fid).  Without them nodes are not counted.
	 */
	void (*hold)(void *fs, void *node);
	void (*put)(void *fs, void *node);
	/*
	 * As readdir, for a file system that reads from the fid's open state;
	 * off is then its own cookie (a d_off), taken whatever its value.
	 */
	int (*readdir_fid)(void *fs, struct p9_fid *f, uint64_t off,
			   struct p9_buf *out);
	/*
	 * Creates name in the directory f->node and opens it: *node is the
	 * new file (the server drops f->node for it), f->aux its open state.
	 */
	int (*lcreate)(void *fs, struct p9_fid *f, const char *name, uint32_t flags,
		       uint32_t mode, uint32_t gid, void **node, struct p9_qid *qid);
	int (*mkdir)(void *fs, void *dir, const char *name, uint32_t mode,
		     uint32_t gid, struct p9_qid *qid);
	int (*symlink)(void *fs, void *dir, const char *name, const char *target,
		       uint32_t gid, struct p9_qid *qid);
	int (*mknod)(void *fs, void *dir, const char *name, uint32_t mode,
		     uint32_t major, uint32_t minor, uint32_t gid, struct p9_qid *qid);
	/* A new name in dir for node. */
	int (*link)(void *fs, void *dir, void *node, const char *name);
	int (*unlinkat)(void *fs, void *dir, const char *name, uint32_t flags);
	int (*renameat)(void *fs, void *olddir, const char *oldname, void *newdir,
			const char *newname);
	/* Moves node to name in dir (Trename). */
	int (*rename)(void *fs, void *node, void *dir, const char *name);
	/* Removes node (Tremove); the server clunks the fid whatever it returns. */
	int (*remove)(void *fs, void *node);
	int (*setattr)(void *fs, struct p9_fid *f, const struct p9_setattr *sa);
	int (*fsync)(void *fs, struct p9_fid *f, int datasync);
	int (*statfs)(void *fs, void *node, struct p9_statfs *st);
	/* Copies the target (NUL-terminated) into buf; returns its length. */
	int (*readlink)(void *fs, void *node, char *buf, size_t size);
};

int p9_srv_new(void *fs, const struct p9_fs_ops *ops, struct p9_srv **out);
void p9_srv_free(struct p9_srv *srv);
/* Serves a connected socket; the server owns fd from now on. */
int p9_srv_add_conn(struct p9_srv *srv, int fd);
int p9_srv_nconns(const struct p9_srv *srv);
/* Fills up to max pollfds for the socket connections; returns how many. */
int p9_srv_pollfds(struct p9_srv *srv, struct pollfd *fds, int max);
/* Handles what poll() reported for the fds p9_srv_pollfds() filled. */
void p9_srv_service(struct p9_srv *srv, const struct pollfd *fds, int n);
/* Writes what can be written now (after replies made outside service). */
void p9_srv_flush_output(struct p9_srv *srv);

/*
 * The message transport: a connection whose T-messages arrive whole by
 * p9_srv_msg_in() and whose R-messages leave whole by ops->send (the
 * monitor's side of a message ring, docs/rings.md).  It shares everything
 * else with a socket connection: fids, deferred requests, flush, and the
 * rules for bad messages.
 *
 * Bad input.  A message shorter than 4 bytes, whose size field is below
 * the 7-byte header, above the limit (the negotiated msize; 64 KiB before
 * Tversion) or different from len, or whose len is above the limit, is
 * refused as a socket refuses a message it cannot frame: Rlerror on its
 * tag (P9_NOTAG if it has none), EMSGSIZE for too large and EPROTO for the
 * rest, then the connection ends.  A well-framed message with bad contents
 * (an unknown type, a field or string past its end, an unknown fid) gets
 * its Rlerror and the connection goes on.
 *
 * No room.  While any reply waits for room, p9_srv_msg_in() takes no new
 * message (-EAGAIN: the transport keeps it and offers it again after
 * p9_srv_msg_room()).  So what waits is the reply to the last message
 * taken plus replies to deferred requests (at most P9_MAXPENDING), each
 * within msize; and, as for a socket, a connection with more than 8 MiB
 * waiting is ended.  A client must keep taking replies while it waits to
 * send.
 *
 * An ended connection has lost its fids and deferred requests (cancelled
 * without replies) by the time a call returns an error other than -EAGAIN;
 * its transport then calls p9_srv_msg_close(), which it must do in any
 * case.  Until then it counts in p9_srv_nconns().  p9_srv_free() closes
 * every message connection too.
 */
struct p9_msg_ops {
	/*
	 * Sends one whole R-message: 0; -EAGAIN if there is no room now (it
	 * must fit once there is; the core keeps it and sends it again after
	 * p9_srv_msg_room()); another -errno ends the connection.  Must not
	 * call back into the server.
	 */
	int (*send)(void *arg, const uint8_t *msg, uint32_t len);
};

int p9_srv_add_msgconn(struct p9_srv *srv, const struct p9_msg_ops *ops, void *arg,
		       struct p9_conn **out);
/*
 * One whole T-message as the client sent it (size[4] type[1] tag[2] ...),
 * copied before it is read, so msg may lie in memory the client shares.
 * Handled now; its reply goes now, later (a deferred request) or when
 * there is room.  0; -EAGAIN if not taken (replies wait for room);
 * -EPROTO or -EMSGSIZE if refused (the connection has ended); -EPIPE if
 * the connection had ended.  Not to be called from a file system op.
 */
int p9_srv_msg_in(struct p9_conn *c, const uint8_t *msg, uint32_t len);
/*
 * The same for a Tread or Twrite whose data goes by reference: buf[buflen]
 * is the client's buffer.  A Twrite's data is buf's first count bytes (the
 * message has none); a Tread's data goes into buf, and its Rread has the
 * count and no data.  count is cut to buflen and P9_OOL_MAX, not msize.
 * Any other type is answered EPROTO.
 */
int p9_srv_msg_in_ool(struct p9_conn *c, const uint8_t *msg, uint32_t len, void *buf,
		      uint32_t buflen);
/* The transport has room again: sends what waits, in order.  0 or -EPIPE (ended). */
int p9_srv_msg_room(struct p9_conn *c);
/* Whether replies wait for room. */
int p9_srv_msg_waiting(const struct p9_conn *c);
/* Ends the connection as a hang-up does (fids clunked, deferred requests cancelled) and frees it. */
void p9_srv_msg_close(struct p9_conn *c);

/* Replies to a read: data[n]; frees r. */
void p9_reply_read(struct p9_req *r, const void *data, uint32_t n);
void p9_reply_write(struct p9_req *r, uint32_t n);
/* Replies Rlerror(err) (err positive); frees r. */
void p9_reply_error(struct p9_req *r, int err);
/* The fid and count of a read or write request. */
struct p9_fid *p9_req_fid(const struct p9_req *r);
/* Where a read by reference wants its data (read it there, then p9_reply_read it), or NULL. */
void *p9_req_dest(const struct p9_req *r);
uint32_t p9_req_count(const struct p9_req *r);

#endif
