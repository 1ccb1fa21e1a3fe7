/* SPDX-License-Identifier: ISC */
/* lpar attach: option parsing; the session itself runs in lpar-debug (cmd/debugger.c). */
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "cmd.h"

int cmd_attach(int argc, char **argv)
{
	const struct cmd *self = cmd_find("attach");
	struct attach_opts a;
	int seen_batch = 0, seen_gdb = 0, seen_core = 0;

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
		} else if (!strcmp(o, "--core") || !strncmp(o, "--core=", 7)) {
			if (seen_core++)
				return lpar_usage_error(self, "option '--core' given twice");
			if (o[6] == '=')
				a.core = o + 7;
			else if (more)
				a.core = argv[++i];
			else
				return lpar_usage_error(self, "option '--core' needs a value");
			if (!*a.core)
				return lpar_usage_error(self, "option '--core' needs a file");
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			cmd_help_print(self, stdout);
			return 0;
		} else if (o[0] == '-') {
			return lpar_usage_error(self, "unknown option '%s'", o);
		} else if (a.name) {
			/* A second operand: after --core, two images. */
			if (seen_core)
				return lpar_usage_error(self, "one image at a time ('%s' and '%s')",
							a.name, o);
			return lpar_usage_error(self, "one partition at a time ('%s' and '%s')",
						a.name, o);
		} else {
			a.name = o;
		}
	}
	if (a.core) {
		/* With a core, the operand is the image (gdb's "gdb PROGRAM CORE"). */
		if (a.gdb)
			return lpar_usage_error(self, "'--gdb' serves a running partition: it takes no --core");
		a.image = a.name;
		a.name = NULL;
		return debugger_attach(&a);
	}
	if (!a.name)
		return lpar_missing_name(self);
	if (a.gdb && (a.nsteps || a.batch))
		return lpar_usage_error(self, "'--gdb' serves gdb: it takes no -batch, -ex or -x");
	return debugger_attach(&a);
}

/* ---- the session's options as lpar-debug's arguments, and back ---- */

int debugger_args(const struct attach_opts *a, char **argv, int max)
{
	int n = 0;

	if (max < 12 + 2 * a->nsteps)
		return -1;
	if (a->name) {
		argv[n++] = (char *)"--name";
		argv[n++] = (char *)a->name;
	}
	if (a->core) {
		argv[n++] = (char *)"--core";
		argv[n++] = (char *)a->core;
	}
	if (a->batch)
		argv[n++] = (char *)"--batch";
	for (int i = 0; i < a->nsteps; i++) {
		argv[n++] = (char *)(a->steps[i].kind == 'x' ? "--x" : "--ex");
		argv[n++] = (char *)a->steps[i].arg;
	}
	if (a->gdb) {
		argv[n++] = (char *)"--gdb";
		argv[n++] = (char *)a->gdb;
	}
	if (a->launched)
		argv[n++] = (char *)"--launched";
	if (a->console)
		argv[n++] = (char *)"--console";
	if (a->image) {
		argv[n++] = (char *)"--image";
		argv[n++] = (char *)a->image;
	}
	argv[n] = NULL;
	return n;
}

int debugger_parse(int argc, char **argv, struct attach_opts *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--batch"))
			a->batch = 1;
		else if (!strcmp(o, "--launched"))
			a->launched = 1;
		else if (!strcmp(o, "--console"))
			a->console = 1;
		else if (v && !strcmp(o, "--name"))
			a->name = argv[++i];
		else if (v && !strcmp(o, "--gdb"))
			a->gdb = argv[++i];
		else if (v && !strcmp(o, "--core"))
			a->core = argv[++i];
		else if (v && !strcmp(o, "--image"))
			a->image = argv[++i];
		else if (v && (!strcmp(o, "--ex") || !strcmp(o, "--x")) &&
			 a->nsteps < ATTACH_MAX_STEPS) {
			a->steps[a->nsteps].kind = o[2];
			a->steps[a->nsteps++].arg = argv[++i];
		} else
			return -1;
	}
	return a->name || a->core ? 0 : -1;
}
