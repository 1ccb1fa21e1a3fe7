/*
 * lpar console: attaches this terminal to a partition's console.  Recent
 * output is replayed, then output streams; keystrokes are its input.  Any
 * number of viewers may attach; Ctrl-] detaches and never stops the
 * partition.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "../p9/client.h"
#include "names.h"

#define ESCAPE 0x1d /* Ctrl-] */

struct viewer {
	struct p9c *out;     /* reads cons */
	int done[2];         /* the reader says the partition ended */
};

static void *reader(void *arg)
{
	struct viewer *v = arg;
	char buf[8192];
	uint32_t fid;
	uint64_t off = 0;

	if (p9c_open_path(v->out, "cons", P9_ORDONLY, &fid) == 0) {
		for (;;) {
			ssize_t n = p9c_read(v->out, fid, off, buf, sizeof(buf));

			if (n <= 0)
				break;
			off += (uint64_t)n;
			if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
				break;
		}
	}
	if (write(v->done[1], "x", 1) < 0)
		return NULL;
	return NULL;
}

static struct termios saved;
static int raw;

static void tty_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	t = saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR; /* keep the partition's "\n" readable */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		raw = 1;
}

static void tty_restore(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	raw = 0;
}

/* Sends input to cons; returns 1 when the escape key asks to detach. */
static int forward(struct p9c *in, uint32_t fid, const char *buf, size_t n)
{
	const char *esc = raw ? memchr(buf, ESCAPE, n) : NULL;
	size_t len = esc ? (size_t)(esc - buf) : n, done = 0;

	while (done < len) {
		ssize_t w = p9c_write(in, fid, 0, buf + done, (uint32_t)(len - done));

		if (w == -EAGAIN) {
			poll(NULL, 0, 10); /* the partition is not reading yet */
			continue;
		}
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	return esc != NULL;
}

int cmd_console(int argc, char **argv)
{
	const struct cmd *self = cmd_find("console");
	int first = names_parse(self, argc, argv), in_open = 1, detached = 0;
	struct part_status st;
	struct lerr err = { 0 };
	struct viewer v = { 0 };
	struct part *p = NULL;
	struct p9c *in = NULL;
	pthread_t th;
	uint32_t infid;

	if (first <= 0)
		return -first;
	if (argc - first != 1)
		return lpar_usage_error(self, "name one partition");
	if (part_open(argv[first], &p, &st, &err) || part_connect_again(p, &v.out, &err) ||
	    part_connect_again(p, &in, &err)) {
		lpar_error("%s", err.msg);
		if (v.out)
			p9c_close(v.out);
		part_close(p);
		return 1;
	}
	if (p9c_open_path(in, "cons", P9_OWRONLY, &infid) || pipe(v.done) < 0 ||
	    pthread_create(&th, NULL, reader, &v)) {
		lpar_error("cannot attach to the console of '%s'", argv[first]);
		return 1;
	}
	tty_raw();
	if (raw)
		fprintf(stderr, "lpar: attached to '%s' (Ctrl-] detaches)\r\n", argv[first]);
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = v.done[0], .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		char buf[4096];
		ssize_t n;

		if (poll(fds, in_open ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		if (!in_open || !fds[1].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0) {
			in_open = 0; /* keep showing output until it ends */
			continue;
		}
		if (forward(in, infid, buf, (size_t)n)) {
			detached = 1;
			break;
		}
	}
	tty_restore();
	if (detached) {
		fprintf(stderr, "\nlpar: detached from '%s'\n", argv[first]);
	} else if (part_status_by_name(argv[first], &st, &err) == 0 && part_status_ended(&st)) {
		fprintf(stderr, "lpar: partition '%s' ended (%s", argv[first], st.state);
		if (!strcmp(st.state, "exited"))
			fprintf(stderr, " %d", st.exit_status);
		fprintf(stderr, ")\n");
	}
	fflush(stdout);
	_exit(0); /* the reader thread may still sit in a blocking read */
}
