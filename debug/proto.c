/* The debug interface's texts: register lines and event lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/num.h"
#include "proto.h"

#define R(x, w) { #x, offsetof(struct dbg_regs, x), w }
const struct dbg_reg_info dbg_reg_table[] = {
	R(rax, 1), R(rbx, 1), R(rcx, 1), R(rdx, 1), R(rsi, 1), R(rdi, 1),
	R(rbp, 1), R(rsp, 1), R(r8, 1), R(r9, 1), R(r10, 1), R(r11, 1),
	R(r12, 1), R(r13, 1), R(r14, 1), R(r15, 1), R(rip, 1), R(rflags, 1),
	R(cs, 0), R(ss, 0), R(ds, 0), R(es, 0), R(fs, 0), R(gs, 0),
	R(fs_base, 0), R(gs_base, 0),
	R(cr0, 0), R(cr2, 0), R(cr3, 0), R(cr4, 0), R(efer, 0),
};
#undef R
const size_t dbg_reg_count = sizeof(dbg_reg_table) / sizeof(dbg_reg_table[0]);

const struct dbg_reg_info *dbg_reg_find(const char *name)
{
	for (size_t i = 0; i < dbg_reg_count; i++)
		if (!strcmp(dbg_reg_table[i].name, name))
			return &dbg_reg_table[i];
	return NULL;
}

uint64_t dbg_reg_get(const struct dbg_regs *r, const struct dbg_reg_info *ri)
{
	uint64_t v;

	memcpy(&v, (const char *)r + ri->off, sizeof(v));
	return v;
}

void dbg_reg_put(struct dbg_regs *r, const struct dbg_reg_info *ri, uint64_t v)
{
	memcpy((char *)r + ri->off, &v, sizeof(v));
}

int dbg_regs_parse(const char *text, struct dbg_regs *r)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[128], name[32], val[64];
		const struct dbg_reg_info *ri;
		uint64_t v;

		if (len && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (sscanf(line, "%31s %63s", name, val) != 2 || num_parse_u64(val, &v))
				return -EPROTO;
			ri = dbg_reg_find(name);
			if (ri) {
				dbg_reg_put(r, ri, v);
				n++;
			}
		} else if (len) {
			return -EPROTO;
		}
		p += len + (eol ? 1 : 0);
	}
	return n;
}

size_t dbg_regs_format(const struct dbg_regs *r, char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < dbg_reg_count && n < len; i++)
		if (dbg_reg_table[i].writable)
			n += (size_t)snprintf(buf + n, len - n, "%s 0x%llx\n", dbg_reg_table[i].name,
					      (unsigned long long)dbg_reg_get(r, &dbg_reg_table[i]));
	return n < len ? n : len;
}

/* The value of "key=value" among the words of s, or -ENOENT. */
static int field(const char *s, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);

	for (const char *p = s; (p = strstr(p, key)); p += kl) {
		char val[64];
		size_t n = 0;

		if ((p != s && p[-1] != ' ') || p[kl] != '=')
			continue;
		p += kl + 1;
		while (p[n] && p[n] != ' ' && p[n] != '\n' && n < sizeof(val) - 1) {
			val[n] = p[n];
			n++;
		}
		val[n] = '\0';
		return num_parse_u64(val, out) ? -EPROTO : 0;
	}
	return -ENOENT;
}

int dbg_event_parse(const char *line, struct dbg_event *ev)
{
	static const struct {
		const char *word;
		enum dbg_stop kind;
	} why[] = {
		{ "attach", DBG_STOP_ATTACH }, { "breakpoint", DBG_STOP_BREAKPOINT },
		{ "step", DBG_STOP_STEP }, { "watch", DBG_STOP_WATCH },
		{ "trap", DBG_STOP_TRAP }, { "stop", DBG_STOP_INTERRUPT },
		{ "interrupt", DBG_STOP_INTERRUPT }, { "pause", DBG_STOP_INTERRUPT },
		{ "paused", DBG_STOP_INTERRUPT },
	};
	char word[32];
	size_t n;
	uint64_t v;
	int found = 0;

	memset(ev, 0, sizeof(*ev));
	n = strcspn(line, "\n");
	if (n >= sizeof(ev->text))
		n = sizeof(ev->text) - 1;
	memcpy(ev->text, line, n);
	ev->text[n] = '\0';
	ev->vector = -1;
	if (!strncmp(ev->text, "ended", 5) && (ev->text[5] == ' ' || !ev->text[5])) {
		ev->kind = DBG_ENDED;
		return 0;
	}
	if (strncmp(ev->text, "stopped ", 8) || sscanf(ev->text + 8, "%31s", word) != 1)
		return -EPROTO;
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (!strcmp(word, why[i].word)) {
			ev->kind = why[i].kind;
			found = 1;
		}
	if (!found)
		ev->kind = DBG_STOP_INTERRUPT; /* a reason this client does not know yet */
	if (field(ev->text, "rip", &ev->rip))
		return -EPROTO;
	if (field(ev->text, "addr", &ev->addr) == -EPROTO ||
	    field(ev->text, "old", &ev->old) == -EPROTO ||
	    field(ev->text, "new", &ev->new) == -EPROTO)
		return -EPROTO;
	if (field(ev->text, "vector", &v) == 0)
		ev->vector = (int)v;
	else if (ev->kind == DBG_STOP_TRAP)
		return -EPROTO;
	if (ev->kind == DBG_STOP_BREAKPOINT && field(ev->text, "addr", &v))
		ev->addr = ev->rip;
	{
		const char *k = strstr(ev->text, " kind=");

		ev->watch_kind = k ? k[6] : 0;
	}
	return 0;
}
