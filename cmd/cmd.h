/* SPDX-License-Identifier: ISC
 * The command table and what every subcommand shares: flags that do
 * per-command set-up in one place, and the one place errors are printed.
 */
#ifndef LPAR_CMD_H
#define LPAR_CMD_H

#include <stdio.h>

#define CMD_JSON_OK   (1u << 0)  /* honours -j/--json */

/* Exit codes; lpar run adds the partition's own, see lpar-run(1). */
#define EXIT_USAGE     2
#define EXIT_HELP_SHOWN -1 /* internal: --help was printed, exit 0 */
#define EXIT_NOSTART 125
#define EXIT_CRASHED 126

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *synopsis;  /* usage in man-page form, one line per form */
	const char *summary;   /* one line, lowercase, no period */
	const char *options;   /* option lines for --help, or NULL */
};

extern const struct cmd lpar_cmds[];

/* Global options, parsed by main() before the command. */
struct lpar_opts {
	int json;
	const char *kvm_path;  /* $LPAR_KVM_DEVICE or /dev/kvm */
};
extern struct lpar_opts lpar_opts;

const struct cmd *cmd_find(const char *name);
/* Prints a command's full help to f. */
void cmd_help_print(const struct cmd *c, FILE *f);

/* "lpar: <message>" on stderr, or {"error": ...} on stdout in JSON mode. */
void lpar_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A crash's reason (at most rlen bytes) for a line on a terminal, then
 * where its core went (--core) or why none was written, if either is set.
 */
char *crash_text(char *buf, size_t len, const char *reason, size_t rlen, const char *core,
		 const char *core_error);
/* signals.c: fn handles SIGINT, SIGTERM and SIGHUP (interrupting system calls); SIGPIPE is ignored. */
void cmd_stop_signals(void (*fn)(int));
/* A usage error: the message, then "usage: <synopsis>"; returns EXIT_USAGE. */
int lpar_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "lpar CMD: missing partition name", then the usage; returns EXIT_USAGE. */
int lpar_missing_name(const struct cmd *c);

/* Records that option opt was seen; an option given twice is a usage error. */
int opt_once(const struct cmd *c, unsigned *seen, unsigned bit, const char *opt);
/* getopt_long's ':' (a value missing) or anything else (unknown) as a usage error. */
int opt_error(const struct cmd *c, int ch, char **argv);

int cmd_run(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_core(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_mem(int argc, char **argv);
int cmd_hcall(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_host_check(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_top(int argc, char **argv);
/* What 'lpar version' prints; verbose adds the accelerators (-v, lpar --version). */
int version_print(int verbose);

#endif
