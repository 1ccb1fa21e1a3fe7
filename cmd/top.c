/* SPDX-License-Identifier: ISC */
/*
 * lpar top: a refreshing table of the partitions, as top and xl top show
 * processes and domains: state, the monitor's CPU %, exits and hcalls a
 * second, its resident memory, uptime.  Rates come from two samples of
 * each partition's status (exits, hcalls, cpu, rss: docs/control-tree.md);
 * the first sample's are since the partition started.  Keys c e h m n u
 * sort, q quits; -b prints the table each time instead (scripts), -n N
 * stops after N.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "cmd.h"
#include "json.h"

#define TOP_MAX 1024

enum { SEEN_BATCH = 1, SEEN_N = 2, SEEN_DELAY = 4, SEEN_SORT = 8 };

struct row {
	char name[PART_NAME_MAX + 1];
	char state[16], accel[16];
	double cpu_pct, exits_s, hcalls_s, uptime;
	uint64_t rss_kib;
	/* The sample the next rates are taken against. */
	double cpu, at;
	uint64_t exits, hcalls;
	int live, seen;
};

struct top {
	struct row rows[TOP_MAX];
	int n;
	char sort;            /* c e h m n u */
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct row *row_of(struct top *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	if (t->n == TOP_MAX)
		return NULL;
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	snprintf(t->rows[t->n].name, sizeof(t->rows[0].name), "%s", name);
	return &t->rows[t->n++];
}

/* One partition's sample: rates against the one before, else since its start. */
static int sample(void *arg, const char *name)
{
	struct top *t = arg;
	struct part_status st;
	struct lerr err = { 0 };
	struct row *r = row_of(t, name);
	double at = now_s(), dt;

	if (!r || part_status_by_name(name, &st, &err))
		return 0;
	r->seen = 1;
	snprintf(r->state, sizeof(r->state), "%s", st.state);
	snprintf(r->accel, sizeof(r->accel), "%s", st.accel);
	r->uptime = st.uptime;
	r->live = !part_status_ended(&st);
	if (!r->live) {
		r->cpu_pct = r->exits_s = r->hcalls_s = 0;
		r->rss_kib = 0;
		return 0;
	}
	if (r->at > 0 && at > r->at) {
		dt = at - r->at;
		r->cpu_pct = (st.cpu - r->cpu) * 100 / dt;
		r->exits_s = (double)(st.exits - r->exits) / dt;
		r->hcalls_s = (double)(st.hcalls - r->hcalls) / dt;
	} else {
		dt = st.uptime > 0.001 ? st.uptime : 0.001;
		r->cpu_pct = st.cpu * 100 / dt;
		r->exits_s = (double)st.exits / dt;
		r->hcalls_s = (double)st.hcalls / dt;
	}
	r->cpu = st.cpu;
	r->exits = st.exits;
	r->hcalls = st.hcalls;
	r->rss_kib = st.rss_kib;
	r->at = at;
	return 0;
}

static char sort_key;

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double dx, dy;

	switch (sort_key) {
	case 'n':
		return strcmp(x->name, y->name);
	case 'e':
		dx = x->exits_s, dy = y->exits_s;
		break;
	case 'h':
		dx = x->hcalls_s, dy = y->hcalls_s;
		break;
	case 'm':
		dx = (double)x->rss_kib, dy = (double)y->rss_kib;
		break;
	case 'u':
		dx = x->uptime, dy = y->uptime;
		break;
	default:
		dx = x->cpu_pct, dy = y->cpu_pct;
		break;
	}
	/* Largest first; then by name, so the order holds still. */
	return dx < dy ? 1 : dx > dy ? -1 : strcmp(x->name, y->name);
}

/* Takes a sample of every partition; drops those no longer there. */
static int refresh(struct top *t, struct lerr *err)
{
	int k = 0;

	for (int i = 0; i < t->n; i++)
		t->rows[i].seen = 0;
	if (part_foreach(sample, t, err))
		return -1;
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].seen)
			t->rows[k++] = t->rows[i];
	t->n = k;
	sort_key = t->sort;
	qsort(t->rows, (size_t)t->n, sizeof(t->rows[0]), cmp_rows);
	return 0;
}

static void print_table(const struct top *t, int batch)
{
	int running = 0, paused = 0, other = 0;
	char clock[16], rss[32];
	time_t now = time(NULL);
	struct tm tm;

	for (int i = 0; i < t->n; i++) {
		if (!strcmp(t->rows[i].state, "running"))
			running++;
		else if (!strcmp(t->rows[i].state, "paused"))
			paused++;
		else
			other++;
	}
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	printf("lpar top - %s, %d partition%s: %d running, %d paused, %d other%s\n", clock, t->n,
	       t->n == 1 ? "" : "s", running, paused, other,
	       batch ? "" : "  (sort: c e h m n u, q quits)");
	printf("%-20s %-8s %-5s %6s %10s %10s %10s %10s\n", "NAME", "STATE", "ACCEL", "CPU%",
	       "EXITS/s", "HCALLS/s", "RSS", "UPTIME");
	for (int i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		if (r->live)
			num_format_size(r->rss_kib * 1024, rss, sizeof(rss));
		else
			snprintf(rss, sizeof(rss), "-");
		printf("%-20s %-8s %-5s %6.1f %10.0f %10.0f %10s %10.1f\n", r->name, r->state,
		       r->accel, r->cpu_pct, r->exits_s, r->hcalls_s, rss, r->uptime);
	}
}

static void print_json(const struct top *t)
{
	fputs("[", stdout);
	for (int i = 0; i < t->n; i++) {
		const struct row *r = &t->rows[i];

		fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
		json_string(stdout, r->name);
		fputs(", \"state\": ", stdout);
		json_string(stdout, r->state);
		fputs(", \"accel\": ", stdout);
		json_string(stdout, r->accel);
		printf(", \"cpu_pct\": %.1f, \"exits_per_s\": %.0f, \"hcalls_per_s\": %.0f, \"rss_kib\": %llu, \"uptime\": %.3f}",
		       r->cpu_pct, r->exits_s, r->hcalls_s, (unsigned long long)r->rss_kib,
		       r->uptime);
	}
	fputs("]\n", stdout);
}

static struct termios saved_tio;
static int tio_saved;
static volatile sig_atomic_t stop_sig;

static void restore_tty(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = 0;
}

static void on_stop(int signo)
{
	stop_sig = signo;
}

/* Waits up to delay seconds for a key: the key, 0 for none, -1 to quit. */
static int wait_key(double delay, int keys)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	if (stop_sig)
		return -1;
	if (!keys) {
		struct timespec ts = { (time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_sig)
			;
		return stop_sig ? -1 : 0;
	}
	if (poll(&p, 1, (int)(delay * 1000)) > 0 && read(STDIN_FILENO, &c, 1) == 1)
		return c == 'q' ? -1 : c;
	return stop_sig ? -1 : 0;
}

int cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const sorts[] = { "cpu", "exits", "hcalls", "mem", "name", "uptime" };
	const struct cmd *self = cmd_find("top");
	static struct top t;
	double delay = 2;
	uint64_t iterations = 0;
	unsigned seen = 0;
	int c, r, batch = 0, interactive;
	struct lerr err = { 0 };

	opterr = 0;
	optind = 1;
	t.n = 0;
	t.sort = 'c';
	while ((c = getopt_long(argc, argv, "+:bn:d:s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if ((r = opt_once(self, &seen, SEEN_BATCH, "--batch")))
				return r;
			batch = 1;
			break;
		case 'n':
			if ((r = opt_once(self, &seen, SEEN_N, "--iterations")))
				return r;
			if (num_parse_u64(optarg, &iterations) || !iterations)
				return lpar_usage_error(self, "invalid iteration count '%s'", optarg);
			break;
		case 'd': {
			char *end;

			if ((r = opt_once(self, &seen, SEEN_DELAY, "--delay")))
				return r;
			delay = strtod(optarg, &end);
			if (*end || end == optarg || !(delay >= 0.1 && delay <= 3600))
				return lpar_usage_error(self, "invalid delay '%s' (seconds, 0.1 to 3600)",
							optarg);
			break;
		}
		case 's': {
			int k = -1;

			if ((r = opt_once(self, &seen, SEEN_SORT, "--sort")))
				return r;
			for (int i = 0; i < 6; i++)
				if (!strcmp(optarg, sorts[i]))
					k = i;
			if (k < 0)
				return lpar_usage_error(self, "invalid sort key '%s' (cpu, exits, hcalls, mem, name or uptime)",
							optarg);
			t.sort = "cehmnu"[k];
			break;
		}
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return opt_error(self, c, argv);
		}
	}
	if (optind < argc)
		return lpar_usage_error(self, "unexpected argument '%s'", argv[optind]);
	if (lpar_opts.json && !batch)
		return lpar_usage_error(self, "-j needs -b: a refreshing screen has no JSON");
	interactive = !batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	cmd_stop_signals(on_stop);
	if (interactive && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		struct termios raw = saved_tio;

		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tio_saved = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	for (uint64_t i = 0; !iterations || i < iterations; i++) {
		int key;

		if (refresh(&t, &err)) {
			restore_tty();
			lpar_error("%s", err.msg);
			return 1;
		}
		if (lpar_opts.json) {
			print_json(&t);
		} else {
			if (interactive)
				fputs("\033[H\033[2J", stdout);
			else if (i)
				putchar('\n');
			print_table(&t, !interactive);
		}
		if (fflush(stdout) == EOF)
			break;
		if (iterations && i + 1 == iterations)
			break;
		key = wait_key(delay, interactive);
		if (key < 0)
			break;
		if (key && strchr("cehmnu", key))
			t.sort = (char)key;
	}
	restore_tty();
	return 0;
}
