/* SPDX-License-Identifier: ISC */
/* A partition's trace stream: its control tree's trace file, on a connection of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../p9/client.h"
#include "conn.h"
#include "part.h"

struct part_trace {
	struct p9c *c;
	uint32_t fid;
	uint64_t off;
};

int part_trace_open(const char *name, struct part_trace **out, struct lerr *err)
{
	struct part_trace *t;
	char dir[4096];
	int r;

	r = part_dir(name, dir, sizeof(dir), err);
	if (r)
		return r;
	t = calloc(1, sizeof(*t));
	if (!t)
		return lerr_set(err, ENOMEM, "out of memory");
	r = part_dir_check(dir, "partition directory", err);
	if (!r)
		r = part_connect_dir(dir, name, &t->c, NULL, err);
	if (r) {
		free(t);
		return r;
	}
	r = p9c_open_path(t->c, "trace", P9_ORDONLY, &t->fid);
	if (r) {
		part_trace_close(t);
		return lerr_set(err, -r, "cannot open the trace of '%s': %s", name, strerror(-r));
	}
	*out = t;
	return 0;
}

size_t part_trace_chunk(const struct part_trace *t)
{
	return p9c_msize(t->c) - P9_IOHDR;
}

ssize_t part_trace_read(struct part_trace *t, char *buf, size_t len)
{
	ssize_t n;

	if (len > part_trace_chunk(t))
		len = part_trace_chunk(t);
	n = p9c_read(t->c, t->fid, t->off, buf, (uint32_t)len);
	if (n == -ECONNRESET || n == -EPIPE)
		return 0; /* shut down, or the monitor went */
	if (n > 0)
		t->off += (uint64_t)n;
	return n;
}

void part_trace_shutdown(struct part_trace *t)
{
	if (t)
		p9c_shutdown(t->c);
}

void part_trace_close(struct part_trace *t)
{
	if (!t)
		return;
	p9c_close(t->c);
	free(t);
}
