/* SPDX-License-Identifier: ISC
 * The console device.  Output fans out to the console fd (stdout for
 * "lpar run"), the console log (capped) and a replay ring that console
 * viewers read through the control tree.  Input comes from the console fd
 * and from controllers writing the cons file; block() wakes for either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <lpar/boot.h>
#include <lpar/hcall.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "priv.h"

#define CONS_RING (64u << 10)    /* console output kept for replay */
#define CONS_INMAX (64u << 10)   /* console input waiting for the partition */
#define LOG_MAX (64ull << 20)    /* console log size limit */

struct hv_pump;

/*
 * The console device's own state.  The replay ring, the input buffer and
 * in_eof are shared with the control thread (hv_console_replay(),
 * hv_console_input()) and the I/O thread, under hv->lock.
 */
struct hv_console_dev {
	int in_fd, out_fd;
	int log_fd;
	int in_eof;                  /* the input fd reached its end */
	int eof_unreported;          /* ... and block() has not said so yet */
	uint64_t logged;             /* bytes in the console log */
	uint8_t *ring;               /* CONS_RING bytes, by absolute offset */
	uint64_t total;              /* bytes of output so far */
	uint8_t *in;                 /* input from controllers, not yet read */
	uint32_t inlen;
	struct hv_pump *pump;        /* the console ring's pump, or NULL */
};

/*
 * A console write failed with e.  EPIPE ends the partition as a closed
 * pipe ends a process (from the I/O thread, through the vCPU thread's
 * pending signal); anything else is kept for lpar run to report, and the
 * partition hears of it on the hcall path.  The vCPU and I/O threads both
 * write here, each under a lock of its own, so the first error is kept
 * with an atomic exchange.
 */
static void output_failed(struct hv *hv, int e, int on_vcpu)
{
	int none = 0;

	if (e == EPIPE && on_vcpu) {
		hv_end_signal(hv, SIGPIPE);
	} else if (e == EPIPE) {
		hv_pending_signal = SIGPIPE;
		hv_vcpu_kick(hv);
	} else {
		__atomic_compare_exchange_n(&hv->out.console_errno, &none, e, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
}

/*
 * Writes in pieces no larger than PIPE_BUF after poll() says there is room,
 * so a stalled reader never blocks the vCPU where a request cannot reach it.
 */
static int out_fd_write(struct hv *hv, const char *buf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		struct pollfd p = { .fd = hv->console->out_fd, .events = POLLOUT };
		size_t chunk = len - done > PIPE_BUF ? PIPE_BUF : len - done;
		ssize_t n;

		if (ppoll(&p, 1, NULL, &hv->run_mask) < 0) {
			if (errno == EINTR && hv_yield(hv))
				return -EINTR;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = write(hv->console->out_fd, buf + done, chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			int e = errno;

			output_failed(hv, e, 1);
			return -e;
		}
		done += (uint64_t)n;
	}
	return 0;
}

static void log_write(struct hv *hv, const char *buf, uint64_t len)
{
	static const char full[] = "\n[lpar: console log limit reached; later output is not logged]\n";
	struct hv_console_dev *c = hv->console;

	if (c->log_fd < 0 || c->logged > LOG_MAX)
		return;
	if (c->logged + len > LOG_MAX) {
		len = LOG_MAX - c->logged;
		if (write(c->log_fd, buf, len) < 0 || write(c->log_fd, full, sizeof(full) - 1) < 0)
			return;
		c->logged = LOG_MAX + 1;
		return;
	}
	if (write(c->log_fd, buf, len) == (ssize_t)len)
		c->logged += len;
}

/* Output for the console log and for console viewers (the replay ring). */
static void record(struct hv *hv, const char *buf, uint64_t len)
{
	struct hv_console_dev *c = hv->console;
	uint64_t skip = len > CONS_RING ? len - CONS_RING : 0, at, first;

	pthread_mutex_lock(&hv->lock);
	at = (c->total + skip) % CONS_RING;
	first = len - skip < CONS_RING - at ? len - skip : CONS_RING - at;
	memcpy(c->ring + at, buf + skip, first);
	memcpy(c->ring, buf + skip + first, len - skip - first);
	c->total += len;
	pthread_mutex_unlock(&hv->lock);
	log_write(hv, buf, len);
	hv_ctl_kick(hv);
}

int64_t hv_console_output(struct hv *hv, const char *buf, uint64_t len)
{
	int r = 0;

	if (hv->console->out_fd >= 0)
		r = out_fd_write(hv, buf, len);
	if (r == -EPIPE)
		return r;
	record(hv, buf, len);
	return r < 0 && r != -EINTR ? r : (int64_t)len;
}

/* The oldest byte the replay ring still holds. */
static uint64_t oldest(const struct hv_console_dev *c)
{
	return c->total > CONS_RING ? c->total - CONS_RING : 0;
}

uint64_t hv_console_oldest(struct hv *hv)
{
	return oldest(hv->console);
}

int hv_console_replay(struct hv *hv, uint64_t *cursor, void *buf, size_t len)
{
	struct hv_console_dev *c = hv->console;
	uint8_t *out = buf;
	size_t n = 0;

	pthread_mutex_lock(&hv->lock);
	if (*cursor < oldest(c))
		*cursor = oldest(c); /* this reader fell behind the ring */
	if (*cursor == c->total && hv->state != HV_ENDED) {
		pthread_mutex_unlock(&hv->lock);
		return -EAGAIN;
	}
	while (n < len && *cursor < c->total)
		out[n++] = c->ring[(*cursor)++ % CONS_RING];
	pthread_mutex_unlock(&hv->lock);
	return (int)n;
}

int hv_console_log_fd(const struct hv *hv)
{
	return hv->console->log_fd;
}

/*
 * The console ring's pump.  The I/O thread takes what the partition wrote
 * to the ring a piece at a time (up to PUMP_PIECE bytes that do not wrap),
 * records it for the log and viewers, and writes it to the console fd
 * straight from the ring as that fd has room, never waiting on it; only
 * then does the piece's room go back to the partition.  A byte stream is
 * never parsed, so nothing is copied out first: a partition that changes
 * bytes it already published garbles only its own output.  The vCPU
 * thread flushes the ring itself before hcall output and at the end, so
 * the order of output is the order it was written in.
 */
#define PUMP_PIECE (1u << 20)

struct hv_pump {
	struct hv_ring *r;
	pthread_mutex_t lock;        /* whoever moves console output holds it */
	int out_waiting;             /* the I/O thread polls the console fd */
	int again;                   /* the I/O thread must look at the ring again */
	int fd;                      /* the console fd as the pump writes it (see pump_fd()) */
	int own_fd;                  /* fd is the pump's own */
	size_t chunk;                /* the most one write may carry without waiting */
	/* The piece taken from the ring, not yet all written out. */
	const uint8_t *src;          /* where it is in the ring */
	uint32_t at;                 /* the ring index it starts at */
	uint32_t off, len;           /* written so far, in all */
};

/* Takes the next piece of what is in the ring; returns its bytes, -1 if the ring was corrupt. */
static int64_t pump_take(struct hv *hv, struct hv_pump *p)
{
	struct lpar_ring_dir d = hv_ring_dir(hv, p->r, 0);
	uint32_t prod, cons, to_end;
	int64_t used;

	for (;;) {
		used = lpar_ring_used(&d, &prod, &cons);
		if (used < 0) {
			hv_ring_note(hv, p->r, "corrupt console ring: prod %u, cons %u, size %u",
				     prod, cons, d.size);
			hv_ring_clear(hv, p->r);
			hv_ring_set_link(hv, p->r, LPAR_LINK_UP, "monitor");
			return -1;
		}
		if (used || !lpar_ring_arm_read(&d))
			break;
	}
	if (!used)
		return 0;
	to_end = d.size - (cons & (d.size - 1));
	if (used > to_end)
		used = to_end;
	if (used > PUMP_PIECE)
		used = PUMP_PIECE;
	p->src = d.data + (cons & (d.size - 1));
	p->at = cons;
	p->off = 0;
	p->len = (uint32_t)used;
	record(hv, (const char *)p->src, (uint64_t)used);
	return used;
}

/* The piece is out: its room goes back to the partition. */
static void pump_done(struct hv *hv, struct hv_pump *p)
{
	struct lpar_ring_dir d = hv_ring_dir(hv, p->r, 0);

	if (p->len && lpar_ring_release(&d, p->at, p->at + p->len))
		hv_ring_kick(p->r);
	p->off = p->len = 0;
}

static void pump_run(struct hv *hv, void *arg, short revents);

static void pump_writable(struct hv *hv, void *arg, short revents)
{
	struct hv_pump *p = arg;

	(void)revents;
	hv_io_del(hv, p->fd);
	p->out_waiting = 0;
	pump_run(hv, arg, 0);
}

/*
 * How the pump writes the console without waiting: a regular file in one
 * write; a pipe, FIFO or terminal through a file description of its own
 * opened non-blocking (so the caller's stays as it was); anything else
 * (a socket) PIPE_BUF bytes at a time after poll() says there is room.
 */
static void pump_fd(struct hv *hv, struct hv_pump *p)
{
	struct stat st;
	char path[64];
	int fd;

	p->fd = hv->console->out_fd;
	p->chunk = PIPE_BUF;
	if (p->fd < 0 || fstat(p->fd, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		p->chunk = PUMP_PIECE;
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p->fd);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	p->fd = fd;
	p->own_fd = 1;
	p->chunk = PUMP_PIECE;
}

/* I/O thread: writes what it can without waiting; 1 if the fd has no room. */
static int pump_write(struct hv *hv, struct hv_pump *p)
{
	while (p->off < p->len) {
		struct pollfd pf = { .fd = p->fd, .events = POLLOUT };
		size_t chunk = p->len - p->off > p->chunk ? p->chunk : p->len - p->off;
		ssize_t n;

		if (!p->own_fd && poll(&pf, 1, 0) == 0)
			return 1;
		n = write(p->fd, p->src + p->off, chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 1;
		if (n < 0) {
			output_failed(hv, errno, 0);
			p->off = p->len;
			return 0;
		}
		p->off += (uint32_t)n;
	}
	return 0;
}

static void pump_run(struct hv *hv, void *arg, short revents)
{
	struct hv_pump *p = arg;
	uint64_t v;

	if (revents && read(p->r->sink_fd, &v, sizeof(v)) < 0)
		v = 0;
	if (pthread_mutex_trylock(&p->lock)) {
		/* The vCPU thread is flushing; what it leaves is looked at soon. */
		p->again = 1;
		hv_io_retry(hv, 5);
		return;
	}
	p->again = 0;
	for (;;) {
		if (p->off < p->len && p->fd >= 0 && pump_write(hv, p)) {
			if (!p->out_waiting && !hv_io_add(hv, p->fd, POLLOUT, pump_writable, p))
				p->out_waiting = 1;
			if (!p->out_waiting) {
				p->again = 1;
				hv_io_retry(hv, 5);
			}
			break;
		}
		pump_done(hv, p);
		if (pump_take(hv, p) <= 0)
			break;
	}
	pthread_mutex_unlock(&p->lock);
}

/* I/O thread, every turn: a pump that could not run runs now. */
static void pump_tick(struct hv *hv, void *arg, short revents)
{
	struct hv_pump *p = arg;

	(void)revents;
	if (p->again)
		pump_run(hv, arg, 0);
}

/*
 * vCPU thread: everything written to the console ring goes out now, before
 * hcall output and at the end (the flush hook).
 */
static void ring_flush(struct hv *hv)
{
	struct hv_pump *p = hv->console->pump;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	do {
		int e = 0;

		if (p->off < p->len && hv->console->out_fd >= 0)
			e = out_fd_write(hv, (const char *)p->src + p->off, p->len - p->off);
		pump_done(hv, p);
		if (e < 0)
			break;
	} while (pump_take(hv, p) > 0);
	pthread_mutex_unlock(&p->lock);
}

static void pump_reset(struct hv *hv, struct hv_ring *r, uint32_t gen, const char *why)
{
	struct hv_pump *p = hv->console->pump;

	(void)gen; /* hc_ring_reset checked it */
	pthread_mutex_lock(&p->lock);
	p->off = p->len = 0; /* what was taken goes with the ring */
	hv_ring_note(hv, r, "%s", why);
	hv_ring_clear(hv, r);
	hv_ring_set_link(hv, r, LPAR_LINK_UP, "monitor");
	pthread_mutex_unlock(&p->lock);
}

/* Serves the image's ring named "console", if it has one. */
static int ring_serve(struct hv *hv, struct lerr *err)
{
	struct hv_ring *r = hv_ring_find(hv, "console");
	struct hv_pump *p;
	int e;

	if (!r)
		return 0;
	if (r->er->kind != LPAR_RING_BYTES)
		return lerr_set(err, ENOEXEC, "ring 'console' must be a byte stream (LPAR_RING_BYTES)");
	p = calloc(1, sizeof(*p));
	if (!p)
		return lerr_set(err, ENOMEM, "out of memory");
	p->r = r;
	pthread_mutex_init(&p->lock, NULL);
	pump_fd(hv, p);
	e = hv_io_add(hv, r->sink_fd, POLLIN, pump_run, p);
	if (!e)
		e = hv_io_tick(hv, pump_tick, p);
	if (e) {
		if (p->own_fd)
			close(p->fd);
		free(p);
		return lerr_set(err, -e, "cannot serve the console ring: %s", strerror(-e));
	}
	hv->console->pump = p;
	r->attach = "console";
	r->reset = pump_reset;
	hv_ring_set_link(hv, r, LPAR_LINK_UP, "monitor");
	return 0;
}

static void console_fini(struct hv *hv)
{
	struct hv_pump *p = hv->console ? hv->console->pump : NULL;

	if (p) {
		if (p->own_fd)
			close(p->fd);
		pthread_mutex_destroy(&p->lock);
		free(p);
	}
	if (hv->console) {
		free(hv->console->ring);
		free(hv->console->in);
	}
	free(hv->console);
	hv->console = NULL;
}

static int64_t hc_console_write(struct hv *hv, const uint64_t *a)
{
	const char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_READ);

	if (!buf)
		return -EFAULT;
	ring_flush(hv);
	return hv_console_output(hv, buf, a[1]);
}

static int console_in_fd(struct hv *hv)
{
	return hv->console->in_eof ? -1 : hv->console->in_fd;
}

/* The input's end: console_read returns 0 once the rest is read, block() says so once. */
static void input_ended(struct hv *hv)
{
	pthread_mutex_lock(&hv->lock);
	if (!hv->console->in_eof) {
		hv->console->in_eof = 1;
		hv->console->eof_unreported = 1;
	}
	pthread_mutex_unlock(&hv->lock);
}

/* block() saw the input fd readable: moves what is there into the buffer. */
static void console_fill(struct hv *hv)
{
	char buf[4096];
	uint32_t room;
	ssize_t n;

	struct hv_console_dev *c = hv->console;

	pthread_mutex_lock(&hv->lock);
	room = CONS_INMAX - c->inlen;
	pthread_mutex_unlock(&hv->lock);
	if (!room || c->in_fd < 0 || c->in_eof)
		return;
	n = read(c->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		input_ended(hv);
		return;
	}
	if (n < 0)
		return;
	pthread_mutex_lock(&hv->lock);
	memcpy(c->in + c->inlen, buf, (size_t)n);
	c->inlen += (uint32_t)n;
	pthread_mutex_unlock(&hv->lock);
}

int hv_console_input(struct hv *hv, const void *buf, uint32_t len)
{
	struct hv_console_dev *c = hv->console;
	uint32_t n;

	if (!len)
		return 0;
	pthread_mutex_lock(&hv->lock);
	n = CONS_INMAX - c->inlen;
	if (n > len)
		n = len;
	memcpy(c->in + c->inlen, buf, n);
	c->inlen += n;
	pthread_mutex_unlock(&hv->lock);
	if (!n)
		return -EAGAIN;
	hv_ctl_nudge(hv);
	return (int)n;
}

void hv_console_end_input(struct hv *hv)
{
	input_ended(hv);
	hv_ctl_nudge(hv);
}

/* Whether block() should report LPAR_READY_CONSOLE now; an EOF is reported once. */
static int console_ready(struct hv *hv)
{
	int ready;

	pthread_mutex_lock(&hv->lock);
	ready = hv->console->inlen > 0;
	if (!ready && hv->console->eof_unreported) {
		hv->console->eof_unreported = 0;
		ready = 1;
	}
	pthread_mutex_unlock(&hv->lock);
	return ready;
}

/* block(): input (or its end) waiting, if wanted. */
static uint64_t input_ready(struct hv *hv, void *arg, uint64_t want)
{
	(void)arg;
	return (want & LPAR_READY_CONSOLE) && console_ready(hv) ? LPAR_READY_CONSOLE : 0;
}

/* Input not wanted stays in the pipe: polling it would wake block() at once. */
static int input_fds(struct hv *hv, void *arg, uint64_t want, struct pollfd *fds, int max)
{
	int fd = console_in_fd(hv);

	(void)arg;
	if (fd < 0 || !(want & LPAR_READY_CONSOLE) || max < 1)
		return 0;
	fds[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return 1;
}

static uint64_t input_polled(struct hv *hv, void *arg, const struct pollfd *fds, int n)
{
	(void)arg;
	if (n && fds[0].revents)
		console_fill(hv);
	return 0;
}

static const struct hv_block_src input_src = {
	.ready = input_ready, .fds = input_fds, .polled = input_polled,
};

/*
 * Input waiting in the buffer (typed at a console viewer, or read ahead by
 * block()), then the fd.  0 means the end of input; -EAGAIN, none yet.
 */
static int64_t hc_console_read(struct hv *hv, const uint64_t *a)
{
	char *buf = hv_guest_buf(hv, a[0], a[1], HV_BUF_WRITE);
	struct hv_console_dev *c = hv->console;
	struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
	uint32_t n = 0;
	ssize_t r;

	if (!buf)
		return -EFAULT;
	if (!a[1])
		return 0;
	pthread_mutex_lock(&hv->lock);
	if (c->inlen) {
		n = c->inlen < a[1] ? c->inlen : (uint32_t)a[1];
		memcpy(buf, c->in, n);
		memmove(c->in, c->in + n, c->inlen - n);
		c->inlen -= n;
	}
	if (!n && hv->console->in_eof)
		hv->console->eof_unreported = 0;
	pthread_mutex_unlock(&hv->lock);
	if (n)
		return n;
	if (hv->console->in_eof)
		return 0;
	if (hv->console->in_fd < 0 || poll(&p, 1, 0) <= 0)
		return -EAGAIN;
	r = read(hv->console->in_fd, buf, a[1]);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
	if (r == 0)
		hv->console->in_eof = 1;
	return r;
}

static int console_init(struct hv *hv, struct lerr *err)
{
	const struct hv_config *cfg = hv->cfg;
	struct lpar_boot_info *bi = gmem_at(&hv->mem, LPAR_BOOT_INFO, sizeof(*bi));
	int e;

	hv->console = calloc(1, sizeof(*hv->console));
	if (hv->console) {
		hv->console->ring = malloc(CONS_RING);
		hv->console->in = malloc(CONS_INMAX);
	}
	if (!hv->console || !hv->console->ring || !hv->console->in) {
		console_fini(hv);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	hv->console->log_fd = cfg->log_fd;
	hv->console->in_fd = cfg->console_in;
	hv->console->out_fd = cfg->console_out;
	/* The library OS answers "not a terminal" at once when the console cannot be one. */
	if (bi && cfg->console_out >= 0 && !isatty(cfg->console_out))
		bi->flags |= LPAR_BOOT_CONSOLE_BUFFERED;
	e = hv_block_add(hv, &input_src, NULL);
	if (e) {
		console_fini(hv);
		return lerr_set(err, -e, "block() cannot wait on the console: %s", strerror(-e));
	}
	e = ring_serve(hv, err);
	if (e)
		console_fini(hv);
	return e;
}

static const struct hv_hcall console_hcalls[] = {
	{ .nr = LPAR_HC_CONSOLE_WRITE, .fn = hc_console_write },
	{ .nr = LPAR_HC_CONSOLE_READ, .fn = hc_console_read },
};

const struct hv_device hv_dev_console = {
	.name = "console",
	.init = console_init,
	.fini = console_fini,
	.flush = ring_flush,
	.hcalls = console_hcalls,
	.nhcalls = sizeof(console_hcalls) / sizeof(console_hcalls[0]),
};
