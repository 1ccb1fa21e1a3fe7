/* SPDX-License-Identifier: ISC
 * Partition config files, in the spirit of xl's: "key = value" lines,
 * # comments, values optionally in double quotes.  Keys: name, mem, image,
 * args (words separated by spaces; quote a word to keep its spaces),
 * chan (NAME[:RING], once per channel), env (NAME=VALUE, once per
 * variable), share (a share spec, once per share), workdir, core (a
 * directory for crash core files) and accel (kvm, tcg or auto).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/infile.h"
#include "../common/text.h"
#include "part.h"

int part_env_valid(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || isdigit((unsigned char)s[0]))
		return 0;
	for (const char *p = s; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

int part_env_set(char **env, int *n, char *v)
{
	size_t name = strcspn(v, "=");

	if (!part_env_valid(v))
		return -EINVAL;
	for (int i = 0; i < *n; i++)
		if (!strncmp(env[i], v, name + 1)) {
			env[i] = v;
			return 0;
		}
	if (*n == PART_ENV_MAX)
		return -E2BIG;
	env[(*n)++] = v;
	return 0;
}

/* Adds NAME=VALUE to cfg's environment. */
static int add_env(struct part_config *cfg, const char *v, const char *path, int lineno,
		   struct lerr *err)
{
	size_t n = strlen(v) + 1;

	if (!part_env_valid(v))
		return lerr_set(err, EINVAL,
				"%s:%d: value of 'env' is not NAME=VALUE (NAME: letters, digits and '_', not starting with a digit)",
				path, lineno);
	if (cfg->nenv == PART_ENV_MAX)
		return lerr_set(err, EINVAL, "%s:%d: too many environment variables (at most %d)",
				path, lineno, PART_ENV_MAX);
	if (cfg->envused + n > sizeof(cfg->envbuf))
		return lerr_set(err, EINVAL, "%s:%d: the environment is too long (at most %d bytes)",
				path, lineno, PART_ENV_BYTES);
	memcpy(cfg->envbuf + cfg->envused, v, n);
	cfg->env[cfg->nenv++] = cfg->envbuf + cfg->envused;
	cfg->envused += n;
	return 0;
}

/* Adds a share spec to cfg's shares: the spec is parsed here, as --share's is. */
static int add_share(struct part_config *cfg, const char *v, const char *path, int lineno,
		     struct lerr *err)
{
	struct lerr why = { 0 };
	char clean[256];

	if (!part_share_add(&cfg->shares, v, &why))
		return 0;
	return lerr_set(err, why.code, "%s:%d: invalid share '%s': %s", path, lineno,
			text_sanitize(clean, sizeof(clean), v, strlen(v)), why.msg);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Removes surrounding double quotes; fails on an unbalanced one. */
static int unquote(char *v)
{
	size_t n = strlen(v);

	if (n && v[0] == '"') {
		if (n < 2 || v[n - 1] != '"')
			return -1;
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
	return 0;
}

static int split_args(struct part_config *cfg, const char *v)
{
	size_t o = 0;

	cfg->nargs = 0;
	while (*v) {
		char q = 0;

		while (isspace((unsigned char)*v))
			v++;
		if (!*v)
			break;
		if (cfg->nargs == (int)(sizeof(cfg->args) / sizeof(cfg->args[0])))
			return -1;
		cfg->args[cfg->nargs++] = cfg->argbuf + o;
		for (; *v && (q || !isspace((unsigned char)*v)); v++) {
			if (*v == '"') {
				q = !q;
				continue;
			}
			if (o + 1 >= sizeof(cfg->argbuf))
				return -1;
			cfg->argbuf[o++] = *v;
		}
		if (q)
			return -1;
		cfg->argbuf[o++] = '\0';
	}
	return 0;
}

/*
 * Reads one line of f into line (len bytes, the newline dropped): its
 * length, -1 at the end of the file, -2 if it does not fit.  A NUL byte
 * is kept, for the caller to find by the length.
 */
static long read_line(FILE *f, char *line, size_t len)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (n + 1 >= len)
			return -2;
		line[n++] = (char)c;
	}
	if (c == EOF && !n)
		return -1;
	line[n] = '\0';
	return (long)n;
}

int part_config_read(const char *path, int (*accel_valid)(const char *name),
		     struct part_config *cfg, struct lerr *err)
{
	struct lerr why = { 0 };
	char line[8192], clean[256];
	unsigned seen = 0, bit;
	int lineno = 0, r = 0, fd;
	FILE *f;
	long n;

	memset(cfg, 0, sizeof(*cfg));
	/* Not a FIFO (it would block) nor a directory (it would read as empty). */
	fd = infile_open(path, &why);
	if (fd < 0)
		return lerr_set(err, why.code, "cannot read config '%s': %s", path, why.msg);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return lerr_set(err, ENOMEM, "out of memory");
	}
	while (!r && (n = read_line(f, line, sizeof(line))) != -1) {
		char *eq, *k, *v, *nul;

		lineno++;
		if (n == -2) {
			r = lerr_set(err, EINVAL, "%s:%d: line too long (at most %zu bytes)", path,
				     lineno, sizeof(line) - 1);
			break;
		}
		nul = memchr(line, '\0', (size_t)n);
		if (nul) {
			r = lerr_set(err, EINVAL, "%s:%d: a NUL byte at column %ld (a config file is text)",
				     path, lineno, (long)(nul - line) + 1);
			break;
		}
		k = trim(line);
		if (!*k || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			r = lerr_set(err, EINVAL, "%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (strcmp(k, "args") && unquote(v)) {
			r = lerr_set(err, EINVAL, "%s:%d: unbalanced quote", path, lineno);
			break;
		}
		bit = !strcmp(k, "name") ? 1 : !strcmp(k, "mem") ? 2 :
		      !strcmp(k, "image") ? 4 : !strcmp(k, "args") ? 8 :
		      !strcmp(k, "accel") ? 16 : !strcmp(k, "workdir") ? 32 :
		      !strcmp(k, "core") ? 64 : 0;
		if (bit & seen) {
			r = lerr_set(err, EINVAL, "%s:%d: '%s' given twice", path, lineno,
				     text_sanitize(clean, sizeof(clean), k, strlen(k)));
			break;
		}
		seen |= bit;
		if (!strcmp(k, "name") && strlen(v) < sizeof(cfg->name))
			strcpy(cfg->name, v);
		else if (!strcmp(k, "mem") && strlen(v) < sizeof(cfg->mem))
			strcpy(cfg->mem, v);
		else if (!strcmp(k, "image") && strlen(v) < sizeof(cfg->image))
			strcpy(cfg->image, v);
		else if (!strcmp(k, "accel")) {
			if (strlen(v) < sizeof(cfg->accel) && accel_valid(v))
				strcpy(cfg->accel, v);
			else
				r = lerr_set(err, EINVAL,
					     "%s:%d: invalid accelerator '%s' for 'accel' (kvm, tcg or auto)",
					     path, lineno, text_sanitize(clean, sizeof(clean), v, strlen(v)));
		} else if (!strcmp(k, "chan")) {
			if (cfg->nchans == PART_CHANS_MAX)
				r = lerr_set(err, EINVAL, "%s:%d: more than %d channels", path,
					     lineno, PART_CHANS_MAX);
			else if (strlen(v) >= PART_CHAN_SPEC_MAX)
				r = lerr_set(err, EINVAL, "%s:%d: value of 'chan' is too long", path,
					     lineno);
			else
				strcpy(cfg->chans[cfg->nchans++], v);
		} else if (!strcmp(k, "env")) {
			r = add_env(cfg, v, path, lineno, err);
		} else if (!strcmp(k, "share")) {
			r = add_share(cfg, v, path, lineno, err);
		} else if (!strcmp(k, "workdir")) {
			r = part_workdir_parse(v, cfg->workdir, sizeof(cfg->workdir), &why);
			if (r)
				r = lerr_set(err, why.code, "%s:%d: invalid workdir '%s': %s", path,
					     lineno, text_sanitize(clean, sizeof(clean), v, strlen(v)),
					     why.msg);
		} else if (!strcmp(k, "core")) {
			if (!*v || strlen(v) >= sizeof(cfg->core))
				r = lerr_set(err, EINVAL, "%s:%d: value of 'core' is %s", path, lineno,
					     *v ? "too long" : "empty");
			else
				strcpy(cfg->core, v);
		} else if (!strcmp(k, "args")) {
			if (split_args(cfg, v))
				r = lerr_set(err, EINVAL, "%s:%d: bad or too many arguments", path, lineno);
		} else if (!strcmp(k, "name") || !strcmp(k, "mem") || !strcmp(k, "image"))
			r = lerr_set(err, EINVAL, "%s:%d: value of '%s' is too long", path, lineno, k);
		else
			r = lerr_set(err, EINVAL, "%s:%d: unknown key '%s' (name, mem, image, args, chan, env, share, workdir, core, accel)",
				     path, lineno, text_sanitize(clean, sizeof(clean), k, strlen(k)));
	}
	if (!r && ferror(f))
		r = lerr_set(err, EIO, "cannot read config '%s': %s", path, strerror(EIO));
	fclose(f);
	return r;
}
