/* SPDX-License-Identifier: ISC
 * The partition's console on the debugger's terminal (lpar run --debug):
 * a thread copies the control tree's cons file into a pipe that the REPL
 * drains between prompts, so output and prompt do not tear each other.
 */
#ifndef LPAR_DEBUG_CONSOLE_H
#define LPAR_DEBUG_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

struct lerr;
struct dbg_console;

int dbg_console_open(const char *name, struct dbg_console **out, struct lerr *err);
/* The same, copying straight to out_fd (nothing to drain): for lpar run --gdb. */
int dbg_console_open_fd(const char *name, int out_fd, struct dbg_console **out,
			struct lerr *err);
/* Waits until the partition's console has ended (it has), then closes. */
void dbg_console_finish(struct dbg_console *c);
/* The fd to poll for output, or -1 once the console has ended. */
int dbg_console_fd(const struct dbg_console *c);
/* Copies what output is waiting to out; returns the bytes copied. */
size_t dbg_console_drain(struct dbg_console *c, FILE *out);
/* Sends input to the partition. */
int dbg_console_input(struct dbg_console *c, const void *buf, size_t n);
void dbg_console_close(struct dbg_console *c);

#endif
