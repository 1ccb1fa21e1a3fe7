/*
 * The console device.  Output fans out to the console fd (stdout for
 * "lpar run"), the console log (capped) and a replay ring that console
 * viewers read through the control tree.  Input comes from the console fd
 * and from controllers writing the cons file; block() wakes for either.
 */
#include <errno.h>
#include <limits.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

/*
 * Writes in pieces no larger than PIPE_BUF after poll() says there is room,
 * so a stalled reader never blocks the vCPU where a request cannot reach it.
 */
static int out_fd_write(struct hv *hv, const char *buf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		struct pollfd p = { .fd = hv->con.out_fd, .events = POLLOUT };
		size_t chunk = len - done > PIPE_BUF ? PIPE_BUF : len - done;
		ssize_t n;

		if (ppoll(&p, 1, NULL, &hv->run_mask) < 0) {
			if (errno == EINTR && hv_yield(hv))
				return -EINTR;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = write(hv->con.out_fd, buf + done, chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 && errno == EPIPE) {
			/* Like a process writing to a closed pipe. */
			hv_end_signal(hv, SIGPIPE);
			return -EPIPE;
		}
		if (n < 0) {
			int e = errno;

			/* The partition hears of it; lpar run reports it at the end. */
			if (!hv->out.console_errno)
				hv->out.console_errno = e;
			return -e;
		}
		done += (uint64_t)n;
	}
	return 0;
}

static void log_write(struct hv *hv, const char *buf, uint64_t len)
{
	static const char full[] = "\n[lpar: console log limit reached; later output is not logged]\n";

	if (hv->con.log_fd < 0 || hv->con.logged > HV_LOG_MAX)
		return;
	if (hv->con.logged + len > HV_LOG_MAX) {
		len = HV_LOG_MAX - hv->con.logged;
		if (write(hv->con.log_fd, buf, len) < 0 ||
		    write(hv->con.log_fd, full, sizeof(full) - 1) < 0)
			return;
		hv->con.logged = HV_LOG_MAX + 1;
		return;
	}
	if (write(hv->con.log_fd, buf, len) == (ssize_t)len)
		hv->con.logged += len;
}

int64_t hv_console_output(struct hv *hv, const char *buf, uint64_t len)
{
	int r = 0;

	if (hv->con.out_fd >= 0)
		r = out_fd_write(hv, buf, len);
	if (r == -EPIPE)
		return r;
	log_write(hv, buf, len);
	pthread_mutex_lock(&hv->lock);
	for (uint64_t i = len > HV_CONS_RING ? len - HV_CONS_RING : 0; i < len; i++)
		hv->con.ring[(hv->con.total + i) % HV_CONS_RING] = (uint8_t)buf[i];
	hv->con.total += len;
	pthread_mutex_unlock(&hv->lock);
	hv_ctl_kick(hv);
	return r < 0 && r != -EINTR ? r : (int64_t)len;
}

static int64_t hc_console_write(struct hv *hv, const uint64_t *a)
{
	const char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_READ);

	if (!buf)
		return -EFAULT;
	return hv_console_output(hv, buf, a[1]);
}

int hv_console_in_fd(struct hv *hv)
{
	return hv->con.in_eof ? -1 : hv->con.in_fd;
}

void hv_console_fill(struct hv *hv)
{
	char buf[4096];
	uint32_t room;
	ssize_t n;

	pthread_mutex_lock(&hv->lock);
	room = HV_CONS_INMAX - hv->con.inlen;
	pthread_mutex_unlock(&hv->lock);
	if (!room || hv->con.in_fd < 0 || hv->con.in_eof)
		return;
	n = read(hv->con.in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		hv_console_end_input(hv);
		return;
	}
	if (n < 0)
		return;
	pthread_mutex_lock(&hv->lock);
	memcpy(hv->con.in + hv->con.inlen, buf, (size_t)n);
	hv->con.inlen += (uint32_t)n;
	pthread_mutex_unlock(&hv->lock);
}

void hv_console_end_input(struct hv *hv)
{
	pthread_mutex_lock(&hv->lock);
	if (!hv->con.in_eof) {
		hv->con.in_eof = 1;
		hv->con.eof_unreported = 1;
	}
	pthread_mutex_unlock(&hv->lock);
}

int hv_console_ready(struct hv *hv)
{
	int ready;

	pthread_mutex_lock(&hv->lock);
	ready = hv->con.inlen > 0;
	if (!ready && hv->con.eof_unreported) {
		hv->con.eof_unreported = 0;
		ready = 1;
	}
	pthread_mutex_unlock(&hv->lock);
	return ready;
}

/*
 * Input waiting in the buffer (typed at a console viewer, or read ahead by
 * block()), then the fd.  0 means the end of input; -EAGAIN, none yet.
 */
static int64_t hc_console_read(struct hv *hv, const uint64_t *a)
{
	char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_WRITE);
	struct pollfd p = { .fd = hv->con.in_fd, .events = POLLIN };
	uint32_t n = 0;
	ssize_t r;

	if (!buf)
		return -EFAULT;
	if (!a[1])
		return 0;
	pthread_mutex_lock(&hv->lock);
	if (hv->con.inlen) {
		n = hv->con.inlen < a[1] ? hv->con.inlen : (uint32_t)a[1];
		memcpy(buf, hv->con.in, n);
		memmove(hv->con.in, hv->con.in + n, hv->con.inlen - n);
		hv->con.inlen -= n;
	}
	if (!n && hv->con.in_eof)
		hv->con.eof_unreported = 0;
	pthread_mutex_unlock(&hv->lock);
	if (n)
		return n;
	if (hv->con.in_eof)
		return 0;
	if (hv->con.in_fd < 0 || poll(&p, 1, 0) <= 0)
		return -EAGAIN;
	r = read(hv->con.in_fd, buf, a[1]);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
	if (r == 0)
		hv->con.in_eof = 1;
	return r;
}

static const struct hv_hcall console_hcalls[] = {
	{ .nr = LPAR_HC_CONSOLE_WRITE, .name = "console_write", .who = HV_WHO_GUEST,
	  .args = { "buf", "len" }, .fn = hc_console_write, .types = "pl" },
	{ .nr = LPAR_HC_CONSOLE_READ, .name = "console_read", .who = HV_WHO_GUEST,
	  .args = { "buf", "len" }, .fn = hc_console_read, .types = "pl" },
};

const struct hv_device hv_dev_console = {
	.name = "console",
	.hcalls = console_hcalls,
	.nhcalls = sizeof(console_hcalls) / sizeof(console_hcalls[0]),
};
