/* SPDX-License-Identifier: ISC */
/* The console pump for lpar run --debug: libpart's relay, into a pipe the REPL drains. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "console.h"

struct dbg_console {
	struct part_cons *relay;
	int rd;                  /* the pipe's read end, or -1 (no pipe, or ended) */
};

int dbg_console_open(const char *name, struct dbg_console **out, struct lerr *err)
{
	return dbg_console_open_fd(name, -1, out, err);
}

int dbg_console_open_fd(const char *name, int out_fd, struct dbg_console **out,
			struct lerr *err)
{
	struct dbg_console *c = calloc(1, sizeof(*c));
	struct part *p = NULL;
	unsigned flags = 0;
	int e, fds[2];

	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->rd = -1;
	if (out_fd < 0) {
		if (pipe2(fds, O_CLOEXEC) < 0) {
			free(c);
			return lerr_set(err, errno, "pipe: %s", strerror(errno));
		}
		c->rd = fds[0];
		out_fd = fds[1];
		flags = PART_CONS_CLOSE_OUT; /* the REPL sees the end as EOF */
	}
	e = part_open(name, &p, NULL, err);
	if (!e)
		e = part_cons_open(p, out_fd, flags, &c->relay, err);
	part_close(p);
	if (e) {
		if (flags)
			close(out_fd);
		dbg_console_close(c);
		return e;
	}
	*out = c;
	return 0;
}

int dbg_console_fd(const struct dbg_console *c)
{
	return c ? c->rd : -1;
}

size_t dbg_console_drain(struct dbg_console *c, FILE *out)
{
	char buf[4096];
	size_t total = 0;
	int fl;

	if (!c || c->rd < 0)
		return 0;
	fl = fcntl(c->rd, F_GETFL);
	fcntl(c->rd, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		ssize_t n = read(c->rd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(c->rd); /* the partition's console has ended */
			c->rd = -1;
			break;
		}
		if (n < 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
		total += (size_t)n;
	}
	if (c->rd >= 0)
		fcntl(c->rd, F_SETFL, fl);
	fflush(out);
	return total;
}

int dbg_console_input(struct dbg_console *c, const void *buf, size_t n)
{
	return c ? part_cons_input(c->relay, buf, n, 0) : -EPIPE;
}

void dbg_console_finish(struct dbg_console *c)
{
	if (c)
		part_cons_wait(c->relay);
	dbg_console_close(c);
}

void dbg_console_close(struct dbg_console *c)
{
	if (!c)
		return;
	part_cons_close(c->relay);
	if (c->rd >= 0)
		close(c->rd);
	free(c);
}
