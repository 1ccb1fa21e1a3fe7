/* SPDX-License-Identifier: ISC */
/*
 * The 9P2000.L server core (p9/server.c) with the host file system behind
 * it (p9/hostfs.c, what a share serves) on a small tree in a directory
 * made once and put back before every input; or with the unit tests' fake
 * file system (tests/unit/p9_fake.h), whose /slow defers every request so
 * that flushes, hang-ups and late replies are reached.  The first byte
 * picks: & 1 the fake, & 2 a read-only share.  The rest is p9feed.h's
 * steps; on the fake, a step's hook answers the oldest deferred request.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../p9/hostfs.h"
/* The unit tests' header, as it is: clang finds its NOW_TEXT + off suspicious. */
#pragma clang diagnostic ignored "-Wstring-plus-int"
#include "../unit/p9_fake.h"
#include "p9feed.h"

static char dir[] = "/tmp/lpar-fuzz-p9.XXXXXX";
static struct fakefs fake;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void put_file(const char *name, const char *text)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

/* The tree every input starts from: a, sub/b, an empty dir, a symlink. */
static void tree_reset(void)
{
	char path[256];

	chmod(dir, 0755);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	put_file("a", "hello, 9p\n");
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	put_file("sub/b", "deeper\n");
	snprintf(path, sizeof(path), "%s/empty", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/link", dir);
	if (symlink("a", path))
		abort();
}

static void cleanup(void)
{
	chmod(dir, 0755);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir)) {
		perror("fuzz: mkdtemp");
		exit(2);
	}
	atexit(cleanup);
	return 0;
}

/* Answers the oldest request the fake deferred. */
static void answer(void *arg)
{
	struct fakefs *f = arg;
	struct p9_req *r;

	if (!f->npending)
		return;
	r = f->pending[0];
	memmove(f->pending, f->pending + 1, (size_t)(f->npending - 1) * sizeof(r));
	f->npending--;
	p9_reply_error(r, EIO);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lerr err = { 0, "" };
	struct p9_hostfs *hfs = NULL;
	struct p9_srv *srv;

	if (!size)
		return 0;
	if (data[0] & 1) {
		memset(&fake, 0, sizeof(fake));
		if (p9_srv_new(&fake, &fake_ops, &srv))
			return 0;
		p9feed_run(srv, data + 1, size - 1, answer, NULL, &fake);
	} else {
		tree_reset();
		if (p9_hostfs_open(dir, data[0] & 2, &hfs, &err))
			abort();
		if (p9_srv_new(hfs, &p9_hostfs_ops, &srv))
			abort();
		p9feed_run(srv, data + 1, size - 1, NULL, NULL, NULL);
	}
	p9_srv_free(srv);
	if (hfs)
		p9_hostfs_free(hfs);
	return 0;
}
