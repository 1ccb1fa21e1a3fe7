/*
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
/* Fills up to max pollfds for the connections; returns how many. */
int p9_srv_pollfds(struct p9_srv *srv, struct pollfd *fds, int max);
/* Handles what poll() reported for the fds p9_srv_pollfds() filled. */
void p9_srv_service(struct p9_srv *srv, const struct pollfd *fds, int n);
/* Writes what can be written now (after replies made outside service). */
void p9_srv_flush_output(struct p9_srv *srv);

/* Replies to a read: data[n]; frees r. */
void p9_reply_read(struct p9_req *r, const void *data, uint32_t n);
void p9_reply_write(struct p9_req *r, uint32_t n);
/* Replies Rlerror(err) (err positive); frees r. */
void p9_reply_error(struct p9_req *r, int err);
/* The fid and count of a read or write request. */
struct p9_fid *p9_req_fid(const struct p9_req *r);
uint32_t p9_req_count(const struct p9_req *r);

#endif
