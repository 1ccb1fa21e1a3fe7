/* SPDX-License-Identifier: ISC */
/*
 * lpar core: writes an ELF core file of a live partition (running, paused,
 * panicked or stopped in the debugger) that gdb opens beside its image.
 * A running partition is paused for the snapshot, then runs on.  The file
 * appears whole or not at all (common/outfile.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/outfile.h"
#include "../common/rundir.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "cmd.h"

enum { SEEN_FORCE = 1 };

/* Takes the core of p into fd. */
static int core_take(struct part *p, int fd, struct lerr *err)
{
	struct part_core *c = NULL;
	int r;

	r = part_core_open(p, &c, err);
	if (!r)
		r = part_core_write(c, fd, err);
	/* The partition runs on before the file gets its name. */
	part_core_close(c);
	return r;
}

/* Writes the core of p to file by the rules of outfile.h; 0 or the exit status. */
static int core_file(struct part *p, const char *file, const char *shown, int force)
{
	struct lerr err = { 0, "" };
	struct outfile of;
	struct stat sb;
	int r;

	/* Said before the partition is paused for nothing. */
	if (!force && lstat(file, &sb) == 0) {
		lpar_error("cannot write '%s': it exists (--force replaces it)", shown);
		return 1;
	}
	r = outfile_open(&of, file);
	if (r) {
		lpar_error("cannot write '%s': %s", shown, strerror(-r));
		return 1;
	}
	if (core_take(p, of.fd, &err)) {
		outfile_discard(&of);
		lpar_error("cannot write the core of '%s' to '%s': %s", part_name(p), shown,
			   err.msg);
		return 1;
	}
	r = outfile_commit(&of, file, force);
	if (r) {
		outfile_discard(&of);
		if (r == -EEXIST)
			lpar_error("cannot write '%s': it exists (--force replaces it)", shown);
		else
			lpar_error("cannot write '%s': %s", shown, strerror(-r));
		return 1;
	}
	return 0;
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
		return lpar_usage_error(self, "no partition given");
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
	text_sanitize(clean, sizeof(clean), file, strlen(file));

	if (!strcmp(file, "-") && isatty(STDOUT_FILENO)) {
		lpar_error("not writing a core file to a terminal");
		return 1;
	}
	if (part_open(name, &p, NULL, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (strcmp(file, "-")) {
		r = core_file(p, file, clean, force);
	} else if ((r = core_take(p, STDOUT_FILENO, &err))) {
		lpar_error("cannot write the core of '%s': %s", name, err.msg);
		r = 1;
	}
	part_close(p);
	return r;
}
