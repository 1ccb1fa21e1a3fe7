/* SPDX-License-Identifier: ISC */
/*
 * The console relay: one thread copies a partition's console output (the
 * control tree's cons file, from the first byte the monitor still holds)
 * to an fd until the console ends; input goes to cons from the caller.
 * Two connections of its own, so that input never waits behind a read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../p9/client.h"
#include "conn.h"
#include "part.h"

struct part_cons {
	struct p9c *rd, *wr;
	uint32_t rfid, wfid;
	int out_fd;
	unsigned flags;
	int done[2];             /* the thread closes done[1] when the output ends */
	int lost;                /* why writing out_fd stopped, or 0 */
	pthread_t thread;
	int running;             /* the thread has not been joined */
	int in_fd;               /* part_cons_feed()'s input */
	pthread_t feeder;
	int feeding;             /* the feeder has not been joined */
};

/* Whether the output has ended (done[0] is at EOF), waiting up to ms for it. */
static int ended(struct part_cons *c, int ms)
{
	struct pollfd p = { .fd = c->done[0], .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/* Writes all of buf to the relay's fd: 0, or the errno that stopped it. */
static int put(struct part_cons *c, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(c->out_fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EPIPE;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *relay(void *arg)
{
	struct part_cons *c = arg;
	char buf[8192];
	uint64_t off = 0;

	for (;;) {
		ssize_t n = p9c_read(c->rd, c->rfid, off, buf, sizeof(buf));

		if (n <= 0)
			break;
		off += (uint64_t)n;
		if (c->lost)
			continue; /* PART_CONS_READ_ON: to the end, without writing */
		c->lost = put(c, buf, (size_t)n);
		if (c->lost == EPIPE && (c->flags & PART_CONS_KILL_ON_EPIPE)) {
			/* As a foreground partition ends, by SIGPIPE (this thread's connection). */
			p9c_write_path(c->rd, "ctl", "kill");
			break;
		}
		if (c->lost && (c->lost == EPIPE || !(c->flags & PART_CONS_READ_ON)))
			break;
	}
	if ((c->flags & PART_CONS_CLOSE_OUT) && c->out_fd >= 0) {
		close(c->out_fd);
		c->out_fd = -1;
	}
	close(c->done[1]);
	c->done[1] = -1;
	return NULL;
}

int part_cons_open(struct part *p, int out_fd, unsigned flags, struct part_cons **out,
		   struct lerr *err)
{
	struct part_cons *c = calloc(1, sizeof(*c));
	sigset_t all, old;
	int e;

	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->out_fd = out_fd;
	c->flags = flags;
	c->done[0] = c->done[1] = -1;
	e = part_connect_again(p, &c->rd, err);
	if (!e)
		e = part_connect_again(p, &c->wr, err);
	if (!e && ((e = p9c_open_path(c->rd, "cons", P9_ORDONLY, &c->rfid)) ||
		   (e = p9c_open_path(c->wr, "cons", P9_OWRONLY, &c->wfid))))
		lerr_set(err, -e, "cannot open the console of '%s': %s", part_name(p),
			 strerror(-e));
	if (!e && pipe2(c->done, O_CLOEXEC) < 0)
		e = lerr_set(err, errno, "pipe: %s", strerror(errno));
	if (!e) {
		/* Signals belong to the caller's threads: the relay never takes one. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		e = -pthread_create(&c->thread, NULL, relay, c);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (e)
			lerr_set(err, -e, "cannot start the console thread: %s", strerror(-e));
		else
			c->running = 1;
	}
	if (e) {
		c->flags &= ~PART_CONS_CLOSE_OUT; /* the caller still owns out_fd */
		part_cons_close(c);
		return e;
	}
	*out = c;
	return 0;
}

int part_cons_done_fd(const struct part_cons *c)
{
	return c ? c->done[0] : -1;
}

int part_cons_input(struct part_cons *c, const void *buf, size_t n, int wait)
{
	size_t done = 0;

	if (!c || !c->wr)
		return -EPIPE;
	while (done < n) {
		ssize_t w = p9c_write(c->wr, c->wfid, 0, (const char *)buf + done,
				      (uint32_t)(n - done));

		if (w == -EAGAIN && wait) {
			/* The partition has 64 KiB of input waiting already. */
			if (ended(c, 10))
				return -EPIPE;
			continue;
		}
		if (w < 0)
			return (int)w;
		if (w == 0)
			return -EPIPE;
		done += (size_t)w;
	}
	return 0;
}

int part_cons_input_end(struct part_cons *c)
{
	ssize_t w;

	if (!c || !c->wr)
		return -EPIPE;
	w = p9c_write(c->wr, c->wfid, 0, "", 0); /* an empty write is the end */
	return w < 0 ? (int)w : 0;
}

static void *feed(void *arg)
{
	struct part_cons *c = arg;
	char buf[4096];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = c->done[0], .events = POLLIN },
			{ .fd = c->in_fd, .events = POLLIN },
		};
		ssize_t n;

		/*
		 * Read only what poll() says is there: a silent terminal is never
		 * read, so a background lpar is not stopped by SIGTTIN for it.
		 */
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break; /* the console ended: no one reads input now */
		if (!p[1].revents)
			continue;
		n = read(c->in_fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == 0)
			part_cons_input_end(c);
		if (n <= 0 || part_cons_input(c, buf, (size_t)n, 1))
			break;
	}
	return NULL;
}

int part_cons_feed(struct part_cons *c, int in_fd, struct lerr *err)
{
	sigset_t all, old;
	int e;

	if (c->feeding)
		return lerr_set(err, EBUSY, "the console already has an input");
	c->in_fd = in_fd;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&c->feeder, NULL, feed, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return lerr_set(err, e, "cannot start the console input thread: %s", strerror(e));
	c->feeding = 1;
	return 0;
}

void part_cons_wait(struct part_cons *c)
{
	if (c && c->running) {
		pthread_join(c->thread, NULL);
		c->running = 0;
	}
}

int part_cons_lost(const struct part_cons *c)
{
	return c ? c->lost : 0;
}

void part_cons_close(struct part_cons *c)
{
	if (!c)
		return;
	if (c->running) {
		p9c_shutdown(c->rd); /* ends the relay's blocked read */
		part_cons_wait(c);
	}
	if (c->feeding) {
		/* The output has ended (done[0] is at EOF): the feeder stops. */
		p9c_shutdown(c->wr); /* and does not wait on a write */
		pthread_join(c->feeder, NULL);
	}
	p9c_close(c->rd);
	p9c_close(c->wr);
	if ((c->flags & PART_CONS_CLOSE_OUT) && c->out_fd >= 0)
		close(c->out_fd);
	if (c->done[0] >= 0)
		close(c->done[0]);
	if (c->done[1] >= 0)
		close(c->done[1]);
	free(c);
}
