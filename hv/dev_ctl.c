/* SPDX-License-Identifier: ISC
 * The controller device: hcalls a controller issues through the control
 * tree's hcall file (lpar hcall), and the two the partition uses to meet
 * them, event_take and trace_mark.  Sun's LDoms call the shutdown and
 * panic requests domain services.
 */
#include <errno.h>
#include <inttypes.h>
#include <lpar/hcall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/hcalls.h"
#include "../common/num.h"
#include "../common/text.h"
#include "priv.h"

/*
 * The controller device's own state.  All but event_fd is shared with the
 * control thread, under hv->lock.
 */
struct hv_ctl_dev {
	int event_fd;                /* wakes block() when the controller raises something */
	uint32_t raised;             /* LPAR_READY_* raised by the controller */
	uint64_t events;             /* bits the controller raised for event_take */
	int panicked;                /* stopped for good by a controller panic */
};

void hv_ctl_nudge(struct hv *hv)
{
	uint64_t one = 1;

	if (write(hv->ctldev->event_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: a wake-up is pending anyway */
	}
}

void hv_ctl_raise(struct hv *hv, uint32_t bits)
{
	hv->ctldev->raised |= bits;
	hv_ctl_nudge(hv);
}

int hv_ctl_panicked(const struct hv *hv)
{
	return hv->ctldev && hv->ctldev->panicked;
}

/* ---- the partition's side ---- */

/* block(): what the controller raised, of want; an event is reported once per raise. */
static uint64_t raised_ready(struct hv *hv, void *arg, uint64_t want)
{
	uint64_t r;

	(void)arg;
	pthread_mutex_lock(&hv->lock);
	r = hv->ctldev->raised & want;
	if (want & LPAR_READY_EVENT)
		hv->ctldev->raised &= ~LPAR_READY_EVENT; /* the bits wait in event_take */
	pthread_mutex_unlock(&hv->lock);
	return r;
}

/* block() always polls the event fd: a nudge may also move the controller's wake-up. */
static int event_fds(struct hv *hv, void *arg, uint64_t want, struct pollfd *fds, int max)
{
	(void)arg;
	(void)want;
	if (max < 1)
		return 0;
	fds[0] = (struct pollfd){ .fd = hv->ctldev->event_fd, .events = POLLIN };
	return 1;
}

static uint64_t event_polled(struct hv *hv, void *arg, const struct pollfd *fds, int n)
{
	uint64_t val;

	(void)arg;
	if (n && fds[0].revents && read(hv->ctldev->event_fd, &val, sizeof(val)) < 0)
		val = 0;
	return 0;
}

static const struct hv_block_src event_src = {
	.ready = raised_ready, .fds = event_fds, .polled = event_polled,
};

static void ctl_dev_fini(struct hv *hv)
{
	if (!hv->ctldev)
		return;
	if (hv->ctldev->event_fd >= 0)
		close(hv->ctldev->event_fd);
	free(hv->ctldev);
	hv->ctldev = NULL;
}

static int ctl_dev_init(struct hv *hv, struct lerr *err)
{
	int e;

	hv->ctldev = calloc(1, sizeof(*hv->ctldev));
	if (!hv->ctldev)
		return lerr_set(err, ENOMEM, "out of memory");
	hv->ctldev->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (hv->ctldev->event_fd < 0) {
		e = errno;
		ctl_dev_fini(hv);
		return lerr_set(err, e, "cannot make the controller's event fd: %s", strerror(e));
	}
	e = hv_block_add(hv, &event_src, NULL);
	if (e) {
		ctl_dev_fini(hv);
		return lerr_set(err, -e, "block() cannot wait on the controller: %s", strerror(-e));
	}
	return 0;
}

static int64_t hc_event_take(struct hv *hv, const uint64_t *a)
{
	uint64_t bits;

	(void)a;
	pthread_mutex_lock(&hv->lock);
	bits = hv->ctldev->events;
	hv->ctldev->events = 0;
	pthread_mutex_unlock(&hv->lock);
	return (int64_t)(bits & INT64_MAX);
}

static int64_t hc_trace_mark(struct hv *hv, const uint64_t *a)
{
	uint64_t len = a[1] < 48 ? a[1] : 48;
	const char *msg = hv_guest_buf(hv, a[0], len, HV_BUF_READ);
	char clean[200];

	if (!msg)
		return -EFAULT;
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_MARK, "text=%s",
			      text_sanitize(clean, sizeof(clean), msg, len));
	return 0;
}

/* ---- the controller's side (control thread) ---- */

static int64_t ctl_info(struct hv *hv, const uint64_t *a, const char *text, char *out,
			size_t len)
{
	enum hv_state s;

	(void)a;
	(void)text;
	pthread_mutex_lock(&hv->lock);
	s = hv->state;
	pthread_mutex_unlock(&hv->lock);
	snprintf(out, len, "mem %" PRIu64 "\nvcpus 1\nstate %s\nabi %d\n", hv->mem.size,
		 hv->ctldev->panicked ? "panicked" : hv_state_name(s), LPAR_ABI_VERSION);
	return 0;
}

static int64_t ctl_event(struct hv *hv, const uint64_t *a, const char *text, char *out,
			 size_t len)
{
	(void)text;
	(void)out;
	(void)len;
	pthread_mutex_lock(&hv->lock);
	hv->ctldev->events |= a[0];
	hv->ctldev->raised |= LPAR_READY_EVENT;
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_nudge(hv);
	return 0;
}

/* The text with \n, \t and \\ escapes turned into their bytes. */
static int64_t ctl_console_input(struct hv *hv, const uint64_t *a, const char *text,
				 char *out, size_t len)
{
	char buf[1024];
	size_t n = 0;
	int r;

	(void)a;
	(void)out;
	(void)len;
	for (const char *p = text; *p && n < sizeof(buf); p++) {
		if (*p == '\\' && p[1]) {
			p++;
			buf[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		} else {
			buf[n++] = *p;
		}
	}
	r = hv_console_input(hv, buf, (uint32_t)n);
	return r < 0 ? 0 : r; /* none fit: the partition is not reading its input */
}

static int64_t ctl_wake(struct hv *hv, const uint64_t *a, const char *text, char *out,
			size_t len)
{
	(void)text;
	(void)out;
	(void)len;
	hv_clock_wake(hv, a[0]);
	hv_ctl_nudge(hv); /* block() recomputes its timeout */
	return 0;
}

static int64_t ctl_shutdown(struct hv *hv, const uint64_t *a, const char *text, char *out,
			    size_t len)
{
	(void)a;
	(void)text;
	(void)out;
	(void)len;
	pthread_mutex_lock(&hv->lock);
	hv->ctldev->raised |= LPAR_READY_SHUTDOWN;
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_nudge(hv);
	return 0;
}

/* Stops the partition for good, keeping memory and registers to look at. */
static int64_t ctl_panic(struct hv *hv, const uint64_t *a, const char *text, char *out,
			 size_t len)
{
	int64_t r = 0;

	(void)a;
	(void)text;
	(void)out;
	(void)len;
	pthread_mutex_lock(&hv->lock);
	if (hv->state == HV_ENDED)
		r = -ESRCH;
	else if (hv->ctldev->panicked)
		r = -EALREADY;
	else {
		hv->ctldev->panicked = 1;
		if (hv->state == HV_RUNNING)
			hv_request(hv, HV_REQ_PAUSE);
		else
			hv_set_state(hv, HV_PAUSED);
	}
	pthread_mutex_unlock(&hv->lock);
	return r;
}

static const struct hv_hcall ctl_hcalls[] = {
	{ .nr = LPAR_HC_EVENT_TAKE, .fn = hc_event_take },
	{ .nr = LPAR_HC_TRACE_MARK, .fn = hc_trace_mark },
	{ .nr = LPAR_HC_CTL_INFO, .ctl = ctl_info },
	{ .nr = LPAR_HC_CTL_EVENT, .ctl = ctl_event },
	{ .nr = LPAR_HC_CTL_CONSOLE_INPUT, .ctl = ctl_console_input },
	{ .nr = LPAR_HC_CTL_WAKE, .ctl = ctl_wake },
	{ .nr = LPAR_HC_CTL_SHUTDOWN, .ctl = ctl_shutdown },
	{ .nr = LPAR_HC_CTL_PANIC, .ctl = ctl_panic },
};

const struct hv_device hv_dev_ctl = {
	.name = "ctl",
	.init = ctl_dev_init,
	.fini = ctl_dev_fini,
	.hcalls = ctl_hcalls,
	.nhcalls = sizeof(ctl_hcalls) / sizeof(ctl_hcalls[0]),
};

int hv_hcall_ctl(struct hv *hv, const char *cmd, char *out, size_t outlen)
{
	char buf[1100], *name, *rest, *save = NULL;
	const struct hv_hcall *h = NULL;
	const struct hc_info *info;
	uint64_t args[5] = { 0 };
	size_t nargs;
	int64_t r;

	snprintf(buf, sizeof(buf), "%s", cmd);
	name = strtok_r(buf, " \t\n", &save);
	rest = save ? save : "";
	if (!name)
		return -EINVAL;
	info = hc_find(name);
	if (info)
		h = hv->hcalls[info->nr];
	if (!h || !(info->who & HC_CTL) || !h->ctl)
		return -ENOSYS;
	nargs = strlen(info->types ? info->types : "");
	for (size_t i = 0; i < nargs; i++) {
		char *tok;

		if (info->types[i] == 't')
			break; /* the rest of the line */
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok || num_parse_u64(tok, &args[i]) || args[i] < info->min[i] ||
		    (info->max[i] && args[i] > info->max[i]))
			return -EINVAL;
		rest = save ? save : "";
	}
	if (nargs && info->types[nargs - 1] == 't') {
		while (*rest == ' ' || *rest == '\t')
			rest++;
		rest[strcspn(rest, "\n")] = '\0';
	} else if (strtok_r(NULL, " \t\n", &save)) {
		return -EINVAL; /* too many arguments */
	}
	{
		char extra[1024] = "";

		r = h->ctl(hv, args, rest, extra, sizeof(extra));
		if (r < 0)
			return (int)r;
		snprintf(out, outlen, "ret %" PRId64 "\n%s", r, extra);
	}
	return 0;
}
