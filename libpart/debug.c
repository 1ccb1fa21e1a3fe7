/* SPDX-License-Identifier: ISC */
/*
 * The debugger's files in a partition's control tree: debug (one debugger
 * at a time: commands in, events out) and vcpu/N/regs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../p9/client.h"
#include "conn.h"
#include "part.h"

struct part_debug {
	struct part *p;          /* its connection carries commands */
	uint32_t cmd_fid;        /* debug, opened read-write: the claim */
	struct p9c *ev;          /* a second connection that waits in reads */
	uint32_t ev_fid;
};

int part_debug_open(struct part *p, struct part_debug **out, struct lerr *err)
{
	struct part_debug *d = calloc(1, sizeof(*d));
	const char *name = part_name(p);
	int e;

	if (!d)
		return lerr_set(err, ENOMEM, "out of memory");
	d->p = p;
	e = p9c_open_path(part_conn(p), "debug", P9_ORDWR, &d->cmd_fid);
	if (e) {
		if (e == -EBUSY)
			lerr_set(err, EBUSY, "partition '%s' already has a debugger attached", name);
		else if (e == -ENOENT)
			lerr_set(err, ENOTSUP,
				 "partition '%s' cannot be debugged: its monitor has no debug file", name);
		else if (e == -ESRCH)
			lerr_set(err, ESRCH, "partition '%s' has ended", name);
		else
			lerr_set(err, -e, "cannot attach to partition '%s': %s", name, strerror(-e));
		free(d);
		return e;
	}
	e = part_connect_again(p, &d->ev, err);
	if (!e) {
		e = p9c_open_path(d->ev, "debug", P9_ORDONLY, &d->ev_fid);
		if (e)
			lerr_set(err, -e, "cannot read the debug events of '%s': %s", name,
				 strerror(-e));
	}
	if (e) {
		part_debug_close(d);
		return e;
	}
	*out = d;
	return 0;
}

int part_debug_command(struct part_debug *d, const char *cmd)
{
	ssize_t n = p9c_write(part_conn(d->p), d->cmd_fid, 0, cmd, (uint32_t)strlen(cmd));

	return n < 0 ? (int)n : 0;
}

ssize_t part_debug_event(struct part_debug *d, char *buf, size_t len)
{
	ssize_t n = p9c_read(d->ev, d->ev_fid, 0, buf, (uint32_t)(len - 1));

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

void part_debug_close(struct part_debug *d)
{
	if (!d)
		return;
	/* Clunking the claim (or the connection dropping) releases the partition. */
	p9c_close(d->ev);
	p9c_clunk(part_conn(d->p), d->cmd_fid);
	free(d);
}

static void regs_path(char *buf, size_t len, unsigned vcpu)
{
	snprintf(buf, len, "vcpu/%u/regs", vcpu);
}

ssize_t part_regs_read(struct part *p, unsigned vcpu, char **text)
{
	char path[32];

	regs_path(path, sizeof(path), vcpu);
	return p9c_read_path(part_conn(p), path, text, 65536);
}

int part_regs_write(struct part *p, unsigned vcpu, const char *text, size_t n)
{
	char path[32];
	uint32_t fid;
	ssize_t w;
	int e;

	regs_path(path, sizeof(path), vcpu);
	e = p9c_open_path(part_conn(p), path, P9_OWRONLY, &fid);
	if (e)
		return e;
	w = p9c_write(part_conn(p), fid, 0, text, (uint32_t)n);
	p9c_clunk(part_conn(p), fid);
	return w < 0 ? (int)w : 0;
}
