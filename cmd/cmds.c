/*
 * The command table: the one list of subcommands.  Each synopsis is the
 * usage text, the man page's SYNOPSIS and what completions offer; a test
 * keeps them in sync.
 */
#include <stddef.h>
#include <string.h>

#include "cmd.h"

#define LAUNCH_OPTS \
	"  -m, --mem SIZE      partition memory, e.g. 64M or 1G (default 64M)\n" \
	"  -n, --name NAME     partition name (default: the image's file name, made unique)\n" \
	"  -f, --config FILE   read name, mem, image and args from a config file\n" \
	"      --rm            remove the partition's run directory when it ends\n"

const struct cmd lpar_cmds[] = {
	{
		"run", cmd_run, CMD_NEEDS_KVM,
		"lpar run [-d] [--rm] [-f CONFIG] [--mem SIZE] [--name NAME] [--] IMAGE [ARG...]\n"
		"       lpar run (--debug | --gdb ADDR) [--rm] [-f CONFIG] [--mem SIZE] [--name NAME] [--] IMAGE [ARG...]",
		"run a partition: in the foreground, detached with -d, or under the debugger",
		"  -d, --detach        run in a detached monitor and print the partition's name\n"
		"      --debug         start it stopped at its entry point under the debugger (see lpar-attach(1))\n"
		"      --gdb ADDR      start it stopped and serve gdb's remote protocol on [HOST:]PORT or unix:PATH\n"
		LAUNCH_OPTS
		"  -h, --help          show this help\n",
	},
	{
		"create", cmd_create, CMD_NEEDS_KVM,
		"lpar create [--rm] [-f CONFIG] [--mem SIZE] [--name NAME] [--] [IMAGE [ARG...]]",
		"load a partition in a detached monitor without starting it; print its name",
		LAUNCH_OPTS
		"  -h, --help          show this help\n",
	},
	{
		"start", cmd_start, 0,
		"lpar start NAME...",
		"start partitions made with lpar create",
		NULL,
	},
	{
		"list", cmd_list, CMD_JSON_OK,
		"lpar list [-a] [--names]",
		"list partitions",
		"  -a, --all           include partitions that have ended\n"
		"      --names         print only the names\n"
		"  -h, --help          show this help\n",
	},
	{
		"status", cmd_status, CMD_JSON_OK,
		"lpar status NAME...",
		"show a partition's state, memory, image, uptime and how it ended",
		NULL,
	},
	{
		"console", cmd_console, 0,
		"lpar console NAME",
		"attach to a partition's console (Ctrl-] detaches)",
		NULL,
	},
	{
		"pause", cmd_pause, 0,
		"lpar pause NAME...",
		"stop partitions' vCPUs, keeping their state",
		NULL,
	},
	{
		"resume", cmd_resume, 0,
		"lpar resume NAME...",
		"let paused partitions run again",
		NULL,
	},
	{
		"stop", cmd_stop, 0,
		"lpar stop [-t SECONDS] NAME...",
		"ask partitions to shut down; kill them after a timeout",
		"  -t, --timeout SECONDS  how long to wait before killing (default 10)\n"
		"  -h, --help             show this help\n",
	},
	{
		"kill", cmd_kill, 0,
		"lpar kill NAME...",
		"end partitions at once",
		NULL,
	},
	{
		"wait", cmd_wait, CMD_JSON_OK,
		"lpar wait NAME...",
		"wait for partitions to end; exit with the last one's status",
		NULL,
	},
	{
		"rm", cmd_rm, 0,
		"lpar rm [-f] NAME...",
		"remove ended partitions (-f: kill running ones first)",
		"  -f, --force         kill a partition that is still running, then remove it\n"
		"  -h, --help          show this help\n",
	},
	{
		"attach", cmd_attach, 0,
		"lpar attach [-batch] [-ex COMMAND]... [-x FILE]... NAME\n"
		"       lpar attach --gdb ADDR NAME",
		"debug a running partition with gdb's commands, or serve gdb's remote protocol",
		"  -batch              run the -ex and -x commands, then leave (status 1 if one failed)\n"
		"  -ex COMMAND         run a debugger command (in order with -x; repeatable)\n"
		"  -x FILE             run the debugger commands in FILE\n"
		"      --gdb ADDR      serve gdb's remote protocol on [HOST:]PORT or unix:PATH instead\n"
		"  -h, --help          show this help\n",
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
