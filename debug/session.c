/* SPDX-License-Identifier: ISC
 * The session: what commands share (the environments expressions and x
 * work in), running a command line, and resuming the partition and
 * reporting its stops in gdb's words.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "../elf/elf.h"
#include "console.h"
#include "lines.h"
#include "unwind.h"
#include "session.h"

int dbg_session_init(struct dbg_session *s, struct dbg_target *t, FILE *out)
{
	int e;

	memset(s, 0, sizeof(*s));
	s->t = t;
	s->out = out;
	s->img = dbg_image(t);
	s->next_bp = 1;
	s->next_disp = 1;
	s->sigint_fd = -1;
	snprintf(s->name, sizeof(s->name), "%s", dbg_name(t));
	dbg_xstate_init(&s->xs);
	s->lines = dbg_lines_open(s->img);
	s->unwind = dbg_unwind_open(s->img);
	e = dbg_disasm_open(&s->dis);
	return e;
}

void dbg_session_free(struct dbg_session *s)
{
	dbg_disasm_close(s->dis);
	dbg_lines_close(s->lines);
	dbg_unwind_close(s->unwind);
	free(s->hist);
	s->hist = NULL;
}

int dbg_session_need(struct dbg_session *s, struct lerr *err)
{
	if (!s->t)
		return lerr_set(err, ESRCH, "The program is not being run.");
	return 0;
}

int dbg_session_need_live(struct dbg_session *s, struct lerr *err)
{
	int e = dbg_session_need(s, err);

	if (!e && dbg_core(s->t))
		return lerr_set(err, EPERM, DBG_CORE_NOT_RUN);
	return e;
}

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len, struct lerr *err)
{
	struct dbg_session *s = ctx;
	int e = dbg_session_need(s, err);

	return e ? e : dbg_mem_read(s->t, addr, buf, len, err);
}

static int mem_write(void *ctx, uint64_t addr, const void *buf, size_t len, struct lerr *err)
{
	struct dbg_session *s = ctx;
	int e = dbg_session_need(s, err);

	return e ? e : dbg_mem_write(s->t, addr, buf, len, err);
}

static int insn(void *ctx, uint64_t addr, char *text, size_t len, struct lerr *err)
{
	struct dbg_session *s = ctx;
	uint8_t code[16];
	struct dbg_insn in;
	size_t n = sizeof(code);
	int e;

	/* Fewer bytes where the next page cannot be read. */
	while ((e = mem_read(s, addr, code, n, err)) && n > 1)
		n = 16 - ((addr + 16) & 0xfff) < n ? 16 - ((addr + 16) & 0xfff) : n - 1;
	if (e)
		return e;
	dbg_disasm_one(s->dis, code, n, addr, s->img, &in);
	snprintf(text, len, "%s", in.text);
	return (int)in.len;
}

void dbg_session_expr_env(struct dbg_session *s, struct dbg_expr_env *env)
{
	memset(env, 0, sizeof(*env));
	env->ctx = s;
	env->reg_get = dbg_session_reg_get;
	env->reg_set = dbg_session_reg_set;
	env->mem_read = mem_read;
	env->mem_write = mem_write;
	env->img = s->img;
	env->history = s->hist;
	env->nhistory = s->nhist;
	env->conv = &s->conv;
}

void dbg_session_fmt_env(struct dbg_session *s, struct dbg_fmt_env *env)
{
	struct lerr err;

	memset(env, 0, sizeof(*env));
	env->ctx = s;
	env->mem_read = mem_read;
	env->insn = insn;
	env->img = s->img;
	if (s->t && dbg_session_pc(s, &env->pc, &err) == 0)
		env->have_pc = 1;
}

int dbg_session_eval(struct dbg_session *s, const char *expr, struct dbg_value *v,
		     struct lerr *err)
{
	struct dbg_expr_env env;

	dbg_session_expr_env(s, &env);
	return dbg_expr_eval(&env, expr, v, err);
}

int dbg_session_addr(struct dbg_session *s, const char *expr, uint64_t *addr,
		     struct lerr *err)
{
	struct dbg_value v;
	int e = dbg_session_eval(s, expr, &v, err);

	if (e)
		return e;
	if (v.is_void || (v.type.base == DB_VOID && !v.type.ptr))
		return lerr_set(err, EINVAL, "Invalid number \"%s\".", expr);
	if (v.type.base == DB_DATA && !v.type.ptr)
		return lerr_set(err, EINVAL, "'%s' has unknown type; cast it to its declared type",
				v.reg);
	*addr = v.v;
	return 0;
}

int dbg_session_pc(struct dbg_session *s, uint64_t *pc, struct lerr *err)
{
	struct vcpu_regs r;
	int e = dbg_session_need(s, err);

	if (!e)
		e = dbg_regs_get(s->t, &r, err);
	if (!e)
		*pc = r.rip;
	return e;
}

/* "15\t  return x + 1;", or "15\tin FILE" without the source. */
void dbg_session_source_line(struct dbg_session *s, uint64_t pc)
{
	char file[512], text[1024], clean[4096] = "";
	int line;

	if (!s->lines || dbg_line_at(s->lines, pc, 0, file, sizeof(file), &line))
		return;
	if (dbg_line_source(s->lines, pc, file, line, text, sizeof(text)) == 0) {
		size_t n = 0;

		/* Tabs stay; other control bytes are escaped. */
		for (const char *p = text; *p; p = strchr(p, '\t') ? strchr(p, '\t') + 1 : p + strlen(p)) {
			size_t seg = strcspn(p, "\t");

			text_sanitize(clean + n, sizeof(clean) - n, p, seg);
			n += strlen(clean + n);
			if (p[seg] == '\t' && n + 1 < sizeof(clean))
				clean[n++] = '\t';
			clean[n] = '\0';
		}
		fprintf(s->out, "%d\t%s\n", line, clean);
	}
	else
		fprintf(s->out, "%d\tin %s\n", line, file);
}

void dbg_session_frame_line(struct dbg_session *s, uint64_t pc)
{
	const struct elf_sym *sym = s->img ? elf_sym_at(s->img, pc, &(uint64_t){ 0 }) : NULL;
	char file[512], name[256];
	int line;

	/* With line information, gdb's "bump () at f.c:14" and the line itself. */
	if (s->lines && dbg_line_at(s->lines, pc, 0, file, sizeof(file), &line) == 0) {
		if (dbg_line_at(s->lines, pc, 1, file, sizeof(file), &line))
			fprintf(s->out, "0x%016" PRIx64 " in ", pc);
		fprintf(s->out, "%s () at %s:%d\n", dbg_symname(sym, name, sizeof(name)), file, line);
		dbg_session_source_line(s, pc);
		return;
	}
	fprintf(s->out, "0x%016" PRIx64 " in %s ()\n", pc, dbg_symname(sym, name, sizeof(name)));
}

/*
 * Prints an error on stderr, a line at a time: what it quotes (a command
 * from a script, a name from the image) reaches the terminal sanitised.
 */
static void report(const char *msg)
{
	char line[1024], clean[4096];

	do {
		size_t n = strcspn(msg, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, msg);
		fprintf(stderr, "%s\n", text_sanitize_msg(clean, sizeof(clean), line));
		msg += n;
	} while (*msg++);
}

void dbg_session_pc_line(struct dbg_session *s)
{
	struct dbg_fmt_env env;
	struct dbg_xstate xs = s->xs;
	struct lerr err = { 0 };

	dbg_session_fmt_env(s, &env);
	if (env.have_pc && dbg_examine(s->out, &env, &xs, env.pc, 1, 'i', 0, &err))
		report(err.msg);
}

int dbg_session_display_one(struct dbg_session *s, const struct dbg_display *d,
			    struct lerr *err)
{
	struct dbg_fmt_env env;
	struct dbg_value v;
	char spec[32] = "";
	int e;

	if (d->is_x) {
		struct dbg_xstate xs = s->xs;
		uint64_t addr;

		size_t n = (size_t)snprintf(spec, sizeof(spec), "/");

		if (d->count != 1)
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%u", d->count);
		n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%c", d->fmt);
		if (d->size && d->fmt != 'i' && d->fmt != 's')
			snprintf(spec + n, sizeof(spec) - n, "%c", d->size);
		fprintf(s->out, "%d: x%s %s\n", d->num, spec, d->expr);
		e = dbg_session_addr(s, d->expr, &addr, err);
		if (e)
			return e;
		dbg_session_fmt_env(s, &env);
		return dbg_examine(s->out, &env, &xs, addr, d->count, d->fmt, d->size, err);
	}
	e = dbg_session_eval(s, d->expr, &v, err);
	if (e)
		return e;
	if (d->fmt)
		snprintf(spec, sizeof(spec), "/%c ", d->fmt);
	fprintf(s->out, "%d: %s%s = ", d->num, spec, d->expr);
	dbg_session_fmt_env(s, &env);
	e = dbg_value_print(s->out, &env, &v, d->fmt, err);
	fputc('\n', s->out);
	return e;
}

void dbg_session_displays(struct dbg_session *s)
{
	for (size_t i = 0; i < s->ndisp && s->t; i++) {
		struct lerr err = { 0 };

		if (dbg_session_display_one(s, &s->disp[i], &err))
			report(err.msg);
	}
}

static struct dbg_bp *bp_at(struct dbg_session *s, uint64_t addr, enum dbg_bp_type type)
{
	for (size_t i = 0; i < s->nbps; i++) {
		struct dbg_bp *b = &s->bps[i];

		if (b->type != type)
			continue;
		if (type == BP_BREAK ? b->addr == addr
				     : addr >= b->addr && addr - b->addr < b->len)
			return b;
	}
	return NULL;
}

static void print_watch_value(struct dbg_session *s, const char *label, const struct dbg_bp *b,
			      uint64_t raw)
{
	struct dbg_fmt_env env;
	struct dbg_value v;
	struct lerr err = { 0 };

	memset(&v, 0, sizeof(v));
	v.type = b->vtype;
	v.v = raw;
	if (b->vtype.size && b->vtype.size < 8 && !b->vtype.ptr) {
		v.v &= (1ull << (8 * b->vtype.size)) - 1;
		v.v = (uint64_t)dbg_value_signed(&v);
	}
	dbg_session_fmt_env(s, &env);
	fprintf(s->out, "%s = ", label);
	dbg_value_print(s->out, &env, &v, 0, &err);
	fputc('\n', s->out);
}

static const char *signal_of(int vector, const char **what)
{
	switch (vector) {
	case 0:
		*what = "Arithmetic exception";
		return "SIGFPE";
	case 1:
	case 3:
		*what = "Trace/breakpoint trap";
		return "SIGTRAP";
	case 6:
		*what = "Illegal instruction";
		return "SIGILL";
	case 16:
	case 19:
		*what = "Arithmetic exception";
		return "SIGFPE";
	case 17:
		*what = "Bus error";
		return "SIGBUS";
	default:
		*what = "Segmentation fault";
		return "SIGSEGV";
	}
}

static void report_end(struct dbg_session *s, const struct dbg_event *ev)
{
	const char *how = ev->text + 5;
	char clean[600];
	int code;

	while (*how == ' ')
		how++;
	if (sscanf(how, "exited %d", &code) == 1) {
		if (code)
			fprintf(s->out, "[Partition '%s' exited with code %02o]\n", s->name, code);
		else
			fprintf(s->out, "[Partition '%s' exited normally]\n", s->name);
	} else {
		text_sanitize(clean, sizeof(clean), how, strlen(how));
		fprintf(s->out, "[Partition '%s' %s]\n", s->name, clean);
	}
}

void dbg_session_report(struct dbg_session *s, const struct dbg_event *ev, int step)
{
	struct dbg_bp *b;
	const char *what, *sig;

	switch (ev->kind) {
	case DBG_ENDED:
		report_end(s, ev);
		dbg_session_drop(s);
		return;
	case DBG_STOP_BREAKPOINT:
		b = bp_at(s, ev->addr ? ev->addr : ev->rip, BP_BREAK);
		if (!b) {
			fprintf(s->out, "\nProgram received signal SIGTRAP, Trace/breakpoint trap.\n");
			break;
		}
		b->hits++;
		fprintf(s->out, "\n%s %d, ", b->temp ? "Temporary breakpoint" : "Breakpoint", b->num);
		if (b->temp) {
			struct lerr err = { 0 };

			dbg_session_frame_line(s, ev->rip);
			dbg_bp_remove(s, b, &err);
			dbg_session_displays(s);
			return;
		}
		dbg_session_frame_line(s, ev->rip);
		dbg_session_displays(s);
		return;
	case DBG_STOP_WATCH:
		b = bp_at(s, ev->addr, BP_WATCH);
		if (!b) {
			fprintf(s->out, "\nProgram received signal SIGTRAP, Trace/breakpoint trap.\n");
			break;
		}
		b->hits++;
		fprintf(s->out, "\nHardware %swatchpoint %d: %s\n\n",
			b->kind == 'r' ? "read " : b->kind == 'a' ? "access (read/write) " : "",
			b->num, b->what);
		if (b->kind == 'r' || (b->kind == 'a' && ev->old == ev->new)) {
			print_watch_value(s, "Value", b, ev->new);
		} else {
			print_watch_value(s, "Old value", b, ev->old);
			print_watch_value(s, "New value", b, ev->new);
		}
		break;
	case DBG_STOP_TRAP:
		sig = signal_of(ev->vector, &what);
		fprintf(s->out, "\nProgram received signal %s, %s.\n", sig, what);
		break;
	case DBG_STOP_INTERRUPT:
		fprintf(s->out, "\nProgram received signal SIGINT, Interrupt.\n");
		break;
	case DBG_STOP_ATTACH:
	case DBG_STOP_STEP:
		break;
	}
	dbg_session_frame_line(s, ev->rip);
	if (step)
		dbg_session_pc_line(s);
	dbg_session_displays(s);
}

void dbg_session_drop(struct dbg_session *s)
{
	if (!s->t)
		return;
	dbg_detach(s->t);
	s->t = NULL;
	s->nbps = 0;
}

/* ---- resuming ---- */

struct waiter {
	struct dbg_target *t;
	struct dbg_event ev;
	struct lerr err;
	int r;
	int fd;                  /* written once the wait is over */
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->r = dbg_wait(w->t, &w->ev, &w->err);
	if (write(w->fd, "", 1) < 0)
		w->r = w->r ? w->r : 0;
	return NULL;
}

static void drain(int fd)
{
	char buf[64];

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * Waits for the next stop while the console shows the partition's output,
 * the terminal's input goes to the partition, and Ctrl-C asks it to stop.
 */
static int wait_stop(struct dbg_session *s, struct dbg_event *ev, struct lerr *err)
{
	struct waiter w = { .t = s->t };
	int p[2], in_open = s->forward_stdin;
	sigset_t all, old;
	pthread_t th;

	if (pipe(p) < 0)
		return lerr_set(err, errno, "pipe: %s", strerror(errno));
	w.fd = p[1];
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&th, NULL, wait_thread, &w)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		close(p[1]);
		return lerr_set(err, EAGAIN, "cannot start a thread");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fflush(s->out);
	for (;;) {
		struct pollfd fds[4] = {
			{ p[0], POLLIN, 0 },
			{ s->sigint_fd, POLLIN, 0 },
			{ dbg_console_fd(s->cons), POLLIN, 0 },
			{ in_open ? 0 : -1, POLLIN, 0 },
		};

		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			break;
		if (fds[1].revents & POLLIN) {
			struct lerr e2 = { 0 };

			drain(s->sigint_fd);
			if (dbg_stop(s->t, &e2))
				report(e2.msg);
		}
		if (fds[2].revents)
			dbg_console_drain(s->cons, s->out);
		if (fds[3].revents) {
			char buf[4096];
			ssize_t n = read(0, buf, sizeof(buf));

			if (n <= 0)
				in_open = 0;
			else
				dbg_console_input(s->cons, buf, (size_t)n);
		}
	}
	pthread_join(th, NULL);
	close(p[0]);
	close(p[1]);
	/* Output the partition wrote before it stopped belongs before the report. */
	if (s->cons) {
		struct pollfd cf = { dbg_console_fd(s->cons), POLLIN, 0 };

		while (cf.fd >= 0 && poll(&cf, 1, w.ev.kind == DBG_ENDED ? 200 : 20) > 0 &&
		       dbg_console_drain(s->cons, s->out))
			cf.fd = dbg_console_fd(s->cons);
	}
	if (w.r) {
		*err = w.err;
		return w.r;
	}
	*ev = w.ev;
	return 0;
}

int dbg_session_resume(struct dbg_session *s, int step, unsigned n, struct dbg_event *ev,
		       struct lerr *err)
{
	int e = dbg_session_need(s, err);

	if (e)
		return e;
	drain(s->sigint_fd);
	e = step ? dbg_step(s->t, n, err) : dbg_cont(s->t, err);
	if (e) {
		if (dbg_ended(s->t))
			dbg_session_drop(s);
		return e;
	}
	return wait_stop(s, ev, err);
}

/* ---- running commands ---- */

int dbg_session_exec(struct dbg_session *s, const char *line)
{
	struct lerr err = { 0 };
	const struct dbg_cmd *c;
	char word[64];
	size_t n = 0;
	const char *p = line, *args;
	int e;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	/* The command word ends at a space or at x/ and p/ formats. */
	while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '/' && n < sizeof(word) - 1)
		n++;
	memcpy(word, p, n);
	word[n] = '\0';
	args = p + n;
	c = dbg_cmd_find(word, &err);
	if (!c) {
		report(err.msg);
		return -1;
	}
	while (isspace((unsigned char)*args))
		args++;
	/* Completion leaves a space at the end: operands never end in one. */
	{
		char trimmed[4096];
		size_t len = strlen(args);

		while (len && isspace((unsigned char)args[len - 1]))
			len--;
		if (len >= sizeof(trimmed)) {
			fprintf(stderr, "Command too long.\n");
			return -1;
		}
		memcpy(trimmed, args, len);
		trimmed[len] = '\0';
		e = c->fn(s, trimmed, &err);
	}
	fflush(s->out);
	if (e) {
		report(err.msg[0] ? err.msg : strerror(-e));
		return -1;
	}
	return 0;
}

void dbg_session_end(struct dbg_session *s)
{
	struct lerr err = { 0 };

	if (!s->t)
		return;
	if (s->launched) {
		/* What lpar run --debug started ends with the debugger, as in gdb. */
		dbg_kill(s->t, &err);
	}
	dbg_session_drop(s);
}
