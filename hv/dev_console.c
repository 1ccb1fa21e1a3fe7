/*
 * The console device: output to the console fd, non-blocking input from
 * the console input fd, which block() also waits on.
 */
#include <errno.h>
#include <limits.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "priv.h"

/*
 * Writes in pieces no larger than PIPE_BUF after poll() says there is room,
 * so a stalled reader never blocks the monitor where a stop signal cannot
 * reach it.
 */
static int64_t hc_console_write(struct hv *hv, const uint64_t *a)
{
	const char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_READ);
	uint64_t done = 0;

	if (!buf)
		return -EFAULT;
	while (done < a[1]) {
		struct pollfd p = { .fd = hv->con_out, .events = POLLOUT };
		size_t chunk = a[1] - done > PIPE_BUF ? PIPE_BUF : a[1] - done;
		ssize_t n;

		if (ppoll(&p, 1, NULL, &hv->run_mask) < 0) {
			if (errno == EINTR && hv_pending_signal)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = write(hv->con_out, buf + done, chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 && errno == EPIPE) {
			/* Like a process writing to a closed pipe. */
			hv_end_signal(hv, SIGPIPE);
			return -EPIPE;
		}
		if (n < 0)
			return done ? (int64_t)done : -errno;
		done += (uint64_t)n;
	}
	return (int64_t)done;
}

static int64_t hc_console_read(struct hv *hv, const uint64_t *a)
{
	char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_WRITE);
	struct pollfd p = { .fd = hv->con_in, .events = POLLIN };
	ssize_t n;

	if (!buf)
		return -EFAULT;
	if (hv->con_in < 0 || hv->con_in_eof)
		return 0;
	if (!a[1])
		return 0;
	if (poll(&p, 1, 0) <= 0)
		return -EAGAIN;
	n = read(hv->con_in, buf, a[1]);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	if (n == 0)
		hv->con_in_eof = 1;
	return n;
}

static int console_init(struct hv *hv, struct lerr *err)
{
	(void)err;
	if (hv->con_in >= 0)
		return hv_wake_add(hv, hv->con_in, LPAR_READY_CONSOLE);
	return 0;
}

static const struct hv_hcall console_hcalls[] = {
	{ LPAR_HC_CONSOLE_WRITE, "console_write", HV_WHO_GUEST, { "buf", "len" }, hc_console_write },
	{ LPAR_HC_CONSOLE_READ, "console_read", HV_WHO_GUEST, { "buf", "len" }, hc_console_read },
};

const struct hv_device hv_dev_console = {
	.name = "console",
	.hcalls = console_hcalls,
	.nhcalls = sizeof(console_hcalls) / sizeof(console_hcalls[0]),
	.init = console_init,
};
