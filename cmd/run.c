/*
 * lpar run: runs a partition in this process with the console on stdio
 * (the partition's exit status becomes lpar's), or with -d in a detached
 * monitor, printing its name.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "../hv/hv.h"
#include "attach.h"
#include "launch_opts.h"

/* Stop signals are blocked except while the vCPU runs or blocks. */
static void signals_setup(sigset_t *stop)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hv_on_signal; /* no SA_RESTART: interrupt KVM_RUN */
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGHUP);
	sigprocmask(SIG_BLOCK, stop, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int report(const char *name, const struct hv_outcome *o)
{
	char clean[sizeof(o->reason)];

	switch (o->how) {
	case HV_END_EXIT:
		return o->status & 0xff;
	case HV_END_CRASH:
		lpar_error("partition '%s' crashed: %s", name,
			   text_sanitize(clean, sizeof(clean), o->reason, sizeof(o->reason)));
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
	r = part_spawn(&o->spec, img, name, &err);
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
	r = launch_image_open(&o, &img);
	if (r)
		return r;
	if (o.debug || o.gdb)
		return run_debug(&o, img);
	o.spec.autostart = 1;
	if (o.detach) {
		r = part_spawn(&o.spec, img, name, &err);
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
	r = part_run_here(&o.spec, img, &stop, name, &out, &err);
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
