/* SPDX-License-Identifier: ISC */
/*
 * ctlcmd: writes one command to a partition's ctl file, for tests of
 * commands the lpar CLI has no subcommand for (the monitor's debug-only
 * "sandbox-test ...", tests/sandbox.bats).
 * Usage: ctlcmd NAME COMMAND; prints "ok", or the error and exits 1.
 */
#include <stdio.h>

#include "../../common/err.h"
#include "../../libpart/part.h"

int main(int argc, char **argv)
{
	struct lerr err = { 0 };
	struct part *p = NULL;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: ctlcmd NAME COMMAND\n");
		return 2;
	}
	if (part_open(argv[1], &p, NULL, &err)) {
		fprintf(stderr, "ctlcmd: %s\n", err.msg);
		return 1;
	}
	r = part_ctl(p, argv[2], &err);
	part_close(p);
	if (r) {
		printf("error: %s\n", err.msg);
		return 1;
	}
	printf("ok\n");
	return 0;
}
