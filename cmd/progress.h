/* SPDX-License-Identifier: ISC */
/*
 * A progress line for work that can take seconds (lpar mem dump and load,
 * lpar core): bytes, rate and time left on standard error, rewritten in
 * place at most five times a second, and a last line with the total and
 * the rate.  Only on a terminal, and only for 1 MiB or more: nothing
 * otherwise, so scripts and logs never see it.
 */
#ifndef LPAR_CMD_PROGRESS_H
#define LPAR_CMD_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *what;       /* "dump", "load", "core" */
	uint64_t total;
	uint64_t t0, last;      /* ns */
	int on;
};

void progress_start(struct progress *p, const char *what, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
/* The last line (if on): what was done, in how long, at what rate. */
void progress_end(struct progress *p, uint64_t done);
/* The work failed: the line goes, so the error that follows stands alone. */
void progress_stop(struct progress *p);

#endif
