/* SPDX-License-Identifier: ISC
 * The debugger's command table (gdb's names, unique prefixes accepted),
 * the info dispatcher, and the commands that manage the session itself:
 * help, echo, kill, detach, quit.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/err.h"
#include "session.h"

const struct dbg_cmd dbg_cmds[] = {
	{ "awatch", NULL, dbg_cmd_awatch, 0, "awatch EXPR",
	  "stop when EXPR (in memory) is read or written" },
	{ "backtrace", "bt", dbg_cmd_backtrace, DBG_REPEAT, "backtrace [N]",
	  "show the call stack (call frame information, else frame pointers)" },
	{ "break", "b", dbg_cmd_break, 0, "break [FUNC | *ADDR | FILE:LINE | LINE]",
	  "set a breakpoint at a function, an address or a source line (default: here)" },
	{ "continue", "c", dbg_cmd_continue, DBG_REPEAT, "continue",
	  "let the partition run until a breakpoint, watchpoint, trap or its end" },
	{ "delete", "d", dbg_cmd_delete, 0, "delete [N...]",
	  "delete breakpoints and watchpoints (all without N)" },
	{ "detach", NULL, dbg_cmd_detach, 0, "detach",
	  "let the partition run on without the debugger" },
	{ "disassemble", NULL, dbg_cmd_disassemble, DBG_REPEAT,
	  "disassemble [/r] [FUNC | START,END | START,+LEN]",
	  "disassemble a function or a range (default: the function around $pc)" },
	{ "display", NULL, dbg_cmd_display, 0, "display[/FMT] EXPR",
	  "print EXPR (or x/FMT EXPR for i, s or a count) at every stop" },
	{ "echo", NULL, dbg_cmd_echo, 0, "echo TEXT", "print TEXT (\\n for a newline)" },
	{ "finish", "fin", dbg_cmd_finish, 0, "finish",
	  "run until the current function returns to its caller" },
	{ "generate-core-file", "gcore", dbg_cmd_gcore, 0, "generate-core-file [FILE]",
	  "write a core file of the partition as it is now (default: core.NAME)" },
	{ "help", "h", dbg_cmd_help, 0, "help [COMMAND]", "list the commands, or describe one" },
	{ "info", "i", dbg_cmd_info, DBG_REPEAT,
	  "info registers|breakpoints|symbol|frame|vcpus|display ...",
	  "show registers, breakpoints, the symbol at an address, the frame, vCPUs, displays" },
	{ "kill", "k", dbg_cmd_kill, 0, "kill", "end the partition at once" },
	{ "list", "l", dbg_cmd_list, DBG_REPEAT | DBG_REPEAT_BARE, "list [FUNC | FILE:LINE | LINE]",
	  "show ten source lines around a place (default: $pc; again: the next ten)" },
	{ "next", "n", dbg_cmd_next, DBG_REPEAT, "next",
	  "run to the next source line, over calls (needs DWARF line information)" },
	{ "nexti", "ni", dbg_cmd_nexti, DBG_REPEAT, "nexti [N]",
	  "step one instruction, over calls" },
	{ "print", "p", dbg_cmd_print, 0, "print[/FMT] [EXPR]",
	  "print the value of EXPR as $N (formats x d u o t a c)" },
	{ "quit", "q", dbg_cmd_quit, 0, "quit [STATUS]",
	  "leave the debugger; an attached partition runs on" },
	{ "rwatch", NULL, dbg_cmd_rwatch, 0, "rwatch EXPR", "stop when EXPR (in memory) is read" },
	{ "set", NULL, dbg_cmd_set, 0,
	  "set var EXPR = VALUE | set $REG = VALUE | set *(TYPE *)ADDR = VALUE | set disassembly-flavor att|intel",
	  "change memory, registers or a setting" },
	{ "show", NULL, dbg_cmd_show, 0, "show disassembly-flavor|version",
	  "show a setting" },
	{ "step", "s", dbg_cmd_step, DBG_REPEAT, "step",
	  "run to the next source line, into functions that have line information" },
	{ "stepi", "si", dbg_cmd_stepi, DBG_REPEAT, "stepi [N]",
	  "execute N instructions (default 1), into calls" },
	{ "tbreak", NULL, dbg_cmd_tbreak, 0, "tbreak [FUNC | *ADDR | FILE:LINE | LINE]",
	  "set a breakpoint that is deleted when it is hit" },
	{ "undisplay", NULL, dbg_cmd_undisplay, 0, "undisplay [N...]",
	  "stop displaying expressions (all without N)" },
	{ "watch", NULL, dbg_cmd_watch, 0, "watch EXPR",
	  "stop when EXPR (in memory) is written" },
	{ "x", NULL, dbg_cmd_x, DBG_REPEAT | DBG_REPEAT_BARE, "x[/NFU] [ADDR]",
	  "examine memory: N units of size U (b h w g) in format F (x d u o t a c s i)" },
	{ NULL, NULL, NULL, 0, NULL, NULL },
};

const char *const dbg_info_subcmds[] = {
	"breakpoints", "display", "frame", "registers", "symbol", "vcpus", "watchpoints", NULL,
};

const char *const dbg_set_subcmds[] = {
	"var", "variable", "disassembly-flavor", NULL,
};

const struct dbg_cmd *dbg_cmd_find(const char *word, struct lerr *err)
{
	const struct dbg_cmd *found = NULL;
	int n = 0;

	for (const struct dbg_cmd *c = dbg_cmds; c->name; c++)
		if (!strcmp(c->name, word) || (c->alias && !strcmp(c->alias, word)))
			return c;
	for (const struct dbg_cmd *c = dbg_cmds; c->name; c++)
		if (!strncmp(c->name, word, strlen(word))) {
			found = c;
			n++;
		}
	if (n == 1)
		return found;
	if (n > 1) {
		char list[512];
		size_t len = 0;

		for (const struct dbg_cmd *c = dbg_cmds; c->name && len < sizeof(list); c++)
			if (!strncmp(c->name, word, strlen(word)))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							len ? ", " : "", c->name);
		lerr_set(err, EINVAL, "Ambiguous command \"%s\": %s.", word, list);
		return NULL;
	}
	lerr_set(err, ENOENT, "Undefined command: \"%s\".  Try \"help\".", word);
	return NULL;
}

int dbg_cmd_info(struct dbg_session *s, const char *args, struct lerr *err)
{
	static const struct {
		const char *name;
		dbg_cmd_fn fn;
	} sub[] = {
		{ "registers", dbg_info_registers }, { "breakpoints", dbg_info_breakpoints },
		{ "watchpoints", dbg_info_breakpoints }, { "symbol", dbg_info_symbol },
		{ "vcpus", dbg_info_vcpus }, { "display", dbg_info_display },
		{ "frame", dbg_info_frame },
	};
	char word[32];
	size_t n = 0;

	while (args[n] && !isspace((unsigned char)args[n]) && n < sizeof(word) - 1)
		n++;
	memcpy(word, args, n);
	word[n] = '\0';
	args += n;
	while (isspace((unsigned char)*args))
		args++;
	if (!n)
		return lerr_set(err, EINVAL,
				"List of info subcommands: breakpoints, display, frame, registers, symbol, vcpus, watchpoints.");
	/* gdb's short forms first: "i r", "info b". */
	if (!strcmp(word, "r") || !strcmp(word, "reg"))
		return dbg_info_registers(s, args, err);
	if (!strcmp(word, "b") || !strcmp(word, "br"))
		return dbg_info_breakpoints(s, args, err);
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (!strncmp(sub[i].name, word, n))
			return sub[i].fn(s, args, err);
	return lerr_set(err, ENOENT, "Undefined info command: \"%s\".  Try \"help info\".", word);
}

int dbg_cmd_help(struct dbg_session *s, const char *args, struct lerr *err)
{
	if (*args) {
		const struct dbg_cmd *c = dbg_cmd_find(args, err);

		if (!c)
			return -err->code;
		fprintf(s->out, "%s\n  %s%s%s%s.\n", c->usage, c->help, c->alias ? " (short: " : "",
			c->alias ? c->alias : "", c->alias ? ")" : "");
		return 0;
	}
	fprintf(s->out, "Commands (unique prefixes work; an empty line repeats stepi, nexti, x, continue):\n");
	for (const struct dbg_cmd *c = dbg_cmds; c->name; c++)
		fprintf(s->out, "  %-12s %s\n", c->name, c->help);
	fprintf(s->out, "Expressions: numbers, 'c', $reg, $N, $conv, symbols, &sym, *(TYPE *)ADDR,\n"
		"  + - * / %% & | ^ ~ << >> == != < > && || ( ) and =.\n");
	return 0;
}

int dbg_cmd_echo(struct dbg_session *s, const char *args, struct lerr *err)
{
	(void)err;
	for (const char *p = args; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			fputc(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p, s->out);
		} else {
			fputc(*p, s->out);
		}
	}
	return 0;
}

int dbg_cmd_kill(struct dbg_session *s, const char *args, struct lerr *err)
{
	int e = dbg_session_need_live(s, err);

	(void)args;
	if (e)
		return e;
	e = dbg_kill(s->t, err);
	if (e && e != -ESRCH)
		return e;
	fprintf(s->out, "[Partition '%s' killed]\n", s->name);
	dbg_session_drop(s);
	return 0;
}

int dbg_cmd_gcore(struct dbg_session *s, const char *args, struct lerr *err)
{
	char deflt[128], file[4096];
	int e = dbg_session_need_live(s, err);
	size_t n;

	if (e)
		return e;
	while (isspace((unsigned char)*args))
		args++;
	n = strlen(args);
	while (n && isspace((unsigned char)args[n - 1]))
		n--;
	if (n >= sizeof(file))
		return lerr_set(err, ENAMETOOLONG, "file name too long");
	snprintf(deflt, sizeof(deflt), "core.%s", s->name);
	snprintf(file, sizeof(file), "%.*s", (int)n, args);
	e = dbg_gcore(s->t, n ? file : deflt, err);
	if (e)
		return e;
	fprintf(s->out, "Saved corefile %s\n", n ? file : deflt);
	return 0;
}

int dbg_cmd_detach(struct dbg_session *s, const char *args, struct lerr *err)
{
	int e = dbg_session_need(s, err);

	(void)args;
	if (e)
		return e;
	if (dbg_core(s->t)) {
		dbg_session_drop(s);
		fprintf(s->out, "No core file now.\n");
		return 0;
	}
	fprintf(s->out, "Detaching from partition '%s'\n", s->name);
	dbg_session_drop(s);
	fprintf(s->out, "[Partition '%s' detached]\n", s->name);
	return 0;
}

int dbg_cmd_quit(struct dbg_session *s, const char *args, struct lerr *err)
{
	if (*args) {
		struct dbg_value v;
		int e = dbg_session_eval(s, args, &v, err);

		if (e)
			return e;
		s->exit_status = (int)(v.v & 0xff);
	}
	s->quit = 1;
	return 0;
}
