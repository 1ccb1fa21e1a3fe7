/* SPDX-License-Identifier: ISC */
/* lpar list: the partitions in the run directory, as a table, names or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../common/err.h"
#include "../common/num.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "cmd.h"
#include "json.h"

struct list_state {
	int all, names, count;
};

static int show(void *arg, const char *name)
{
	struct list_state *ls = arg;
	struct part_status st;
	struct lerr err = { 0 };
	char mem[32], accel[64], clean[1100];

	if (part_status_by_name(name, &st, &err)) {
		if (part_probe(name) == PART_STARTING)
			return 0; /* appears once its monitor is up */
		memset(&st, 0, sizeof(st));
		snprintf(st.name, sizeof(st.name), "%s", name);
		snprintf(st.state, sizeof(st.state), "unknown");
		snprintf(st.reason, sizeof(st.reason), "%s", err.msg);
	}
	if (!ls->all && part_status_ended(&st) && strcmp(st.state, "gone"))
		return 0;
	if (ls->names && lpar_opts.json) {
		printf(ls->count ? ", " : "");
		json_string(stdout, st.name);
	} else if (ls->names) {
		printf("%s\n", st.name);
	} else if (lpar_opts.json) {
		printf(ls->count ? ", " : "");
		json_status(stdout, &st);
	} else {
		printf("%-20s %-8s %8ld %9s %8.1fs  %-5s  %s\n", st.name, st.state, st.pid,
		       num_format_size(st.mem, mem, sizeof(mem)), st.uptime,
		       st.accel[0] ? text_sanitize(accel, sizeof(accel), st.accel,
						   sizeof(st.accel)) : "-",
		       st.image[0] ? text_sanitize(clean, sizeof(clean), st.image,
						   sizeof(st.image)) : "-");
	}
	ls->count++;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "names", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("list");
	struct list_state ls = { 0 };
	char base[4096];
	struct lerr err = { 0 };
	int c, r;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ah", longopts, NULL)) != -1) {
		switch (c) {
		/* Flags: given twice (-a --all, say) is the same as once, as in GNU tools. */
		case 'a':
			ls.all = 1;
			break;
		case 'N':
			ls.names = 1;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return lpar_usage_error(self, "unexpected argument '%s'", argv[optind]);
	/* The run directory checked first: on an error, no header or "[" before it. */
	if (part_rundir(base, sizeof(base), &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (lpar_opts.json)
		printf("[");
	else if (!ls.names) /* even when there is no partition: the columns say what lpar list shows */
		printf("%-20s %-8s %8s %9s %9s  %-5s  %s\n", "NAME", "STATE", "PID", "MEM", "UPTIME",
		       "ACCEL", "IMAGE");
	r = part_foreach(show, &ls, &err);
	if (lpar_opts.json)
		printf("]\n");
	if (r) {
		lpar_error("%s", err.msg);
		return 1;
	}
	return 0;
}
