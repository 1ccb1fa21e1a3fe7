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
 * Connects to the control tree of the monitor whose run directory is dir
 * and attaches: 0 or -errno (-ENAMETOOLONG if dir is too long for a socket).
 */
int part_connect_dir(const char *dir, struct p9c **out);
/* The handle's own connection (one request at a time). */
struct p9c *part_conn(struct part *p);
/* A second connection to the same monitor, for a reader that blocks. */
int part_connect_again(struct part *p, struct p9c **out, struct lerr *err);

#endif
