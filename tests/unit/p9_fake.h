/* SPDX-License-Identifier: ISC */
/*
 * The fake file system the 9P server core's unit tests serve (test_p9.c
 * over a socket, test_p9msg.c over the message transport): a fixed tree
 * whose /slow file defers every read and write until the test answers.
 */
#ifndef LPAR_TEST_P9_FAKE_H
#define LPAR_TEST_P9_FAKE_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../p9/p9.h"
#include "../../p9/server.h"
#include "../../p9/tree.h"

/* ---- a fake file system --------------------------------------------------- */

/*
 *   /          a directory
 *   /now       reads answer at once; writes are kept
 *   /slow      reads and writes wait until the test answers them
 *   /big       BIG_SIZE bytes of a pattern, answered at once
 *   /sub/deep  a file in a subdirectory
 */
enum { N_ROOT = 1, N_NOW, N_SLOW, N_BIG, N_SUB, N_DEEP, N_COUNT };

static const struct p9_tree_node nodes[N_COUNT] = {
	[N_ROOT] = { "/", N_ROOT, 1, 0555 },
	[N_NOW] = { "now", N_ROOT, 0, 0644 },
	[N_SLOW] = { "slow", N_ROOT, 0, 0644 },
	[N_BIG] = { "big", N_ROOT, 0, 0644 },
	[N_SUB] = { "sub", N_ROOT, 1, 0555 },
	[N_DEEP] = { "deep", N_SUB, 0, 0644 },
};

static const struct p9_tree tree = { nodes, sizeof(nodes[0]), N_ROOT, N_COUNT, 1000 };

#define NODE(p) p9_tree_num(p)
#define NOW_TEXT "hello from now\n"
#define BIG_SIZE (2u << 20)
#define MAXPEND 32

static uint8_t big[BIG_SIZE];

struct fakefs {
	struct p9_req *pending[MAXPEND]; /* deferred, in arrival order */
	int npending;
	int cancels, stray_cancels;
	struct p9_req *cancelled[MAXPEND];
	uint32_t cancel_fid[MAXPEND];
	int clunks;
	uint32_t clunked[64];
	int opens, reads, writes;
	uint64_t read_off;
	uint32_t read_count;
	uint8_t wdata[64];
	uint32_t wlen;
	uint64_t woff;
};

static int fs_attach(void *fs, const char *aname, uint32_t uid, void **node,
		     struct p9_qid *qid)
{
	(void)fs;
	(void)uid;
	if (strcmp(aname, "") && strcmp(aname, "fake"))
		return -ENOENT;
	p9_tree_attach(&tree, node, qid);
	return 0;
}

static int fs_walk(void *fs, void *node, const char *name, void **child,
		   struct p9_qid *qid)
{
	(void)fs;
	return p9_tree_step(&tree, node, name, child, qid);
}

static int fs_open(void *fs, struct p9_fid *f, uint32_t flags, struct p9_qid *qid)
{
	struct fakefs *ffs = fs;
	int n = NODE(f->node);

	ffs->opens++;
	if (nodes[n].dir && (flags & 3) != P9_ORDONLY)
		return -EISDIR;
	p9_tree_qid(&tree, n, qid);
	return 0;
}

static int fs_defer(struct fakefs *ffs, struct p9_req *r)
{
	if (ffs->npending == MAXPEND)
		return -EAGAIN;
	ffs->pending[ffs->npending++] = r;
	return P9_DEFER;
}

static int fs_read(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		   uint32_t count)
{
	struct fakefs *ffs = fs;

	ffs->reads++;
	ffs->read_off = off;
	ffs->read_count = count;
	switch (NODE(f->node)) {
	case N_NOW:
		if (off >= strlen(NOW_TEXT))
			p9_reply_read(r, "", 0);
		else
			p9_reply_read(r, &NOW_TEXT[off], (uint32_t)(strlen(NOW_TEXT) - off));
		return 0;
	case N_BIG:
		if (off >= BIG_SIZE)
			p9_reply_read(r, "", 0);
		else
			p9_reply_read(r, big + off, (uint32_t)(BIG_SIZE - off));
		return 0;
	case N_SLOW:
		return fs_defer(ffs, r);
	}
	return -EISDIR;
}

static int fs_write(void *fs, struct p9_req *r, struct p9_fid *f, uint64_t off,
		    const uint8_t *data, uint32_t count)
{
	struct fakefs *ffs = fs;

	ffs->writes++;
	switch (NODE(f->node)) {
	case N_NOW:
		ffs->wlen = count;
		ffs->woff = off;
		memcpy(ffs->wdata, data, count < sizeof(ffs->wdata) ? count : sizeof(ffs->wdata));
		p9_reply_write(r, count);
		return 0;
	case N_SLOW:
		return fs_defer(ffs, r);
	}
	return -EACCES;
}

static int fs_getattr(void *fs, void *node, struct p9_attr *a)
{
	int n = NODE(node);

	(void)fs;
	p9_tree_getattr(&tree, node, a);
	a->uid = 1234;
	a->gid = 5678;
	a->size = n == N_NOW ? strlen(NOW_TEXT) : n == N_BIG ? BIG_SIZE : 0;
	a->mtime_sec = 1700000000;
	return 0;
}

static int fs_readdir(void *fs, void *node, uint64_t off, struct p9_buf *out)
{
	(void)fs;
	if (!nodes[NODE(node)].dir)
		return -ENOTDIR;
	p9_tree_readdir(&tree, node, off, out);
	return 0;
}

static void fs_clunk(void *fs, struct p9_fid *f)
{
	struct fakefs *ffs = fs;

	ffs->clunked[ffs->clunks++ % 64] = f->fid;
}

static void fs_cancel(void *fs, struct p9_req *r)
{
	struct fakefs *ffs = fs;

	for (int i = 0; i < ffs->npending; i++)
		if (ffs->pending[i] == r) {
			memmove(ffs->pending + i, ffs->pending + i + 1,
				(size_t)(ffs->npending - i - 1) * sizeof(r));
			ffs->npending--;
			/* All are counted; the first MAXPEND are kept for the tests to look at. */
			if (ffs->cancels < MAXPEND) {
				ffs->cancelled[ffs->cancels] = r;
				ffs->cancel_fid[ffs->cancels] = p9_req_fid(r)->fid;
			}
			ffs->cancels++;
			return;
		}
	ffs->stray_cancels++; /* a request the fs never deferred, or cancelled twice */
}

static const struct p9_fs_ops fake_ops = {
	.attach = fs_attach,
	.walk = fs_walk,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.clunk = fs_clunk,
	.cancel = fs_cancel,
};

#endif
