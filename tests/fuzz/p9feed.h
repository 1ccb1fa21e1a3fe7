/* SPDX-License-Identifier: ISC */
/*
 * Feeding a 9P server's message transport (p9_srv_add_msgconn) from a
 * fuzz input, for the harnesses of the 9P server core and the control
 * tree.  The input is a run of steps, each a control byte then one
 * T-message framed by its own size field (cut short at the input's end,
 * so a size field that lies reaches the server as it is):
 *
 *   ctl & 1   before the message, call the harness's hook (answer a deferred request)
 *   ctl & 2   the transport has no room until a step with ctl & 4
 *   ctl & 4   room again (p9_srv_msg_room)
 *   ctl & 8   send the message by reference (p9_srv_msg_in_ool), with a buffer of
 *             (ctl >> 4) * 4 KiB
 *
 * Every R-message must be framed right (size field = length, at least a
 * header): anything else aborts, a finding.  With LPAR_FUZZ_VERBOSE set in
 * the environment, each is shown on stderr (type, tag, size; an Rlerror's
 * errno), to see how far a seed gets.
 */
#ifndef LPAR_FUZZ_P9FEED_H
#define LPAR_FUZZ_P9FEED_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../p9/p9.h"
#include "../../p9/server.h"

struct p9feed {
	int room;          /* 0: no room now */
	unsigned long sent;
};

static int p9feed_send(void *arg, const uint8_t *msg, uint32_t len)
{
	struct p9feed *x = arg;

	if (!x->room)
		return -EAGAIN;
	if (len < P9_HDR || (msg[0] | msg[1] << 8 | msg[2] << 16 | (uint32_t)msg[3] << 24) != len) {
		fprintf(stderr, "fuzz: the server sent a torn R-message (%u bytes)\n", len);
		abort();
	}
	x->sent++;
	if (getenv("LPAR_FUZZ_VERBOSE"))
		fprintf(stderr, "R%u tag %u, %u bytes, errno %d\n", msg[4], msg[5] | msg[6] << 8,
			len, msg[4] == P9_RLERROR && len >= 11 ? (int)(msg[7] | msg[8] << 8) : 0);
	return 0;
}

static const struct p9_msg_ops p9feed_ops = { .send = p9feed_send };

/*
 * Feeds data to a new connection of srv; after each step calls step(arg)
 * (0: go on) and, where ctl & 1 asks, hook(arg).  Closes the connection.
 */
static void p9feed_run(struct p9_srv *srv, const uint8_t *data, size_t size,
		       void (*hook)(void *arg), void (*step)(void *arg), void *arg)
{
	static uint8_t ool[15 * 4096];
	struct p9feed x = { .room = 1 };
	struct p9_conn *c;

	if (p9_srv_add_msgconn(srv, &p9feed_ops, &x, &c))
		return;
	while (size > 5) {
		uint8_t ctl = data[0];
		uint32_t len = data[1] | data[2] << 8 | data[3] << 16 | (uint32_t)data[4] << 24;
		int r;

		data++, size--;
		if (getenv("LPAR_FUZZ_VERBOSE") && size >= 7)
			fprintf(stderr, "T%u tag %u, %u bytes\n", data[4], data[5] | data[6] << 8, len);
		if (len > size)
			len = (uint32_t)size;
		if ((ctl & 1) && hook)
			hook(arg);
		if (ctl & 2)
			x.room = 0;
		if (ctl & 8)
			r = p9_srv_msg_in_ool(c, data, len, ool, (uint32_t)(ctl >> 4) * 4096);
		else
			r = p9_srv_msg_in(c, data, len);
		if (r && r != -EAGAIN)
			break; /* the connection has ended */
		if (ctl & 4) {
			x.room = 1;
			if (p9_srv_msg_room(c))
				break;
		}
		if (step)
			step(arg);
		data += len, size -= len;
	}
	p9_srv_msg_close(c);
}

#endif
