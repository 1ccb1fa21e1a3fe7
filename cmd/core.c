/* SPDX-License-Identifier: ISC */
/*
 * lpar core: writes an ELF core file of a live partition (running, paused,
 * panicked or stopped in the debugger) that gdb opens beside its image.
 * A running partition is paused for the snapshot, then runs on.  The file
 * appears whole or not at all (common/outfile.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/rundir.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "cmd.h"
#include "progress.h"

enum { SEEN_FORCE = 1 };

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *pr = arg;

	if (!pr->total)
		progress_start(pr, "core", total);
	progress_update(pr, done);
}

int cmd_core(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("core");
	char deflt[PART_NAME_MAX + 8], clean[4200];
	const char *name, *file;
	struct lerr err = { 0, "" };
	struct progress pr = { .total = 0 };
	const struct part_progress pg = { on_progress, &pr };
	struct part *p = NULL;
	unsigned seen = 0;
	int c, r, force = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if ((r = opt_once(self, &seen, SEEN_FORCE, "--force")))
				return r;
			force = 1;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return lpar_missing_name(self);
	if (argc - optind > 2)
		return lpar_usage_error(self, "too many arguments");
	name = argv[optind];
	if (!part_name_valid(name))
		return lpar_usage_error(self, "invalid partition name '%s'",
					text_sanitize(clean, sizeof(clean), name, strlen(name)));
	snprintf(deflt, sizeof(deflt), "core.%s", name);
	file = optind + 1 < argc ? argv[optind + 1] : deflt;
	if (!*file)
		return lpar_usage_error(self, "empty file name");

	if (!strcmp(file, "-") && isatty(STDOUT_FILENO)) {
		lpar_error("not writing a core file to a terminal");
		return 1;
	}
	if (part_open(name, &p, NULL, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (strcmp(file, "-")) {
		r = part_core_save(p, file, force, &pg, &err);
		if (!r)
			progress_end(&pr, pr.total);
		if (r) {
			progress_stop(&pr);
			lpar_error("%s", err.msg);
			r = 1;
		}
	} else if ((r = part_core_take(p, STDOUT_FILENO, &pg, &err))) {
		progress_stop(&pr);
		lpar_error("cannot write the core of '%s': %s", name, err.msg);
		r = 1;
	}
	part_close(p);
	return r;
}
