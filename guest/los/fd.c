/* SPDX-License-Identifier: ISC */
/*
 * The descriptor table: descriptors point at open file descriptions,
 * which dup() shares, as on Linux.  Fds 0, 1 and 2 start as the console,
 * so dup2(file, 1) sends standard output to a file.  A directory keeps its
 * path (for *at() calls, fchdir and synthetic listings) in a small arena.
 */
#include <errno.h>
#include <fcntl.h>

#include "fs.h"
#include "los.h"

static struct fs_file files[FS_FDS];
static uint16_t fdtab[FS_FDS];  /* index into files + 1; 0: free */
static uint8_t fdcloexec[FS_FDS];

/* Paths of open directories, in granules of 64 bytes. */
#define GRAIN   64
#define GRAINS  512
static char arena[GRAINS * GRAIN];
static uint8_t taken[GRAINS];

void fs_fd_init(void)
{
	for (int fd = 0; fd < 3; fd++) {
		files[fd] = (struct fs_file){ .kind = FS_CON, .refs = 1, .path = FS_NOPATH,
					      .flags = O_RDWR };
		fdtab[fd] = (uint16_t)(fd + 1);
	}
}

struct fs_file *fs_fd(long fd)
{
	if (fd < 0 || fd >= FS_FDS || !fdtab[fd])
		return NULL;
	return &files[fdtab[fd] - 1];
}

struct fs_file *fs_file_new(enum fs_kind kind)
{
	for (int i = 0; i < FS_FDS; i++)
		if (!files[i].refs) {
			files[i] = (struct fs_file){ .kind = (uint8_t)kind, .refs = 1,
						     .path = FS_NOPATH, .share = -1 };
			return &files[i];
		}
	return NULL;
}

static void path_free(struct fs_file *f)
{
	if (f->path != FS_NOPATH) {
		size_t n = (strlen(arena + f->path * GRAIN) + GRAIN) / GRAIN;

		memset(taken + f->path, 0, n);
		f->path = FS_NOPATH;
	}
}

const char *fs_file_path(const struct fs_file *f)
{
	return f->path == FS_NOPATH ? NULL : arena + f->path * GRAIN;
}

/* First fit; a full arena is ENFILE, as a full system file table is on Linux. */
int fs_file_set_path(struct fs_file *f, const char *path)
{
	size_t len = strlen(path), n = (len + GRAIN) / GRAIN;

	path_free(f);
	for (size_t i = 0, run = 0; i < GRAINS; i++) {
		run = taken[i] ? 0 : run + 1;
		if (run == n) {
			size_t at = i + 1 - n;

			memset(taken + at, 1, n);
			memcpy(arena + at * GRAIN, path, len + 1);
			f->path = (uint16_t)at;
			return 0;
		}
	}
	return -ENFILE;
}

void fs_file_put(struct fs_file *f)
{
	if (!f || !f->refs || --f->refs)
		return;
	if (f->kind == FS_P9 && f->gen == p9c_gen)
		p9c_clunk(f->share, f->fid);
	path_free(f);
}

long fs_fd_install(struct fs_file *f, long min, int cloexec)
{
	for (long fd = min < 0 ? 0 : min; fd < FS_FDS; fd++)
		if (!fdtab[fd]) {
			fdtab[fd] = (uint16_t)(f - files + 1);
			fdcloexec[fd] = (uint8_t)!!cloexec;
			return fd;
		}
	fs_file_put(f);
	return min >= FS_FDS ? -EINVAL : -EMFILE;
}

long fs_fd_replace(long to, struct fs_file *f, int cloexec)
{
	struct fs_file *old = fs_fd(to);

	f->refs++;
	fdtab[to] = (uint16_t)(f - files + 1);
	fdcloexec[to] = (uint8_t)!!cloexec;
	fs_file_put(old);
	return to;
}

long fs_fd_close(long fd)
{
	struct fs_file *f = fs_fd(fd);

	if (!f)
		return -EBADF;
	fdtab[fd] = 0;
	fdcloexec[fd] = 0;
	fs_file_put(f);
	return 0;
}

int fs_fd_cloexec(long fd)
{
	return fdcloexec[fd];
}

void fs_fd_set_cloexec(long fd, int on)
{
	fdcloexec[fd] = (uint8_t)!!on;
}
