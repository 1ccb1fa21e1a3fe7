/* SPDX-License-Identifier: ISC */
/*
 * lpar rm: removes ended partitions' run directories (-f kills running ones
 * first); --ended removes every ended or gone one and names each.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>

#include "../common/err.h"
#include "../common/rundir.h"
#include "../libpart/part.h"
#include "cmd.h"

#define PRUNE_MAX 4096

struct prune {
	char (*names)[PART_NAME_MAX + 1];
	int n;
};

/* Collects the ended and gone: removed after the walk, not during it. */
static int prune_pick(void *arg, const char *name)
{
	struct prune *pr = arg;
	enum part_liveness v = part_probe(name);

	if ((v == PART_ENDED || v == PART_GONE) && pr->n < PRUNE_MAX)
		snprintf(pr->names[pr->n++], PART_NAME_MAX + 1, "%s", name);
	return 0;
}

/* lpar rm --ended: every ended or gone partition, each named as it goes. */
static int prune(void)
{
	static char names[PRUNE_MAX][PART_NAME_MAX + 1];
	struct prune pr = { names, 0 };
	struct lerr err = { 0 };
	int status = 0;

	if (part_foreach(prune_pick, &pr, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	for (int i = 0; i < pr.n; i++) {
		if (part_remove(pr.names[i], &err)) {
			lpar_error("%s", err.msg);
			status = 1;
			continue;
		}
		printf("%s\n", pr.names[i]);
	}
	return status;
}

static int rm_one(const char *name, int force)
{
	struct part_status st = { 0 };
	struct lerr err = { 0 };
	struct part *p = NULL;
	int r;

	/* An ended or gone partition (-ESRCH) is removed below, as without -f. */
	r = force ? part_open(name, &p, &st, &err) : -1;
	if (force && r == -EPERM) {
		/* Its directory or whoever answers there is not to be trusted: leave it be. */
		lpar_error("%s", err.msg);
		return 1;
	}
	if (r == 0) {
		part_ctl(p, "kill", &err);
		part_close(p);
		for (int i = 0; i < 250 && part_probe(name) == PART_LIVE; i++)
			poll(NULL, 0, 20);
	}
	if (part_remove(name, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	const struct cmd *self = cmd_find("rm");
	int i = 1, force = 0, ended = 0, status = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
			if (force)
				return lpar_usage_error(self, "option '%s' given twice", argv[i]);
			force = 1;
		} else if (!strcmp(argv[i], "--ended")) {
			if (ended)
				return lpar_usage_error(self, "option '%s' given twice", argv[i]);
			ended = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_help_print(self, stdout);
			return 0;
		} else {
			return lpar_usage_error(self, "unknown option '%s'", argv[i]);
		}
	}
	if (ended && force)
		return lpar_usage_error(self, "--ended removes only what has ended: it takes no -f");
	if (ended && i < argc)
		return lpar_usage_error(self, "--ended takes no partition names");
	if (ended)
		return prune();
	if (i >= argc)
		return lpar_missing_name(self);
	for (; i < argc; i++)
		status |= rm_one(argv[i], force);
	return status;
}
