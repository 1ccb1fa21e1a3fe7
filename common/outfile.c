/* SPDX-License-Identifier: ISC */
/* Files written whole or not at all: see outfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

const char *outfile_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The directory part of path, opened; "." for a bare name. */
static int dir_open(const char *path)
{
	const char *s = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	if (!s)
		snprintf(dir, sizeof(dir), ".");
	else if (s == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(s - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(s - path), path);
	fd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* A fresh ".NAME.XXXXXXXX" in the directory, created exclusively. */
static int tmp_named(struct outfile *o, const char *base)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t rnd = 0;

		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		snprintf(o->tmp, sizeof(o->tmp), ".%.200s.%08x", base, rnd);
		o->fd = openat(o->dir_fd, o->tmp,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (o->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int outfile_open(struct outfile *o, const char *path)
{
	const char *base = outfile_base(path);
	int e;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return o->dir_fd = -1, -EISDIR;
	o->dir_fd = dir_open(path);
	if (o->dir_fd < 0)
		return o->dir_fd;
	/* Unnamed until complete, so nothing is ever left behind. */
	o->fd = openat(o->dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (o->fd >= 0) {
		o->unnamed = 1;
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		e = -errno;
		close(o->dir_fd);
		o->dir_fd = -1;
		return e;
	}
	e = tmp_named(o, base);
	if (e) {
		close(o->dir_fd);
		o->dir_fd = -1;
		o->tmp[0] = '\0';
	}
	return e;
}

/* Gives the unnamed file the name dst (which must not exist). */
static int link_unnamed(struct outfile *o, const char *dst)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	return linkat(AT_FDCWD, proc, o->dir_fd, dst, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

/* Links the unnamed file under a fresh temporary name, kept in o->tmp. */
static int tmp_named_link(struct outfile *o, const char *base)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t rnd = 0;
		int e;

		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid() * 2654435761u + (uint32_t)tries;
		snprintf(o->tmp, sizeof(o->tmp), ".%.200s.%08x", base, rnd);
		e = link_unnamed(o, o->tmp);
		if (e != -EEXIST)
			return e;
	}
	return -EEXIST;
}

int outfile_commit(struct outfile *o, const char *path, int force)
{
	const char *base = outfile_base(path);
	int e = 0;

	if (o->fd < 0)
		return -EBADF;
	if (o->unnamed && !force) {
		e = link_unnamed(o, base);
	} else if (o->unnamed) {
		/* A name of its own first: rename() replaces atomically. */
		e = tmp_named_link(o, base);
		if (!e && renameat(o->dir_fd, o->tmp, o->dir_fd, base) < 0) {
			e = -errno;
			unlinkat(o->dir_fd, o->tmp, 0);
		}
		if (e)
			o->tmp[0] = '\0';
	} else if (!force) {
		/* link() never replaces, nor follows a symlink at the name. */
		e = linkat(o->dir_fd, o->tmp, o->dir_fd, base, 0) < 0 ? -errno : 0;
		if (!e)
			unlinkat(o->dir_fd, o->tmp, 0);
	} else {
		e = renameat(o->dir_fd, o->tmp, o->dir_fd, base) < 0 ? -errno : 0;
	}
	if (e)
		return e;
	o->tmp[0] = '\0';
	if (close(o->fd) < 0)
		e = -errno;
	o->fd = -1;
	close(o->dir_fd);
	o->dir_fd = -1;
	return e;
}

void outfile_discard(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->dir_fd >= 0 && o->tmp[0])
		unlinkat(o->dir_fd, o->tmp, 0);
	if (o->dir_fd >= 0)
		close(o->dir_fd);
	o->fd = o->dir_fd = -1;
	o->tmp[0] = '\0';
}
