/* SPDX-License-Identifier: ISC
 * The controller device's server: a thread that accepts connections on the
 * partition's control socket (same user or root only, by SO_PEERCRED) and
 * serves the control tree over 9P2000.L, woken by the vCPU thread when
 * output or state changes.  See docs/control-tree.md.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/err.h"
#include "ctl.h"
#include "priv.h"

#define CTL_POLL_MAX 256
#define CTL_DRAIN_MS 2000 /* how long an ending monitor waits for slow readers */

int hv_peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	return cr.uid == 0 || cr.uid == geteuid();
}

static void accept_one(struct hv_ctl *ctl)
{
	int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (!hv_peer_allowed(fd)) {
		close(fd);
		return;
	}
	if (p9_srv_nconns(ctl->srv) >= CTL_POLL_MAX - 2) {
		close(fd);
		return;
	}
	p9_srv_add_conn(ctl->srv, fd);
}

static void *ctl_main(void *arg)
{
	struct hv_ctl *ctl = arg;
	struct hv *hv = ctl->hv;
	struct pollfd fds[CTL_POLL_MAX];
	uint64_t drain_until = 0;
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSYS); /* the sandbox's trap reaches its handler (sandbox.c) */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		int n = 0, quit, k;
		uint64_t v;

		pthread_mutex_lock(&hv->lock);
		quit = ctl->quit;
		pthread_mutex_unlock(&hv->lock);
		if (quit && !drain_until) {
			/* Answer everything outstanding, then let readers drain. */
			hv_ctltree_wake(ctl);
			p9_srv_flush_output(ctl->srv);
			drain_until = hv_host_ns() / 1000000 + CTL_DRAIN_MS;
		}
		if (drain_until && (p9_srv_nconns(ctl->srv) == 0 || hv_host_ns() / 1000000 >= drain_until))
			break;
		fds[n++] = (struct pollfd){ .fd = ctl->kick_fd, .events = POLLIN };
		if (!quit)
			fds[n++] = (struct pollfd){ .fd = ctl->listen_fd, .events = POLLIN };
		k = n;
		n += p9_srv_pollfds(ctl->srv, fds + n, CTL_POLL_MAX - n);
		if (poll(fds, (nfds_t)n, drain_until ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents && read(ctl->kick_fd, &v, sizeof(v)) < 0)
			v = 0;
		if (!quit && fds[1].revents)
			accept_one(ctl);
		p9_srv_service(ctl->srv, fds + k, n - k);
		hv_ctltree_wake(ctl);
		p9_srv_flush_output(ctl->srv);
	}
	return NULL;
}

int hv_ctl_start(struct hv *hv, int listen_fd, struct lerr *err)
{
	struct hv_ctl *ctl = calloc(1, sizeof(*ctl));
	int r;

	if (!ctl)
		return lerr_set(err, ENOMEM, "out of memory");
	ctl->hv = hv;
	ctl->listen_fd = listen_fd;
	ctl->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctl->kick_fd < 0 || p9_srv_new(ctl, &hv_ctltree_ops, &ctl->srv)) {
		if (ctl->kick_fd >= 0)
			close(ctl->kick_fd);
		free(ctl);
		return lerr_set(err, ENOMEM, "cannot start the control server");
	}
	hv->ctl = ctl;
	r = pthread_create(&ctl->thread, NULL, ctl_main, ctl);
	if (r) {
		hv->ctl = NULL;
		p9_srv_free(ctl->srv);
		close(ctl->kick_fd);
		free(ctl);
		return lerr_set(err, r, "cannot start the control thread: %s", strerror(r));
	}
	ctl->running = 1;
	return 0;
}

void hv_ctl_kick(struct hv *hv)
{
	uint64_t one = 1;

	if (hv->ctl && write(hv->ctl->kick_fd, &one, sizeof(one)) < 0)
		return; /* the counter is saturated: a wake-up is pending anyway */
}

void hv_ctl_stop(struct hv *hv)
{
	struct hv_ctl *ctl = hv->ctl;

	if (!ctl)
		return;
	if (ctl->running) {
		pthread_mutex_lock(&hv->lock);
		ctl->quit = 1;
		pthread_mutex_unlock(&hv->lock);
		hv_ctl_kick(hv);
		pthread_join(ctl->thread, NULL);
	}
	hv->ctl = NULL;
	p9_srv_free(ctl->srv);
	close(ctl->kick_fd);
	free(ctl);
}
