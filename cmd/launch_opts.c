/* SPDX-License-Identifier: ISC */
/* Option parsing shared by lpar create and lpar run. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/rundir.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "../hv/hv.h"
#include "launch_opts.h"

/* --env options taken before merging (a name given again replaces the earlier). */
#define ENV_FLAGS_MAX (4 * PART_ENV_MAX)

enum { SEEN_MEM = 1, SEEN_NAME = 2, SEEN_CFG = 4, SEEN_RM = 8, SEEN_DETACH = 16,
       SEEN_DEBUG = 32, SEEN_GDB = 64, SEEN_TRACE = 128, SEEN_ACCEL = 256,
       SEEN_WORKDIR = 512, SEEN_CORE = 1024 };

static int parse_mem(const struct cmd *self, const char *s, uint64_t *out)
{
	int r = num_parse_size(s, out);
	char clean[256];

	if (r)
		return lpar_usage_error(self, "invalid memory size '%s': %s",
					text_sanitize(clean, sizeof(clean), s, strlen(s)),
					r == -ERANGE ? "too large" :
					"expected a number with an optional K, M, G or T suffix");
	return 0;
}

static int check_name(const struct cmd *self, const char *name)
{
	char clean[256];

	if (part_name_valid(name))
		return 0;
	return lpar_usage_error(self,
		"invalid partition name '%s': use 1-%d letters, digits, '.', '_' or '-', starting with a letter or digit",
		text_sanitize(clean, sizeof(clean), name, strlen(name)), PART_NAME_MAX);
}

/*
 * Checks an accelerator's name: from the option where (a usage error with
 * the usage) if self is given, else from the environment variable where.
 */
static int check_accel(const struct cmd *self, const char *name, const char *where)
{
	char clean[64];

	if (hv_accel_valid(name))
		return 0;
	text_sanitize(clean, sizeof(clean), name, strlen(name));
	if (self)
		return lpar_usage_error(self, "invalid accelerator '%s' for %s (kvm, tcg or auto)",
					clean, where);
	lpar_error("invalid accelerator '%s' in %s (kvm, tcg or auto)", clean, where);
	return EXIT_USAGE;
}

/* Ring and channel names: like partition names, at most 31 characters. */
static int chan_word_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 31 || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

/* Adds channel spec "NAME[:RING]" to o->spec's channels. */
static int add_chan(const struct cmd *self, struct launch_opts *o, const char *v)
{
	size_t i = o->spec.nchans;
	char clean[256], *ring;

	if (i == PART_CHANS_MAX)
		return lpar_usage_error(self, "too many channels (at most %d)", PART_CHANS_MAX);
	if (strlen(v) >= PART_CHAN_SPEC_MAX)
		return lpar_usage_error(self, "channel '%s...' is too long",
					text_sanitize(clean, sizeof(clean), v, 40));
	strcpy(o->chanbuf[i], v);
	ring = strchr(o->chanbuf[i], ':');
	if (ring)
		*ring++ = '\0';
	if (!chan_word_valid(o->chanbuf[i]) || (ring && !chan_word_valid(ring)))
		return lpar_usage_error(self,
			"invalid channel '%s': use NAME or NAME:RING, each 1-31 letters, digits, '.', '_' or '-', starting with a letter or digit",
			text_sanitize(clean, sizeof(clean), v, strlen(v)));
	for (size_t j = 0; j < i; j++)
		if (!strcmp(o->chans[j].name, o->chanbuf[i]))
			return lpar_usage_error(self, "channel '%s' given twice", o->chanbuf[i]);
	o->chans[i] = (struct hv_chan_spec){ o->chanbuf[i], ring };
	o->spec.chans = o->chans;
	o->spec.nchans = i + 1;
	return 0;
}

/* Sets NAME=VALUE in o->spec's environment; a later value of a name replaces the earlier. */
static int add_env(const struct cmd *self, struct launch_opts *o, char *v)
{
	char clean[256];
	int r = part_env_set(o->env, &o->spec.envc, v);

	o->spec.envp = o->env;
	if (r == -EINVAL)
		return lpar_usage_error(self,
			"invalid environment variable '%s': use NAME=VALUE, NAME of letters, digits and '_', not starting with a digit",
			text_sanitize(clean, sizeof(clean), v, strlen(v)));
	if (r)
		return lpar_usage_error(self, "too many environment variables (at most %d)",
					PART_ENV_MAX);
	return 0;
}

/* Adds share spec v (from --share) after the config's. */
static int add_share(const struct cmd *self, struct launch_opts *o, const char *v)
{
	struct lerr err = { 0 };
	char clean[256];

	if (!part_share_add(&o->shares, v, &err))
		return 0;
	return lpar_usage_error(self, "invalid --share '%s': %s",
				text_sanitize(clean, sizeof(clean), v, strlen(v)), err.msg);
}

/* Points o->spec at the shares and the working directory, as the monitor takes them. */
static void shares_to_spec(struct launch_opts *o)
{
	for (int i = 0; i < o->shares.n; i++) {
		const struct part_share *s = &o->shares.v[i];

		o->share_specs[i] = (struct hv_share_spec){
			.host = s->host,
			.aname = s->has_aname ? s->aname : NULL,
			.guest = s->guest,
			.relay = s->relay,
			.readonly = s->readonly,
		};
	}
	o->spec.shares = o->shares.n ? o->share_specs : NULL;
	o->spec.nshares = (size_t)o->shares.n;
	o->spec.workdir = o->workdir[0] ? o->workdir : NULL;
}

int launch_shares_check(const struct launch_opts *o, const char *verb)
{
	for (int i = 0; i < o->shares.n; i++) {
		const struct part_share *s = &o->shares.v[i];
		const char *why = NULL;
		char clean[512];
		struct stat sb;

		if (stat(s->host, &sb))
			why = strerror(errno);
		else if (s->relay && !S_ISSOCK(sb.st_mode))
			why = "not a socket";
		else if (!s->relay && !S_ISDIR(sb.st_mode))
			why = strerror(ENOTDIR);
		else if (!s->relay && access(s->host, R_OK | X_OK))
			why = strerror(errno);
		if (why) {
			lpar_error("cannot %s partition: share '%s': %s", verb,
				   text_sanitize(clean, sizeof(clean), s->host, strlen(s->host)), why);
			return EXIT_NOSTART;
		}
	}
	return 0;
}

int launch_core_check(struct launch_opts *o, const char *verb)
{
	const char *why = NULL;
	char clean[512];
	struct stat sb;

	if (!o->core)
		return 0;
	/* A detached monitor writes it later, from wherever: make it absolute now. */
	if (!realpath(o->core, o->core_dir) || stat(o->core_dir, &sb))
		why = strerror(errno);
	else if (!S_ISDIR(sb.st_mode))
		why = strerror(ENOTDIR);
	else if (access(o->core_dir, W_OK | X_OK))
		why = strerror(errno);
	if (why) {
		lpar_error("cannot %s partition: core directory '%s': %s", verb,
			   text_sanitize(clean, sizeof(clean), o->core, strlen(o->core)), why);
		return EXIT_NOSTART;
	}
	o->spec.core_dir = o->core_dir;
	return 0;
}

int launch_name_check(const struct launch_opts *o, const char *verb)
{
	const char *name = o->spec.name;

	if (!name || part_probe(name) != PART_GONE)
		return 0;
	lpar_error("cannot %s partition: partition '%s' is gone (its monitor died); "
		   "'lpar rm %s' removes what it left, console.log included", verb, name, name);
	return EXIT_NOSTART;
}

/* The option getopt stopped at: "-z" from a cluster like "-zq", or "--bogus". */
static const char *bad_opt(char **argv, char *buf)
{
	if (strncmp(argv[optind - 1], "--", 2) && optopt) {
		buf[0] = '-';
		buf[1] = (char)optopt;
		buf[2] = '\0';
		return buf;
	}
	return argv[optind - 1];
}

int launch_opts_parse(const struct cmd *self, int argc, char **argv,
		      int allow_detach, struct launch_opts *o)
{
	char ob[3];
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'f' },
		{ "rm", no_argument, NULL, 'r' },
		{ "detach", no_argument, NULL, 'd' },
		{ "debug", no_argument, NULL, 'D' },
		{ "gdb", required_argument, NULL, 'G' },
		{ "trace", optional_argument, NULL, 'T' },
		{ "chan", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "accel", required_argument, NULL, 'A' },
		{ "share", required_argument, NULL, 'S' },
		{ "workdir", required_argument, NULL, 'W' },
		{ "core", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mem = NULL, *cfgpath = NULL, *env_accel = getenv("LPAR_ACCEL");
	const char *workdir = NULL;
	char *flag_env[ENV_FLAGS_MAX], *flag_share[PART_SHARES_MAX];
	struct lerr err = { 0 };
	unsigned seen = 0;
	int c, r, nflag_env = 0, nflag_share = 0;

	memset(o, 0, sizeof(*o));
	o->spec.mem = HV_MEM_DEFAULT;
	o->spec.kvm_path = lpar_opts.kvm_path;
	opterr = 0;
	optind = 1;
	/* "+": the first operand is the image; what follows is the partition's. */
	while ((c = getopt_long(argc, argv, allow_detach ? "+:m:n:f:e:dh" : "+:m:n:f:e:h",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((r = opt_once(self, &seen, SEEN_MEM, "--mem")))
				return r;
			mem = optarg;
			break;
		case 'n':
			if ((r = opt_once(self, &seen, SEEN_NAME, "--name")) ||
			    (r = check_name(self, optarg)))
				return r;
			o->spec.name = optarg;
			break;
		case 'f':
			if ((r = opt_once(self, &seen, SEEN_CFG, "--config")))
				return r;
			cfgpath = optarg;
			break;
		case 'r':
			if ((r = opt_once(self, &seen, SEEN_RM, "--rm")))
				return r;
			o->spec.rm = 1;
			break;
		case 'd':
			if (!allow_detach)
				return lpar_usage_error(self, "unknown option '-d'");
			if ((r = opt_once(self, &seen, SEEN_DETACH, "--detach")))
				return r;
			o->detach = 1;
			break;
		case 'D':
			if (!allow_detach)
				return lpar_usage_error(self, "unknown option '--debug'");
			if ((r = opt_once(self, &seen, SEEN_DEBUG, "--debug")))
				return r;
			o->debug = 1;
			break;
		case 'G':
			if (!allow_detach)
				return lpar_usage_error(self, "unknown option '--gdb'");
			if ((r = opt_once(self, &seen, SEEN_GDB, "--gdb")))
				return r;
			if (!*optarg)
				return lpar_usage_error(self, "option '--gdb' needs an address");
			o->gdb = optarg;
			break;
		case 'T':
			if (!allow_detach)
				return lpar_usage_error(self, "unknown option '--trace'");
			if ((r = opt_once(self, &seen, SEEN_TRACE, "--trace")))
				return r;
			if (optarg && !*optarg)
				return lpar_usage_error(self, "option '--trace=' needs a file name");
			o->trace = 1;
			o->trace_file = optarg;
			break;
		case 'c':
			if ((r = add_chan(self, o, optarg)))
				return r;
			break;
		case 'A':
			if ((r = opt_once(self, &seen, SEEN_ACCEL, "--accel")) ||
			    (r = check_accel(self, optarg, "--accel")))
				return r;
			o->spec.accel = optarg;
			break;
		case 'S':
			/* The config's shares go first: taken once the config is read. */
			if (nflag_share == PART_SHARES_MAX) {
				char clean[256];

				return lpar_usage_error(self,
					"invalid --share '%s': too many shares (at most %d)",
					text_sanitize(clean, sizeof(clean), optarg, strlen(optarg)),
					PART_SHARES_MAX);
			}
			flag_share[nflag_share++] = optarg;
			break;
		case 'W':
			if ((r = opt_once(self, &seen, SEEN_WORKDIR, "--workdir")))
				return r;
			workdir = optarg;
			break;
		case 'K':
			if ((r = opt_once(self, &seen, SEEN_CORE, "--core")))
				return r;
			if (!*optarg)
				return lpar_usage_error(self, "option '--core' needs a directory");
			o->core = optarg;
			break;
		case 'e':
			if (nflag_env == ENV_FLAGS_MAX)
				return lpar_usage_error(self, "too many --env options (at most %d)",
							ENV_FLAGS_MAX);
			flag_env[nflag_env++] = optarg;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return EXIT_HELP_SHOWN;
		case ':':
			return lpar_usage_error(self, "option '%s' needs a value", bad_opt(argv, ob));
		default:
			return lpar_usage_error(self, "unknown option '%s'", bad_opt(argv, ob));
		}
	}
	if (o->detach && (o->debug || o->gdb))
		return lpar_usage_error(self, "options '--detach' and '%s' cannot be used together",
					o->debug ? "--debug" : "--gdb");
	if (o->trace && (o->detach || o->debug || o->gdb))
		return lpar_usage_error(self, "options '--trace' and '%s' cannot be used together",
					o->detach ? "--detach" : o->debug ? "--debug" : "--gdb");
	/* Checked even where --accel or the config wins: a bad default is a mistake too. */
	if (env_accel && *env_accel && (r = check_accel(NULL, env_accel, "LPAR_ACCEL")))
		return r;
	if (cfgpath) {
		if (part_config_read(cfgpath, hv_accel_valid, &o->cfg, &err)) {
			lpar_error("%s", err.msg);
			return EXIT_USAGE;
		}
		if (!o->spec.name && o->cfg.name[0]) {
			if ((r = check_name(self, o->cfg.name)))
				return r;
			o->spec.name = o->cfg.name;
		}
		if (!mem && o->cfg.mem[0])
			mem = o->cfg.mem;
		if (!o->spec.accel && o->cfg.accel[0])
			o->spec.accel = o->cfg.accel;
		/* --chan replaces the config's channels. */
		for (int i = 0, flags = o->spec.nchans > 0; !flags && i < o->cfg.nchans; i++)
			if ((r = add_chan(self, o, o->cfg.chans[i])))
				return r;
	}
	/* The config's environment first: --env adds to it or overrides it. */
	for (int i = 0; i < o->cfg.nenv; i++)
		if ((r = add_env(self, o, o->cfg.env[i])))
			return r;
	for (int i = 0; i < nflag_env; i++)
		if ((r = add_env(self, o, flag_env[i])))
			return r;
	o->shares = o->cfg.shares;
	for (int i = 0; i < nflag_share; i++)
		if ((r = add_share(self, o, flag_share[i])))
			return r;
	if (workdir) {
		char clean[256];

		if (part_workdir_parse(workdir, o->workdir, sizeof(o->workdir), &err))
			return lpar_usage_error(self, "invalid --workdir '%s': %s",
						text_sanitize(clean, sizeof(clean), workdir,
							      strlen(workdir)), err.msg);
	} else {
		memcpy(o->workdir, o->cfg.workdir, sizeof(o->workdir));
	}
	shares_to_spec(o);
	/* --core, then the config's core, then $LPAR_CORE_DIR. */
	if (!o->core && o->cfg.core[0])
		o->core = o->cfg.core;
	if (!o->core && getenv("LPAR_CORE_DIR") && *getenv("LPAR_CORE_DIR"))
		o->core = getenv("LPAR_CORE_DIR");
	if (mem && (r = parse_mem(self, mem, &o->spec.mem)))
		return r;
	/* --accel, then the config's accel, then $LPAR_ACCEL, then auto. */
	if (!o->spec.accel)
		o->spec.accel = env_accel && *env_accel ? env_accel : "auto";
	if (optind < argc) {
		o->spec.image = argv[optind];
		o->spec.argc = argc - optind;
		o->spec.argv = argv + optind;
	} else if (o->cfg.image[0]) {
		/* argv[0] is the image path, then the config's args. */
		o->cfg_argv[0] = o->cfg.image;
		for (int i = 0; i < o->cfg.nargs; i++)
			o->cfg_argv[i + 1] = o->cfg.args[i];
		o->spec.image = o->cfg.image;
		o->spec.argc = o->cfg.nargs + 1;
		o->spec.argv = o->cfg_argv;
	} else {
		return lpar_usage_error(self, "no image given");
	}
	return 0;
}

int launch_image_open(const struct launch_opts *o, struct elf_image **img)
{
	struct hv_config cfg = { .mem_size = o->spec.mem };
	struct lerr err = { 0 };
	int r;

	*img = NULL;
	r = elf_open(o->spec.image, img, &err);
	if (!r)
		r = hv_check_image(&cfg, *img, &err);
	if (r) {
		char clean[1024];

		lpar_error("cannot load '%s': %s",
			   text_sanitize(clean, sizeof(clean), o->spec.image, strlen(o->spec.image)),
			   err.msg);
		elf_close(*img);
		*img = NULL;
		return EXIT_NOSTART;
	}
	return 0;
}
