/* SPDX-License-Identifier: ISC */
/*
 * Share specs, "HOSTDIR[:GUESTPATH][:ro]" and "9p:SOCKET[:ANAME]:GUESTPATH[:ro]":
 * parsed here once for lpar run/create's --share and the config's share key.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/text.h"
#include "part.h"

int part_path_clean(char *dst, size_t len, const char *path)
{
	/* Built whole first: a ".." later may bring a path that ran long back within len. */
	char *w;
	size_t n = 0;

	if (path[0] != '/')
		return -EINVAL;
	w = malloc(strlen(path) + 2);
	if (!w)
		return -ENOMEM;
	while (*path) {
		size_t c;

		while (*path == '/')
			path++;
		c = strcspn(path, "/");
		if (!c || (c == 1 && path[0] == '.')) {
			path += c;
			continue;
		}
		if (c == 2 && path[0] == '.' && path[1] == '.') {
			/* Lexically: ".." of the root is the root, as the kernel has it. */
			while (n && w[n - 1] != '/')
				n--;
			if (n)
				n--;
			path += c;
			continue;
		}
		w[n++] = '/';
		memcpy(w + n, path, c);
		n += c;
		path += c;
	}
	if (!n)
		w[n++] = '/';
	if (n >= len) {
		free(w);
		return -ENAMETOOLONG;
	}
	memcpy(dst, w, n);
	dst[n] = '\0';
	free(w);
	return 0;
}

int part_path_absolute(char *dst, size_t len, const char *path)
{
	char cwd[PATH_MAX], *joined;
	size_t cl, pl = strlen(path);
	int r;

	if (path[0] == '/')
		return part_path_clean(dst, len, path);
	/* Not realpath(): the user's own spelling, symlinks and all, is what is shared. */
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	cl = strlen(cwd);
	joined = malloc(cl + 1 + pl + 1);
	if (!joined)
		return -ENOMEM;
	memcpy(joined, cwd, cl);
	joined[cl] = '/';
	memcpy(joined + cl + 1, path, pl + 1);
	r = part_path_clean(dst, len, joined);
	free(joined);
	return r;
}

/* The guest path g, checked and normalized into s->guest. */
static int guest_set(struct part_share *s, const char *g, struct lerr *err)
{
	char clean[128];
	int r = part_path_clean(s->guest, sizeof(s->guest), g);

	text_sanitize(clean, sizeof(clean), g, strlen(g));
	if (r == -EINVAL)
		return lerr_set(err, EINVAL, "guest path '%s' is not absolute", clean);
	if (r)
		return lerr_set(err, ENAMETOOLONG, "guest path '%s' is too long (at most %d bytes)",
				clean, PART_SHARE_PATH_MAX - 1);
	return 0;
}

static int host_set(struct part_share *s, const char *h, const char *what, struct lerr *err)
{
	char clean[128];
	int r;

	text_sanitize(clean, sizeof(clean), h, strlen(h));
	if (!*h)
		return lerr_set(err, EINVAL, "no %s given", what);
	r = part_path_absolute(s->host, sizeof(s->host), h);
	if (r == -ENAMETOOLONG)
		return lerr_set(err, ENAMETOOLONG, "%s '%s' is too long", what, clean);
	if (r)
		return lerr_set(err, -r, "cannot make %s '%s' absolute: %s", what, clean,
				strerror(-r));
	return 0;
}

/* The syntax, for messages. */
#define DIR_FORMS "HOSTDIR[:GUESTPATH][:ro]"
#define P9_FORMS  "9p:SOCKET[:ANAME]:GUESTPATH[:ro]"

int part_share_parse(const char *spec, struct part_share *s, struct lerr *err)
{
	char buf[PART_SHARE_SPEC_MAX], *f[5];
	int n = 0, r, relay = !strncmp(spec, "9p:", 3);
	size_t len = strlen(spec);

	memset(s, 0, sizeof(*s));
	if (len >= sizeof(buf))
		return lerr_set(err, ENAMETOOLONG, "too long (at most %d bytes)",
				PART_SHARE_SPEC_MAX - 1);
	/* With its NUL; a 9P server's without its "9p:". */
	memcpy(buf, relay ? spec + 3 : spec, len + 1 - (relay ? 3 : 0));
	/* Fields between ':'s; one more than any form has says "too many". */
	for (char *p = buf; n < 5; n++) {
		f[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	/* A last field "ro" or "rw" is the mode, unless it is all there is (a directory "ro"). */
	if (n > 1 && (!strcmp(f[n - 1], "ro") || !strcmp(f[n - 1], "rw"))) {
		s->readonly = !strcmp(f[n - 1], "ro");
		n--;
	}
	if (relay) {
		if (n < 2)
			return lerr_set(err, EINVAL, "a 9P server's share needs a guest path: " P9_FORMS);
		if (n > 3)
			return lerr_set(err, EINVAL,
					"too many ':': expected " P9_FORMS " (a path that contains ':' cannot be given here)");
		s->relay = 1;
		if ((r = host_set(s, f[0], "socket", err)))
			return r;
		if (n == 3) {
			if (strlen(f[1]) >= sizeof(s->aname))
				return lerr_set(err, ENAMETOOLONG, "attach name is too long (at most %zu bytes)",
						sizeof(s->aname) - 1);
			strcpy(s->aname, f[1]);
			s->has_aname = 1;
		}
		return guest_set(s, f[n - 1], err);
	}
	if (n > 2)
		return lerr_set(err, EINVAL,
				"too many ':': expected " DIR_FORMS " (a path that contains ':' cannot be given here)");
	if (n == 2 && f[1][0] != '/') {
		char clean[128];

		return lerr_set(err, EINVAL,
				"guest path '%s' is not absolute (a path that contains ':' cannot be given here)",
				text_sanitize(clean, sizeof(clean), f[1], strlen(f[1])));
	}
	if ((r = host_set(s, f[0], "host directory", err)))
		return r;
	/* No guest path: the partition sees the directory where the host has it. */
	if (n == 1) {
		if (strlen(s->host) >= sizeof(s->guest))
			return lerr_set(err, ENAMETOOLONG,
					"host directory is too long to be the guest path too (at most %d bytes): give GUESTPATH",
					PART_SHARE_PATH_MAX - 1);
		strcpy(s->guest, s->host);
		return 0;
	}
	return guest_set(s, f[1], err);
}

int part_share_add(struct part_shares *l, const char *spec, struct lerr *err)
{
	struct part_share *s;
	int r;

	if (l->n == PART_SHARES_MAX)
		return lerr_set(err, E2BIG, "too many shares (at most %d)", PART_SHARES_MAX);
	s = &l->v[l->n];
	if ((r = part_share_parse(spec, s, err)))
		return r;
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].guest, s->guest)) {
			char clean[128];

			return lerr_set(err, EEXIST, "guest path '%s' is shared twice",
					text_sanitize(clean, sizeof(clean), s->guest, strlen(s->guest)));
		}
	l->n++;
	return 0;
}

int part_workdir_parse(const char *path, char *dst, size_t len, struct lerr *err)
{
	int r = part_path_clean(dst, len, path);

	if (r == -EINVAL)
		return lerr_set(err, EINVAL, "not an absolute path");
	if (r)
		return lerr_set(err, ENAMETOOLONG, "too long (at most %zu bytes)", len - 1);
	return 0;
}
