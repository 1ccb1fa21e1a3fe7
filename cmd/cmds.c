/* SPDX-License-Identifier: ISC
 * The command table: the one list of subcommands.  Each synopsis is the
 * usage text, the man page's SYNOPSIS and what completions offer; a test
 * keeps them in sync.
 */
#include <stddef.h>
#include <string.h>

#include "cmd.h"

/*
 * lpar-debug links this table for its help texts only (built with
 * CMDS_TEXT_ONLY): no entry names a handler, so none of the commands it
 * does not run is linked into it.
 */
#ifdef CMDS_TEXT_ONLY
#define HANDLER(fn) NULL
#else
#define HANDLER(fn) (fn)
#endif

#define LAUNCH_OPTS \
	"  -m, --mem SIZE      partition memory, e.g. 64M or 1G (default 64M)\n" \
	"  -n, --name NAME     partition name (default: the image's file name, made unique)\n" \
	"      --chan NAME[:RING]\n" \
	"                      join channel NAME through the image's ring RING (repeatable)\n" \
	"  -e, --env NAME=VALUE\n" \
	"                      set an environment variable for the program (repeatable)\n" \
	"      --share HOSTDIR[:GUESTPATH][:ro]\n" \
	"                      let the program use a host directory, at GUESTPATH (default: at\n" \
	"                      HOSTDIR's own absolute path), read-only with :ro (repeatable)\n" \
	"      --share 9p:SOCKET[:ANAME]:GUESTPATH[:ro]\n" \
	"                      let it use what a 9P2000.L server (diod) exports on a Unix socket\n" \
	"      --workdir GUESTPATH\n" \
	"                      the program's working directory (default: the first share's\n" \
	"                      GUESTPATH, else /)\n" \
	"      --core DIR      if it crashes, write a core file DIR/core.NAME.N (default:\n" \
	"                      $LPAR_CORE_DIR, else none)\n" \
	"  -f, --config FILE   read name, mem, image, args, chan, env, share, workdir,\n" \
	"                      core and accel from a config file\n" \
	"      --accel ACCEL   run on kvm (hardware), tcg (a software CPU) or auto: kvm where\n" \
	"                      /dev/kvm opens, else tcg (default: $LPAR_ACCEL, else auto)\n" \
	"      --rm            remove the partition's run directory when it ends\n"

const struct cmd lpar_cmds[] = {
	{
		"run", HANDLER(cmd_run), 0,
		"lpar run [-d | --trace[=FILE]] [--rm] [-f CONFIG] [--mem SIZE]\n"
		"                [--name NAME] [--chan NAME[:RING]]... [--env NAME=VALUE]...\n"
		"                [--share SPEC]... [--workdir GUESTPATH] [--core DIR]\n"
		"                [--accel ACCEL] [--] IMAGE [ARG...]\n"
		"       lpar run (--debug | --gdb ADDR) [--rm] [-f CONFIG] [--mem SIZE]\n"
		"                [--name NAME] [--chan NAME[:RING]]... [--env NAME=VALUE]...\n"
		"                [--share SPEC]... [--workdir GUESTPATH] [--core DIR]\n"
		"                [--accel ACCEL] [--] IMAGE [ARG...]",
		"run a partition: in the foreground, detached with -d, traced, or under the debugger",
		"  -d, --detach        run in a detached monitor and print the partition's name\n"
		"      --debug         start it stopped at its entry point under the debugger (see lpar-attach(1))\n"
		"      --gdb ADDR      start it stopped and serve gdb's remote protocol on [HOST:]PORT or unix:PATH\n"
		"      --trace[=FILE]  show its hcalls and exits from its first instruction on FILE or stderr\n"
		LAUNCH_OPTS
		"  -h, --help          show this help\n",
	},
	{
		"create", HANDLER(cmd_create), 0,
		"lpar create [--rm] [-f CONFIG] [--mem SIZE] [--name NAME]\n"
		"                   [--chan NAME[:RING]]... [--env NAME=VALUE]...\n"
		"                   [--share SPEC]... [--workdir GUESTPATH] [--core DIR]\n"
		"                   [--accel ACCEL] [--] [IMAGE [ARG...]]",
		"load a partition in a detached monitor without starting it; print its name",
		LAUNCH_OPTS
		"  -h, --help          show this help\n",
	},
	{
		"start", HANDLER(cmd_start), 0,
		"lpar start NAME...",
		"start partitions made with lpar create",
		NULL,
	},
	{
		"list", HANDLER(cmd_list), CMD_JSON_OK,
		"lpar list [-a] [--names]",
		"list partitions",
		"  -a, --all           include partitions that have ended\n"
		"      --names         print only the names\n"
		"  -h, --help          show this help\n",
	},
	{
		"status", HANDLER(cmd_status), CMD_JSON_OK,
		"lpar status NAME...",
		"show a partition's state, memory, image, uptime and how it ended",
		NULL,
	},
	{
		"console", HANDLER(cmd_console), 0,
		"lpar console NAME",
		"attach to a partition's console (Ctrl-] detaches)",
		NULL,
	},
	{
		"logs", HANDLER(cmd_logs), 0,
		"lpar logs [-f] [--tail N] NAME...",
		"show partitions' console logs, running or ended; -f follows them until they end",
		"  -f, --follow        after the log, show what comes until the partition ends\n"
		"      --tail N        begin N lines before the end (0: at the end)\n"
		"  -h, --help          show this help\n",
	},
	{
		"pause", HANDLER(cmd_pause), 0,
		"lpar pause NAME...",
		"stop partitions' vCPUs, keeping their state",
		NULL,
	},
	{
		"resume", HANDLER(cmd_resume), 0,
		"lpar resume NAME...",
		"let paused partitions run again",
		NULL,
	},
	{
		"stop", HANDLER(cmd_stop), 0,
		"lpar stop [-t SECONDS] NAME...",
		"ask partitions to shut down; kill them after a timeout",
		"  -t, --timeout SECONDS  how long to wait before killing (default 10)\n"
		"  -h, --help             show this help\n",
	},
	{
		"kill", HANDLER(cmd_kill), 0,
		"lpar kill NAME...",
		"end partitions at once",
		NULL,
	},
	{
		"wait", HANDLER(cmd_wait), CMD_JSON_OK,
		"lpar wait NAME...",
		"wait for partitions to end; exit with the last one's status",
		NULL,
	},
	{
		"rm", HANDLER(cmd_rm), 0,
		"lpar rm [-f] NAME...\n"
		"       lpar rm --ended",
		"remove ended partitions (-f: kill running ones first; --ended: all that ended)",
		"  -f, --force         kill a partition that is still running, then remove it\n"
		"      --ended         remove every ended or gone partition, naming each\n"
		"  -h, --help          show this help\n",
	},
	{
		"attach", HANDLER(cmd_attach), 0,
		"lpar attach [-batch] [-ex COMMAND]... [-x FILE]... NAME\n"
		"       lpar attach --gdb ADDR NAME\n"
		"       lpar attach [-batch] [-ex COMMAND]... [-x FILE]... --core CORE [IMAGE]",
		"debug a running partition with gdb's commands, or serve gdb's remote protocol",
		"  -batch              run the -ex and -x commands, then leave (status 1 if one failed)\n"
		"  -ex COMMAND         run a debugger command (in order with -x; repeatable)\n"
		"  -x FILE             run the debugger commands in FILE\n"
		"      --gdb ADDR      serve gdb's remote protocol on [HOST:]PORT or unix:PATH instead\n"
		"      --core CORE     debug a core file, read-only (IMAGE: the one the core names)\n"
		"  -h, --help          show this help\n",
	},
	{
		"core", HANDLER(cmd_core), 0,
		"lpar core [--force] NAME [FILE]",
		"write a core file of a partition for gdb, pausing it for the moment",
		"  FILE defaults to core.NAME in the current directory; - writes to standard output\n"
		"      --force         replace FILE if it exists\n"
		"  -h, --help          show this help\n",
	},
	{
		"mem", HANDLER(cmd_mem), CMD_JSON_OK,
		"lpar mem [--virt] [--format FMT] NAME read ADDR [LEN]\n"
		"       lpar mem [--virt] [--force] [--format FMT] NAME write ADDR VALUE...\n"
		"       lpar mem [--virt] [--force] NAME write ADDR --file FILE\n"
		"       lpar mem [--virt] NAME dump ADDR LEN -o FILE\n"
		"       lpar mem [--virt] [--force] NAME load FILE ADDR\n"
		"       lpar mem [--virt] NAME find (PATTERN | --string TEXT | --int N [--size N]) [ADDR [LEN]]\n"
		"       lpar mem NAME map\n"
		"       lpar mem NAME sym (ADDR | SYMBOL)\n"
		"       lpar mem --core CORE [--image IMAGE] (read | dump | find | map | sym) ...",
		"read, write, search and map a partition's memory",
		"  ADDR is a number (0x hex or decimal), SYMBOL or SYMBOL+OFF; LEN takes K, M, G\n"
		"      --virt          addresses are virtual, through the vCPU's page tables (partition paused)\n"
		"      --format FMT    read/write as x1, x2, x4, x8 (hex units), d4 (signed), s (string), raw\n"
		"      --force         write to a running partition (else it must be paused or not started)\n"
		"      --file FILE     write the bytes of FILE (- for standard input)\n"
		"  -o, --output FILE   where dump writes (- for standard output)\n"
		"      --string TEXT   find the bytes of TEXT\n"
		"      --int N         find the integer N, little-endian, --size 1, 2, 4 or 8 bytes (default 4)\n"
		"      --size N        the integer's size for --int\n"
		"      --core CORE     read a core file instead of a partition (read, dump, find, sym)\n"
		"      --image IMAGE   the core's image, for symbols (default: the one the core names)\n"
		"  -h, --help          show this help\n",
	},
	{
		"hcall", HANDLER(cmd_hcall), CMD_JSON_OK,
		"lpar hcall --list\n"
		"       lpar hcall NAME CALL [ARG...]",
		"list the hcalls, or issue a controller hcall to a partition",
		"  -l, --list          print the hcall table: numbers, names, arguments, who issues them\n"
		"  -h, --help          show this help\n",
	},
	{
		"trace", HANDLER(cmd_trace), CMD_JSON_OK,
		"lpar trace [-c] [-e hcall=LIST] [-e exit=LIST] [-e 9p[=LIST]] [-o FILE] [--json] NAME",
		"show a partition's hcalls, exits and marks as they happen, like strace",
		"  -c, --summary       count hcalls and 9P requests, their time and errors; print the\n"
		"                      tables at the end\n"
		"  -e, --filter CLASS=LIST\n"
		"                      show only these hcalls (hcall=LIST), exits (exit=LIST) or 9P\n"
		"                      requests by op (9p=LIST); LIST is names, all or none, and a\n"
		"                      leading ! negates (exits: io, hlt, fault, debug)\n"
		"  -e, --filter 9p     show only 9P requests (9p=all, hcalls and exits hidden)\n"
		"  -o, --output FILE   write the trace to FILE instead of standard output\n"
		"      --json          one JSON object per event (as the global -j)\n"
		"  -h, --help          show this help\n",
	},
	{
		"top", HANDLER(cmd_top), CMD_JSON_OK,
		"lpar top [-b] [-n N] [-d SECONDS] [-s KEY]",
		"show partitions' CPU, exits, hcalls and memory, refreshing (q quits)",
		"  -b, --batch         print the table each time instead of redrawing (scripts)\n"
		"  -n, --iterations N  stop after N tables\n"
		"  -d, --delay SECONDS between tables (default 2)\n"
		"  -s, --sort KEY      cpu (default), exits, hcalls, mem, name or uptime\n"
		"  -h, --help          show this help\n",
	},
	{
		"host-check", HANDLER(cmd_host_check), CMD_JSON_OK,
		"lpar host-check",
		"say whether this host can run partitions, and if not why and what to do",
		"  -h, --help          show this help\n",
	},
	{
		"help", HANDLER(cmd_help), 0,
		"lpar help [COMMAND]",
		"show help for lpar or for a command",
		NULL,
	},
	{
		"version", HANDLER(cmd_version), CMD_JSON_OK,
		"lpar version [-v]",
		"print lpar's version and hcall ABI version",
		"  -v, --verbose       also say which accelerators (kvm, tcg) this host can use\n"
		"  -h, --help          show this help\n",
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
