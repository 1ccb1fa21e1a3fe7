/* SPDX-License-Identifier: ISC */
/* The one place errors and usage messages are printed. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/text.h"
#include "cmd.h"
#include "json.h"

struct lpar_opts lpar_opts;

__attribute__((format(printf, 1, 0))) static void verror(const char *fmt, va_list ap)
{
	char raw[1024], msg[4096];

	/* Whatever a message quotes, no control byte reaches the terminal. */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	text_sanitize_msg(msg, sizeof(msg), raw);
	if (lpar_opts.json) {
		fputs("{\"error\": ", stdout);
		json_string(stdout, msg);
		fputs("}\n", stdout);
	} else {
		fprintf(stderr, "lpar: %s\n", msg);
	}
}

void lpar_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

static void usage_print(const struct cmd *c)
{
	if (c && !lpar_opts.json)
		fprintf(stderr, "usage: %s\nTry 'lpar %s --help' for more.\n",
			c->synopsis, c->name);
}

int lpar_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	usage_print(c);
	return EXIT_USAGE;
}

int lpar_missing_name(const struct cmd *c)
{
	if (lpar_opts.json) {
		fprintf(stdout, "{\"error\": \"lpar %s: missing partition name\"}\n", c->name);
	} else {
		fprintf(stderr, "lpar %s: missing partition name\n", c->name);
		usage_print(c);
	}
	return EXIT_USAGE;
}

int opt_once(const struct cmd *c, unsigned *seen, unsigned bit, const char *opt)
{
	if (*seen & bit)
		return lpar_usage_error(c, "option '%s' given twice", opt);
	*seen |= bit;
	return 0;
}

int opt_error(const struct cmd *c, int ch, char **argv)
{
	if (ch == ':')
		return lpar_usage_error(c, "option '%s' needs a value", argv[optind - 1]);
	return lpar_usage_error(c, "unknown option '%s'", argv[optind - 1]);
}

void cmd_help_print(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: %s\n\n%s\n", c->synopsis, c->summary);
	if (c->options)
		fprintf(f, "\noptions:\n%s", c->options);
}

char *crash_text(char *buf, size_t len, const char *reason, size_t rlen, const char *core,
		 const char *core_error)
{
	char where[4096 * 4];
	size_t n;

	text_sanitize(buf, len, reason, rlen);
	if (!core[0] && !core_error[0])
		return buf;
	text_sanitize(where, sizeof(where), core[0] ? core : core_error,
		      strlen(core[0] ? core : core_error));
	n = strlen(buf);
	snprintf(buf + n, len - n, core[0] ? "; core dumped to '%s'" : "; no core dumped: %s",
		 where);
	return buf;
}
