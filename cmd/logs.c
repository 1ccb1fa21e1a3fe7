/* SPDX-License-Identifier: ISC */
/*
 * lpar logs: a partition's console log (console.log in its run directory),
 * running or ended, as docker logs and tail show one: all of it, or its
 * last N lines, and with -f what comes after until the partition ends.
 * Several partitions: each under a "==> NAME <==" header, as tail does.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/rundir.h"
#include "../common/text.h"
#include "cmd.h"

#define CHUNK 65536
#define LOGS_MAX 64
/* How often a follower looks whether the partitions have ended. */
#define LIVENESS_MS 250

enum { SEEN_FOLLOW = 1, SEEN_TAIL = 2 };

struct log {
	const char *name;
	int fd;
	int wd;          /* its inotify watch, or -1 */
	off_t off;       /* read up to here */
	int done;        /* ended and read to its end */
};

static const char *last_shown;

static int put(const char *buf, size_t n)
{
	return fwrite(buf, 1, n, stdout) == n ? 0 : -errno;
}

/* The header before a partition's text when there are several, as tail's. */
static void header(const struct log *l, int many)
{
	if (!many || last_shown == l->name)
		return;
	printf("%s==> %s <==\n", last_shown ? "\n" : "", l->name);
	last_shown = l->name;
}

/* Where the last n lines of the first size bytes of fd begin. */
static off_t tail_start(int fd, off_t size, unsigned long n)
{
	char buf[CHUNK];
	off_t at = size;
	unsigned long lines = 0;

	if (n == 0)
		return size;
	while (at > 0) {
		size_t k = at > CHUNK ? CHUNK : (size_t)at;
		ssize_t got = pread(fd, buf, k, at - (off_t)k);

		if (got != (ssize_t)k)
			return 0;
		for (size_t i = k; i-- > 0;) {
			/* A last line without its newline counts as a line too. */
			if (buf[i] == '\n' && at - (off_t)k + (off_t)i != size - 1 && ++lines == n)
				return at - (off_t)k + (off_t)i + 1;
		}
		at -= (off_t)k;
	}
	return 0;
}

/* Copies what l's file has beyond l->off to stdout; its size then. */
static int copy_new(struct log *l, int many)
{
	char buf[CHUNK];
	struct stat st;
	ssize_t n;
	int e;

	if (fstat(l->fd, &st))
		return -errno;
	if (st.st_size < l->off)
		l->off = 0; /* cut short (the cap at 64 MiB starts it over) */
	while ((n = pread(l->fd, buf, sizeof(buf), l->off)) > 0) {
		header(l, many);
		if ((e = put(buf, (size_t)n)))
			return e;
		l->off += n;
	}
	return n < 0 ? -errno : 0;
}

static int open_log(struct log *l, const char *name, struct lerr *err)
{
	char dir[4096], path[4200], clean[4 * 64 + 1];
	struct stat st;

	l->name = name;
	l->fd = -1;
	l->wd = -1;
	l->off = 0;
	l->done = 0;
	text_sanitize(clean, sizeof(clean), name, strlen(name));
	if (part_probe(name) == PART_ABSENT)
		return lerr_set(err, ENOENT, "no partition named '%s'", clean);
	if (part_dir(name, dir, sizeof(dir), err))
		return -err->code;
	snprintf(path, sizeof(path), "%s/%s", dir, PART_LOG);
	l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (l->fd < 0) {
		if (errno == ENOENT)
			return lerr_set(err, ENOENT, "partition '%s' has no console log yet", clean);
		return lerr_set(err, errno, "cannot read the console log of '%s': %s", clean,
				strerror(errno));
	}
	if (fstat(l->fd, &st) || !S_ISREG(st.st_mode)) {
		close(l->fd);
		l->fd = -1;
		return lerr_set(err, EINVAL, "the console log of '%s' is not a regular file", clean);
	}
	return 0;
}

static int ended(const char *name)
{
	enum part_liveness v = part_probe(name);

	return v == PART_ENDED || v == PART_GONE || v == PART_ABSENT;
}

/* -f: copies what each log gains until every partition has ended. */
static int follow(struct log *logs, int n, int many)
{
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), left = n, e;
	char ev[4096];

	for (int i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", logs[i].fd);
		logs[i].wd = in >= 0 ? inotify_add_watch(in, path, IN_MODIFY) : -1;
	}
	while (left > 0) {
		struct pollfd p = { .fd = in, .events = POLLIN };

		/* Ended first, then read: nothing written before the end is missed. */
		for (int i = 0; i < n; i++) {
			int gone;

			if (logs[i].done)
				continue;
			gone = ended(logs[i].name);
			if ((e = copy_new(&logs[i], many)))
				goto out;
			if (gone) {
				logs[i].done = 1;
				left--;
			}
		}
		fflush(stdout);
		if (left && in >= 0 && poll(&p, 1, LIVENESS_MS) > 0)
			while (read(in, ev, sizeof(ev)) > 0)
				;
		else if (left && in < 0)
			usleep(LIVENESS_MS * 1000);
	}
	e = 0;
out:
	if (in >= 0)
		close(in);
	return e;
}

int cmd_logs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("logs");
	struct log logs[LOGS_MAX];
	unsigned long tail = 0;
	int c, r, n = 0, fol = 0, have_tail = 0, failed = 0;
	unsigned seen = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((r = opt_once(self, &seen, SEEN_FOLLOW, "--follow")))
				return r;
			fol = 1;
			break;
		case 't': {
			uint64_t v;

			if ((r = opt_once(self, &seen, SEEN_TAIL, "--tail")))
				return r;
			if (num_parse_u64(optarg, &v) || v > 1000000000)
				return lpar_usage_error(self, "invalid line count '%s'", optarg);
			tail = (unsigned long)v;
			have_tail = 1;
			break;
		}
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return opt_error(self, c, argv);
		}
	}
	if (optind >= argc)
		return lpar_missing_name(self);
	if (argc - optind > LOGS_MAX)
		return lpar_usage_error(self, "at most %d partitions at once", LOGS_MAX);
	for (int i = optind; i < argc; i++) {
		struct lerr err = { 0, "" };
		struct stat st;

		if (!part_name_valid(argv[i])) {
			char clean[4 * 64 + 1];

			text_sanitize(clean, sizeof(clean), argv[i], strlen(argv[i]));
			return lpar_usage_error(self, "invalid partition name '%s'", clean);
		}
		if (open_log(&logs[n], argv[i], &err)) {
			lpar_error("%s", err.msg);
			failed = 1;
			continue;
		}
		if (have_tail && fstat(logs[n].fd, &st) == 0)
			logs[n].off = tail_start(logs[n].fd, st.st_size, tail);
		n++;
	}
	last_shown = NULL;
	r = 0;
	for (int i = 0; i < n && !r; i++)
		r = copy_new(&logs[i], n + failed > 1);
	if (!r && fol)
		r = follow(logs, n, n + failed > 1);
	if (fflush(stdout) == EOF && !r)
		r = -errno;
	for (int i = 0; i < n; i++)
		close(logs[i].fd);
	if (r == -EPIPE)
		return 0;
	if (r) {
		lpar_error("cannot write the console log: %s", strerror(-r));
		return 1;
	}
	return failed;
}
