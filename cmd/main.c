/* SPDX-License-Identifier: ISC
 * lpar's entry point: global options, then one command from the table.
 * Per-command set-up driven by the table's flags happens here only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"


void lpar_main_help(FILE *f);

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
		if (argv[i][0] != '-')
			return 0; /* the first operand ends the command's options */
	}
	return 0;
}

static int cmd_select(int argc, char **argv)
{
	const struct cmd *c = cmd_find(argv[0]);

	if (!c)
		return lpar_usage_error(NULL, "unknown command '%s' (see 'lpar help')",
					argv[0]);
	if (lpar_opts.json && !(c->flags & CMD_JSON_OK)) {
		lpar_opts.json = 0;
		return lpar_usage_error(c, "'lpar %s' has no JSON output", c->name);
	}
	if (wants_help(argc, argv)) {
		cmd_help_print(c, stdout);
		return 0;
	}
	return c->fn(argc, argv);
}

static int finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "lpar: cannot write output: %s\n",
				strerror(errno));
		return status ? status : 1;
	}
	return status;
}

/*
 * Opens /dev/null on any of fds 0-2 that is closed, so that no file lpar
 * opens later (partition RAM, say) is mistaken for the console.
 */
static void stdfds_sanitize(void)
{
	int fd;

	do {
		fd = open("/dev/null", O_RDWR);
	} while (fd >= 0 && fd <= 2);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	int i, want = 0;

	stdfds_sanitize();
	lpar_opts.kvm_path = getenv("LPAR_KVM_DEVICE");
	if (!lpar_opts.kvm_path || !*lpar_opts.kvm_path)
		lpar_opts.kvm_path = "/dev/kvm";
	/* Global options, in any order; they act once all are read. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json")) {
			if (lpar_opts.json)
				return finish(lpar_usage_error(NULL, "option '%s' given twice", o));
			lpar_opts.json = 1;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			want = want ? want : 'h';
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			want = want ? want : 'V';
		} else if (!strcmp(o, "--list-cmds")) {
			want = want ? want : 'l';
		} else {
			return finish(lpar_usage_error(NULL, "unknown option '%s' (see 'lpar --help')", o));
		}
	}
	switch (want) {
	case 'h':
		lpar_main_help(stdout);
		return finish(0);
	case 'V':
		return finish(version_print(1));
	case 'l':
		/* For completions and the sync test. */
		for (const struct cmd *c = lpar_cmds; c->name; c++)
			puts(c->name);
		return finish(0);
	}
	if (i == argc) {
		lpar_main_help(stderr);
		return EXIT_USAGE;
	}
	return finish(cmd_select(argc - i, argv + i));
}
