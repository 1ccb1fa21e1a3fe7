/* SPDX-License-Identifier: ISC */
/* The debugger session shared by lpar attach and lpar run --debug/--gdb. */
#ifndef LPAR_CMD_ATTACH_H
#define LPAR_CMD_ATTACH_H

#define ATTACH_MAX_STEPS 128

struct attach_opts {
	const char *name;
	int batch;                 /* -batch: run the commands, then leave */
	struct {
		char kind;         /* 'e' for -ex CMD, 'x' for -x FILE */
		const char *arg;
	} steps[ATTACH_MAX_STEPS];
	int nsteps;
	const char *gdb;           /* --gdb ADDR: serve gdb instead of the REPL */
	int launched;              /* lpar run --debug: ours to end */
	int console;               /* show the partition's console on stdout */
	const char *image;         /* what it was launched from, for the banner; with core, IMAGE */
	const char *core;          /* --core CORE: a core file instead of a partition */
};

/*
 * Attaches to the partition and runs the session: the commands, then the
 * REPL unless batch; ends a launched partition afterwards.  Returns lpar's
 * exit status (gdb's batch rule: 1 if a command failed); errors are
 * printed.  In lpar this execs lpar-debug (cmd/debugger_exec.c), which
 * runs the session (cmd/debugger.c); it does not return there.
 */
int debugger_attach(const struct attach_opts *a);

/* lpar-debug's argument form of *a, and back (cmd/debugger_exec.c). */
int debugger_args(const struct attach_opts *a, char **argv, int max);
int debugger_parse(int argc, char **argv, struct attach_opts *a);

#endif
