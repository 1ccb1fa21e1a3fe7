/* SPDX-License-Identifier: ISC */
/* lpar help [COMMAND]: the command list, or one command's help. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

void lpar_main_help(FILE *f);

void lpar_main_help(FILE *f)
{
	fputs("usage: lpar [-j | --json] [-V | --version] [-h | --help] COMMAND [ARG...]\n\n"
	      "Run stand-alone library-OS applications in hardware-isolated partitions.\n\n"
	      "commands:\n", f);
	for (const struct cmd *c = lpar_cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\nglobal options:\n"
	      "  -j, --json      print data as JSON (errors too)\n"
	      "  -V, --version   print the version\n"
	      "  -h, --help      show this help\n\n"
	      "'lpar help COMMAND' or 'lpar COMMAND --help' shows a command's help;\n"
	      "man lpar-COMMAND has the details.\n", f);
}

int cmd_help(int argc, char **argv)
{
	const struct cmd *self = cmd_find("help"), *c;

	if (argc > 2)
		return lpar_usage_error(self, "too many arguments");
	if (argc < 2) {
		lpar_main_help(stdout);
		return 0;
	}
	c = cmd_find(argv[1]);
	if (!c)
		return lpar_usage_error(self, "unknown command '%s'", argv[1]);
	cmd_help_print(c, stdout);
	return 0;
}
