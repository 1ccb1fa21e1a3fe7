/* SPDX-License-Identifier: ISC
 * A fixed file tree for a 9P server: a table of nodes, each naming its
 * parent, indexed by node number (root is the first).  Servers whose tree
 * never changes (the control tree, test fakes) walk it, name its qids,
 * describe its nodes and list its directories with this, and keep only
 * what their files do.
 */
#ifndef LPAR_P9_TREE_H
#define LPAR_P9_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "p9.h"

struct p9_tree_node {
	const char *name;
	int parent;
	int dir;
	uint32_t mode;           /* permission bits, where the server uses them */
};

/*
 * Node n is the struct p9_tree_node at nodes + n * stride: a server may make
 * it the first member of a larger entry of its own (stride its size), or
 * use plain nodes (stride sizeof(struct p9_tree_node)).  Nodes root to
 * count - 1 are the tree, root the first; root must not be 0, so that no
 * node's pointer (p9_tree_ptr) is NULL.  Node n's qid path is qid_base + n.
 */
struct p9_tree {
	const void *nodes;
	size_t stride;
	int root, count;
	uint64_t qid_base;
};

/* A node number as the server's node pointer (struct p9_fid's node), and back. */
static inline void *p9_tree_ptr(int n)
{
	return (void *)(uintptr_t)n;
}

static inline int p9_tree_num(const void *node)
{
	return (int)(uintptr_t)node;
}

static inline const struct p9_tree_node *p9_tree_node(const struct p9_tree *t, int n)
{
	return (const struct p9_tree_node *)((const char *)t->nodes + (size_t)n * t->stride);
}

void p9_tree_qid(const struct p9_tree *t, int n, struct p9_qid *q);

/*
 * The child name of node n ("." is n, ".." its parent): its number, or
 * -ENOTDIR if n is a file, -ENOENT if none.
 */
int p9_tree_walk(const struct p9_tree *t, int n, const char *name);

/* The p9_fs_ops steps every fixed tree takes alike (see p9/server.h). */
void p9_tree_attach(const struct p9_tree *t, void **node, struct p9_qid *qid);
int p9_tree_step(const struct p9_tree *t, void *node, const char *name, void **child,
		 struct p9_qid *qid);
/* The qid, the mode (S_IFDIR or S_IFREG with the node's bits) and nlink 1. */
void p9_tree_getattr(const struct p9_tree *t, void *node, struct p9_attr *a);
/* node's children from index off, until out is full; none for a file. */
void p9_tree_readdir(const struct p9_tree *t, void *node, uint64_t off, struct p9_buf *out);

#endif
