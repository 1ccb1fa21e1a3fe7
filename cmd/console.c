/* SPDX-License-Identifier: ISC
 * lpar console: attaches this terminal to a partition's console.  Recent
 * output is replayed, then output streams; keystrokes are its input.  Any
 * number of viewers may attach; Ctrl-] detaches and never stops the
 * partition.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "names.h"

#define ESCAPE 0x1d /* Ctrl-] */

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

/* Sends input to the console; returns 1 when the escape key asks to detach. */
static int forward(struct part_cons *c, const char *buf, size_t n)
{
	const char *esc = raw ? memchr(buf, ESCAPE, n) : NULL;

	part_cons_input(c, buf, esc ? (size_t)(esc - buf) : n, 1);
	return esc != NULL;
}

int cmd_console(int argc, char **argv)
{
	const struct cmd *self = cmd_find("console");
	int first = names_parse(self, argc, argv), in_open = 1, detached = 0;
	struct part_status st;
	struct lerr err = { 0 };
	struct part_cons *c = NULL;
	struct part *p = NULL;

	if (first <= 0)
		return -first;
	if (argc - first != 1)
		return lpar_usage_error(self, "name one partition");
	if (part_open(argv[first], &p, &st, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (part_cons_open(p, STDOUT_FILENO, 0, &c, &err)) {
		lpar_error("cannot attach to the console of '%s'", argv[first]);
		part_close(p);
		return 1;
	}
	part_close(p);
	tty_raw();
	if (raw)
		fprintf(stderr, "lpar: attached to '%s' (Ctrl-] detaches)\r\n", argv[first]);
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = part_cons_done_fd(c), .events = POLLIN },
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
		if (forward(c, buf, (size_t)n)) {
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
	part_cons_close(c);
	fflush(stdout);
	return 0;
}
