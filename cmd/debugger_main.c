/* SPDX-License-Identifier: ISC
 * lpar-debug: the debugger program lpar execs for lpar attach and lpar run
 * --debug/--gdb (cmd/debugger_exec.c), with the session's options in the
 * form debugger_args() writes.  Not meant to be run by hand.
 */
#include <stdio.h>

#include "attach.h"
#include "cmd.h"

int main(int argc, char **argv)
{
	struct attach_opts a;
	int r;

	if (debugger_parse(argc - 1, argv + 1, &a)) {
		fprintf(stderr, "lpar-debug: run by lpar (lpar attach, lpar run --debug)\n");
		return EXIT_USAGE;
	}
	r = debugger_attach(&a);
	if (fflush(stdout) == EOF && !r)
		r = 1;
	return r;
}
