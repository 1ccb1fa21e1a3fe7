/* SPDX-License-Identifier: ISC */
/*
 * Inside libpart only: a partition handle's 9P connection to its monitor's
 * control tree.  Clients never see 9P; they use part.h.
 */
#ifndef LPAR_LIBPART_CONN_H
#define LPAR_LIBPART_CONN_H

struct lerr;
struct p9c;
struct part;

/*
 * Connects to the control tree of partition name's monitor, whose run
 * directory is dir, and attaches: 0 (*pid, if not NULL, is the monitor's
 * pid) or -errno with a message.  -EPERM: someone other than the monitor
 * the directory records listens at its socket, and was refused.
 */
int part_connect_dir(const char *dir, const char *name, struct p9c **out, long *pid,
		     struct lerr *err);
/* The handle's own connection (one request at a time). */
struct p9c *part_conn(struct part *p);
/* A second connection to the same monitor, for a reader that blocks. */
int part_connect_again(struct part *p, struct p9c **out, struct lerr *err);

#endif
