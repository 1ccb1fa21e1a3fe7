/*
 * A fixed file tree for a 9P server: a table of nodes, each naming its
 * parent, indexed by node number (root is the first).  Servers whose tree
 * never changes (the control tree, test fakes) walk it with this.
 */
#ifndef LPAR_P9_TREE_H
#define LPAR_P9_TREE_H

#include <stdint.h>

struct p9_tree_node {
	const char *name;
	int parent;
	int dir;
	uint32_t mode;           /* permission bits, where the server uses them */
};

/*
 * The child name of node n in nodes[root..count-1] ("." is n, ".." its
 * parent): its number, or -ENOTDIR if n is a file, -ENOENT if none.
 */
int p9_tree_walk(const struct p9_tree_node *nodes, int root, int count, int n,
		 const char *name);

#endif
