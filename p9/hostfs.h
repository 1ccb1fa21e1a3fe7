/* SPDX-License-Identifier: ISC */
/*
 * One host directory served over 9P2000.L, confined to it: the file system
 * ops a share's p9_srv runs.  See docs/shares.md for the rules and why.
 */
#ifndef LPAR_P9_HOSTFS_H
#define LPAR_P9_HOSTFS_H

#include "../common/err.h"
#include "server.h"

/*
 * File descriptors one share may hold at once: one per distinct walked
 * node, one per open fid (and the root's).  Past it a walk or an open
 * answers EMFILE; the monitor's own descriptors are never at risk.
 */
#define P9_HOSTFS_MAXFDS 512u

struct p9_hostfs;

/*
 * Opens dir (which must exist, be a directory and be searchable by this
 * process) as a share; readonly refuses every change with EROFS.  Needs
 * /proc (files are reopened through /proc/self/fd).  Serve it with
 * p9_srv_new(fs, &p9_hostfs_ops, ...); free it after the server.
 */
int p9_hostfs_open(const char *dir, int readonly, struct p9_hostfs **out,
		   struct lerr *err);
void p9_hostfs_free(struct p9_hostfs *fs);
/* Descriptors the share holds now (for tests of the bounds). */
unsigned p9_hostfs_nfds(const struct p9_hostfs *fs);

extern const struct p9_fs_ops p9_hostfs_ops;

#endif
