/* SPDX-License-Identifier: ISC */
/* Parsing the status text ("key value" lines) monitors serve and leave behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/text.h"
#include "part.h"

/* Copies as much of src as fits, always NUL-terminated. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "NAME key=value ...": a ring line's value. */
static void ring_parse(char *val, struct part_status *st)
{
	struct part_ring *r;
	char *tok, *save = NULL;

	if (st->nrings == PART_RINGS_MAX)
		return;
	r = &st->rings[st->nrings];
	memset(r, 0, sizeof(*r));
	tok = strtok_r(val, " ", &save);
	if (!tok)
		return;
	copy(r->name, sizeof(r->name), tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '='), *v;

		if (!eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (!strcmp(tok, "index"))
			r->index = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(tok, "addr"))
			r->addr = strtoull(v, NULL, 0);
		else if (!strcmp(tok, "len"))
			r->len = strtoull(v, NULL, 10);
		else if (!strcmp(tok, "kind"))
			copy(r->kind, sizeof(r->kind), v);
		else if (!strcmp(tok, "size"))
			r->size = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(tok, "attach"))
			copy(r->attach, sizeof(r->attach), v);
		else if (!strcmp(tok, "link"))
			copy(r->link, sizeof(r->link), v);
		else if (!strcmp(tok, "peer"))
			copy(r->peer, sizeof(r->peer), v);
		else if (!strcmp(tok, "gen"))
			r->gen = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(tok, "resets"))
			r->resets = strtoull(v, NULL, 10);
	}
	st->nrings++;
}

/*
 * "INDEX kind=dir mode=rw requests=N errors=N guest=ESC host=ESC [aname=ESC]":
 * a share line's value, its paths %-escaped (text_pct_escape()).
 */
static void share_parse(char *val, struct part_status *st)
{
	struct part_share_status *s;
	char *tok, *save = NULL;

	if (st->nshares == PART_SHARES_MAX)
		return;
	s = &st->shares[st->nshares];
	memset(s, 0, sizeof(*s));
	tok = strtok_r(val, " ", &save);
	if (!tok)
		return;
	s->index = (unsigned)strtoul(tok, NULL, 10);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '='), *v;

		if (!eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (!strcmp(tok, "kind"))
			copy(s->kind, sizeof(s->kind), v);
		else if (!strcmp(tok, "mode"))
			copy(s->mode, sizeof(s->mode), v);
		else if (!strcmp(tok, "requests"))
			s->requests = strtoull(v, NULL, 10);
		else if (!strcmp(tok, "errors"))
			s->errors = strtoull(v, NULL, 10);
		else if (!strcmp(tok, "guest"))
			copy(s->guest, sizeof(s->guest), text_pct_unescape(v));
		else if (!strcmp(tok, "host"))
			copy(s->host, sizeof(s->host), text_pct_unescape(v));
		else if (!strcmp(tok, "aname"))
			copy(s->aname, sizeof(s->aname), text_pct_unescape(v));
	}
	st->nshares++;
}

int part_status_parse(const char *text, struct part_status *st)
{
	const char *line = text;

	memset(st, 0, sizeof(*st));
	st->exit_status = -1;
	while (*line) {
		const char *end = strchr(line, '\n'), *sp;
		/* A share line's two escaped paths may take three bytes a byte. */
		char key[32], val[16384];
		size_t klen, vlen;

		if (!end)
			end = line + strlen(line);
		sp = memchr(line, ' ', (size_t)(end - line));
		if (sp) {
			klen = (size_t)(sp - line);
			vlen = (size_t)(end - sp - 1);
			if (klen < sizeof(key) && vlen < sizeof(val)) {
				memcpy(key, line, klen);
				key[klen] = '\0';
				memcpy(val, sp + 1, vlen);
				val[vlen] = '\0';
				if (!strcmp(key, "name"))
					copy(st->name, sizeof(st->name), val);
				else if (!strcmp(key, "state"))
					copy(st->state, sizeof(st->state), val);
				else if (!strcmp(key, "pid"))
					st->pid = strtol(val, NULL, 10);
				else if (!strcmp(key, "mem"))
					st->mem = strtoull(val, NULL, 10);
				else if (!strcmp(key, "vcpus"))
					st->vcpus = atoi(val);
				else if (!strcmp(key, "accel"))
					copy(st->accel, sizeof(st->accel), val);
				else if (!strcmp(key, "image"))
					copy(st->image, sizeof(st->image), val);
				else if (!strcmp(key, "uptime"))
					st->uptime = strtod(val, NULL);
				else if (!strcmp(key, "syscalls_unsupported"))
					st->syscalls_unsupported = strtoull(val, NULL, 10);
				else if (!strcmp(key, "exits"))
					st->exits = strtoull(val, NULL, 10);
				else if (!strcmp(key, "hcalls"))
					st->hcalls = strtoull(val, NULL, 10);
				else if (!strcmp(key, "cpu"))
					st->cpu = strtod(val, NULL);
				else if (!strcmp(key, "rss"))
					st->rss_kib = strtoull(val, NULL, 10);
				else if (!strcmp(key, "sandbox"))
					copy(st->sandbox, sizeof(st->sandbox), val);
				else if (!strcmp(key, "exit"))
					st->exit_status = atoi(val);
				else if (!strcmp(key, "signal"))
					st->signal = atoi(val);
				else if (!strcmp(key, "reason"))
					copy(st->reason, sizeof(st->reason), val);
				else if (!strcmp(key, "ring"))
					ring_parse(val, st);
				else if (!strcmp(key, "share"))
					share_parse(val, st);
				else if (!strcmp(key, "core"))
					copy(st->core, sizeof(st->core), text_pct_unescape(val));
				else if (!strcmp(key, "core_error"))
					copy(st->core_error, sizeof(st->core_error), val);
				else if (!strcmp(key, "workdir"))
					copy(st->workdir, sizeof(st->workdir),
					     text_pct_unescape(val));
			}
		}
		line = *end ? end + 1 : end;
	}
	return st->state[0] ? 0 : -1;
}

int part_status_ended(const struct part_status *st)
{
	return !strcmp(st->state, "exited") || !strcmp(st->state, "crashed") ||
	       !strcmp(st->state, "killed") || !strcmp(st->state, "gone");
}

int part_status_code(const struct part_status *st)
{
	if (!strcmp(st->state, "exited"))
		return st->exit_status & 0xff;
	if (!strcmp(st->state, "killed"))
		return 128 + (st->signal ? st->signal : 9);
	return 126; /* crashed, or its monitor is gone */
}
