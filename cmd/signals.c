/* SPDX-License-Identifier: ISC */
/* How the commands that wait on a partition take SIGINT, SIGTERM and SIGHUP. */
#include <signal.h>
#include <string.h>

#include "cmd.h"

void cmd_stop_signals(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn; /* no SA_RESTART: a blocking call returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
