/*
 * The debugger session behind lpar attach and lpar run --debug/--gdb: the
 * REPL or the GDB stub on a partition.  Linked into lpar-debug only, so
 * that lpar itself, and every monitor it forks, stays free of the
 * debugger's libraries (capstone, libdw, readline).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

/*
 * Ends what lpar run --debug launched, even after a detach, and waits for
 * its monitor (our child) to clean its run directory away.
 */
static void end_launched(const char *name)
{
	struct lerr err = { 0 };
	struct part *p = NULL;

	if (part_open(name, &p, NULL, &err) == 0) {
		part_ctl(p, "kill", &err);
		part_close(p);
	}
	for (int i = 0; i < 500; i++) {
		pid_t w = waitpid(-1, NULL, WNOHANG);

		if (w < 0 || w > 0)
			break;
		usleep(10000);
	}
}

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

static int attach_session(const struct attach_opts *a)
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

int debugger_attach(const struct attach_opts *a)
{
	struct lerr err = { 0 };
	int r = attach_session(a);

	if (a->launched) {
		end_launched(a->name);
		/* --gdb reads how it ended from its status record, then removes it. */
		if (a->gdb && part_remove(a->name, &err))
			lpar_error("%s", err.msg);
	}
	return r;
}
