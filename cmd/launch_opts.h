/* SPDX-License-Identifier: ISC */
/* Options shared by lpar create and lpar run: what to launch and how. */
#ifndef LPAR_CMD_LAUNCH_OPTS_H
#define LPAR_CMD_LAUNCH_OPTS_H

#include "../hv/hv.h"
#include "../libpart/part.h"
#include "cmd.h"

struct launch_opts {
	struct hv_launch spec;
	struct part_config cfg;  /* from -f, if given */
	char *cfg_argv[66];
	int detach;              /* -d */
	int debug;               /* --debug (lpar run only) */
	const char *gdb;         /* --gdb ADDR (lpar run only) */
	int trace;               /* --trace[=FILE] (lpar run only) */
	const char *trace_file;  /* its FILE, or NULL for standard error */
	struct hv_chan_spec chans[PART_CHANS_MAX];   /* --chan NAME[:RING] */
	char chanbuf[PART_CHANS_MAX][PART_CHAN_SPEC_MAX];
	char *env[PART_ENV_MAX]; /* the config's env, then --env NAME=VALUE */
	struct part_shares shares; /* the config's shares, then --share's */
	struct hv_share_spec share_specs[PART_SHARES_MAX];
	char workdir[PART_SHARE_PATH_MAX]; /* --workdir, else the config's; "" for the default */
	const char *core;        /* --core, else the config's, else $LPAR_CORE_DIR; or NULL */
	char core_dir[4096];     /* it, absolute (spec.core_dir) */
};

/*
 * Parses [-f CONFIG] [-m SIZE] [-n NAME] [--chan NAME[:RING]]...
 * [-e NAME=VALUE]... [--share SPEC]... [--workdir PATH] [--core DIR]
 * [--accel ACCEL] [--rm] [-d]
 * [--] [IMAGE [ARG...]]
 * (and, with allow_detach, lpar run's --debug, --gdb ADDR and
 * --trace[=FILE]); flags override the config file, which overrides
 * $LPAR_ACCEL.  Returns 0, or the exit status to use (an error was
 * printed).
 */
int launch_opts_parse(const struct cmd *self, int argc, char **argv,
		      int allow_detach, struct launch_opts *o);
/*
 * Checks that the shares' host directories (or sockets) are there to be
 * opened, so that a missing one is reported before a monitor starts (the
 * monitor checks again).  Prints "cannot VERB partition: share '...': ...".
 * 0 or EXIT_NOSTART.
 */
int launch_shares_check(const struct launch_opts *o, const char *verb);
/*
 * Makes the core directory (--core, core =, $LPAR_CORE_DIR) absolute and
 * checks that it is a directory the monitor can write in, so a crash does
 * not find out too late.  Prints "cannot VERB partition: core directory
 * '...': ...".  0 or EXIT_NOSTART.
 */
int launch_core_check(struct launch_opts *o, const char *verb);
/*
 * Refuses a name whose directory a dead monitor left (a gone partition):
 * its console.log and pid are someone's evidence, taken away only by
 * lpar rm.  Prints "cannot VERB partition: ...".  0 or EXIT_NOSTART.
 */
int launch_name_check(const struct launch_opts *o, const char *verb);
/* Opens and checks the image; prints "cannot load" errors.  0 or EXIT_NOSTART. */
int launch_image_open(const struct launch_opts *o, struct elf_image **img);

#endif
