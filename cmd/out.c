/* The one place errors and usage messages are printed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "json.h"

struct lpar_opts lpar_opts;

__attribute__((format(printf, 1, 0))) static void verror(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
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

int lpar_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (c && !lpar_opts.json)
		fprintf(stderr, "usage: %s\nTry 'lpar %s --help' for more.\n",
			c->synopsis, c->name);
	return EXIT_USAGE;
}

int opt_once(const struct cmd *c, unsigned *seen, unsigned bit, const char *opt)
{
	if (*seen & bit)
		return lpar_usage_error(c, "option '%s' given twice", opt);
	*seen |= bit;
	return 0;
}

void cmd_help_print(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: %s\n\n%s\n", c->synopsis, c->summary);
	if (c->options)
		fprintf(f, "\noptions:\n%s", c->options);
}
