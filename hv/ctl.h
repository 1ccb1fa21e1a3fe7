/* SPDX-License-Identifier: ISC */
/* Internal to hv/: the control server's state, shared by ctl.c and ctltree.c. */
#ifndef LPAR_HV_CTL_H
#define LPAR_HV_CTL_H

#include <pthread.h>
#include <stdint.h>

#include "../p9/server.h"

struct hv;

/*
 * A request a control-tree file deferred (a ctl command, reads of wait,
 * cons, debug and trace), tried by that file's answer op in ctltree.c.
 */
struct ctl_waiter {
	struct p9_req *req;
	struct p9_fid *fid;
	int node;
	struct ctl_waiter *next;
};

/* Per-open state of cons, wait, hcall and trace, and of a ctl command waiting. */
struct ctl_open {
	uint64_t cursor;   /* cons: next output byte to send; trace: next event */
	unsigned seen;     /* wait, ctl: the generation last reported, or before the command */
	int end_sent;      /* trace: the ev=end line went out */
	char result[1100]; /* hcall: the last result */
};

struct hv_ctl {
	struct hv *hv;
	pthread_t thread;
	int running;
	int listen_fd;
	int kick_fd;            /* eventfd: anything changed (vCPU thread -> here) */
	int quit;               /* under hv->lock: answer everything and stop */
	struct p9_srv *srv;
	struct ctl_waiter *waiters;
};

extern const struct p9_fs_ops hv_ctltree_ops;
/* Answers every waiter whose condition now holds (all of them once ended). */
void hv_ctltree_wake(struct hv_ctl *ctl);

#endif
