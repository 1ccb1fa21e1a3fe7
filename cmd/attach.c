/*
 * lpar attach: the gdb-like debugger on a running partition (debug/), or,
 * with --gdb, a GDB remote stub for it.  Options follow gdb's: -batch,
 * -ex COMMAND, -x FILE, in order.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../debug/console.h"
#include "../debug/gdbstub.h"
#include "../debug/repl.h"
#include "../debug/session.h"
#include "../libpart/part.h"
#include "attach.h"
#include "cmd.h"

/* How a launched partition ended, once it has: lpar run's exit status. */
static int wait_end(const char *name)
{
	struct part_status st;
	struct lerr err = { 0 };
	struct part *p = NULL;
	int r = part_open(name, &p, &st, &err);

	while (!r) {
		r = part_wait_change(p, &st, &err);
		if (!r && part_status_ended(&st))
			break;
	}
	part_close(p);
	if (r && r != -ESRCH) {
		lpar_error("%s", err.msg);
		return EXIT_CRASHED;
	}
	return part_status_code(&st);
}

/*
 * --gdb: listen first, so that a bad address is refused before the
 * partition is touched; then attach and serve one gdb.  What lpar run
 * --gdb launched shows its console on stdout and is waited for: its
 * status is lpar's.
 */
static int serve_gdb(const struct attach_opts *a)
{
	struct dbg_console *cons = NULL;
	struct dbg_target *t = NULL;
	struct lerr err = { 0 };
	char shown[4200];
	int lfd, r;

	signal(SIGPIPE, SIG_IGN);
	if (gdbstub_listen(a->gdb, &lfd, shown, sizeof(shown), &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (dbg_attach(a->name, &t, &err)) {
		gdbstub_unlisten(lfd, shown);
		lpar_error("%s", err.msg);
		return 1;
	}
	if (a->console && dbg_console_open_fd(a->name, STDOUT_FILENO, &cons, &err))
		lpar_error("the partition's console will not be shown: %s", err.msg);
	r = gdbstub_serve_on(t, lfd, shown, &err);
	if (r)
		lpar_error("%s", err.msg);
	dbg_detach(t);
	if (!a->launched) {
		dbg_console_close(cons);
		return r ? 1 : 0;
	}
	r = wait_end(a->name);
	dbg_console_finish(cons);
	return r;
}

static void banner(struct dbg_session *s, const struct attach_opts *a, const struct dbg_event *ev)
{
	char clean[4200];
	const char *path = dbg_image_path(s->t);

	text_sanitize(clean, sizeof(clean), path, strlen(path));
	if (a->launched)
		fprintf(s->out, "Partition '%s' loaded from %s, stopped at its entry point; "
			"'continue' starts it.\n", s->name, clean);
	else
		fprintf(s->out, "Attaching to partition '%s' (monitor process %ld)\n", s->name,
			dbg_pid(s->t));
	fprintf(s->out, "Reading symbols from %s...\n", clean);
	if (ev->kind != DBG_ENDED)
		dbg_session_frame_line(s, ev->rip);
}

int attach_session(const struct attach_opts *a)
{
	struct dbg_session s;
	struct dbg_target *t = NULL;
	struct dbg_event ev;
	struct lerr err = { 0 };
	int status = 0;

	if (a->gdb)
		return serve_gdb(a);
	signal(SIGPIPE, SIG_IGN);
	if (dbg_attach(a->name, &t, &err)) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (dbg_session_init(&s, t, stdout)) {
		lpar_error("cannot start the disassembler (capstone)");
		dbg_detach(t);
		return 1;
	}
	s.launched = a->launched;
	s.interactive = !a->batch && isatty(STDIN_FILENO);
	s.forward_stdin = a->launched && isatty(STDIN_FILENO);
	if (dbg_sigint_setup(&s))
		lpar_error("Ctrl-C will not stop the partition: cannot make a pipe");
	if (a->console && dbg_console_open(s.name, &s.cons, &err))
		lpar_error("the partition's console will not be shown: %s", err.msg);
	/* Where it stands: stopped by our attaching, or already ended. */
	if (dbg_wait(t, &ev, &err)) {
		lpar_error("%s", err.msg);
		status = 1;
		goto out;
	}
	if (!a->batch)
		banner(&s, a, &ev);
	if (ev.kind == DBG_ENDED) {
		dbg_session_report(&s, &ev, 0);
		status = 1;
		goto out;
	}
	for (int i = 0; i < a->nsteps && !s.quit; i++) {
		if (a->steps[i].kind == 'e')
			status |= dbg_session_exec(&s, a->steps[i].arg) ? 1 : 0;
		else
			status |= dbg_script_run(&s, a->steps[i].arg) ? 1 : 0;
	}
	if (!a->batch && !s.quit)
		dbg_repl_run(&s);
	if (s.quit && s.exit_status)
		status = s.exit_status;
out:
	dbg_session_end(&s);
	if (s.cons) {
		dbg_console_drain(s.cons, stdout);
		dbg_console_close(s.cons);
	}
	dbg_session_free(&s);
	return status;
}

int cmd_attach(int argc, char **argv)
{
	const struct cmd *self = cmd_find("attach");
	struct attach_opts a;
	int seen_batch = 0, seen_gdb = 0;

	memset(&a, 0, sizeof(a));
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(o, "--") && more && !a.name && i + 2 == argc) {
			a.name = argv[++i];
		} else if (!strcmp(o, "-batch") || !strcmp(o, "--batch")) {
			if (seen_batch++)
				return lpar_usage_error(self, "option '%s' given twice", o);
			a.batch = 1;
		} else if (!strcmp(o, "-ex") || !strcmp(o, "--ex") || !strcmp(o, "-x") ||
			   !strcmp(o, "--command")) {
			if (!more)
				return lpar_usage_error(self, "option '%s' needs a value", o);
			if (a.nsteps == ATTACH_MAX_STEPS)
				return lpar_usage_error(self, "more than %d commands", ATTACH_MAX_STEPS);
			a.steps[a.nsteps].kind = o[1] == 'x' || !strcmp(o, "--command") ? 'x' : 'e';
			a.steps[a.nsteps++].arg = argv[++i];
		} else if (!strcmp(o, "--gdb") || !strncmp(o, "--gdb=", 6)) {
			if (seen_gdb++)
				return lpar_usage_error(self, "option '--gdb' given twice");
			if (o[5] == '=')
				a.gdb = o + 6;
			else if (more)
				a.gdb = argv[++i];
			else
				return lpar_usage_error(self, "option '--gdb' needs a value");
			if (!*a.gdb)
				return lpar_usage_error(self, "option '--gdb' needs an address");
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			cmd_help_print(self, stdout);
			return 0;
		} else if (o[0] == '-') {
			return lpar_usage_error(self, "unknown option '%s'", o);
		} else if (a.name) {
			return lpar_usage_error(self, "one partition at a time ('%s' and '%s')",
						a.name, o);
		} else {
			a.name = o;
		}
	}
	if (!a.name)
		return lpar_usage_error(self, "no partition named");
	if (a.gdb && (a.nsteps || a.batch))
		return lpar_usage_error(self, "'--gdb' serves gdb: it takes no -batch, -ex or -x");
	return attach_session(&a);
}
