/* SPDX-License-Identifier: ISC */
/* The command loop: readline's callback interface beside the console and Ctrl-C. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "../common/err.h"
#include "../common/infile.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "console.h"
#include "repl.h"
#include "session.h"

#define PROMPT "(lpar) "

static int sigint_w = -1;

static void on_sigint(int sig)
{
	int saved = errno;

	(void)sig;
	if (sigint_w >= 0 && write(sigint_w, "", 1) < 0)
		errno = saved;
	errno = saved;
}

int dbg_sigint_setup(struct dbg_session *s)
{
	struct sigaction sa;
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	sigint_w = p[1];
	s->sigint_fd = p[0];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	return 0;
}

int dbg_script_run(struct dbg_session *s, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	int status = 0;
	struct lerr err = { 0 };
	char clean[512];
	int fd = infile_open(path, &err);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");

	if (!f) {
		if (fd >= 0) {
			close(fd);
			lerr_set(&err, ENOMEM, "%s", strerror(ENOMEM));
		}
		fprintf(stderr, "%s: %s.\n", text_sanitize(clean, sizeof(clean), path, strlen(path)),
			err.msg);
		return -1;
	}
	while (!s->quit && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (dbg_session_exec(s, line)) {
			status = -1;
			break;
		}
	}
	if (!status && ferror(f)) {
		fprintf(stderr, "%s: %s.\n", text_sanitize(clean, sizeof(clean), path, strlen(path)),
			strerror(errno));
		status = -1;
	}
	free(line);
	fclose(f);
	return status;
}

/* ---- history ---- */

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

int dbg_history_path(char *buf, unsigned long len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (state && state[0] == '/')
		snprintf(buf, len, "%s/lpar/history", state);
	else if (home && home[0])
		snprintf(buf, len, "%s/.local/state/lpar/history", home);
	else
		return -ENOENT;
	return 0;
}

/* ---- completion ---- */

static struct dbg_session *cur;

enum what { W_CMDS, W_INFO, W_SET, W_FLAVOR, W_REGS, W_SYMS };
static enum what completing;

static char *generate(const char *text, int state)
{
	static size_t i, len;
	static int sub; /* registers then convenience variables */

	if (!state) {
		i = 0;
		sub = 0;
		len = strlen(text);
	}
	switch (completing) {
	case W_CMDS:
		while (dbg_cmds[i].name) {
			const char *n = dbg_cmds[i++].name;

			if (!strncmp(n, text, len))
				return strdup(n);
		}
		return NULL;
	case W_INFO:
	case W_SET:
	case W_FLAVOR: {
		static const char *const flavors[] = { "att", "intel", NULL };
		const char *const *list = completing == W_INFO ? dbg_info_subcmds :
					  completing == W_SET ? dbg_set_subcmds : flavors;

		while (list[i]) {
			const char *n = list[i++];

			if (!strncmp(n, text, len))
				return strdup(n);
		}
		return NULL;
	}
	case W_REGS:
		while (!sub && dbg_reg_names[i]) {
			const char *n = dbg_reg_names[i++];

			if (!strncmp(n, text + 1, len - 1)) {
				char *m = malloc(strlen(n) + 2);

				if (m)
					sprintf(m, "$%s", n);
				return m;
			}
		}
		if (!sub) {
			sub = 1;
			i = 0;
		}
		while (i < cur->conv.n) {
			const char *n = cur->conv.vars[i++].name;

			if (!strncmp(n, text + 1, len - 1)) {
				char *m = malloc(strlen(n) + 2);

				if (m)
					sprintf(m, "$%s", n);
				return m;
			}
		}
		return NULL;
	case W_SYMS:
		while (cur->img && i < cur->img->nsyms) {
			const struct elf_sym *s = &cur->img->syms[i++];

			/* Aliases share an address; names may repeat: offer each once. */
			if (!strncmp(s->name, text, len) &&
			    (i < 2 || strcmp(cur->img->syms[i - 2].name, s->name)))
				return strdup(s->name);
		}
		return NULL;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char first[32] = "", second[32] = "", before[1024], *save = NULL, *w;
	int words = 0;

	(void)end;
	rl_attempted_completion_over = 1; /* never file names */
	/* The words before the one being completed. */
	snprintf(before, sizeof(before), "%.*s", start, rl_line_buffer);
	for (w = strtok_r(before, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (words == 0)
			snprintf(first, sizeof(first), "%s", w);
		else if (words == 1)
			snprintf(second, sizeof(second), "%s", w);
		words++;
	}
	if (words == 0)
		completing = W_CMDS;
	else if (text[0] == '$')
		completing = W_REGS;
	else if (words == 1 && (!strcmp(first, "info") || !strcmp(first, "i")))
		completing = W_INFO;
	else if (words == 1 && !strcmp(first, "help"))
		completing = W_CMDS;
	else if (words == 1 && !strcmp(first, "set"))
		completing = W_SET;
	else if (words == 2 && !strcmp(first, "set") && !strcmp(second, "disassembly-flavor"))
		completing = W_FLAVOR;
	else
		completing = W_SYMS;
	if (completing == W_SET) {
		char **m = rl_completion_matches(text, generate);

		if (m)
			return m;
		completing = W_SYMS;
	}
	return rl_completion_matches(text, generate);
}

/* ---- the loop ---- */

static char last[1024];
static char hist_path[4096];

/* Remembers what an empty line repeats. */
static void remember(const char *line)
{
	const struct dbg_cmd *c;
	struct lerr err;
	char word[64];
	size_t n = 0;

	while (isspace((unsigned char)*line))
		line++;
	while (line[n] && !isspace((unsigned char)line[n]) && line[n] != '/' && n < sizeof(word) - 1)
		n++;
	memcpy(word, line, n);
	word[n] = '\0';
	c = dbg_cmd_find(word, &err);
	last[0] = '\0';
	if (!c || !(c->flags & DBG_REPEAT))
		return;
	if (c->flags & DBG_REPEAT_BARE) {
		/* x/4gx $rsp repeats as x/4gx: on from where it stopped. */
		size_t k = n;

		if (line[k] == '/')
			k += strcspn(line + k, " \t");
		snprintf(last, sizeof(last), "%.*s", (int)k, line);
	} else {
		snprintf(last, sizeof(last), "%s", line);
	}
}

static void run_line(const char *line)
{
	const char *p = line;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		if (last[0] && cur->interactive)
			dbg_session_exec(cur, last);
		return;
	}
	remember(p);
	dbg_session_exec(cur, p);
}

static void on_line(char *line)
{
	if (!line) {
		/* Ctrl-D at the prompt is quit, as in gdb. */
		fputs("quit\n", stdout);
		cur->quit = 1;
		rl_callback_handler_remove();
		return;
	}
	if (*line && (!history_length || strcmp(history_get(history_base + history_length - 1)->line,
						line))) {
		add_history(line);
		if (hist_path[0])
			append_history(1, hist_path);
	}
	run_line(line);
	free(line);
	fflush(stdout);
	if (cur->quit)
		rl_callback_handler_remove();
}

/* Prints the partition's console output above the prompt line. */
static void console_above_prompt(void)
{
	int saved = rl_point;
	char *text = rl_copy_text(0, rl_end);

	rl_save_prompt();
	rl_replace_line("", 0);
	rl_redisplay();
	fputs("\r\033[K", stdout);
	dbg_console_drain(cur->cons, stdout);
	rl_restore_prompt();
	rl_replace_line(text ? text : "", 0);
	rl_point = saved;
	rl_forced_update_display();
	free(text);
}

static void repl_readline(struct dbg_session *s)
{
	static char breaks[] = " \t\n\"\\'`@><=;|&{(*+-/,)~!^%";

	rl_readline_name = "lpar";
	rl_catch_signals = 0;
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = breaks;
	using_history();
	stifle_history(1000);
	if (dbg_history_path(hist_path, sizeof(hist_path)) == 0) {
		if (mkdirs(hist_path) == 0) {
			int fd = open(hist_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

			if (fd >= 0)
				close(fd);
			read_history(hist_path);
		} else {
			hist_path[0] = '\0';
		}
	}
	rl_callback_handler_install(PROMPT, on_line);
	while (!s->quit) {
		struct pollfd fds[3] = {
			{ 0, POLLIN, 0 },
			{ s->sigint_fd, POLLIN, 0 },
			{ dbg_console_fd(s->cons), POLLIN, 0 },
		};

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents)
			console_above_prompt();
		if (fds[1].revents & POLLIN) {
			char buf[16];

			while (read(s->sigint_fd, buf, sizeof(buf)) > 0)
				;
			/* Ctrl-C at the prompt drops the line, as gdb's "Quit". */
			rl_replace_line("", 0);
			fputs("\nQuit\n", stdout);
			rl_on_new_line();
			rl_redisplay();
		}
		if (fds[0].revents)
			rl_callback_read_char();
	}
	rl_callback_handler_remove();
	if (hist_path[0])
		history_truncate_file(hist_path, 1000);
}

static void repl_lines(struct dbg_session *s)
{
	char *line = NULL;
	size_t cap = 0;

	while (!s->quit) {
		fflush(stdout);
		if (getline(&line, &cap, stdin) <= 0)
			break;
		line[strcspn(line, "\n")] = '\0';
		run_line(line);
		if (s->cons)
			dbg_console_drain(s->cons, stdout);
	}
	free(line);
}

void dbg_repl_run(struct dbg_session *s)
{
	cur = s;
	if (s->interactive)
		repl_readline(s);
	else
		repl_lines(s);
}
