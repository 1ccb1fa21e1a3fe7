/* SPDX-License-Identifier: ISC
 * lpar version: lpar's own version, the hcall ABI it speaks and, with -v
 * (and lpar --version), the accelerators this host can use and what the
 * monitor's sandbox can use here (docs/security.md).
 */
#include <getopt.h>
#include <lpar/hcall.h>
#include <stdio.h>
#include <string.h>

#include "../common/text.h"
#include "../hv/hv.h"
#include "cmd.h"
#include "json.h"

#ifndef LPAR_VERSION
#define LPAR_VERSION "0.1.0"
#endif

#define ACCELS_MAX 8

int version_print(int verbose)
{
	struct hv_accel_report acc[ACCELS_MAX];
	char sandbox[128];
	size_t n = 0;
	int landlock = 0;

	if (verbose) {
		landlock = hv_sandbox_probe(sandbox, sizeof(sandbox));
		n = hv_accel_probe(lpar_opts.kvm_path, acc, ACCELS_MAX);
		if (n > ACCELS_MAX)
			n = ACCELS_MAX;
	}
	if (lpar_opts.json) {
		printf("{\"version\": \"%s\", \"abi\": %d", LPAR_VERSION, LPAR_ABI_VERSION);
		if (verbose) {
			fputs(", \"accels\": [", stdout);
			for (size_t i = 0; i < n; i++) {
				fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
				json_string(stdout, acc[i].name);
				printf(", \"usable\": %s, \"detail\": ",
				       acc[i].usable ? "true" : "false");
				json_string(stdout, acc[i].why);
				fputs("}", stdout);
			}
			fputs("]", stdout);
			printf(", \"sandbox\": {\"seccomp\": true, \"landlock\": %s, \"detail\": ",
			       landlock ? "true" : "false");
			json_string(stdout, sandbox);
			fputs("}", stdout);
		}
		fputs("}\n", stdout);
		return 0;
	}
	printf("lpar %s (hcall ABI %d)\n", LPAR_VERSION, LPAR_ABI_VERSION);
	for (size_t i = 0; i < n; i++) {
		char clean[sizeof(acc[i].why) * 4];

		text_sanitize(clean, sizeof(clean), acc[i].why, sizeof(acc[i].why));
		printf("accel %s: %s%s%s\n", acc[i].name,
		       acc[i].usable ? "available" : "unavailable", clean[0] ? ": " : "", clean);
	}
	if (verbose)
		printf("sandbox: %s\n", sandbox);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("version");
	unsigned seen = 0;
	int c, r, verbose = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if ((r = opt_once(self, &seen, 1, "--verbose")))
				return r;
			verbose = 1;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			if (optopt && strncmp(argv[optind - 1], "--", 2))
				return lpar_usage_error(self, "unknown option '-%c'", optopt);
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return lpar_usage_error(self, "unexpected argument '%s'", argv[optind]);
	return version_print(verbose);
}
