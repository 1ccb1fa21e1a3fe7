/* SPDX-License-Identifier: ISC */
/* A fixed 9P file tree: walking it, its qids, attributes and directories. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tree.h"

void p9_tree_qid(const struct p9_tree *t, int n, struct p9_qid *q)
{
	q->type = p9_tree_node(t, n)->dir ? P9_QTDIR : P9_QTFILE;
	q->version = 0;
	q->path = t->qid_base + (uint64_t)n;
}

int p9_tree_walk(const struct p9_tree *t, int n, const char *name)
{
	if (!p9_tree_node(t, n)->dir)
		return -ENOTDIR;
	if (!strcmp(name, "."))
		return n;
	if (!strcmp(name, ".."))
		return p9_tree_node(t, n)->parent;
	for (int i = t->root + 1; i < t->count; i++)
		if (p9_tree_node(t, i)->parent == n && !strcmp(p9_tree_node(t, i)->name, name))
			return i;
	return -ENOENT;
}

void p9_tree_attach(const struct p9_tree *t, void **node, struct p9_qid *qid)
{
	*node = p9_tree_ptr(t->root);
	p9_tree_qid(t, t->root, qid);
}

int p9_tree_step(const struct p9_tree *t, void *node, const char *name, void **child,
		 struct p9_qid *qid)
{
	int to = p9_tree_walk(t, p9_tree_num(node), name);

	if (to < 0)
		return to;
	*child = p9_tree_ptr(to);
	p9_tree_qid(t, to, qid);
	return 0;
}

void p9_tree_getattr(const struct p9_tree *t, void *node, struct p9_attr *a)
{
	int n = p9_tree_num(node);
	const struct p9_tree_node *nd = p9_tree_node(t, n);

	p9_tree_qid(t, n, &a->qid);
	a->mode = nd->mode | (nd->dir ? S_IFDIR : S_IFREG);
	a->nlink = 1;
}

void p9_tree_readdir(const struct p9_tree *t, void *node, uint64_t off, struct p9_buf *out)
{
	int n = p9_tree_num(node);
	uint64_t idx = 0;

	for (int i = t->root + 1; i < t->count; i++) {
		const struct p9_tree_node *nd = p9_tree_node(t, i);
		struct p9_qid q;

		if (nd->parent != n || idx++ < off)
			continue;
		p9_tree_qid(t, i, &q);
		if (p9_put_dirent(out, &q, idx, nd->dir ? DT_DIR : DT_REG, nd->name) < 0)
			break;
	}
}
