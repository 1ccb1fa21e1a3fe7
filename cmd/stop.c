/*
 * lpar stop: asks partitions to shut down (block() reports
 * LPAR_READY_SHUTDOWN) and kills those still running after the timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
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

/* Polls until the partition has ended or the time is up. */
static int ended_within(const char *name, double secs)
{
	double until = now() + secs;

	do {
		enum part_liveness l = part_probe(name);

		if (l == PART_ENDED || l == PART_GONE || l == PART_ABSENT)
			return 1;
		poll(NULL, 0, 20);
	} while (now() < until);
	return 0;
}

static int stop_one(const char *name, long timeout)
{
	struct lerr err = { 0 };
	struct part *p = NULL;

	if (part_open(name, &p, NULL, &err) || part_ctl(p, "stop", &err)) {
		lpar_error("%s", err.msg);
		part_close(p);
		return 1;
	}
	part_close(p);
	if (ended_within(name, (double)timeout))
		return 0;
	if (part_open(name, &p, NULL, &err) == -ESRCH)
		return 0; /* it ended just now */
	if (!p || part_ctl(p, "kill", &err)) {
		part_close(p);
		if (err.code == ESRCH)
			return 0;
		lpar_error("%s", err.msg);
		return 1;
	}
	part_close(p);
	fprintf(stderr, "lpar: partition '%s' did not stop within %ld s: killed\n",
		name, timeout);
	return 0;
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
		case ':':
			return lpar_usage_error(self, "option '%s' needs a value", argv[optind - 1]);
		default:
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return lpar_usage_error(self, "no partition named");
	for (int i = optind; i < argc; i++)
		status |= stop_one(argv[i], timeout);
	return status;
}
