/*
 * lpar run: runs a partition in this process with the console on stdio;
 * the partition's exit status becomes lpar's.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "../hv/hv.h"
#include "cmd.h"

#define NAME_MAX_LEN 64

enum { SEEN_MEM = 1, SEEN_NAME = 2 };

/* Names: letters, digits, '.', '_', '-'; starting with a letter or digit. */
static int name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

/* The default name: the image's file name without ".elf", made valid. */
static void name_from_image(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n, o = 0;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".elf"))
		n -= 4;
	for (size_t i = 0; i < n && o + 1 < len && o < NAME_MAX_LEN; i++) {
		unsigned char c = (unsigned char)base[i];

		out[o++] = isalnum(c) || strchr("._-", c) ? (char)c : '-';
	}
	out[o] = '\0';
	if (!o || !isalnum((unsigned char)out[0]))
		snprintf(out, len, "partition");
}

static const char *signame(int s)
{
	switch (s) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGPIPE: return "SIGPIPE";
	default: return "a signal";
	}
}

/* Stop signals are blocked except while the vCPU runs or blocks. */
static void signals_setup(sigset_t *stop)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hv_on_signal; /* no SA_RESTART: interrupt KVM_RUN */
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGHUP);
	sigprocmask(SIG_BLOCK, stop, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int report(const char *name, const struct hv_outcome *o)
{
	char clean[sizeof(o->reason)];

	switch (o->how) {
	case HV_END_EXIT:
		return o->status & 0xff;
	case HV_END_CRASH:
		lpar_error("partition '%s' crashed: %s", name,
			   text_sanitize(clean, sizeof(clean), o->reason,
					 sizeof(o->reason)));
		return EXIT_CRASHED;
	case HV_END_SIGNAL:
		if (o->signo != SIGPIPE)
			lpar_error("partition '%s' stopped by %s", name,
				   signame(o->signo));
		return 128 + o->signo;
	}
	return EXIT_CRASHED;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("run");
	struct hv_config cfg = {
		.mem_size = HV_MEM_DEFAULT,
		.console_in = STDIN_FILENO,
		.console_out = STDOUT_FILENO,
		.ram_fd = -1,
		.kvm_path = lpar_opts.kvm_path,
	};
	char defname[NAME_MAX_LEN + 1];
	const char *name = NULL, *image;
	struct elf_image *img = NULL;
	struct hv_outcome out;
	struct lerr err = { 0 };
	struct hv *hv = NULL;
	unsigned seen = 0;
	int c, r;

	opterr = 0;
	optind = 1;
	/* "+": the first operand is the image; what follows is the partition's. */
	while ((c = getopt_long(argc, argv, "+:m:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if ((r = opt_once(self, &seen, SEEN_MEM, "--mem")))
				return r;
			r = num_parse_size(optarg, &cfg.mem_size);
			if (r)
				return lpar_usage_error(self,
					"invalid memory size '%s': %s", optarg,
					r == -ERANGE ? "too large" :
					"expected a number with an optional K, M, G or T suffix");
			break;
		case 'n':
			if ((r = opt_once(self, &seen, SEEN_NAME, "--name")))
				return r;
			name = optarg;
			if (!name_valid(name)) {
				char clean[256];

				return lpar_usage_error(self,
					"invalid partition name '%s': use 1-%d letters, digits, '.', '_' or '-', starting with a letter or digit",
					text_sanitize(clean, sizeof(clean), name, strlen(name)),
					NAME_MAX_LEN);
			}
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		case ':':
			return lpar_usage_error(self, "option '%s' needs a value",
						argv[optind - 1]);
		default:
			return lpar_usage_error(self, "unknown option '%s'",
						argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return lpar_usage_error(self, "no image given");
	image = argv[optind];
	if (!name) {
		name_from_image(image, defname, sizeof(defname));
		name = defname;
	}
	cfg.name = name;
	cfg.argc = argc - optind;
	cfg.argv = argv + optind;

	r = elf_open(image, &img, &err);
	if (!r)
		r = hv_check_image(&cfg, img, &err);
	if (r) {
		lpar_error("cannot load '%s': %s", image, err.msg);
		elf_close(img);
		return EXIT_NOSTART;
	}
	signals_setup(&cfg.stop_signals);
	r = hv_create(&cfg, img, &hv, &err);
	if (r) {
		lpar_error("cannot start partition '%s': %s", name, err.msg);
		elf_close(img);
		return EXIT_NOSTART;
	}
	r = hv_run(hv, &out, &err);
	hv_destroy(hv);
	elf_close(img);
	if (r) {
		lpar_error("partition '%s' failed: %s", name, err.msg);
		return EXIT_CRASHED;
	}
	return report(name, &out);
}
