/*
 * The command table: the one list of subcommands.  Each synopsis is the
 * usage text, the man page's SYNOPSIS and what completions offer; a test
 * keeps them in sync.
 */
#include <stddef.h>
#include <string.h>

#include "cmd.h"

const struct cmd lpar_cmds[] = {
	{
		"run", cmd_run, CMD_NEEDS_KVM,
		"lpar run [--mem SIZE] [--name NAME] [--] IMAGE [ARG...]",
		"run a partition in the foreground",
		"  -m, --mem SIZE    partition memory, e.g. 64M or 1G (default 64M)\n"
		"  -n, --name NAME   partition name (default: the image's file name)\n"
		"  -h, --help        show this help\n",
	},
	{
		"help", cmd_help, 0,
		"lpar help [COMMAND]",
		"show help for lpar or for a command",
		NULL,
	},
	{
		"version", cmd_version, CMD_JSON_OK,
		"lpar version",
		"print lpar's version and hcall ABI version",
		NULL,
	},
	{ NULL, NULL, 0, NULL, NULL, NULL },
};

const struct cmd *cmd_find(const char *name)
{
	for (const struct cmd *c = lpar_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
