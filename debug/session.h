/* SPDX-License-Identifier: ISC
 * One debugging session of lpar attach: the target, the breakpoints and
 * displays the user made, value history and x's defaults.  The command
 * files (debug/cmd_*.c) work on it; debug/repl.c reads the commands.
 */
#ifndef LPAR_DEBUG_SESSION_H
#define LPAR_DEBUG_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "disasm.h"
#include "expr.h"
#include "format.h"
#include "target.h"

struct lerr;
struct dbg_console;
struct dbg_lines;
struct dbg_unwind;

enum dbg_bp_type { BP_BREAK, BP_WATCH };

struct dbg_bp {
	int num;
	enum dbg_bp_type type;
	int temp;                /* tbreak: deleted when hit */
	uint64_t addr;
	uint64_t len;            /* watchpoints */
	char kind;               /* 'w', 'r', 'a' */
	struct dbg_type vtype;   /* what a watchpoint watches, for its values */
	char what[256];          /* the expression, for messages */
	unsigned hits;
};

struct dbg_display {
	int num;
	char expr[256];
	int is_x;                /* x/FMT form (i, s, or a count or size given) */
	char fmt, size;
	unsigned count;
};

#define DBG_MAX_BPS 128
#define DBG_MAX_DISPLAYS 32

struct dbg_session {
	struct dbg_target *t;    /* NULL once detached, killed or ended */
	char name[80];
	const struct elf_image *img;
	FILE *out;
	struct dbg_disasm *dis;
	struct dbg_xstate xs;
	struct dbg_value *hist;
	size_t nhist, histcap;
	struct dbg_conv conv;
	struct dbg_bp bps[DBG_MAX_BPS];
	size_t nbps;
	int next_bp;
	struct dbg_display disp[DBG_MAX_DISPLAYS];
	size_t ndisp;
	int next_disp;
	int launched;            /* lpar run --debug: quitting ends the partition */
	int quit;                /* a quit command was given */
	int exit_status;         /* quit's status */
	int interactive;         /* readline at a terminal */
	int forward_stdin;       /* stdin goes to the partition's console while it runs */
	int sigint_fd;           /* read end of the SIGINT self-pipe, or -1 */
	struct dbg_console *cons;/* the partition's console on the terminal, or NULL */
	struct dbg_lines *lines; /* the image's DWARF line tables, or NULL */
	struct dbg_unwind *unwind; /* call frame information, for backtrace and finish */
	char list_file[512];     /* where list goes on: its file, an address in it, */
	uint64_t list_addr;      /* and the next line ("" before the first list) */
	int list_next;
};

int dbg_session_init(struct dbg_session *s, struct dbg_target *t, FILE *out);
void dbg_session_free(struct dbg_session *s);
/* Runs one command line; 0, or -1 after printing the error. */
int dbg_session_exec(struct dbg_session *s, const char *line);
/* What the session needs at its end: detaches, or kills what it launched. */
void dbg_session_end(struct dbg_session *s);

/* ---- shared by the command files ---- */

/* The environment expressions evaluate in. */
void dbg_session_expr_env(struct dbg_session *s, struct dbg_expr_env *env);
void dbg_session_fmt_env(struct dbg_session *s, struct dbg_fmt_env *env);
int dbg_session_eval(struct dbg_session *s, const char *expr, struct dbg_value *v,
		     struct lerr *err);
/* An expression used as an address (x, break *, info symbol). */
int dbg_session_addr(struct dbg_session *s, const char *expr, uint64_t *addr,
		     struct lerr *err);
int dbg_session_need(struct dbg_session *s, struct lerr *err);
/* dbg_session_need(), and a target that can run: not a core file. */
int dbg_session_need_live(struct dbg_session *s, struct lerr *err);
int dbg_session_pc(struct dbg_session *s, uint64_t *pc, struct lerr *err);
/* "0x0000000000100010 in main ()", or with line information "main () at f.c:6" and line 6 */
void dbg_session_frame_line(struct dbg_session *s, uint64_t pc);
/* The source line of pc, "6\t  return 0;" (nothing without line information). */
void dbg_session_source_line(struct dbg_session *s, uint64_t pc);
/* "=> 0x100010 <main>:\tpush   %rbx" */
void dbg_session_pc_line(struct dbg_session *s);
void dbg_session_displays(struct dbg_session *s);
int dbg_session_display_one(struct dbg_session *s, const struct dbg_display *d,
			    struct lerr *err);
/* Reports a stop in gdb's words; with step, the "=> " line follows. */
void dbg_session_report(struct dbg_session *s, const struct dbg_event *ev, int step);
/* Resumes (cont, or step n) and waits for the stop, Ctrl-C asking to stop. */
int dbg_session_resume(struct dbg_session *s, int step, unsigned n, struct dbg_event *ev,
		       struct lerr *err);
/* The target is gone (detached, killed, ended): forget it and its breakpoints. */
void dbg_session_drop(struct dbg_session *s);
/* Removes breakpoint or watchpoint b from the target and the session. */
int dbg_bp_remove(struct dbg_session *s, struct dbg_bp *b, struct lerr *err);

/* Command files: one function per command, "args" after the command word. */
typedef int (*dbg_cmd_fn)(struct dbg_session *s, const char *args, struct lerr *err);

struct dbg_cmd {
	const char *name;
	const char *alias;       /* a short form, or NULL */
	dbg_cmd_fn fn;
	unsigned flags;
	const char *usage;
	const char *help;
};
#define DBG_REPEAT      1u   /* an empty line repeats it */
#define DBG_REPEAT_BARE 2u   /* repeated without its operands (x goes on) */

extern const struct dbg_cmd dbg_cmds[];
extern const char *const dbg_info_subcmds[];
extern const char *const dbg_set_subcmds[];
const struct dbg_cmd *dbg_cmd_find(const char *word, struct lerr *err);

int dbg_cmd_print(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_x(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_set(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_show(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_display(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_undisplay(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_disassemble(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_info(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_break(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_tbreak(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_delete(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_watch(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_rwatch(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_awatch(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_continue(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_stepi(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_nexti(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_kill(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_gcore(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_detach(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_quit(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_help(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_echo(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_backtrace(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_finish(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_step(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_next(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_cmd_list(struct dbg_session *s, const char *args, struct lerr *err);

/* info subcommands (debug/cmd_info.c) */
int dbg_info_registers(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_info_breakpoints(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_info_symbol(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_info_vcpus(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_info_display(struct dbg_session *s, const char *args, struct lerr *err);
int dbg_info_frame(struct dbg_session *s, const char *args, struct lerr *err);

/* Registers by gdb's names ($rax, $eax, $pc, $sp, $eflags ...). */
int dbg_session_reg_get(void *ctx, const char *name, struct dbg_value *out,
			struct lerr *err);
int dbg_session_reg_set(void *ctx, const char *name, uint64_t v, struct lerr *err);
/* The names completion offers, NULL-terminated. */
extern const char *const dbg_reg_names[];

#endif
