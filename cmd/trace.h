/* SPDX-License-Identifier: ISC
 * Following a partition's trace file and showing its events, strace-like
 * or as JSON: lpar trace, and lpar run --trace.
 */
#ifndef LPAR_CMD_TRACE_H
#define LPAR_CMD_TRACE_H

#include <lpar/hcall.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "../libpart/part.h"

struct lerr;
struct part_trace;

/* The 9P ops a trace names (docs/control-tree.md); the last is "unknown". */
#define TRACE_P9_OPS 26

/*
 * What -e shows; a class no -e names is shown whole, unless a bare -e 9p
 * asked for 9P requests only.
 */
struct trace_filter {
	unsigned char hcall[LPAR_HC_MAX + 1]; /* by number; [LPAR_HC_MAX]: unknown ones */
	unsigned exits;                       /* TRACE_EXIT_* bits */
	uint32_t p9;                          /* 9P ops by their index, bit 0 walk */
	unsigned set;                         /* which classes -e named: 1 hcall, 2 exit, 4 9p */
	int only;                             /* -e 9p: the classes no -e names are hidden */
};

struct trace_count {
	uint64_t calls, errors, ns;
};

struct trace_view {
	FILE *out;
	int json;                /* one JSON object per event */
	int summary;             /* -c: counts at the end instead of events */
	uint64_t base;           /* partition time shown as +0 */
	struct trace_filter filter;
	struct trace_count hc[LPAR_HC_MAX + 1];
	struct trace_count p9[TRACE_P9_OPS];  /* 9P requests by op */
	uint64_t dropped;
	int ended;               /* the end event came: end says how */
	uint64_t end_t;          /* and when */
	struct part_status end;
};


/* Sets v up to show everything on out. */
void trace_view_init(struct trace_view *v, FILE *out);
/*
 * Adds "-e hcall=LIST", "-e exit=LIST", "-e 9p=LIST" or "-e 9p" to f (LIST:
 * names, all or none, a leading ! negates; a bare 9p is 9p=all and hides
 * the classes no other -e names).  0, or -EINVAL with a message in err.
 */
int trace_filter_add(struct trace_filter *f, const char *spec, struct lerr *err);

/*
 * Shows events until the partition ends (returns 1: v->end says how), the
 * connection is shut (0), or an error (-errno: -EPIPE, the output closed).
 */
int trace_follow(struct part_trace *src, struct trace_view *v, struct lerr *err);
/*
 * After the end event: how the partition ended, from its status record
 * where there is one (it has what the event lacks, like the signal).
 */
void trace_end_status(const char *name, struct trace_view *v);
/* The summary table (-c), then how the partition ended if it did. */
void trace_finish(struct trace_view *v);

#endif
