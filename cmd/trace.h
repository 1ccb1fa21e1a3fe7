/*
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

/* What -e shows; a class no -e names is shown whole. */
struct trace_filter {
	unsigned char hcall[LPAR_HC_MAX + 1]; /* by number; [LPAR_HC_MAX]: unknown ones */
	unsigned exits;                       /* TRACE_EXIT_* bits */
	unsigned set;                         /* which classes -e named: 1 hcall, 2 exit */
};

struct trace_view {
	FILE *out;
	int json;                /* one JSON object per event */
	int summary;             /* -c: counts at the end instead of events */
	uint64_t base;           /* partition time shown as +0 */
	struct trace_filter filter;
	struct {
		uint64_t calls, errors, ns;
	} hc[LPAR_HC_MAX + 1];
	uint64_t dropped;
	int ended;               /* the end event came: end says how */
	uint64_t end_t;          /* and when */
	struct part_status end;
};


/* Sets v up to show everything on out. */
void trace_view_init(struct trace_view *v, FILE *out);
/*
 * Adds "-e hcall=LIST" or "-e exit=LIST" to f (LIST: names, all or none,
 * a leading ! negates).  0, or -EINVAL with a message in err.
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
