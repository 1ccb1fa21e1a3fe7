/* SPDX-License-Identifier: ISC */
/*
 * The control tree as the monitor serves it (hv/ctltree.c behind the 9P
 * server core, as hv/ctl.c runs them): a partition made fresh for every
 * input on the fake backend (fuzz_hv.h), and p9feed.h's steps on one
 * connection, with the control thread's wake-up of waiting readers after
 * each.  No vCPU thread runs: a step's hook plays its part, acting on what
 * the controller asked (start, pause, resume, kill) as hv_yield() does, so
 * that replies that wait for a change of state get one.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../hv/ctl.h"
#include "fuzz_hv.h"
#include "p9feed.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_hv_init();
	return 0;
}

/* The vCPU thread's turn: the requests as hv_yield() serves them, without running. */
static void vcpu_turn(void *arg)
{
	struct hv *hv = arg;

	pthread_mutex_lock(&hv->lock);
	if (hv->state != HV_ENDED && (hv->req & HV_REQ_KILL)) {
		hv->req = 0;
		hv_end_killed(hv, "killed by the controller");
		hv_set_state(hv, HV_ENDED);
	}
	if (hv->state == HV_CREATED && (hv->req & HV_REQ_START)) {
		hv->req &= ~HV_REQ_START;
		hv_set_state(hv, HV_RUNNING);
	}
	if (hv->state == HV_RUNNING && (hv->req & HV_REQ_PAUSE)) {
		hv->req &= ~(HV_REQ_PAUSE | HV_REQ_RESUME);
		hv_set_state(hv, HV_PAUSED);
	} else if (hv->state == HV_PAUSED && (hv->req & HV_REQ_RESUME)) {
		hv->req &= ~HV_REQ_RESUME;
		hv_set_state(hv, HV_RUNNING);
	}
	pthread_mutex_unlock(&hv->lock);
}

/* After each message, as the control thread does after each poll. */
static void wake(void *arg)
{
	struct hv *hv = arg;

	hv_ctltree_wake(hv->ctl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv *hv = fuzz_hv_new(NULL);
	struct hv_ctl *ctl = calloc(1, sizeof(*ctl));

	if (!ctl)
		abort();
	ctl->hv = hv;
	ctl->listen_fd = -1;
	ctl->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctl->kick_fd < 0 || p9_srv_new(ctl, &hv_ctltree_ops, &ctl->srv))
		abort();
	hv->ctl = ctl;
	p9feed_run(ctl->srv, data, size, vcpu_turn, wake, hv);
	fuzz_hv_free(hv); /* hv_ctl_stop() frees the server and ctl */
	return 0;
}
