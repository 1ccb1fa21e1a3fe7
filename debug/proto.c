/* SPDX-License-Identifier: ISC */
/* The debug interface's texts: register lines and event lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/num.h"
#include "../common/regs.h"
#include "proto.h"

int dbg_regs_parse(const char *text, struct vcpu_regs *r)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[128], name[32], val[64];
		const struct vcpu_reg *ri;
		uint64_t v;

		if (len && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (sscanf(line, "%31s %63s", name, val) != 2 || num_parse_u64(val, &v))
				return -EPROTO;
			ri = vcpu_reg_find(name);
			if (ri) {
				vcpu_reg_put(r, ri, v);
				n++;
			}
		} else if (len) {
			return -EPROTO;
		}
		p += len + (eol ? 1 : 0);
	}
	return n;
}

size_t dbg_regs_format(const struct vcpu_regs *r, char *buf, size_t len)
{
	return vcpu_regs_format(r, VCPU_REG_GPR, buf, len);
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
