/* SPDX-License-Identifier: ISC
 * lpar hcall: the hcall table (--list), and controller hcalls issued to a
 * partition through its control tree's hcall file.  Arguments are checked
 * against the same table the monitor dispatches from before anything is
 * sent.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "../common/hcalls.h"
#include "../common/num.h"
#include "../common/text.h"
#include "../libpart/part.h"
#include "cmd.h"
#include "json.h"

/* The longest text argument: what one line of the hcall file holds. */
#define HCALL_TEXT_MAX 1000

static void list_args_plain(const struct hc_info *h)
{
	size_t n = hc_nargs(h);
	char lo[32], hi[32];

	if (!n)
		printf("-");
	for (size_t i = 0; i < n; i++) {
		char t = hc_type(h, i);

		printf("%s%s (%s", i ? ", " : "", h->args[i], hc_type_name(t));
		if (t == 'u' && h->max[i])
			printf(" %s..%s", hc_bound(h->min[i], lo, sizeof(lo)),
			       hc_bound(h->max[i], hi, sizeof(hi)));
		else if (t == 'u' && h->min[i])
			printf(" >= %s", hc_bound(h->min[i], lo, sizeof(lo)));
		printf(")");
	}
	printf("\n");
}

static void list_args_json(const struct hc_info *h)
{
	size_t n = hc_nargs(h);

	printf("[");
	for (size_t i = 0; i < n; i++) {
		char t = hc_type(h, i);

		printf("%s{\"name\": ", i ? ", " : "");
		json_string(stdout, h->args[i]);
		printf(", \"type\": \"%s\"", hc_type_name(t));
		if (t == 'u' && (h->min[i] || h->max[i]))
			printf(", \"min\": %llu", (unsigned long long)h->min[i]);
		if (t == 'u' && h->max[i])
			printf(", \"max\": %llu", (unsigned long long)h->max[i]);
		printf("}");
	}
	printf("]");
}

static int hcall_list(void)
{
	const char *sep = "";

	if (lpar_opts.json) {
		printf("[");
		for (unsigned nr = 0; nr < LPAR_HC_MAX; nr++) {
			const struct hc_info *h = hc_info(nr);

			if (!h)
				continue;
			printf("%s{\"nr\": %u, \"name\": ", sep, h->nr);
			json_string(stdout, h->name);
			printf(", \"who\": \"%s\", \"args\": ", hc_who(h));
			list_args_json(h);
			printf("}");
			sep = ", ";
		}
		printf("]\n");
		return 0;
	}
	printf("%3s  %-20s %-11s %s\n", "NR", "NAME", "WHO", "ARGUMENTS");
	for (unsigned nr = 0; nr < LPAR_HC_MAX; nr++) {
		const struct hc_info *h = hc_info(nr);

		if (!h)
			continue;
		printf("%3u  %-20s %-11s ", h->nr, h->name, hc_who(h));
		list_args_plain(h);
	}
	return 0;
}

/*
 * A text argument as the hcall file takes it: the rest of one line, with
 * \n and \t for newlines and tabs, and leading blanks kept as "\ " (the
 * line's own blanks there are not part of it).
 */
static int text_arg(const char *s, char *out, size_t len)
{
	size_t n = 0, slen = strlen(s), lead = strspn(s, " "), tail = slen;

	/* The monitor trims unescaped blanks at both ends of the line. */
	while (tail > lead && s[tail - 1] == ' ')
		tail--;

	for (size_t i = 0; i < slen; i++) {
		const char *esc = NULL;
		char c = s[i];

		if (c == '\n')
			esc = "\\n";
		else if (c == '\t')
			esc = "\\t";
		else if (i < lead || i >= tail)
			esc = "\\ ";
		if (n + 3 >= len)
			return -1;
		if (esc) {
			memcpy(out + n, esc, 2);
			n += 2;
		} else {
			out[n++] = c;
		}
	}
	out[n] = '\0';
	return 0;
}

/* Checks the arguments against the table and builds "NAME ARG..." in cmd. */
static int hcall_build(const struct cmd *self, const struct hc_info *h, int argc,
		       char **argv, char *cmd, size_t len)
{
	size_t want = hc_nargs(h), n;
	char lo[32], hi[32], clean[256];

	if ((size_t)argc != want) {
		char names[128] = "";

		for (size_t i = 0; i < want; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? " " : "", h->args[i]);
		if (!want)
			return lpar_usage_error(self, "hcall '%s' takes no arguments, got %d",
						h->name, argc);
		return lpar_usage_error(self, "hcall '%s' takes %zu argument%s (%s), got %d",
					h->name, want, want == 1 ? "" : "s", names, argc);
	}
	n = (size_t)snprintf(cmd, len, "%s", h->name);
	for (size_t i = 0; i < want; i++) {
		char t = hc_type(h, i);
		const char *a = argv[i];
		uint64_t v;
		int r;

		if (t == 't') {
			char esc[2 * HCALL_TEXT_MAX + 8];

			if (strlen(a) > HCALL_TEXT_MAX || text_arg(a, esc, sizeof(esc)))
				return lpar_usage_error(self,
					"argument '%s' of hcall '%s' is too long (%zu bytes; at most %d)",
					h->args[i], h->name, strlen(a), HCALL_TEXT_MAX);
			n += (size_t)snprintf(cmd + n, len - n, " %s", esc);
			continue;
		}
		r = num_parse_u64(a, &v);
		if (r)
			return lpar_usage_error(self,
				"invalid %s '%s' for argument '%s' of hcall '%s': %s",
				hc_type_name(t),
				text_sanitize(clean, sizeof(clean), a, strlen(a)),
				h->args[i], h->name,
				r == -ERANGE ? "too large" : "expected a decimal or 0x hex number");
		if (t == 'u' && (v < h->min[i] || (h->max[i] && v > h->max[i]))) {
			if (h->max[i])
				return lpar_usage_error(self,
					"argument '%s' of hcall '%s' is out of range: %s (allowed: %s..%s)",
					h->args[i], h->name, a,
					hc_bound(h->min[i], lo, sizeof(lo)),
					hc_bound(h->max[i], hi, sizeof(hi)));
			return lpar_usage_error(self,
				"argument '%s' of hcall '%s' is out of range: %s (allowed: at least %s)",
				h->args[i], h->name, a, hc_bound(h->min[i], lo, sizeof(lo)));
		}
		n += (size_t)snprintf(cmd + n, len - n, " %llu", (unsigned long long)v);
	}
	return n < len ? 0 : lpar_usage_error(self, "hcall '%s': arguments too long", h->name);
}

static void errno_text(int e, char *buf, size_t len)
{
	const char *name = strerrorname_np(e);

	snprintf(buf, len, "%s%s%s%s", strerror(e), name ? " (" : "", name ? name : "",
		 name ? ")" : "");
}

/* Prints "ret N" and the key value lines that follow. */
static void hcall_print(const char *partition, const struct hc_info *h, char *res)
{
	char *save = NULL, clean[2048];

	if (lpar_opts.json) {
		printf("{\"partition\": ");
		json_string(stdout, partition);
		printf(", \"hcall\": ");
		json_string(stdout, h->name);
	}
	for (char *line = strtok_r(res, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		text_sanitize(clean, sizeof(clean), line, strlen(line));
		if (!lpar_opts.json) {
			printf("%s\n", clean);
			continue;
		}
		if (!sp)
			continue;
		*sp = '\0';
		printf(", ");
		json_string(stdout, line);
		printf(": ");
		text_sanitize(clean, sizeof(clean), sp + 1, strlen(sp + 1));
		json_value(stdout, clean);
	}
	if (lpar_opts.json)
		printf("}\n");
}

static int hcall_call(const struct cmd *self, int argc, char **argv)
{
	const char *name = argv[0], *call = argv[1];
	const struct hc_info *h = hc_find(call);
	char cmd[2 * HCALL_TEXT_MAX + 64], clean[256], et[128], *res = NULL;
	struct lerr err = { 0 };
	struct part *p = NULL;
	long long ret;
	int r;

	text_sanitize(clean, sizeof(clean), call, strlen(call));
	if (!h)
		return lpar_usage_error(self, "unknown hcall '%s' (see 'lpar hcall --list')",
					clean);
	if (!(h->who & HC_CTL))
		return lpar_usage_error(self,
			"hcall '%s' is issued by a partition, not by a controller (see 'lpar hcall --list')",
			h->name);
	r = hcall_build(self, h, argc - 2, argv + 2, cmd, sizeof(cmd));
	if (r)
		return r;
	if (part_open(name, &p, NULL, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	r = part_hcall(p, cmd, &res, &err);
	if (r == -ESRCH) {
		lpar_error("partition '%s' has ended", name);
	} else if (r < 0 && !err.msg[0]) {
		/* The monitor refused it: its errno is the hcall's result. */
		errno_text(-r, et, sizeof(et));
		lpar_error("hcall '%s' on partition '%s' failed: %s", h->name, name, et);
	} else if (r < 0) {
		lpar_error("%s", err.msg);
	}
	part_close(p);
	if (r < 0)
		return 1;
	ret = strncmp(res, "ret ", 4) ? 0 : strtoll(res + 4, NULL, 10);
	if (ret < 0) {
		free(res);
		errno_text((int)-ret, et, sizeof(et));
		lpar_error("hcall '%s' on partition '%s' failed: %s", h->name, name, et);
		return 1;
	}
	hcall_print(name, h, res);
	free(res);
	return 0;
}

int cmd_hcall(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("hcall");
	unsigned seen = 0;
	int c, r, list = 0;

	opterr = 0;
	optind = 1;
	/* "+": options end at the partition's name; what follows is the hcall's. */
	while ((c = getopt_long(argc, argv, "+lh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if ((r = opt_once(self, &seen, 1, "--list")))
				return r;
			list = 1;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		default:
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (list) {
		if (optind < argc)
			return lpar_usage_error(self, "unexpected argument '%s' after '--list'",
						argv[optind]);
		return hcall_list();
	}
	if (argc - optind < 1)
		return lpar_missing_name(self);
	if (argc - optind < 2)
		return lpar_usage_error(self, "no hcall named (see 'lpar hcall --list')");
	return hcall_call(self, argc - optind, argv + optind);
}
