/* SPDX-License-Identifier: ISC
 * lpar run: runs a partition in this process with the console on stdio
 * (the partition's exit status becomes lpar's), or with -d in a detached
 * monitor, printing its name.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "../hv/hv.h"
#include "attach.h"
#include "launch_opts.h"
#include "trace.h"

/* Stop signals are blocked except while the vCPU runs or blocks. */
static void signals_setup(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGHUP);
	sigprocmask(SIG_BLOCK, stop, NULL);
	cmd_stop_signals(hv_on_signal); /* they interrupt KVM_RUN */
}

/*
 * Console output that could not be written (other than to a closed pipe):
 * said once at the end, and a 0 exit becomes 1, as for any program whose
 * output failed.
 */
static int console_lost(const char *name, int e, int status)
{
	if (!e)
		return status;
	lpar_error("cannot write the console output of partition '%s': %s", name, strerror(e));
	return status ? status : 1;
}

static int report(const char *name, const struct hv_outcome *o)
{
	char clean[sizeof(o->reason) * 4 + sizeof(o->core) * 4];

	if (o->console_errno && o->how != HV_END_EXIT)
		console_lost(name, o->console_errno, 1);
	switch (o->how) {
	case HV_END_EXIT:
		return console_lost(name, o->console_errno, o->status & 0xff);
	case HV_END_CRASH:
		/* With --core, the crash line says where the core went, or why it did not. */
		lpar_error("partition '%s' crashed: %s", name,
			   crash_text(clean, sizeof(clean), o->reason, sizeof(o->reason), o->core,
				      o->core_error));
		return EXIT_CRASHED;
	case HV_END_SIGNAL:
		if (o->signo != SIGPIPE)
			lpar_error("partition '%s' stopped by SIG%s", name,
				   sigabbrev_np(o->signo) ? sigabbrev_np(o->signo) : "NAL");
		return 128 + o->signo;
	case HV_END_KILLED:
		lpar_error("partition '%s' %s", name, o->reason);
		return 128 + SIGKILL;
	}
	return EXIT_CRASHED;
}

/*
 * lpar run --debug and --gdb: a created partition in a monitor of its own
 * that ends with lpar, its console on the terminal, the debugger attached
 * before its first instruction.
 */
static int run_debug(struct launch_opts *o, struct elf_image *img)
{
	char name[PART_NAME_MAX + 1] = "";
	struct attach_opts a;
	struct lerr err = { 0 };
	int r;

	o->spec.autostart = 0;
	/* --gdb reads how it ended from its status record, then removes it. */
	o->spec.rm = !o->gdb;
	o->spec.with_parent = 1;
	r = hv_launch_detached(&o->spec, img, name, &err);
	elf_close(img);
	if (r) {
		lpar_error("cannot start partition: %s", err.msg);
		return EXIT_NOSTART;
	}
	memset(&a, 0, sizeof(a));
	a.name = name;
	a.gdb = o->gdb;
	a.launched = 1;
	a.console = 1;
	a.image = o->spec.image;
	/* Runs the debugger (lpar-debug), which also ends the partition. */
	return debugger_attach(&a);
}

/*
 * lpar run --trace: a created partition in a monitor of its own that ends
 * with lpar, its trace opened before it starts (so the first event is its
 * first hcall), its console on stdio and its trace on FILE or stderr.
 */
static volatile sig_atomic_t traced_pid, traced_sig;

/* A stop signal goes to the monitor, which ends the partition with it. */
static void traced_on_signal(int signo)
{
	traced_sig = signo;
	if (traced_pid)
		kill((pid_t)traced_pid, signo);
}

static int run_traced(struct launch_opts *o, struct elf_image *img)
{
	struct part_status st;
	char name[PART_NAME_MAX + 1] = "";
	char clean[(sizeof(st.reason) + sizeof(st.core)) * 4];
	struct part_cons *cons = NULL;
	struct trace_view v;
	struct part_trace *src = NULL;
	struct lerr err = { 0 };
	struct part *p = NULL;
	FILE *out = stderr;
	int r, status, lost;

	if (o->trace_file && !(out = fopen(o->trace_file, "w"))) {
		int e = errno;

		text_sanitize(clean, sizeof(clean), o->trace_file, strlen(o->trace_file));
		lpar_error("cannot write '%s': %s", clean, strerror(e));
		elf_close(img);
		return EXIT_NOSTART;
	}
	cmd_stop_signals(traced_on_signal);
	o->spec.autostart = 0;
	o->spec.with_parent = 1;
	o->spec.rm = 0; /* its record says how it ended; removed below */
	r = hv_launch_detached(&o->spec, img, name, &err);
	elf_close(img);
	if (!r)
		r = part_trace_open(name, &src, &err);
	if (!r)
		r = part_open(name, &p, NULL, &err);
	if (!r)
		r = part_status(p, &st, &err);
	if (!r) {
		traced_pid = (sig_atomic_t)st.pid;
		if (traced_sig)
			kill((pid_t)st.pid, traced_sig);
		r = part_cons_open(p, STDOUT_FILENO, PART_CONS_KILL_ON_EPIPE | PART_CONS_READ_ON,
				   &cons, &err);
	}
	if (!r)
		r = part_cons_feed(cons, STDIN_FILENO, &err);
	if (!r)
		r = part_ctl(p, "start", &err);
	if (r) {
		if (name[0])
			lpar_error("cannot start partition '%s': %s", name,
				   err.msg[0] ? err.msg : strerror(-r));
		else
			lpar_error("cannot start partition: %s", err.msg);
		part_trace_close(src);
		part_cons_close(cons);
		/* It was made but cannot be watched: end it, leave nothing behind. */
		if (name[0] && (p || part_open(name, &p, NULL, &err) == 0)) {
			if (part_status(p, &st, &err) == 0 && !part_status_ended(&st)) {
				part_ctl(p, "kill", &err);
				waitpid((pid_t)st.pid, NULL, 0);
			}
			part_close(p);
			part_remove(name, &err);
		}
		return EXIT_NOSTART;
	}
	trace_view_init(&v, out);
	r = trace_follow(src, &v, &err);
	part_trace_close(src);
	part_cons_wait(cons); /* the console's last output, then its end */
	lost = part_cons_lost(cons);
	part_cons_close(cons); /* stdin is read no more, whatever it is */
	trace_end_status(name, &v);
	trace_finish(&v);
	if (out != stderr && fclose(out) == EOF)
		lpar_error("cannot write '%s': %s", o->trace_file, strerror(errno));
	part_close(p);
	/* Its monitor is a child of ours: once it is gone, so are its files. */
	waitpid((pid_t)st.pid, NULL, 0);
	part_remove(name, &err);
	if (r < 0 && !v.ended) {
		lpar_error("lost partition '%s': %s", name, err.msg);
		return EXIT_CRASHED;
	}
	if (lost == EPIPE)
		return 128 + SIGPIPE;
	status = part_status_code(&v.end);
	if (!strcmp(v.end.state, "exited"))
		status = console_lost(name, lost, status);
	else if (lost)
		console_lost(name, lost, status);
	/* As lpar run reports an end, unless the trace on stderr said it already. */
	if (out != stderr && !strcmp(v.end.state, "crashed"))
		lpar_error("partition '%s' crashed: %s", name,
			   crash_text(clean, sizeof(clean), v.end.reason, sizeof(v.end.reason),
				      v.end.core, v.end.core_error));
	else if (out != stderr && v.end.signal)
		lpar_error("partition '%s' stopped by SIG%s", name,
			   sigabbrev_np(v.end.signal) ? sigabbrev_np(v.end.signal) : "NAL");
	else if (out != stderr && strcmp(v.end.state, "exited"))
		lpar_error("partition '%s' %s", name, v.end.reason);
	return status;
}

int cmd_run(int argc, char **argv)
{
	const struct cmd *self = cmd_find("run");
	char name[PART_NAME_MAX + 1] = "";
	struct launch_opts o;
	struct elf_image *img;
	struct hv_outcome out;
	struct lerr err = { 0 };
	sigset_t stop;
	int r;

	r = launch_opts_parse(self, argc, argv, 1, &o);
	if (r)
		return r == EXIT_HELP_SHOWN ? 0 : r;
	r = launch_name_check(&o, "start");
	if (!r)
		r = launch_shares_check(&o, "start");
	if (!r)
		r = launch_core_check(&o, "start");
	if (r)
		return r;
	r = launch_image_open(&o, &img);
	if (r)
		return r;
	if (o.debug || o.gdb)
		return run_debug(&o, img);
	if (o.trace)
		return run_traced(&o, img);
	o.spec.autostart = 1;
	if (o.detach) {
		r = hv_launch_detached(&o.spec, img, name, &err);
		elf_close(img);
		if (r) {
			lpar_error("cannot start partition: %s", err.msg);
			return EXIT_NOSTART;
		}
		printf("%s\n", name);
		return 0;
	}
	signals_setup(&stop);
	memset(&out, 0, sizeof(out));
	r = hv_launch_here(&o.spec, img, &stop, name, &out, &err);
	elf_close(img);
	if (r) {
		if (name[0])
			lpar_error("cannot start partition '%s': %s", name, err.msg);
		else
			lpar_error("cannot start partition: %s", err.msg);
		return EXIT_NOSTART;
	}
	return report(name, &out);
}
