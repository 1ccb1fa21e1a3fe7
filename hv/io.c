/* SPDX-License-Identifier: ISC
 * The monitor's I/O thread: one poll loop for the devices that serve rings
 * while the vCPU runs (the console ring's pump, channel sockets).  Sources
 * are added before it starts or by its own handlers, so the table needs no
 * lock; anyone may wake it to have handlers look again.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/err.h"
#include "priv.h"

struct hv_io_src {
	int fd;
	short events;
	hv_io_fn fn;
	void *arg;
	uint64_t serial;   /* which adding of it: an fd number can come back */
};

struct hv_io {
	struct hv *hv;
	struct hv_io_src src[HV_IO_MAX];
	int nsrc;
	uint64_t serial;
	int wake_fd;
	int quit;          /* under hv->lock */
	int running;
	pthread_t thread;
	/* Called on every wake-up and every turn of the loop. */
	hv_io_fn tick[HV_IO_MAX];
	void *tick_arg[HV_IO_MAX];
	int ntick;
	int timeout_ms;    /* the next turn's poll timeout; -1: none */
};

int hv_io_add(struct hv *hv, int fd, short events, hv_io_fn fn, void *arg)
{
	struct hv_io *io = hv->io;

	for (int i = 0; i < io->nsrc; i++)
		if (io->src[i].fd == fd) {
			io->src[i] = (struct hv_io_src){ fd, events, fn, arg, ++io->serial };
			return 0;
		}
	if (io->nsrc == HV_IO_MAX)
		return -ENOSPC;
	io->src[io->nsrc++] = (struct hv_io_src){ fd, events, fn, arg, ++io->serial };
	return 0;
}

void hv_io_del(struct hv *hv, int fd)
{
	struct hv_io *io = hv->io;

	for (int i = 0; i < io->nsrc; i++)
		if (io->src[i].fd == fd) {
			io->src[i] = io->src[--io->nsrc];
			return;
		}
}

int hv_io_tick(struct hv *hv, hv_io_fn fn, void *arg)
{
	struct hv_io *io = hv->io;

	if (io->ntick == HV_IO_MAX)
		return -ENOSPC;
	io->tick[io->ntick] = fn;
	io->tick_arg[io->ntick++] = arg;
	return 0;
}

void hv_io_retry(struct hv *hv, int ms)
{
	if (hv->io->timeout_ms < 0 || ms < hv->io->timeout_ms)
		hv->io->timeout_ms = ms;
}

void hv_io_wake(struct hv *hv)
{
	uint64_t one = 1;

	if (hv->io && write(hv->io->wake_fd, &one, sizeof(one)) < 0)
		return; /* saturated: a wake-up is pending anyway */
}

/* Whether a handler earlier in this turn removed (or replaced) source s. */
static int still_there(const struct hv_io *io, const struct hv_io_src *s)
{
	for (int i = 0; i < io->nsrc; i++)
		if (io->src[i].serial == s->serial)
			return 1;
	return 0;
}

static void *io_main(void *arg)
{
	struct hv_io *io = arg;
	struct hv *hv = io->hv;
	struct pollfd fds[HV_IO_MAX + 1];
	struct hv_io_src now[HV_IO_MAX];
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSYS); /* the sandbox's trap reaches its handler (sandbox.c) */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int n, quit, timeout = io->timeout_ms;
		uint64_t v;

		pthread_mutex_lock(&hv->lock);
		quit = io->quit;
		pthread_mutex_unlock(&hv->lock);
		if (quit)
			break;
		/* Handlers may change the table: work from a copy. */
		n = io->nsrc;
		memcpy(now, io->src, sizeof(now[0]) * (size_t)n);
		for (int i = 0; i < n; i++)
			fds[i] = (struct pollfd){ .fd = now[i].fd, .events = now[i].events };
		fds[n] = (struct pollfd){ .fd = io->wake_fd, .events = POLLIN };
		io->timeout_ms = -1;
		if (poll(fds, (nfds_t)n + 1, timeout) < 0 && errno != EINTR)
			break;
		if (fds[n].revents && read(io->wake_fd, &v, sizeof(v)) < 0)
			v = 0;
		for (int i = 0; i < n; i++)
			if (fds[i].revents && still_there(io, &now[i]))
				now[i].fn(hv, now[i].arg, fds[i].revents);
		for (int i = 0; i < io->ntick; i++)
			io->tick[i](hv, io->tick_arg[i], 0);
	}
	return NULL;
}

int hv_io_init(struct hv *hv, struct lerr *err)
{
	struct hv_io *io = calloc(1, sizeof(*io));

	if (!io)
		return lerr_set(err, ENOMEM, "out of memory");
	io->hv = hv;
	io->timeout_ms = -1;
	io->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (io->wake_fd < 0) {
		free(io);
		return lerr_set(err, errno, "cannot create an eventfd: %s", strerror(errno));
	}
	hv->io = io;
	return 0;
}

int hv_io_start(struct hv *hv, struct lerr *err)
{
	struct hv_io *io = hv->io;
	int r;

	if (!io || io->running || (!io->nsrc && !io->ntick))
		return 0;
	r = pthread_create(&io->thread, NULL, io_main, io);
	if (r)
		return lerr_set(err, r, "cannot start the I/O thread: %s", strerror(r));
	io->running = 1;
	return 0;
}

void hv_io_stop(struct hv *hv)
{
	struct hv_io *io = hv->io;

	if (!io || !io->running)
		return;
	pthread_mutex_lock(&hv->lock);
	io->quit = 1;
	pthread_mutex_unlock(&hv->lock);
	hv_io_wake(hv);
	pthread_join(io->thread, NULL);
	io->running = 0;
}

void hv_io_fini(struct hv *hv)
{
	if (!hv->io)
		return;
	hv_io_stop(hv);
	close(hv->io->wake_fd);
	free(hv->io);
	hv->io = NULL;
}
