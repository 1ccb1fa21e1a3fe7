/* SPDX-License-Identifier: ISC */
/* JSON printing: strings escaped, one status object shape everywhere. */
#include <string.h>

#include "../libpart/part.h"
#include "json.h"

/*
 * How many bytes the UTF-8 sequence at s takes, or 0 if it is not one:
 * overlong forms, surrogates and code points past U+10FFFF are not.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0; /* a continuation byte, an overlong lead or past U+10FFFF */
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also the terminating NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Valid UTF-8 goes through as it is; each byte of anything else (a
 * Latin-1 file name, say) becomes U+FFFD, so that the output is always
 * JSON (RFC 8259 requires UTF-8).  Documented in lpar(1), "JSON".
 */
void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, f);
		else if ((n = utf8_len((const unsigned char *)s))) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		} else
			fputs("\\ufffd", f);
		s++;
	}
	fputc('"', f);
}

void json_value(FILE *f, const char *v)
{
	const char *p = v + (*v == '-');
	size_t n = strlen(p);

	/* Up to 18 digits, no leading zero: exact in any JSON reader's int64. */
	if (n && n < 19 && strspn(p, "0123456789") == n && (p[0] != '0' || n == 1))
		fputs(v, f);
	else
		json_string(f, v);
}

/* "seccomp=on landlock=off(why)" as {"seccomp": "on", "landlock": "off(why)"}. */
static void json_sandbox(FILE *f, const char *text)
{
	char copy[sizeof(((struct part_status *)0)->sandbox)], *save = NULL, *tok;
	int first = 1;

	snprintf(copy, sizeof(copy), "%s", text);
	fputs(", \"sandbox\": {", f);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		fputs(first ? "" : ", ", f);
		json_string(f, tok);
		fputs(": ", f);
		json_string(f, eq + 1);
		first = 0;
	}
	fputs("}", f);
}

void json_status(FILE *f, const struct part_status *st)
{
	fputs("{\"name\": ", f);
	json_string(f, st->name);
	fputs(", \"state\": ", f);
	json_string(f, st->state);
	fprintf(f, ", \"pid\": %ld, \"mem\": %llu, \"vcpus\": %d", st->pid,
		(unsigned long long)st->mem, st->vcpus);
	if (st->accel[0]) {
		fputs(", \"accel\": ", f);
		json_string(f, st->accel);
	}
	fputs(", \"image\": ", f);
	json_string(f, st->image);
	fprintf(f, ", \"uptime\": %.3f", st->uptime);
	fprintf(f, ", \"syscalls_unsupported\": %llu", (unsigned long long)st->syscalls_unsupported);
	if (!part_status_ended(st))
		fprintf(f, ", \"exits\": %llu, \"hcalls\": %llu, \"cpu\": %.3f, \"rss_kib\": %llu",
			(unsigned long long)st->exits, (unsigned long long)st->hcalls, st->cpu,
			(unsigned long long)st->rss_kib);
	if (st->sandbox[0])
		json_sandbox(f, st->sandbox);
	if (!strcmp(st->state, "exited"))
		fprintf(f, ", \"exit\": %d", st->exit_status);
	if (part_status_ended(st))
		fprintf(f, ", \"status\": %d", part_status_code(st));
	if (st->reason[0]) {
		fputs(", \"reason\": ", f);
		json_string(f, st->reason);
	}
	fputs(", \"core\": ", f);
	if (st->core[0])
		json_string(f, st->core);
	else
		fputs("null", f);
	if (st->core_error[0]) {
		fputs(", \"core_error\": ", f);
		json_string(f, st->core_error);
	}
	fputs(", \"rings\": ", f);
	json_rings(f, st);
	fputs(", \"shares\": ", f);
	json_shares(f, st);
	fputs(", \"workdir\": ", f);
	if (st->workdir[0])
		json_string(f, st->workdir);
	else
		fputs("null", f);
	fputs("}", f);
}

void json_rings(FILE *f, const struct part_status *st)
{
	fputs("[", f);
	for (int i = 0; i < st->nrings; i++) {
		const struct part_ring *r = &st->rings[i];

		fprintf(f, "%s{\"name\": ", i ? ", " : "");
		json_string(f, r->name);
		fprintf(f, ", \"index\": %u, \"addr\": %llu, \"len\": %llu, \"kind\": ", r->index,
			(unsigned long long)r->addr, (unsigned long long)r->len);
		json_string(f, r->kind);
		fprintf(f, ", \"size\": %u, \"attach\": ", r->size);
		json_string(f, r->attach);
		fputs(", \"link\": ", f);
		json_string(f, r->link);
		fputs(", \"peer\": ", f);
		json_string(f, r->peer);
		fprintf(f, ", \"gen\": %u, \"resets\": %llu}", r->gen,
			(unsigned long long)r->resets);
	}
	fputs("]", f);
}

void json_shares(FILE *f, const struct part_status *st)
{
	fputs("[", f);
	for (int i = 0; i < st->nshares; i++) {
		const struct part_share_status *s = &st->shares[i];

		fprintf(f, "%s{\"index\": %u, \"guest\": ", i ? ", " : "", s->index);
		json_string(f, s->guest);
		fputs(", \"host\": ", f);
		json_string(f, s->host);
		if (s->aname[0]) {
			fputs(", \"aname\": ", f);
			json_string(f, s->aname);
		}
		fputs(", \"kind\": ", f);
		json_string(f, s->kind);
		fputs(", \"mode\": ", f);
		json_string(f, s->mode);
		fprintf(f, ", \"requests\": %llu, \"errors\": %llu}",
			(unsigned long long)s->requests, (unsigned long long)s->errors);
	}
	fputs("]", f);
}

void json_list_begin(struct json_list *l)
{
	l->n = 0;
	fputs("[", stdout);
}

void json_list_next(struct json_list *l)
{
	if (l->n++)
		fputs(", ", stdout);
}

void json_list_error(struct json_list *l, const char *name, const char *msg)
{
	json_list_next(l);
	fputs("{\"name\": ", stdout);
	json_string(stdout, name);
	fputs(", \"error\": ", stdout);
	json_string(stdout, msg);
	fputs("}", stdout);
}

void json_list_end(struct json_list *l)
{
	(void)l;
	fputs("]\n", stdout);
}
