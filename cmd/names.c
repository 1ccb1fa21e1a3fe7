/* SPDX-License-Identifier: ISC */
/* Argument handling shared by start, pause, resume, kill and the like. */
#include <stdio.h>
#include <string.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "names.h"

int names_parse(const struct cmd *self, int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_help_print(self, stdout);
			return 0;
		}
		return -lpar_usage_error(self, "unknown option '%s'", argv[i]);
	}
	if (i >= argc)
		return -lpar_missing_name(self);
	return i;
}

int names_ctl(const struct cmd *self, int argc, char **argv, const char *cmd)
{
	int first = names_parse(self, argc, argv), status = 0;

	if (first <= 0)
		return -first;
	for (int i = first; i < argc; i++) {
		struct lerr err = { 0 };
		struct part *p = NULL;

		if (part_open(argv[i], &p, NULL, &err) || part_ctl(p, cmd, &err)) {
			lpar_error("%s", err.msg);
			status = 1;
		}
		part_close(p);
	}
	return status;
}
