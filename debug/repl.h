/* SPDX-License-Identifier: ISC
 * Reading debugger commands: script files (-x), and the interactive loop
 * with readline (history in the user's state directory, completion of
 * commands, symbols and registers, an empty line repeating the last
 * command) while the partition's console output may arrive.
 */
#ifndef LPAR_DEBUG_REPL_H
#define LPAR_DEBUG_REPL_H

struct dbg_session;

/* Ctrl-C goes to a self-pipe the session polls (s->sigint_fd). */
int dbg_sigint_setup(struct dbg_session *s);

/* Runs a script's commands in order; the first that fails ends it (gdb's -x rule). */
int dbg_script_run(struct dbg_session *s, const char *path);

/* Reads commands until quit or end of input: readline at a terminal, lines otherwise. */
void dbg_repl_run(struct dbg_session *s);

/* Where the history is kept: $XDG_STATE_HOME/lpar/history or ~/.local/state/lpar/history. */
int dbg_history_path(char *buf, unsigned long len);

#endif
