/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the host-directory file server (p9/hostfs.c) through the
 * server core and the client: every op, the errors each gives, and every
 * confinement rule with an attempt to break it.  Each test gets a fresh
 * temporary directory holding the share and, beside it, files the share
 * must never reach; the server runs on its own thread.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../p9/client.h"
#include "../../p9/hostfs.h"
#include "../../p9/server.h"

struct env {
	char dir[64];     /* the temporary directory */
	char share[96];   /* dir/share, served */
	char outside[96]; /* dir/outside, holding "secret": never reachable */
	struct p9_hostfs *fs;
	struct p9_srv *srv;
	struct p9c *c;
	int cfd;          /* the client's socket, for raw messages */
	int stop[2];
	pthread_t th;
	int running;
};

static void *serve(void *arg)
{
	struct env *e = arg;

	for (;;) {
		struct pollfd fds[4];
		int n = p9_srv_pollfds(e->srv, fds, 3);

		fds[n].fd = e->stop[0];
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		if (poll(fds, (nfds_t)n + 1, -1) < 0)
			continue;
		if (fds[n].revents)
			return NULL;
		p9_srv_service(e->srv, fds, n);
	}
}

static char *hp(struct env *e, const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", e->share, rel);
	return buf[k];
}

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *get_file(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int start_env(void **state, int readonly, void (*populate)(struct env *))
{
	struct env *e = calloc(1, sizeof(*e));
	struct lerr err = { 0 };
	char secret[160];
	int sv[2];

	if (!e)
		return -1;
	*state = e;
	strcpy(e->dir, "/tmp/lpar-hostfs.XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->share, sizeof(e->share), "%s/share", e->dir);
	snprintf(e->outside, sizeof(e->outside), "%s/outside", e->dir);
	snprintf(secret, sizeof(secret), "%s/secret", e->outside);
	if (mkdir(e->share, 0755) || mkdir(e->outside, 0755))
		return -1;
	put_file(secret, "outside");
	snprintf(secret, sizeof(secret), "%s/secret", e->dir);
	put_file(secret, "beside");
	if (populate)
		populate(e);
	if (p9_hostfs_open(e->share, readonly, &e->fs, &err)) {
		print_error("p9_hostfs_open: %s\n", err.msg);
		return -1;
	}
	if (pipe(e->stop) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	if (p9_srv_new(e->fs, &p9_hostfs_ops, &e->srv) || p9_srv_add_conn(e->srv, sv[1]))
		return -1;
	if (p9c_open_fds(sv[0], sv[0], &e->c))
		return -1;
	e->cfd = sv[0];
	if (pthread_create(&e->th, NULL, serve, e))
		return -1;
	e->running = 1;
	return p9c_mount(e->c, 65536, "") ? -1 : 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static int teardown(void **state)
{
	struct env *e = *state;
	int ok = 1;

	if (!e)
		return 0;
	p9c_close(e->c);
	if (e->running) {
		if (write(e->stop[1], "x", 1) != 1)
			ok = 0;
		pthread_join(e->th, NULL);
	}
	p9_srv_free(e->srv);
	/* Every fid's node and open file was let go: only the root is held. */
	if (e->fs && p9_hostfs_nfds(e->fs) != 1) {
		print_error("%u descriptors still held after the server went\n",
			    p9_hostfs_nfds(e->fs));
		ok = 0;
	}
	p9_hostfs_free(e->fs);
	close(e->stop[0]);
	close(e->stop[1]);
	if (e->dir[0] && nftw(e->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		/* A failed test may leave what nftw cannot reach (too deep). */
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", e->dir);
		if (system(cmd) != 0 || exists(e->dir))
			ok = 0;
	}
	free(e);
	return ok ? 0 : -1;
}

static int setup(void **state) { return start_env(state, 0, NULL); }

/* A walk from the root to path into a new fid; the fid or -errno. */
static int64_t walk(struct env *e, const char *path)
{
	uint32_t f = p9c_fid(e->c);
	int r = p9c_walk(e->c, P9C_ROOT, f, path);

	return r ? r : (int64_t)f;
}

static uint32_t walk_ok(struct env *e, const char *path)
{
	int64_t f = walk(e, path);

	if (f < 0)
		fail_msg("walk '%s': %s", path, strerror((int)-f));
	return (uint32_t)f;
}

/* A raw message from b (built with tm()): the reply's type, or -Rlerror. */
static int raw_rpc(struct env *e, struct p9_buf *b)
{
	uint8_t r[64];
	uint32_t size;

	p9_msg_end(b);
	assert_int_equal(write(e->cfd, b->data, b->pos), (ssize_t)b->pos);
	assert_int_equal(read(e->cfd, r, 4), 4);
	size = r[0] | r[1] << 8 | r[2] << 16 | (uint32_t)r[3] << 24;
	assert_true(size >= 7 && size <= sizeof(r));
	assert_int_equal(read(e->cfd, r + 4, size - 4), (ssize_t)(size - 4));
	if (r[4] == P9_RLERROR)
		return -(int)(r[7] | r[8] << 8 | r[9] << 16 | (uint32_t)r[10] << 24);
	return r[4];
}

static struct p9_buf *tm(struct p9_buf *b, uint8_t *mem, uint32_t size, uint8_t type)
{
	p9_buf_init(b, mem, size);
	p9_msg_begin(b, type, 0x4242);
	return b;
}

static void same_qid(const struct p9_qid *a, const struct p9_qid *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->path, b->path);
}

static uint32_t create(struct env *e, const char *dirpath, const char *name,
		       uint32_t flags, uint32_t mode)
{
	uint32_t f = walk_ok(e, dirpath);
	int r = p9c_lcreate(e->c, f, name, flags, mode, getgid(), NULL);

	if (r)
		fail_msg("lcreate '%s': %s", name, strerror(-r));
	return f;
}

/* ---- the share: opening it ------------------------------------------------- */

static void open_errors(void **state)
{
	struct env *e = *state;
	struct p9_hostfs *fs;
	struct lerr err = { 0 };
	pid_t pid;
	int st;

	assert_int_equal(p9_hostfs_open(hp(e, "missing"), 0, &fs, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no such directory"));
	put_file(hp(e, "file"), "x");
	assert_int_equal(p9_hostfs_open(hp(e, "file"), 0, &fs, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "not a directory"));
	/* Unreadable for the user: root reads anything, so ask as nobody. */
	assert_int_equal(mkdir(hp(e, "closed"), 0700), 0);
	assert_int_equal(chmod(e->dir, 0711), 0); /* so that only "closed" is closed */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lerr e2 = { 0 };

		if (setgid(65534) || setuid(65534))
			_exit(3);
		_exit(p9_hostfs_open(hp(e, "closed"), 0, &fs, &e2) == -EACCES &&
		      strstr(e2.msg, "cannot read") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 3)
		print_message("(the unreadable-directory case needs setuid; skipped)\n");
	else
		assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- every op ---------------------------------------------------------------- */

static void create_write_read(void **state)
{
	struct env *e = *state;
	struct p9_attr a;
	struct p9_qid q;
	char buf[64];
	uint32_t f, g;
	struct stat st;

	f = walk_ok(e, "");
	assert_int_equal(p9c_lcreate(e->c, f, "f", P9_ORDWR, 04755, getgid(), &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9c_write(e->c, f, 0, "hello", 5), 5);
	assert_int_equal(p9c_read(e->c, f, 0, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(p9c_fsync(e->c, f, 0), 0);
	assert_int_equal(p9c_fsync(e->c, f, 1), 0);
	assert_string_equal(get_file(hp(e, "f")), "hello");
	/* No set-user or set-group bit is ever made on the host. */
	assert_int_equal(stat(hp(e, "f"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(p9c_getattr(e->c, f, &a), 0);
	assert_int_equal(a.size, 5);
	assert_int_equal(a.mode, st.st_mode);
	assert_int_equal(a.qid.path, st.st_ino);
	assert_int_equal(a.nlink, 1);
	assert_int_equal(a.uid, st.st_uid);
	assert_int_equal(a.mtime_sec, st.st_mtim.tv_sec);
	/* The fid is the new file, opened: a second create on it is refused. */
	assert_int_equal(p9c_lcreate(e->c, f, "x", P9_ORDWR, 0644, 0, NULL), -EBUSY);
	p9c_clunk(e->c, f);

	g = walk_ok(e, "");
	assert_int_equal(p9c_lcreate(e->c, g, "f", P9_ORDWR | P9_OEXCL, 0644, 0, NULL), -EEXIST);
	/* Without O_EXCL an existing file is opened, as open(O_CREAT) does. */
	assert_int_equal(p9c_lcreate(e->c, g, "f", P9_OWRONLY | P9_OTRUNC, 0644, 0, NULL), 0);
	assert_int_equal(p9c_write(e->c, g, 0, "bye", 3), 3);
	assert_string_equal(get_file(hp(e, "f")), "bye");
	p9c_clunk(e->c, g);

	g = walk_ok(e, "f");
	assert_int_equal(p9c_lcreate(e->c, g, "x", P9_ORDWR, 0644, 0, NULL), -ENOTDIR);
	assert_int_equal(p9c_fsync(e->c, g, 0), -EBADF); /* not opened */
	assert_int_equal(p9c_lopen(e->c, g, 3, NULL), -EINVAL);
	assert_int_equal(p9c_lopen(e->c, g, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_write(e->c, g, 0, "x", 1), -EBADF);
	p9c_clunk(e->c, g);
	g = walk_ok(e, "");
	assert_int_equal(p9c_lcreate(e->c, g, "", P9_ORDWR, 0644, 0, NULL), -ENOENT);
	assert_int_equal(p9c_lcreate(e->c, g, "..", P9_ORDWR, 0644, 0, NULL), -EEXIST);
	assert_int_equal(p9c_lcreate(e->c, g, "a/b", P9_ORDWR, 0644, 0, NULL), -EINVAL);
	p9c_clunk(e->c, g);
}

static void directories(void **state)
{
	struct env *e = *state;
	struct p9_qid q;
	uint32_t r = walk_ok(e, ""), f;
	char buf[8];

	assert_int_equal(p9c_mkdir(e->c, r, "d", 0755, getgid(), &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	assert_true(exists(hp(e, "d")));
	assert_int_equal(p9c_mkdir(e->c, r, "d", 0755, 0, NULL), -EEXIST);
	put_file(hp(e, "d/in"), "in");
	assert_int_equal(p9c_unlinkat(e->c, r, "d", 0), -EISDIR);
	assert_int_equal(p9c_unlinkat(e->c, r, "d", P9_AT_REMOVEDIR), -ENOTEMPTY);
	assert_int_equal(p9c_unlinkat(e->c, r, "d", 0x1), -EINVAL);
	assert_int_equal(p9c_unlinkat(e->c, r, ".", P9_AT_REMOVEDIR), -EINVAL);
	assert_int_equal(p9c_unlinkat(e->c, r, "nope", 0), -ENOENT);
	f = walk_ok(e, "d");
	assert_int_equal(p9c_unlinkat(e->c, f, "in", P9_AT_REMOVEDIR), -ENOTDIR);
	assert_int_equal(p9c_unlinkat(e->c, f, "in", 0), 0);
	assert_false(exists(hp(e, "d/in")));
	p9c_clunk(e->c, f);
	assert_int_equal(p9c_unlinkat(e->c, r, "d", P9_AT_REMOVEDIR), 0);
	assert_false(exists(hp(e, "d")));

	/* Renames: by directory and name, and by fid. */
	put_file(hp(e, "a"), "A");
	assert_int_equal(mkdir(hp(e, "sub"), 0755), 0);
	f = walk_ok(e, "sub");
	assert_int_equal(p9c_renameat(e->c, r, "a", f, "b"), 0);
	assert_string_equal(get_file(hp(e, "sub/b")), "A");
	assert_int_equal(p9c_renameat(e->c, r, "a", f, "b"), -ENOENT);
	assert_int_equal(p9c_renameat(e->c, r, "..", f, "b"), -EINVAL);
	p9c_clunk(e->c, f);
	f = walk_ok(e, "sub/b");
	assert_int_equal(p9c_rename(e->c, f, r, "c"), 0);
	assert_string_equal(get_file(hp(e, "c")), "A");
	/* The fid still opens and reads its file under the new name. */
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_read(e->c, f, 0, buf, sizeof(buf)), 1);
	p9c_clunk(e->c, f);
	/* Tremove: the file goes, and so does the fid. */
	f = walk_ok(e, "c");
	assert_int_equal(p9c_remove(e->c, f), 0);
	assert_false(exists(hp(e, "c")));
	assert_int_equal(p9c_clunk(e->c, f), -EBADF);
	f = walk_ok(e, "");
	assert_int_equal(p9c_remove(e->c, f), -EBUSY); /* the root stays */
	/* Renamed away behind the fid's back: its old name is not removed. */
	put_file(hp(e, "x"), "x");
	f = walk_ok(e, "x");
	assert_int_equal(rename(hp(e, "x"), hp(e, "y")), 0);
	put_file(hp(e, "x"), "other");
	assert_int_equal(p9c_remove(e->c, f), -ENOENT);
	assert_string_equal(get_file(hp(e, "x")), "other");
	p9c_clunk(e->c, r);
}

static void attributes(void **state)
{
	struct env *e = *state;
	struct p9_setattr sa = { 0 };
	struct p9_attr a;
	struct stat st;
	struct statfs sf;
	struct p9_statfs ps;
	uint32_t f, d;

	put_file(hp(e, "f"), "0123456789");
	f = walk_ok(e, "f");
	sa.valid = P9_SETATTR_MODE;
	sa.mode = 06600;
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	assert_int_equal(stat(hp(e, "f"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600); /* set-id bits stripped */
	sa.valid = P9_SETATTR_SIZE;
	sa.size = 3;
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	assert_string_equal(get_file(hp(e, "f")), "012");
	sa.valid = P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET | P9_SETATTR_MTIME |
		   P9_SETATTR_MTIME_SET;
	sa.atime_sec = 1000;
	sa.atime_nsec = 5;
	sa.mtime_sec = 2000;
	sa.mtime_nsec = 7;
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	assert_int_equal(stat(hp(e, "f"), &st), 0);
	assert_int_equal(st.st_atim.tv_sec, 1000);
	assert_int_equal(st.st_mtim.tv_sec, 2000);
	assert_int_equal(st.st_mtim.tv_nsec, 7);
	assert_int_equal(p9c_getattr(e->c, f, &a), 0);
	assert_int_equal(a.mtime_sec, 2000);
	assert_int_equal(a.atime_nsec, 5);
	assert_int_equal(a.size, 3);
	/* Without *_SET a time is now. */
	sa.valid = P9_SETATTR_MTIME;
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	assert_int_equal(stat(hp(e, "f"), &st), 0);
	assert_true(st.st_mtim.tv_sec > 2000);
	sa.valid = P9_SETATTR_UID | P9_SETATTR_GID;
	sa.uid = getuid();
	sa.gid = getgid();
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	p9c_clunk(e->c, f);
	d = walk_ok(e, "");
	sa.valid = P9_SETATTR_SIZE;
	assert_int_equal(p9c_setattr(e->c, d, &sa), -EISDIR);
	/* Tstatfs: the host file system's own numbers. */
	assert_int_equal(p9c_statfs(e->c, d, &ps), 0);
	assert_int_equal(statfs(e->share, &sf), 0);
	assert_int_equal(ps.type, (uint32_t)sf.f_type);
	assert_int_equal(ps.bsize, (uint32_t)sf.f_bsize);
	assert_int_equal(ps.blocks, sf.f_blocks);
	assert_int_equal(ps.files, sf.f_files);
	assert_int_equal(ps.namelen, sf.f_namelen);
	p9c_clunk(e->c, d);
}

static void links(void **state)
{
	struct env *e = *state;
	struct p9_qid q;
	char buf[P9_PATH_MAX + 1];
	struct stat st;
	uint32_t r = walk_ok(e, ""), f, l;

	put_file(hp(e, "f"), "F");
	assert_int_equal(p9c_symlink(e->c, r, "l", "f", getgid(), &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(readlink(hp(e, "l"), buf, sizeof(buf)), 1);
	l = walk_ok(e, "l");
	assert_int_equal(p9c_readlink(e->c, l, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "f");
	f = walk_ok(e, "f");
	assert_int_equal(p9c_readlink(e->c, f, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(p9c_link(e->c, r, f, "hard"), 0);
	assert_int_equal(stat(hp(e, "hard"), &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(p9c_link(e->c, r, f, "hard"), -EEXIST);
	assert_int_equal(p9c_link(e->c, r, r, "dirlink"), -EPERM);
	assert_int_equal(p9c_link(e->c, r, l, "linklink"), -EPERM);
	assert_int_equal(p9c_symlink(e->c, r, "l", "x", 0, NULL), -EEXIST);
	/* A target as long as PATH_MAX cannot be a target. */
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(p9c_symlink(e->c, r, "long", buf, 0, NULL), -ENAMETOOLONG);
	p9c_clunk(e->c, f);
	p9c_clunk(e->c, l);
	p9c_clunk(e->c, r);
}

static void walk_and_open_errors(void **state)
{
	struct env *e = *state;
	uint8_t mem[64];
	struct p9_buf b;
	uint32_t f, d;
	char buf[8];

	put_file(hp(e, "f"), "F");
	assert_int_equal(walk(e, "nope"), -ENOENT);
	assert_int_equal(walk(e, "f/x"), -ENOENT); /* a partial walk */
	f = walk_ok(e, "f");
	assert_int_equal(p9c_walk(e->c, f, p9c_fid(e->c), "x"), -ENOTDIR);
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_readdir(e->c, f, NULL, NULL), -ENOTDIR);
	p9c_clunk(e->c, f);
	d = walk_ok(e, "");
	assert_int_equal(p9c_lopen(e->c, d, P9_OWRONLY, NULL), -EISDIR);
	assert_int_equal(p9c_lopen(e->c, d, P9_ORDONLY | P9_OTRUNC, NULL), -EISDIR);
	assert_int_equal(p9c_lopen(e->c, d, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_read(e->c, d, 0, buf, sizeof(buf)), -EISDIR);
	p9c_clunk(e->c, d);
	/* An empty walk name. */
	tm(&b, mem, sizeof(mem), P9_TWALK);
	p9_put32(&b, P9C_ROOT);
	p9_put32(&b, 77);
	p9_put16(&b, 1);
	p9_putstr(&b, "");
	assert_int_equal(raw_rpc(e, &b), -ENOENT);
}

/* ---- confinement --------------------------------------------------------------- */

/* CVE-2016-7116: ".." from the root must stay at the root. */
static void dotdot_stays_at_root(void **state)
{
	struct env *e = *state;
	struct p9_attr root, a;
	static const char *const ups[] = {
		"..", "../..", "../../../../../../../../..", "d/../..", "d/../../..", "d/..",
	};
	uint32_t f;

	assert_int_equal(mkdir(hp(e, "d"), 0755), 0);
	assert_int_equal(p9c_getattr(e->c, P9C_ROOT, &root), 0);
	for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		f = walk_ok(e, ups[i]);
		assert_int_equal(p9c_getattr(e->c, f, &a), 0);
		same_qid(&a.qid, &root.qid);
		p9c_clunk(e->c, f);
	}
	/* What is beside the share (dir/secret, dir/outside) is not there. */
	assert_int_equal(walk(e, "../secret"), -ENOENT);
	assert_int_equal(walk(e, "../outside/secret"), -ENOENT);
	assert_int_equal(walk(e, "d/../../secret"), -ENOENT);
}

static int find_dotdot(void *arg, const struct p9_qid *q, uint8_t type, const char *name)
{
	struct p9_qid *out = arg;

	(void)type;
	if (!strcmp(name, ".."))
		*out = *q;
	return 0;
}

static void readdir_dotdot_is_root(void **state)
{
	struct env *e = *state;
	struct p9_attr root;
	struct p9_qid q = { 0, 0, 0 };
	struct stat up;
	uint32_t f = walk_ok(e, "");

	assert_int_equal(p9c_getattr(e->c, P9C_ROOT, &root), 0);
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_readdir(e->c, f, find_dotdot, &q), 0);
	assert_int_equal(stat(e->dir, &up), 0);
	assert_int_equal(q.path, root.qid.path);
	assert_int_not_equal(q.path, up.st_ino);
	p9c_clunk(e->c, f);
}

/* CVE-2016-9602: a symlink in the share is never followed, in or out. */
static void symlinks_not_followed(void **state)
{
	struct env *e = *state;
	struct p9_setattr sa = { .valid = P9_SETATTR_MODE | P9_SETATTR_SIZE, .mode = 0777 };
	char target[160], buf[256];
	struct p9_attr a;
	struct stat st;
	uint32_t l, r = walk_ok(e, "");
	static const char *const links_[] = { "abs", "rel", "etc", "pw", "in" };

	snprintf(target, sizeof(target), "%s", e->outside);
	assert_int_equal(symlink(target, hp(e, "abs")), 0);
	assert_int_equal(symlink("../outside", hp(e, "rel")), 0);
	assert_int_equal(symlink("/etc", hp(e, "etc")), 0);
	snprintf(target, sizeof(target), "%s/secret", e->outside);
	assert_int_equal(symlink(target, hp(e, "pw")), 0);
	put_file(hp(e, "f"), "F");
	assert_int_equal(symlink("f", hp(e, "in")), 0); /* even one that stays inside */
	for (size_t i = 0; i < sizeof(links_) / sizeof(links_[0]); i++) {
		char p[64];

		/* The walk reaches the link itself... */
		l = walk_ok(e, links_[i]);
		assert_int_equal(p9c_getattr(e->c, l, &a), 0);
		assert_true(S_ISLNK(a.mode));
		assert_int_equal(a.qid.type, P9_QTSYMLINK);
		/* ...which does not open, nor lead anywhere, nor change... */
		assert_int_equal(p9c_lopen(e->c, l, P9_ORDONLY, NULL), -ELOOP);
		assert_int_equal(p9c_walk(e->c, l, p9c_fid(e->c), "secret"), -ENOTDIR);
		assert_int_equal(p9c_walk(e->c, l, p9c_fid(e->c), "passwd"), -ENOTDIR);
		assert_int_equal(p9c_setattr(e->c, l, &sa), -EOPNOTSUPP);
		assert_int_equal(p9c_link(e->c, r, l, "hard"), -EPERM);
		/* ...and whose text the client reads. */
		assert_true(p9c_readlink(e->c, l, buf, sizeof(buf)) > 0);
		assert_int_equal(readlink(hp(e, links_[i]), target, sizeof(target)),
				 (ssize_t)strlen(buf));
		p9c_clunk(e->c, l);
		snprintf(p, sizeof(p), "%s/secret", links_[i]);
		assert_int_equal(walk(e, p), -ENOENT);
		/* Creating "through" it: lcreate on its name opens nothing. */
		l = walk_ok(e, "");
		assert_int_equal(p9c_lcreate(e->c, l, links_[i], P9_OWRONLY | P9_OTRUNC, 0644, 0, NULL),
				 -ELOOP);
		p9c_clunk(e->c, l);
	}
	assert_int_equal(p9c_mkdir(e->c, r, "abs/x", 0755, 0, NULL), -EINVAL);
	/* Nothing outside, nor the file inside, changed. */
	snprintf(target, sizeof(target), "%s/secret", e->outside);
	assert_string_equal(get_file(target), "outside");
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(st.st_nlink, 1);
	assert_string_equal(get_file(hp(e, "f")), "F");
	/* Renaming or removing a link moves the link, not its target. */
	l = walk_ok(e, "abs");
	assert_int_equal(p9c_rename(e->c, l, r, "abs2"), 0);
	p9c_clunk(e->c, l);
	assert_int_equal(p9c_unlinkat(e->c, r, "abs2", 0), 0);
	assert_true(exists(target));
	p9c_clunk(e->c, r);
}

/*
 * A directory walked to, then swapped for a symlink out: the fid keeps the
 * directory it walked to, and the name now leads nowhere.
 */
static void swapped_directory(void **state)
{
	struct env *e = *state;
	uint32_t d;
	char p[160];

	assert_int_equal(mkdir(hp(e, "d"), 0755), 0);
	put_file(hp(e, "d/inner"), "inner");
	d = walk_ok(e, "d");
	assert_int_equal(rename(hp(e, "d"), hp(e, "d.old")), 0);
	assert_int_equal(symlink(e->outside, hp(e, "d")), 0);
	assert_int_equal(p9c_walk(e->c, d, p9c_fid(e->c), "secret"), -ENOENT);
	{
		uint32_t in = p9c_fid(e->c);

		assert_int_equal(p9c_walk(e->c, d, in, "inner"), 0);
		p9c_clunk(e->c, in);
	}
	assert_int_equal(p9c_mkdir(e->c, d, "made", 0755, 0, NULL), 0);
	assert_int_equal(p9c_symlink(e->c, d, "sl", "x", 0, NULL), 0);
	assert_int_equal(p9c_unlinkat(e->c, d, "inner", 0), 0);
	assert_true(exists(hp(e, "d.old/made")));
	snprintf(p, sizeof(p), "%s/made", e->outside);
	assert_false(exists(p));
	snprintf(p, sizeof(p), "%s/secret", e->outside);
	assert_true(exists(p));
	assert_int_equal(p9c_lcreate(e->c, d, "new", P9_ORDWR, 0644, 0, NULL), 0);
	assert_true(exists(hp(e, "d.old/new")));
	snprintf(p, sizeof(p), "%s/new", e->outside);
	assert_false(exists(p));
	p9c_clunk(e->c, d);
	assert_int_equal(walk(e, "d/secret"), -ENOENT);
}

struct flipper {
	struct env *e;
	volatile int stop;
	long flips;
};

static void *flip(void *arg)
{
	struct flipper *fl = arg;

	while (!fl->stop) {
		if (renameat2(AT_FDCWD, hp(fl->e, "x"), AT_FDCWD, hp(fl->e, "x.other"),
			      RENAME_EXCHANGE) == 0)
			fl->flips++;
	}
	return NULL;
}

/* The same while another thread swaps x between a directory and a link out. */
static void swapped_directory_race(void **state)
{
	struct env *e = *state;
	struct flipper fl = { e, 0, 0 };
	pthread_t th;
	char p[160];
	int inside = 0;

	assert_int_equal(mkdir(hp(e, "x"), 0755), 0);
	assert_int_equal(symlink(e->outside, hp(e, "x.other")), 0);
	assert_int_equal(pthread_create(&th, NULL, flip, &fl), 0);
	for (int i = 0; i < 2000; i++) {
		int64_t f = walk(e, "x/secret");
		uint32_t d;

		if (f >= 0) {
			fl.stop = 1;
			pthread_join(th, NULL);
			fail_msg("walked to x/secret: out of the share");
		}
		f = walk(e, "x");
		if (f < 0)
			continue;
		d = (uint32_t)f;
		if (p9c_lcreate(e->c, d, "planted", P9_ORDWR | P9_OEXCL, 0644, 0, NULL) == 0)
			inside++;
		p9c_clunk(e->c, d);
	}
	fl.stop = 1;
	pthread_join(th, NULL);
	snprintf(p, sizeof(p), "%s/planted", e->outside);
	assert_false(exists(p));
	assert_true(fl.flips > 0);
	print_message("(%ld swaps; %d creates landed inside)\n", fl.flips, inside);
}

/* CVE-2023-2861: device files, FIFOs and sockets in a share never open. */
static void special_files_refused(void **state)
{
	struct env *e = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static const char *const names[] = { "fifo", "sock", "null" };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), have_dev;
	uint32_t r = walk_ok(e, "");
	struct p9_attr a;

	assert_int_equal(mkfifo(hp(e, "fifo"), 0666), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", hp(e, "sock"));
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	have_dev = mknod(hp(e, "null"), S_IFCHR | 0666, makedev(1, 3)) == 0;
	if (!have_dev)
		print_message("(mknod of a device failed: %s; that case skipped)\n",
			      strerror(errno));
	for (size_t i = 0; i < 3; i++) {
		uint32_t f;

		if (i == 2 && !have_dev)
			break;
		f = walk_ok(e, names[i]);
		assert_int_equal(p9c_getattr(e->c, f, &a), 0);
		assert_int_equal(a.mode & S_IFMT, i == 0 ? S_IFIFO : i == 1 ? S_IFSOCK : S_IFCHR);
		assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), -EACCES);
		assert_int_equal(p9c_lopen(e->c, f, P9_OWRONLY, NULL), -EACCES);
		assert_int_equal(p9c_lopen(e->c, f, P9_ORDWR, NULL), -EACCES);
		p9c_clunk(e->c, f);
		/* Nor through a create of the same name (a FIFO would block). */
		f = walk_ok(e, "");
		assert_int_equal(p9c_lcreate(e->c, f, names[i], P9_ORDWR, 0644, 0, NULL), -EACCES);
		p9c_clunk(e->c, f);
	}
	close(s);
	/* Tmknod is refused, whatever it asks for. */
	assert_int_equal(p9c_mknod(e->c, r, "dev", S_IFCHR | 0666, 1, 3, 0, NULL), -EPERM);
	assert_int_equal(p9c_mknod(e->c, r, "p", S_IFIFO | 0666, 0, 0, 0, NULL), -EPERM);
	assert_int_equal(p9c_mknod(e->c, r, "f", S_IFREG | 0666, 0, 0, 0, NULL), -EPERM);
	assert_false(exists(hp(e, "dev")));
	assert_false(exists(hp(e, "p")));
	p9c_clunk(e->c, r);
}

static void xattrs_not_supported(void **state)
{
	struct env *e = *state;
	uint8_t mem[128];
	struct p9_buf b;
	uint64_t size;

	assert_int_equal(p9c_xattrwalk(e->c, P9C_ROOT, p9c_fid(e->c), "user.x", &size),
			 -ENOTSUP);
	assert_int_equal(p9c_xattrwalk(e->c, P9C_ROOT, p9c_fid(e->c), "", &size), -ENOTSUP);
	tm(&b, mem, sizeof(mem), P9_TXATTRCREATE);
	p9_put32(&b, P9C_ROOT);
	p9_putstr(&b, "user.x");
	p9_put64(&b, 4);
	p9_put32(&b, 0);
	assert_int_equal(raw_rpc(e, &b), -ENOTSUP);
}

static void names_too_long(void **state)
{
	struct env *e = *state;
	char name[P9_NAME_MAX + 2];
	int fds[40], fd;
	uint8_t mem[600];
	struct p9_buf b;
	uint32_t r = walk_ok(e, ""), d;
	int depth;

	memset(name, 'n', sizeof(name));
	name[P9_NAME_MAX + 1] = '\0'; /* 256 bytes */
	assert_int_equal(p9c_mkdir(e->c, r, name, 0755, 0, NULL), -ENAMETOOLONG);
	assert_int_equal(p9c_symlink(e->c, r, name, "x", 0, NULL), -ENAMETOOLONG);
	assert_int_equal(p9c_unlinkat(e->c, r, name, 0), -ENAMETOOLONG);
	assert_int_equal(p9c_renameat(e->c, r, "a", r, name), -ENAMETOOLONG);
	d = walk_ok(e, "");
	assert_int_equal(p9c_lcreate(e->c, d, name, P9_ORDWR, 0644, 0, NULL), -ENAMETOOLONG);
	tm(&b, mem, sizeof(mem), P9_TWALK);
	p9_put32(&b, P9C_ROOT);
	p9_put32(&b, 99);
	p9_put16(&b, 1);
	p9_putstr(&b, name);
	assert_int_equal(raw_rpc(e, &b), -ENAMETOOLONG);
	/* NAME_MAX itself is fine. */
	name[P9_NAME_MAX] = '\0';
	assert_int_equal(p9c_lcreate(e->c, d, name, P9_ORDWR, 0644, 0, NULL), 0);
	p9c_clunk(e->c, d);
	/* Walks deeper than PATH_MAX from the root end with ENAMETOOLONG. */
	name[250] = '\0';
	d = walk_ok(e, "");
	for (depth = 1;; depth++) {
		uint32_t next = p9c_fid(e->c);
		int rc;

		assert_int_equal(p9c_mkdir(e->c, d, name, 0755, 0, NULL), 0);
		rc = p9c_walk(e->c, d, next, name);
		p9c_clunk(e->c, d);
		if (rc) {
			assert_int_equal(rc, -ENAMETOOLONG);
			break;
		}
		d = next;
		assert_true(depth < 40);
	}
	assert_int_equal(depth, (int)(P9_PATH_MAX / 251) + 1);
	p9c_clunk(e->c, r);
	/* Too deep for a path: remove the chain by descriptors. */
	fds[0] = open(e->share, O_PATH | O_DIRECTORY);
	for (int i = 1; i <= depth; i++)
		fds[i] = openat(fds[i - 1], name, O_PATH | O_DIRECTORY);
	for (int i = depth; i >= 1; i--) {
		assert_true(fds[i] >= 0);
		close(fds[i]);
		assert_int_equal(unlinkat(fds[i - 1], name, AT_REMOVEDIR), 0);
	}
	fd = fds[0];
	close(fd);
}

static void large_sparse_file(void **state)
{
	struct env *e = *state;
	const uint64_t off = 5ull << 30;
	struct p9_setattr sa = { .valid = P9_SETATTR_SIZE, .size = 6ull << 30 };
	struct p9_attr a;
	struct stat st;
	char buf[16];
	uint32_t f = create(e, "", "big", P9_ORDWR, 0644);

	assert_int_equal(p9c_write(e->c, f, off, "tail", 4), 4);
	assert_int_equal(p9c_getattr(e->c, f, &a), 0);
	assert_int_equal(a.size, off + 4);
	assert_true(a.blocks < 1024); /* sparse: the hole takes no room */
	assert_int_equal(stat(hp(e, "big"), &st), 0);
	assert_int_equal((uint64_t)st.st_size, off + 4);
	assert_int_equal(p9c_read(e->c, f, off, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "tail", 4);
	assert_int_equal(p9c_read(e->c, f, 1ull << 30, buf, 8), 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(p9c_read(e->c, f, off + 4, buf, 8), 0);
	assert_int_equal(p9c_setattr(e->c, f, &sa), 0);
	assert_int_equal(stat(hp(e, "big"), &st), 0);
	assert_int_equal((uint64_t)st.st_size, 6ull << 30);
	p9c_clunk(e->c, f);
}

#define NBIG 10000

struct seen {
	unsigned char got[NBIG];
	int n, dups, strays;
};

static int count_entry(void *arg, const struct p9_qid *q, uint8_t type, const char *name)
{
	struct seen *s = arg;
	int i;

	(void)q;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (sscanf(name, "e%d", &i) != 1 || i < 0 || i >= NBIG || type != DT_REG) {
		s->strays++;
		return 0;
	}
	if (s->got[i]++)
		s->dups++;
	s->n++;
	return 0;
}

static void big_directory(void **state)
{
	struct env *e = *state;
	static struct seen s;
	char p[64];
	int dfd;
	uint32_t f;

	assert_int_equal(mkdir(hp(e, "big"), 0755), 0);
	dfd = open(hp(e, "big"), O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	for (int i = 0; i < NBIG; i++) {
		int fd;

		snprintf(p, sizeof(p), "e%d", i);
		fd = openat(dfd, p, O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
	close(dfd);
	/* With 64 KiB messages, then with 1 KiB ones: many more resumptions. */
	for (int pass = 0; pass < 2; pass++) {
		memset(&s, 0, sizeof(s));
		if (pass == 1) {
			assert_int_equal(p9c_version(e->c, 1024), 0);
			assert_int_equal(p9c_attach(e->c, P9C_ROOT, "", "", getuid()), 0);
		}
		f = walk_ok(e, "big");
		assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), 0);
		assert_int_equal(p9c_readdir(e->c, f, count_entry, &s), 0);
		assert_int_equal(s.n, NBIG);
		assert_int_equal(s.dups, 0);
		assert_int_equal(s.strays, 0);
		p9c_clunk(e->c, f);
	}
}

static void fid_exhaustion(void **state)
{
	struct env *e = *state;
	static uint32_t fids[P9_MAXFIDS + 8];
	unsigned n = 0, base;
	uint32_t extra;

	put_file(hp(e, "f"), "F");
	/* Clones cost no descriptor: the server's bound comes first. */
	for (;;) {
		uint32_t f = p9c_fid(e->c);
		int r = p9c_walk(e->c, P9C_ROOT, f, "");

		if (r) {
			assert_int_equal(r, -EMFILE);
			break;
		}
		fids[n++] = f;
		assert_true(n <= P9_MAXFIDS);
	}
	assert_int_equal(n + 1, P9_MAXFIDS); /* with the root */
	assert_int_equal(p9_hostfs_nfds(e->fs), 1);
	p9c_clunk(e->c, fids[--n]);
	extra = walk_ok(e, "f");
	p9c_clunk(e->c, extra);
	while (n)
		p9c_clunk(e->c, fids[--n]);
	/* Walks to files cost one each: the share's bound. */
	for (;;) {
		int64_t f = walk(e, "f");

		if (f < 0) {
			assert_int_equal(f, -EMFILE);
			break;
		}
		fids[n++] = (uint32_t)f;
		assert_true(n <= P9_HOSTFS_MAXFDS);
	}
	assert_int_equal(p9_hostfs_nfds(e->fs), P9_HOSTFS_MAXFDS);
	base = n;
	/* Opening needs one more descriptor too. */
	assert_int_equal(p9c_lopen(e->c, fids[0], P9_ORDONLY, NULL), -EMFILE);
	while (n)
		p9c_clunk(e->c, fids[--n]);
	assert_int_equal(p9_hostfs_nfds(e->fs), 1);
	assert_true(base > 0);
	/* And all is as before. */
	extra = walk_ok(e, "f");
	assert_int_equal(p9c_lopen(e->c, extra, P9_ORDONLY, NULL), 0);
	p9c_clunk(e->c, extra);
}

/* ---- a read-only share ---------------------------------------------------------- */

static void populate_ro(struct env *e)
{
	put_file(hp(e, "f"), "data");
	if (mkdir(hp(e, "d"), 0755) || symlink("f", hp(e, "l")))
		fail_msg("populate: %s", strerror(errno));
}

static int setup_ro(void **state) { return start_env(state, 1, populate_ro); }

static void readonly_refuses_changes(void **state)
{
	struct env *e = *state;
	struct p9_setattr sa = { 0 };
	struct stat before, after;
	struct p9_statfs ps;
	char buf[16];
	uint32_t r = walk_ok(e, ""), f, d, l;

	assert_int_equal(stat(hp(e, "f"), &before), 0);
	f = walk_ok(e, "f");
	d = walk_ok(e, "d");
	l = walk_ok(e, "l");
	assert_int_equal(p9c_lopen(e->c, f, P9_OWRONLY, NULL), -EROFS);
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDWR, NULL), -EROFS);
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY | P9_OTRUNC, NULL), -EROFS);
	assert_int_equal(p9c_lcreate(e->c, d, "new", P9_ORDWR, 0644, 0, NULL), -EROFS);
	assert_int_equal(p9c_mkdir(e->c, r, "new", 0755, 0, NULL), -EROFS);
	assert_int_equal(p9c_symlink(e->c, r, "new", "f", 0, NULL), -EROFS);
	assert_int_equal(p9c_mknod(e->c, r, "new", S_IFIFO | 0644, 0, 0, 0, NULL), -EROFS);
	assert_int_equal(p9c_link(e->c, r, f, "new"), -EROFS);
	assert_int_equal(p9c_unlinkat(e->c, r, "f", 0), -EROFS);
	assert_int_equal(p9c_unlinkat(e->c, r, "d", P9_AT_REMOVEDIR), -EROFS);
	assert_int_equal(p9c_renameat(e->c, r, "f", r, "g"), -EROFS);
	assert_int_equal(p9c_rename(e->c, f, r, "g"), -EROFS);
	static const uint32_t masks[] = {
		P9_SETATTR_MODE, P9_SETATTR_SIZE, P9_SETATTR_UID | P9_SETATTR_GID,
		P9_SETATTR_ATIME, P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET,
	};
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		sa.valid = masks[i];
		assert_int_equal(p9c_setattr(e->c, f, &sa), -EROFS);
	}
	{
		uint32_t g = walk_ok(e, "f");

		assert_int_equal(p9c_remove(e->c, g), -EROFS);
	}
	/* Reading is all there is. */
	assert_int_equal(p9c_lopen(e->c, f, P9_ORDONLY, NULL), 0);
	assert_int_equal(p9c_read(e->c, f, 0, buf, sizeof(buf)), 4);
	assert_int_equal(p9c_fsync(e->c, f, 0), 0);
	assert_int_equal(p9c_readlink(e->c, l, buf, sizeof(buf)), 1);
	assert_int_equal(p9c_statfs(e->c, r, &ps), 0);
	assert_int_equal(p9c_lopen(e->c, d, P9_ORDONLY, NULL), 0);
	/* The host files are as they were. */
	assert_string_equal(get_file(hp(e, "f")), "data");
	assert_int_equal(stat(hp(e, "f"), &after), 0);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	assert_true(exists(hp(e, "d")) && exists(hp(e, "l")));
	assert_false(exists(hp(e, "new")) || exists(hp(e, "g")) || exists(hp(e, "d/new")));
	p9c_clunk(e->c, f);
	p9c_clunk(e->c, d);
	p9c_clunk(e->c, l);
	p9c_clunk(e->c, r);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(open_errors),
		T(create_write_read),
		T(directories),
		T(attributes),
		T(links),
		T(walk_and_open_errors),
		T(dotdot_stays_at_root),
		T(readdir_dotdot_is_root),
		T(symlinks_not_followed),
		T(swapped_directory),
		T(swapped_directory_race),
		T(special_files_refused),
		T(xattrs_not_supported),
		T(names_too_long),
		T(large_sparse_file),
		T(big_directory),
		T(fid_exhaustion),
		cmocka_unit_test_setup_teardown(readonly_refuses_changes, setup_ro, teardown),
	};

	umask(022);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
