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

/* The handle's own connection (one request at a time). */
struct p9c *part_conn(struct part *p);
/* A second connection to the same monitor, for a reader that blocks. */
int part_connect_again(struct part *p, struct p9c **out, struct lerr *err);

#endif
