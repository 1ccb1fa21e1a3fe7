/* SPDX-License-Identifier: ISC */
/* lpar rm: removes ended partitions' run directories (-f kills running ones first). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "cmd.h"

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
	int i = 1, force = 0, status = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
			if (force)
				return lpar_usage_error(self, "option '%s' given twice", argv[i]);
			force = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_help_print(self, stdout);
			return 0;
		} else {
			return lpar_usage_error(self, "unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		return lpar_missing_name(self);
	for (; i < argc; i++)
		status |= rm_one(argv[i], force);
	return status;
}
