/* SPDX-License-Identifier: ISC
 * How lpar runs the debugger: it execs lpar-debug with the session's
 * options, so that lpar itself (and every monitor it forks) links none of
 * the debugger's libraries.  lpar-debug is found next to lpar: in the
 * source tree build/lpar-debug, installed ../libexec/lpar/lpar-debug, or
 * wherever $LPAR_DEBUGGER says.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "cmd.h"

static int find_debugger(char *buf, size_t len)
{
	const char *env = getenv("LPAR_DEBUGGER");
	const char *near[] = { "build/lpar-debug", "../libexec/lpar/lpar-debug" };
	char self[PATH_MAX], *dir;
	ssize_t n;

	if (env && *env)
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -ENAMETOOLONG;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -errno;
	self[n] = '\0';
	dir = dirname(self);
	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		snprintf(buf, len, "%s/%s", dir, near[i]);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int debugger_attach(const struct attach_opts *a)
{
	char path[PATH_MAX], *argv[2 * ATTACH_MAX_STEPS + 16];
	int r = find_debugger(path, sizeof(path));

	if (r) {
		lpar_error("cannot find the debugger (lpar-debug) next to lpar: %s; set LPAR_DEBUGGER",
			   strerror(-r));
		return 1;
	}
	argv[0] = path;
	debugger_args(a, argv + 1, (int)(sizeof(argv) / sizeof(argv[0])) - 2);
	fflush(NULL);
	execv(path, argv);
	lpar_error("cannot run the debugger '%s': %s", path, strerror(errno));
	return 1;
}
