/* SPDX-License-Identifier: ISC
 * p9diod: lpar's 9P2000.L client (p9/client.c) against diod, the reference
 * 9P2000.L server.  Starts `diod -f -n -r FD -w FD -e DIR` on one end of a
 * socketpair, mounts DIR over the other end with p9c_mount() and does one
 * thing with it:
 *
 *   p9diod [-m MSIZE] DIR msize        prints the msize diod agreed to
 *   p9diod [-m MSIZE] DIR ls [PATH]    one line per entry of DIR/PATH, sorted,
 *                                      "NAME KIND SIZE MODE" (KIND file, dir,
 *                                      link or other; MODE in octal), from
 *                                      Treaddir and a Tgetattr of each entry
 *   p9diod [-m MSIZE] DIR cat PATH     the file's bytes on stdout
 *   p9diod [-m MSIZE] DIR write PATH   stdin written to the (truncated) file;
 *                                      prints "wrote N"
 *
 * Exits 0, or 1 with "p9diod: ..." on stderr when the client reports an
 * error (diod's Rlerror code, as strerror text), 2 on bad usage.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../p9/client.h"

#define DIOD "/usr/sbin/diod"

static int fail(const char *what, long e)
{
	fprintf(stderr, "p9diod: %s: %s\n", what, strerror((int)-e));
	return 1;
}

static pid_t start_diod(const char *dir, int *fd)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("p9diod: socketpair");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("p9diod: fork");
		return -1;
	}
	if (pid == 0) {
		char fdstr[16];
		int s = dup(sv[1]); /* without close-on-exec */

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (s < 0)
			_exit(127);
		snprintf(fdstr, sizeof(fdstr), "%d", s);
		execl(DIOD, "diod", "-f", "-n", "-r", fdstr, "-w", fdstr, "-e", dir,
		      "-L", "stderr", (char *)NULL);
		perror("p9diod: exec " DIOD);
		_exit(127);
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

/* ---- ls ------------------------------------------------------------------ */

struct entry {
	char name[256];
	uint8_t qtype;
};

struct list {
	struct entry *e;
	size_t n, cap;
};

static int collect(void *arg, const struct p9_qid *q, uint8_t type, const char *name)
{
	struct list *l = arg;

	(void)type;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct entry *p = realloc(l->e, cap * sizeof(*p));

		if (!p)
			return -1;
		l->e = p;
		l->cap = cap;
	}
	snprintf(l->e[l->n].name, sizeof(l->e[l->n].name), "%s", name);
	l->e[l->n].qtype = q->type;
	l->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static const char *kind(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "file";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "link";
	default: return "other";
	}
}

static int do_ls(struct p9c *c, const char *path)
{
	struct list l = { 0 };
	uint32_t dfid;
	int r = p9c_open_path(c, path, P9_ORDONLY, &dfid);

	if (r)
		return fail(*path ? path : "/", r);
	r = p9c_readdir(c, dfid, collect, &l);
	if (r) {
		free(l.e);
		return fail("readdir", r);
	}
	if (l.n && !l.e)
		return fail("readdir", -ENOMEM);
	if (l.n) /* l.e is NULL for an empty directory */
		qsort(l.e, l.n, sizeof(*l.e), by_name);
	for (size_t i = 0; i < l.n; i++) {
		uint32_t f = p9c_fid(c);
		struct p9_attr a;

		r = p9c_walk(c, dfid, f, l.e[i].name);
		if (!r) {
			r = p9c_getattr(c, f, &a);
			p9c_clunk(c, f);
		}
		if (r) {
			r = fail(l.e[i].name, r);
			free(l.e);
			return r;
		}
		/* Treaddir and Tgetattr must agree on what the entry is. */
		if ((a.qid.type & P9_QTDIR) != (l.e[i].qtype & P9_QTDIR) ||
		    !!(a.qid.type & P9_QTDIR) != S_ISDIR(a.mode)) {
			fprintf(stderr, "p9diod: %s: qid type 0x%x in Treaddir, 0x%x and mode 0%o in Tgetattr\n",
				l.e[i].name, l.e[i].qtype, a.qid.type, a.mode);
			free(l.e);
			return 1;
		}
		printf("%s %s %llu %o\n", l.e[i].name, kind(a.mode),
		       (unsigned long long)a.size, a.mode & 07777);
	}
	free(l.e);
	p9c_clunk(c, dfid);
	return 0;
}

/* ---- cat and write --------------------------------------------------------- */

static int do_cat(struct p9c *c, const char *path)
{
	static char buf[1 << 20];
	uint64_t off = 0;
	uint32_t fid;
	int r = p9c_open_path(c, path, P9_ORDONLY, &fid);

	if (r)
		return fail(path, r);
	for (;;) {
		ssize_t n = p9c_read(c, fid, off, buf, sizeof(buf));

		if (n < 0)
			return fail(path, n);
		if (n == 0)
			break;
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return fail("stdout", -errno);
		off += (uint64_t)n;
	}
	p9c_clunk(c, fid);
	return fflush(stdout) ? fail("stdout", -errno) : 0;
}

static int do_write(struct p9c *c, const char *path)
{
	static char buf[1 << 20];
	uint64_t off = 0;
	uint32_t fid;
	int r = p9c_open_path(c, path, P9_OWRONLY | P9_OTRUNC, &fid);

	if (r)
		return fail(path, r);
	for (;;) {
		size_t got = fread(buf, 1, sizeof(buf), stdin);

		for (size_t done = 0; done < got;) {
			ssize_t n = p9c_write(c, fid, off, buf + done, (uint32_t)(got - done));

			if (n < 0)
				return fail(path, n);
			if (n == 0)
				return fail(path, -EIO);
			done += (size_t)n;
			off += (uint64_t)n;
		}
		if (got < sizeof(buf))
			break;
	}
	if (ferror(stdin))
		return fail("stdin", -EIO);
	p9c_clunk(c, fid);
	printf("wrote %llu\n", (unsigned long long)off);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: p9diod [-m MSIZE] DIR msize | ls [PATH] | cat PATH | write PATH\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint32_t msize = P9_MSIZE_DEFAULT;
	char dir[PATH_MAX];
	struct p9c *c;
	int i = 1, fd, r, status;
	pid_t pid;
	const char *cmd;

	if (argc > 2 && !strcmp(argv[1], "-m")) {
		msize = (uint32_t)strtoul(argv[2], NULL, 0);
		i = 3;
	}
	if (argc - i < 2)
		return usage();
	if (!realpath(argv[i], dir)) {
		fprintf(stderr, "p9diod: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	cmd = argv[i + 1];
	if (!(!strcmp(cmd, "msize") && argc - i == 2) &&
	    !(!strcmp(cmd, "ls") && argc - i <= 3) &&
	    !((!strcmp(cmd, "cat") || !strcmp(cmd, "write")) && argc - i == 3))
		return usage();

	alarm(60); /* a hung diod ends the test, not the test run */
	pid = start_diod(dir, &fd);
	if (pid < 0)
		return 1;
	r = p9c_open_fds(fd, fd, &c);
	if (r)
		return fail("p9c_open_fds", r);
	r = p9c_mount(c, msize, dir);
	if (r) {
		r = fail("mount", r);
	} else if (!strcmp(cmd, "msize")) {
		printf("msize %u\n", p9c_msize(c));
	} else if (!strcmp(cmd, "ls")) {
		r = do_ls(c, argc - i == 3 ? argv[i + 2] : "");
	} else if (!strcmp(cmd, "cat")) {
		r = do_cat(c, argv[i + 2]);
	} else {
		r = do_write(c, argv[i + 2]);
	}
	if (!r)
		p9c_clunk(c, P9C_ROOT);
	p9c_close(c); /* diod sees the end of the connection and exits */
	if (waitpid(pid, &status, 0) < 0) {
		perror("p9diod: waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || (WEXITSTATUS(status) && !r)) {
		fprintf(stderr, "p9diod: diod ended with status 0x%x\n", status);
		return 1;
	}
	return r;
}
