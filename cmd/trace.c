/* SPDX-License-Identifier: ISC
 * lpar trace: a partition's hcalls, exits, 9P requests and marks as they
 * happen, read from its control tree's trace file and shown like strace's
 * output (or counted, like strace -c, or as JSON lines).  The reading and showing are
 * shared with lpar run --trace (cmd/trace.h).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/hcalls.h"
#include "../common/num.h"
#include "../common/text.h"
#include "../libpart/tev.h"
#include "cmd.h"
#include "json.h"
#include "trace.h"

/* The exits the trace reports (docs/control-tree.md), for -e exit=. */
static const char *const exit_kinds[] = { "io", "hlt", "fault", "debug", NULL };
#define TRACE_EXIT_OTHER (1u << 4) /* a kind this lpar does not know */

/*
 * The 9P ops of ev=9p events, as hv/dev_share.c names them; an op this
 * lpar does not know counts as "unknown", the last.
 */
static const char *const p9_ops[TRACE_P9_OPS] = {
	"walk", "open", "create", "read", "write", "clunk", "remove", "getattr", "setattr",
	"readdir", "statfs", "fsync", "mkdir", "symlink", "mknod", "link", "unlinkat",
	"renameat", "rename", "readlink", "flush", "version", "attach", "xattrwalk",
	"xattrcreate", "unknown",
};

/* ---- filters ---- */

void trace_view_init(struct trace_view *v, FILE *out)
{
	memset(v, 0, sizeof(*v));
	v->out = out;
	memset(v->filter.hcall, 1, sizeof(v->filter.hcall));
	v->filter.exits = ~0u;
	v->filter.p9 = ~0u;
}

static int exit_bit(const char *what)
{
	for (int i = 0; exit_kinds[i]; i++)
		if (!strcmp(exit_kinds[i], what))
			return 1 << i;
	return 0;
}

/* The op's index in p9_ops, or -1. */
static int p9_op(const char *op)
{
	for (int i = 0; i < TRACE_P9_OPS; i++)
		if (!strcmp(p9_ops[i], op))
			return i;
	return -1;
}

static int unknown_op(const char *clean, struct lerr *err)
{
	char known[512];
	size_t n = 0;

	for (int i = 0; i < TRACE_P9_OPS; i++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
				      p9_ops[i]);
	return lerr_set(err, EINVAL, "unknown 9p op '%s' in filter (known: %s)", clean, known);
}

static const char *const class_names[] = { NULL, "hcall", "exit", NULL, "9p" };

int trace_filter_add(struct trace_filter *f, const char *spec, struct lerr *err)
{
	const char *eq = strchr(spec, '='), *list;
	unsigned char hc[LPAR_HC_MAX + 1];
	unsigned exits = 0, cls;
	uint32_t ops = 0;
	char clean[256], buf[1024], *save = NULL;
	int neg, only = 0;

	text_sanitize(clean, sizeof(clean), spec, strlen(spec));
	if (eq && (size_t)(eq - spec) == 5 && !strncmp(spec, "hcall", 5))
		cls = 1;
	else if (eq && (size_t)(eq - spec) == 4 && !strncmp(spec, "exit", 4))
		cls = 2;
	else if (eq && (size_t)(eq - spec) == 2 && !strncmp(spec, "9p", 2))
		cls = 4;
	else if (!strcmp(spec, "9p")) {
		/* "What does it do with its files?": the requests and nothing else. */
		cls = 4;
		only = 1;
	} else
		return lerr_set(err, EINVAL,
				"invalid filter '%s': expected hcall=LIST, exit=LIST, 9p=LIST or 9p",
				clean);
	if (f->set & cls)
		return lerr_set(err, EINVAL, "option '-e %s=' given twice", class_names[cls]);
	if (only) {
		f->set |= cls;
		f->only = 1;
		f->p9 = ~0u;
		return 0;
	}
	list = eq + 1;
	neg = *list == '!';
	list += neg;
	if (!*list || strlen(list) >= sizeof(buf))
		return lerr_set(err, EINVAL, "invalid filter '%s': no names after '='", clean);
	memset(hc, 0, sizeof(hc));
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const struct hc_info *h;

		text_sanitize(clean, sizeof(clean), w, strlen(w));
		if (!strcmp(w, "all")) {
			memset(hc, 1, sizeof(hc));
			exits = ~0u;
			ops = ~0u;
		} else if (!strcmp(w, "none")) {
			/* nothing of this class */
		} else if (cls == 4) {
			if (p9_op(w) < 0)
				return unknown_op(clean, err);
			ops |= 1u << p9_op(w);
		} else if (cls == 2) {
			if (!exit_bit(w))
				return lerr_set(err, EINVAL,
						"unknown exit '%s' in filter (known: io, hlt, fault, debug)",
						clean);
			exits |= (unsigned)exit_bit(w);
		} else if (!(h = hc_find(w))) {
			return lerr_set(err, EINVAL,
					"unknown hcall '%s' in filter (see 'lpar hcall --list')", clean);
		} else if (!(h->who & HC_GUEST)) {
			return lerr_set(err, EINVAL,
					"hcall '%s' is issued by a controller: it never appears in a trace",
					h->name);
		} else {
			hc[h->nr] = 1;
		}
	}
	f->set |= cls;
	if (cls == 1)
		for (size_t i = 0; i <= LPAR_HC_MAX; i++)
			f->hcall[i] = (unsigned char)(neg ? !hc[i] : hc[i]);
	else if (cls == 2)
		f->exits = neg ? ~exits : exits;
	else
		f->p9 = neg ? ~ops : ops;
	return 0;
}

/* Whether class cls (1 hcall, 2 exit) shows at all: not after a bare -e 9p, unless named. */
static int class_shown(const struct trace_filter *f, unsigned cls)
{
	return !f->only || (f->set & cls);
}

/* ---- showing events ---- */

/* An hcall's result: a signed number. */
static long long tev_ret(const struct part_tev *e)
{
	const char *r = part_tev_get(e, "ret");

	return r ? strtoll(r, NULL, 10) : 0;
}

/*
 * Text from the trace file: the monitor has made it printable ASCII, and
 * sanitising it again would double its backslashes; anything else is
 * sanitised here, so no control byte reaches a terminal whatever sent it.
 */
static char *tree_text(char *dst, size_t len, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	for (size_t i = 0; i < n; i++)
		if (src[i] < 0x20 || src[i] > 0x7e)
			return text_sanitize(dst, len, src, srclen);
	snprintf(dst, len, "%.*s", (int)n, src);
	return dst;
}

static void stamp(struct trace_view *v, uint64_t t)
{
	uint64_t rel = t > v->base ? t - v->base : 0;

	if (v->json)
		fprintf(v->out, "{\"rel\": %llu.%06llu, \"t\": %llu", rel / 1000000000ull,
			rel / 1000ull % 1000000ull, (unsigned long long)t);
	else
		fprintf(v->out, "+%llu.%06llu ", rel / 1000000000ull, rel / 1000ull % 1000000ull);
}

static const char *ready_names(uint64_t bits, char *buf, size_t len)
{
	static const char *const names[] = { "CONSOLE", "SHUTDOWN", "EVENT", "TIMER" };
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 4; i++)
		if (bits & (1ull << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i]);
	if (bits >> 4 && n < len)
		snprintf(buf + n, len - n, "%s0x%llx", n ? "|" : "",
			 (unsigned long long)(bits & ~0xfull));
	return buf;
}

/* One argument, "buf=0x104000" or "len=42", by the table's kind for it. */
static void show_arg(struct trace_view *v, const struct hc_info *h, size_t i,
		     const char *val)
{
	char t = h ? hc_type(h, i) : 'u';
	char clean[64];
	uint64_t n;

	if (num_parse_u64(val, &n)) {
		tree_text(clean, sizeof(clean), val, strlen(val));
		if (v->json)
			json_string(v->out, clean);
		else
			fputs(clean, v->out);
		return;
	}
	if (h && h->nr == LPAR_HC_BLOCK && n == LPAR_DEADLINE_NEVER && !v->json)
		fputs("NEVER", v->out);
	else if (t == 'p')
		fprintf(v->out, v->json ? "\"0x%llx\"" : "0x%llx", (unsigned long long)n);
	else
		fprintf(v->out, "%llu", (unsigned long long)n);
}

/* An error result as strace shows one, "-2 ENOENT (No such file or directory)": 1 if ret is one. */
static int show_error(struct trace_view *v, long long ret)
{
	if (ret >= 0 || ret < -4095)
		return 0;
	fprintf(v->out, "%lld %s (%s)", ret,
		strerrorname_np((int)-ret) ? strerrorname_np((int)-ret) : "?",
		strerror((int)-ret));
	return 1;
}

static void json_errno(struct trace_view *v, long long ret)
{
	if (ret < 0 && ret >= -4095 && strerrorname_np((int)-ret))
		fprintf(v->out, ", \"errno\": \"%s\"", strerrorname_np((int)-ret));
}

static void show_dur(struct trace_view *v, uint64_t dur)
{
	fprintf(v->out, " <%llu.%06llu>\n", (unsigned long long)(dur / 1000000000ull),
		(unsigned long long)(dur / 1000ull % 1000000ull));
}

static void show_hcall(struct trace_view *v, const struct part_tev *e, const struct hc_info *h)
{
	const char *name = part_tev_get(e, "name"), *args = part_tev_get(e, "args");
	long long ret = tev_ret(e);
	uint64_t dur = part_tev_u64(e, "dur");
	char clean[128], buf[1024], *save = NULL, names[64];
	size_t i = 0;

	tree_text(clean, sizeof(clean), name ? name : "?", name ? strlen(name) : 1);
	if (v->json) {
		fprintf(v->out, ", \"ev\": \"hcall\", \"nr\": %llu, \"name\": ",
			(unsigned long long)part_tev_u64(e, "nr"));
		json_string(v->out, clean);
		fputs(", \"args\": {", v->out);
	} else if (!h && !strcmp(clean, "unknown")) {
		/* No such hcall: its number says which. */
		fprintf(v->out, "unknown_%llu(", (unsigned long long)part_tev_u64(e, "nr"));
	} else {
		fprintf(v->out, "%s(", clean);
	}
	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	for (char *a = strtok_r(buf, ",", &save); a; a = strtok_r(NULL, ",", &save), i++) {
		char *eq = strchr(a, '=');
		const char *an = eq ? a : "arg", *av = eq ? eq + 1 : a;

		uint64_t mask;

		if (eq)
			*eq = '\0';
		/* block's mask of 0 (every bit) goes without saying, as in its C wrapper. */
		if (h && h->nr == LPAR_HC_BLOCK && i == 1 && !v->json &&
		    !num_parse_u64(av, &mask) && !mask)
			continue;
		tree_text(clean, sizeof(clean), an, strlen(an));
		if (v->json) {
			fputs(i ? ", " : "", v->out);
			json_string(v->out, clean);
			fputs(": ", v->out);
		} else {
			fprintf(v->out, "%s%s=", i ? ", " : "", clean);
		}
		show_arg(v, h, i, av);
	}
	if (v->json) {
		fprintf(v->out, "}, \"ret\": %lld, \"dur\": %llu", ret, (unsigned long long)dur);
		json_errno(v, ret);
		fputs("}\n", v->out);
		return;
	}
	fprintf(v->out, ") = ");
	if (show_error(v, ret))
		;
	else if (h && h->nr == LPAR_HC_BLOCK && ret > 0)
		fprintf(v->out, "%#llx (%s)", ret,
			ready_names((uint64_t)ret, names, sizeof(names)));
	else if (h && h->nr == LPAR_HC_BLOCK)
		fprintf(v->out, "0 (none ready)");
	else if (h && h->nr == LPAR_HC_EVENT_TAKE)
		fprintf(v->out, "%#llx", ret);
	else
		fprintf(v->out, "%lld", ret);
	show_dur(v, dur);
}

/*
 * A 9P path from its trace word: the monitor percent-escaped it, then its
 * trace made the line printable (a backslash doubled, in case of other
 * bytes \xHH); both are undone, giving the partition's bytes.
 */
static char *p9_path(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < len; src++) {
		if (src[0] == '\\' && src[1] == '\\') {
			dst[n++] = *src++;
		} else if (src[0] == '\\' && src[1] == 'x' && isxdigit((unsigned char)src[2]) &&
			   isxdigit((unsigned char)src[3])) {
			char hex[3] = { src[2], src[3], '\0' };

			dst[n++] = (char)strtoul(hex, NULL, 16);
			src += 3;
		} else {
			dst[n++] = *src;
		}
	}
	dst[n] = '\0';
	return text_pct_unescape(dst);
}

/* A path in quotes, as strace shows a string: \", \\ and \xHH for the rest. */
static void show_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/*
 * A JSON string of any bytes: a byte that is not part of valid UTF-8
 * becomes U+FFFD, so the line stays valid JSON; 1 if one did.
 */
static int json_bytes(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int lossy = 0;

	fputc('"', f);
	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs("\\ufffd", f);
			lossy = 1;
			p++;
		} else if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, (size_t)n, f);
			p += n;
		}
	}
	fputc('"', f);
	return lossy;
}

/*
 * A 9P request: 9p read("/data/in.txt", off=0, count=4096) = 4096 <0.000210>.
 * The monitor shows "?" for a file whose path it did not follow, and no
 * path for a flush; off and count may be missing from a line cut short.
 */
static void show_p9(struct trace_view *v, const struct part_tev *e)
{
	const char *op = part_tev_get(e, "op"), *path = part_tev_get(e, "path");
	const char *off = part_tev_get(e, "off"), *count = part_tev_get(e, "count");
	const char *r = part_tev_get(e, "ret");
	long long ret = r ? strtoll(r, NULL, 10) : 0;
	uint64_t dur = part_tev_u64(e, "dur");
	char clean[64], bytes[1024];
	int known = path && strcmp(path, "?");

	if (known)
		p9_path(bytes, sizeof(bytes), path);
	tree_text(clean, sizeof(clean), op ? op : "unknown", op ? strlen(op) : 7);
	if (v->json) {
		fprintf(v->out, ", \"ev\": \"9p\", \"share\": %llu, \"op\": ",
			(unsigned long long)part_tev_u64(e, "share"));
		json_string(v->out, clean);
		if (path) {
			fputs(", \"path\": ", v->out);
			if (!known) {
				fputs("null", v->out);
			} else if (json_bytes(v->out, bytes)) {
				char esc[sizeof(bytes) * 3];

				/* Not UTF-8: the exact bytes too, escaped as in the trace. */
				fputs(", \"path_pct\": ", v->out);
				json_string(v->out, text_pct_escape(esc, sizeof(esc), bytes));
			}
		}
		if (off)
			fprintf(v->out, ", \"off\": %llu", (unsigned long long)part_tev_u64(e, "off"));
		if (count)
			fprintf(v->out, ", \"count\": %llu",
				(unsigned long long)part_tev_u64(e, "count"));
		if (r)
			fprintf(v->out, ", \"ret\": %lld", ret);
		fprintf(v->out, ", \"dur\": %llu", (unsigned long long)dur);
		if (r)
			json_errno(v, ret);
		fputs("}\n", v->out);
		return;
	}
	fprintf(v->out, "9p %s(", clean);
	if (known)
		show_quoted(v->out, bytes);
	else if (path)
		fputs("?", v->out);
	if (off)
		fprintf(v->out, "%soff=%llu", path ? ", " : "",
			(unsigned long long)part_tev_u64(e, "off"));
	if (count)
		fprintf(v->out, "%scount=%llu", path || off ? ", " : "",
			(unsigned long long)part_tev_u64(e, "count"));
	fputs(") = ", v->out);
	if (!r)
		fputs("?", v->out); /* cut from the line */
	else if (!show_error(v, ret))
		fprintf(v->out, "%lld", ret);
	show_dur(v, dur);
}

/* exit, mark, dropped and kinds this lpar does not know: their pairs as they are. */
static void show_other(struct trace_view *v, const char *ev, const struct part_tev *e)
{
	char clean[1024];

	if (v->json) {
		for (int i = 0; i < e->n; i++) {
			if (!strcmp(e->k[i], "t"))
				continue;
			fputs(", ", v->out);
			tree_text(clean, sizeof(clean), e->k[i], strlen(e->k[i]));
			json_string(v->out, clean);
			fputs(": ", v->out);
			tree_text(clean, sizeof(clean), e->v[i], strlen(e->v[i]));
			json_value(v->out, clean);
		}
		fputs("}\n", v->out);
		return;
	}
	if (!strcmp(ev, "mark")) {
		const char *text = part_tev_get(e, "text");

		tree_text(clean, sizeof(clean), text ? text : "", text ? strlen(text) : 0);
		fprintf(v->out, "--- mark: %s ---\n", clean);
		return;
	}
	if (!strcmp(ev, "dropped")) {
		fprintf(v->out, "--- dropped %llu events ---\n",
			(unsigned long long)part_tev_u64(e, "count"));
		return;
	}
	tree_text(clean, sizeof(clean), ev, strlen(ev));
	fprintf(v->out, "--- %s", clean);
	for (int i = 0; i < e->n; i++) {
		if (!strcmp(e->k[i], "t") || !strcmp(e->k[i], "ev"))
			continue;
		if (strcmp(e->k[i], "what"))
			fprintf(v->out, " %s=", tree_text(clean, sizeof(clean), e->k[i],
							  strlen(e->k[i])));
		else
			fputs(" ", v->out);
		fputs(tree_text(clean, sizeof(clean), e->v[i], strlen(e->v[i])), v->out);
	}
	fputs(" ---\n", v->out);
}

/* How a partition ended, from the end event. */
static void end_record(struct trace_view *v, const struct part_tev *e)
{
	const char *state = part_tev_get(e, "state"), *reason = part_tev_get(e, "reason");
	const char *ex = part_tev_get(e, "exit"), *sig = part_tev_get(e, "signal");

	memset(&v->end, 0, sizeof(v->end));
	v->end.exit_status = -1;
	snprintf(v->end.state, sizeof(v->end.state), "%s", state ? state : "");
	if (ex)
		v->end.exit_status = atoi(ex);
	if (sig)
		v->end.signal = atoi(sig);
	if (reason)
		snprintf(v->end.reason, sizeof(v->end.reason), "%s", reason);
	v->ended = 1;
}

static void show_end(struct trace_view *v)
{
	const struct part_status *st = &v->end;
	char clean[sizeof(st->reason) * 4], core[sizeof(st->core) * 4];
	const char *sig = st->signal ? sigabbrev_np(st->signal) : NULL;

	tree_text(clean, sizeof(clean), st->reason, sizeof(st->reason));
	/* A crash with --core: where its core went, or why none was written. */
	tree_text(core, sizeof(core), st->core[0] ? st->core : st->core_error,
		  st->core[0] ? sizeof(st->core) : sizeof(st->core_error));
	if (v->json) {
		fputs(", \"ev\": \"end\", \"state\": ", v->out);
		json_string(v->out, st->state);
		if (!strcmp(st->state, "exited"))
			fprintf(v->out, ", \"exit\": %d", st->exit_status);
		if (st->signal)
			fprintf(v->out, ", \"signal\": %d", st->signal);
		if (st->reason[0]) {
			fputs(", \"reason\": ", v->out);
			json_string(v->out, clean);
		}
		if (core[0]) {
			fputs(st->core[0] ? ", \"core\": " : ", \"core_error\": ", v->out);
			json_string(v->out, core);
		}
		fprintf(v->out, ", \"status\": %d}\n", part_status_code(st));
		return;
	}
	if (!strcmp(st->state, "exited"))
		fprintf(v->out, "+++ exited with %d +++\n", st->exit_status);
	else if (sig)
		fprintf(v->out, "+++ %s by SIG%s +++\n", st->state, sig);
	else if (st->reason[0] && core[0])
		fprintf(v->out, "+++ %s: %s; %s%s%s +++\n", st->state, clean,
			st->core[0] ? "core dumped to '" : "no core dumped: ", core,
			st->core[0] ? "'" : "");
	else if (st->reason[0])
		fprintf(v->out, "+++ %s: %s +++\n", st->state, clean);
	else
		fprintf(v->out, "+++ %s +++\n", st->state[0] ? st->state : "ended");
}

static int shown_exit(const struct trace_view *v, const struct part_tev *e)
{
	const char *what = part_tev_get(e, "what");
	int bit = what ? exit_bit(what) : 0;

	return !!(v->filter.exits & (bit ? (unsigned)bit : TRACE_EXIT_OTHER));
}

/* Counts and shows one event line; returns 1 for the end event. */
static int trace_line(struct trace_view *v, char *line)
{
	const char *ev;
	struct part_tev e;
	uint64_t t;

	part_tev_parse(line, &e);
	ev = part_tev_get(&e, "ev");
	if (!ev)
		return 0; /* not an event line */
	t = part_tev_u64(&e, "t");
	if (!strcmp(ev, "end")) {
		end_record(v, &e);
		v->end_t = t; /* shown by trace_finish(), with what the record adds */
		return 1;
	}
	if (!strcmp(ev, "hcall")) {
		uint64_t nr = part_tev_u64(&e, "nr");
		const char *name = part_tev_get(&e, "name");
		const struct hc_info *h = nr < LPAR_HC_MAX ? hc_info((unsigned)nr) : NULL;
		size_t slot = nr < LPAR_HC_MAX ? (size_t)nr : LPAR_HC_MAX;
		long long ret = tev_ret(&e);

		if (h && name && strcmp(h->name, name))
			h = NULL; /* another monitor's table: show its numbers as they are */
		if (!v->filter.hcall[slot] || !class_shown(&v->filter, 1))
			return 0;
		v->hc[slot].calls++;
		v->hc[slot].errors += ret < 0 && ret >= -4095;
		v->hc[slot].ns += part_tev_u64(&e, "dur");
		if (!v->summary) {
			stamp(v, t);
			show_hcall(v, &e, h);
		}
		return 0;
	}
	if (!strcmp(ev, "9p")) {
		const char *op = part_tev_get(&e, "op"), *r = part_tev_get(&e, "ret");
		int i = op ? p9_op(op) : -1;
		long long ret = r ? strtoll(r, NULL, 10) : 0;

		if (i < 0)
			i = TRACE_P9_OPS - 1; /* "unknown", and ops newer than this lpar */
		if (!(v->filter.p9 & (1u << i)))
			return 0;
		v->p9[i].calls++;
		v->p9[i].errors += ret < 0 && ret >= -4095;
		v->p9[i].ns += part_tev_u64(&e, "dur");
		if (!v->summary) {
			stamp(v, t);
			show_p9(v, &e);
		}
		return 0;
	}
	if (!strcmp(ev, "dropped"))
		v->dropped += part_tev_u64(&e, "count");
	if (!strcmp(ev, "exit") && (!shown_exit(v, &e) || !class_shown(&v->filter, 2)))
		return 0;
	if (!v->summary) {
		stamp(v, t);
		show_other(v, ev, &e);
	}
	return 0;
}

/* ---- reading ---- */

int trace_follow(struct part_trace *src, struct trace_view *v, struct lerr *err)
{
	size_t chunk = part_trace_chunk(src);
	size_t cap = chunk + 4096, have = 0;
	char *buf = malloc(cap);
	int end = 0;

	if (!buf)
		return lerr_set(err, ENOMEM, "out of memory");
	while (!end) {
		ssize_t n = part_trace_read(src, buf + have, cap - have - 1);
		char *line, *nl;

		if (n == 0) {
			free(buf);
			return 0; /* shut down, or the monitor went */
		}
		if (n < 0) {
			free(buf);
			return lerr_set(err, (int)-n, "cannot read the trace: %s",
					strerror((int)-n));
		}
		have += (size_t)n;
		buf[have] = '\0';
		line = buf;
		while (!end && (nl = strchr(line, '\n'))) {
			*nl = '\0';
			end = trace_line(v, line);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == cap - 1) { /* one line longer than a read: take it as it is */
			buf[have] = '\0';
			end = trace_line(v, buf);
			have = 0;
		}
		if (fflush(v->out) == EOF || ferror(v->out)) {
			int e = errno;

			free(buf);
			return lerr_set(err, e, "cannot write the trace: %s", strerror(e));
		}
	}
	free(buf);
	return 1;
}

static int by_time(const void *a, const void *b, void *arg)
{
	const struct trace_count *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (c[x].ns != c[y].ns)
		return c[x].ns < c[y].ns ? 1 : -1;
	if (c[x].calls != c[y].calls)
		return c[x].calls < c[y].calls ? 1 : -1;
	return x < y ? -1 : 1;
}

static const char *slot_name(size_t i)
{
	const struct hc_info *h = i < LPAR_HC_MAX ? hc_info((unsigned)i) : NULL;

	return h ? h->name : "unknown";
}

/* The rows of one table: the slots with calls, by time; their total in *sum. */
static size_t rows(const struct trace_count *c, size_t slots, size_t *order,
		   struct trace_count *sum)
{
	size_t n = 0;

	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < slots; i++) {
		if (!c[i].calls)
			continue;
		order[n++] = i;
		sum->calls += c[i].calls;
		sum->errors += c[i].errors;
		sum->ns += c[i].ns;
	}
	qsort_r(order, n, sizeof(order[0]), by_time, (void *)c);
	return n;
}

static const char *op_name(size_t i)
{
	return p9_ops[i];
}

/* One strace -c table; what heads the name column: "hcall" or "9p". */
static void table(struct trace_view *v, const struct trace_count *c, const size_t *order,
		  size_t n, const struct trace_count *sum, const char *what,
		  const char *(*name)(size_t))
{
	static const char rule[] =
		"------ ----------- ----------- --------- --------- ----------------\n";

	fprintf(v->out, "%6s %11s %11s %9s %9s %s\n%s", "% time", "seconds", "usecs/call",
		"calls", "errors", what, rule);
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		char errs[24] = "";

		if (c[i].errors)
			snprintf(errs, sizeof(errs), "%llu", (unsigned long long)c[i].errors);
		fprintf(v->out, "%6.2f %11.6f %11llu %9llu %9s %s\n",
			sum->ns ? 100.0 * (double)c[i].ns / (double)sum->ns : 0.0,
			(double)c[i].ns / 1e9, (unsigned long long)(c[i].ns / c[i].calls / 1000),
			(unsigned long long)c[i].calls, errs, name(i));
	}
	fprintf(v->out, "%s%6.2f %11.6f %11s %9llu %9llu total\n", rule, n ? 100.0 : 0.0,
		(double)sum->ns / 1e9, "", (unsigned long long)sum->calls,
		(unsigned long long)sum->errors);
}

static void summary(struct trace_view *v)
{
	size_t order[LPAR_HC_MAX + 1], p9order[TRACE_P9_OPS], n, np9;
	struct trace_count sum, p9sum;
	int hcalls;

	n = rows(v->hc, LPAR_HC_MAX + 1, order, &sum);
	np9 = rows(v->p9, TRACE_P9_OPS, p9order, &p9sum);
	if (v->json) {
		fputs("{\"hcalls\": [", v->out);
		for (size_t k = 0; k < n; k++) {
			size_t i = order[k];

			fprintf(v->out, "%s{\"name\": \"%s\", \"nr\": %zu, \"calls\": %llu, "
				"\"errors\": %llu, \"total_ns\": %llu, \"mean_ns\": %llu}",
				k ? ", " : "", slot_name(i), i, (unsigned long long)v->hc[i].calls,
				(unsigned long long)v->hc[i].errors,
				(unsigned long long)v->hc[i].ns,
				(unsigned long long)(v->hc[i].ns / v->hc[i].calls));
		}
		fprintf(v->out, "], \"calls\": %llu, \"errors\": %llu, \"total_ns\": %llu, "
			"\"dropped\": %llu",
			(unsigned long long)sum.calls, (unsigned long long)sum.errors,
			(unsigned long long)sum.ns, (unsigned long long)v->dropped);
		if (np9) {
			fputs(", \"9p\": [", v->out);
			for (size_t k = 0; k < np9; k++) {
				size_t i = p9order[k];

				fprintf(v->out, "%s{\"op\": \"%s\", \"calls\": %llu, "
					"\"errors\": %llu, \"total_ns\": %llu, \"mean_ns\": %llu}",
					k ? ", " : "", p9_ops[i], (unsigned long long)v->p9[i].calls,
					(unsigned long long)v->p9[i].errors,
					(unsigned long long)v->p9[i].ns,
					(unsigned long long)(v->p9[i].ns / v->p9[i].calls));
			}
			fputs("]", v->out);
		}
		if (v->ended) {
			fprintf(v->out, ", \"end\": {\"state\": \"%s\", \"status\": %d}",
				v->end.state, part_status_code(&v->end));
		}
		fputs("}\n", v->out);
		return;
	}
	/*
	 * An empty table is shown only for what was asked for: the hcalls,
	 * unless -e 9p hid them, when it is the 9P requests.
	 */
	hcalls = n || (class_shown(&v->filter, 1) && !np9);
	if (hcalls)
		table(v, v->hc, order, n, &sum, "hcall", slot_name);
	if (np9 || !hcalls) {
		if (hcalls)
			fputc('\n', v->out);
		table(v, v->p9, p9order, np9, &p9sum, "9p", op_name);
	}
	if (v->dropped)
		fprintf(v->out, "(%llu events were dropped: the counts are low)\n",
			(unsigned long long)v->dropped);
}

void trace_end_status(const char *name, struct trace_view *v)
{
	struct part_status st;
	struct lerr err = { 0 };

	if (part_status_by_name(name, &st, &err) == 0 && part_status_ended(&st)) {
		v->end = st;
		v->ended = 1;
	}
}

void trace_finish(struct trace_view *v)
{
	if (v->summary) {
		summary(v);
		if (v->ended && !v->json)
			show_end(v);
	} else if (v->ended) {
		stamp(v, v->end_t);
		show_end(v);
	}
	fflush(v->out);
}

/* ---- lpar trace ---- */

static struct part_trace *volatile sig_src;
static volatile sig_atomic_t sig_stop;

/* Ends the blocking read: the partition runs on, untraced. */
static void on_stop(int signo)
{
	sig_stop = signo;
	if (sig_src)
		part_trace_shutdown(sig_src);
}

int cmd_trace(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "summary", no_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *self = cmd_find("trace");
	const char *name, *outpath = NULL;
	struct trace_view v;
	struct part_trace *src = NULL;
	struct part_status st;
	struct lerr err = { 0 };
	struct part *p = NULL;
	unsigned seen = 0;
	int c, r;

	trace_view_init(&v, stdout);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:ce:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if ((r = opt_once(self, &seen, 1, "-c")))
				return r;
			v.summary = 1;
			break;
		case 'e':
			if (trace_filter_add(&v.filter, optarg, &err))
				return lpar_usage_error(self, "%s", err.msg);
			break;
		case 'o':
			if ((r = opt_once(self, &seen, 2, "-o")))
				return r;
			outpath = optarg;
			break;
		case 'J':
			/* The global -j works too; lpar_opts.json makes errors JSON. */
			if (lpar_opts.json || (seen & 4))
				return lpar_usage_error(self, "option '--json' given twice");
			seen |= 4;
			lpar_opts.json = 1;
			break;
		case 'h':
			cmd_help_print(self, stdout);
			return 0;
		case ':':
			return lpar_usage_error(self, "option '%s' needs a value",
						argv[optind - 1]);
		default:
			return lpar_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	v.json = lpar_opts.json;
	if (optind >= argc)
		return lpar_missing_name(self);
	if (argc - optind > 1)
		return lpar_usage_error(self, "name one partition");
	name = argv[optind];
	cmd_stop_signals(on_stop);
	r = part_open(name, &p, &st, &err);
	if (r == -ESRCH && part_status_ended(&st)) {
		char how[64];

		if (!strcmp(st.state, "exited"))
			snprintf(how, sizeof(how), "exited with %d", st.exit_status);
		else
			snprintf(how, sizeof(how), "%s, status %d", st.state,
				 part_status_code(&st));
		lpar_error("cannot trace partition '%s': it has ended (%s)", name, how);
		return 1;
	}
	/* Times are shown from now: the partition's uptime (to the ms) as the trace opens. */
	if (!r && !(r = part_status(p, &st, &err)))
		v.base = (uint64_t)(st.uptime * 1000.0 + 0.5) * 1000000ull;
	if (!r)
		r = part_trace_open(name, &src, &err);
	part_close(p);
	if (r) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (outpath && !(v.out = fopen(outpath, "w"))) {
		char clean[1024];

		lpar_error("cannot write '%s': %s",
			   text_sanitize(clean, sizeof(clean), outpath, strlen(outpath)),
			   strerror(errno));
		part_trace_close(src);
		return 1;
	}
	sig_src = src;
	if (sig_stop)
		part_trace_shutdown(src);
	r = trace_follow(src, &v, &err);
	sig_src = NULL;
	part_trace_close(src);
	if (r == 1)
		trace_end_status(name, &v);
	/* No end event but the connection closed: its record says how it ended. */
	if (r == 0 && !sig_stop && part_status_by_name(name, &st, &err) == 0 &&
	    part_status_ended(&st)) {
		v.end = st;
		v.ended = 1;
		v.end_t = v.base;
		r = 1;
	}
	trace_finish(&v);
	if (outpath && fclose(v.out) == EOF && r >= 0) {
		lpar_error("cannot write '%s': %s", outpath, strerror(errno));
		return 1;
	}
	if (r < 0 && err.code == EPIPE)
		return 128 + SIGPIPE; /* a reader that went away, like any filter's */
	if (r < 0) {
		lpar_error("%s", err.msg);
		return 1;
	}
	if (r == 1)
		return part_status_code(&v.end);
	if (sig_stop) {
		fprintf(stderr, "lpar: stopped tracing '%s'; it runs on\n", name);
		return 0;
	}
	lpar_error("lost the trace of partition '%s': its monitor closed the connection", name);
	return 1;
}
