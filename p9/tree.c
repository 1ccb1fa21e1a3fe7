/* Walking a fixed 9P file tree. */
#include <errno.h>
#include <string.h>

#include "tree.h"

int p9_tree_walk(const struct p9_tree_node *nodes, int root, int count, int n,
		 const char *name)
{
	if (!nodes[n].dir)
		return -ENOTDIR;
	if (!strcmp(name, "."))
		return n;
	if (!strcmp(name, ".."))
		return nodes[n].parent;
	for (int i = root + 1; i < count; i++)
		if (nodes[i].parent == n && !strcmp(nodes[i].name, name))
			return i;
	return -ENOENT;
}
