/* SPDX-License-Identifier: ISC
 * lpar stop: asks partitions to shut down (block() reports
 * LPAR_READY_SHUTDOWN) and kills those still running after the timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../libpart/part.h"
#include "cmd.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ended(const char *name)
{
	enum part_liveness l = part_probe(name);

	return l == PART_ENDED || l == PART_GONE || l == PART_ABSENT;
}

/* Sends "ctl" command cmd to one partition; prints the error, returns 1 on failure. */
static int ctl_one(const char *name, const char *cmd, int quiet_if_ended)
{
	struct lerr err = { 0 };
	struct part *p = NULL;
	int r = part_open(name, &p, NULL, &err);

	if (!r)
		r = part_ctl(p, cmd, &err);
	part_close(p);
	if (r && !(quiet_if_ended && err.code == ESRCH)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	return 0;
}

/*
 * Asks every named partition to shut down at once, then waits for all of
 * them with one deadline and kills those still running when it passes.
 */
static int stop_all(char **names, int n, long timeout)
{
	int status = 0, *asked = calloc((size_t)n, sizeof(int));
	double until = now() + (double)timeout;
	int left;

	if (!asked)
		return 1;
	for (int i = 0; i < n; i++) {
		asked[i] = !ctl_one(names[i], "stop", 0);
		status |= !asked[i];
	}
	do {
		left = 0;
		for (int i = 0; i < n; i++)
			if (asked[i] && !ended(names[i]))
				left++;
		if (left)
			poll(NULL, 0, 20);
	} while (left && now() < until);
	for (int i = 0; i < n; i++) {
		if (!asked[i] || ended(names[i]))
			continue;
		if (ctl_one(names[i], "kill", 1)) {
			status = 1;
			continue;
		}
		fprintf(stderr, "lpar: partition '%s' did not stop within %ld s: killed\n",
			names[i], timeout);
	}
	free(asked);
	return status;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("stop");
	long timeout = 10;
	unsigned seen = 0;
	int c, r, status = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((r = opt_once(self, &seen, 1, "--timeout")))
				return r;
			if (num_parse_int(optarg, 0, 3600, &timeout))
				return lpar_usage_error(self,
					"invalid timeout '%s': expected whole seconds from 0 to 3600",
					optarg);
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return opt_error(self, c, argv);
		}
	}
	if (optind >= argc)
		return lpar_missing_name(self);
	status = stop_all(argv + optind, argc - optind, timeout);
	return status;
}
