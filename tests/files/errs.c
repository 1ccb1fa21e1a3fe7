/* SPDX-License-Identifier: ISC */
/*
 * errs DIR [RODIR [OTHER]]: tries each file error case and prints
 * "CASE: ERRNO-NAME" ("ok" if the call worked).  DIR is writable (errs
 * makes errs-file and errs-dir/x in it); RODIR a read-only share holding
 * a file "keep" and a directory "keepdir"; OTHER a directory in another
 * share, for EXDEV.  Every open descriptor is closed before the next case.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "errname.h"

static char path[4096], path2[4096];

static const char *at(const char *dir, const char *fmt, ...)
{
	static char buf[2][4096];
	static int which;
	char *p = buf[which ^= 1];
	va_list ap;
	int n;

	n = snprintf(p, sizeof(buf[0]), "%s/", dir);
	va_start(ap, fmt);
	vsnprintf(p + n, sizeof(buf[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return p;
}

/* report: a call's result, -1 with errno or anything else for success. */
static void report(const char *what, long r)
{
	printf("%s: %s\n", what, errname(r < 0 ? errno : 0));
}

static void report_fd(const char *what, int fd)
{
	report(what, fd);
	if (fd >= 0)
		close(fd);
}

static void readonly(const char *ro)
{
	char buf[64];
	struct timespec ts[2] = {{0, 0}, {0, 0}};
	int fd;

	fd = open(at(ro, "keep"), O_RDONLY);
	report("ro: open for reading", fd);
	if (fd >= 0) {
		report("ro: read", read(fd, buf, sizeof(buf)));
		close(fd);
	}
	report_fd("ro: create", open(at(ro, "new"), O_WRONLY | O_CREAT, 0644));
	report_fd("ro: open for writing", open(at(ro, "keep"), O_WRONLY));
	report_fd("ro: open read-write", open(at(ro, "keep"), O_RDWR));
	report_fd("ro: open with O_TRUNC", open(at(ro, "keep"), O_RDONLY | O_TRUNC));
	report_fd("ro: open for appending", open(at(ro, "keep"), O_WRONLY | O_APPEND));
	report("ro: mkdir", mkdir(at(ro, "newdir"), 0755));
	report("ro: rmdir", rmdir(at(ro, "keepdir")));
	report("ro: unlink", unlink(at(ro, "keep")));
	report("ro: rename", rename(at(ro, "keep"), at(ro, "moved")));
	report("ro: truncate", truncate(at(ro, "keep"), 0));
	report("ro: chmod", chmod(at(ro, "keep"), 0600));
	report("ro: utimensat", utimensat(AT_FDCWD, at(ro, "keep"), ts, 0));
	report("ro: symlink", symlink("keep", at(ro, "link")));
	report("ro: link", link(at(ro, "keep"), at(ro, "hard")));
}

int main(int argc, char **argv)
{
	const char *dir, *file, *sub;
	struct rlimit rl = {64, 64};
	char name[301], buf[16];
	struct stat st;
	static int fds[100000];
	int fd, n, i, e;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: errs DIR [RODIR [OTHER]]\n");
		return 2;
	}
	dir = argv[1];
	snprintf(path, sizeof(path), "%s/errs-file", dir);
	file = path;
	snprintf(path2, sizeof(path2), "%s/errs-dir", dir);
	sub = path2;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "data\n", 5) != 5 || close(fd) < 0 || mkdir(sub, 0755) < 0 ||
	    (fd = open(at(sub, "x"), O_WRONLY | O_CREAT, 0644)) < 0 || close(fd) < 0) {
		printf("errs: cannot set up in %s: %s\n", dir, errname(errno));
		return 1;
	}

	report_fd("open a missing file", open(at(dir, "missing"), O_RDONLY));
	report("stat a missing file", stat(at(dir, "missing"), &st));
	report_fd("open in a missing directory", open(at(dir, "nodir/x"), O_RDONLY));
	report_fd("open a directory for writing", open(dir, O_WRONLY));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	report("read a directory", fd < 0 ? fd : read(fd, buf, sizeof(buf)));
	if (fd >= 0)
		close(fd);
	report_fd("open through a file", open(at(dir, "errs-file/x"), O_RDONLY));
	report("mkdir under a file", mkdir(at(dir, "errs-file/d"), 0755));
	report_fd("O_DIRECTORY on a file", open(file, O_RDONLY | O_DIRECTORY));
	report("rmdir a file", rmdir(file));
	report_fd("O_CREAT|O_EXCL on a file", open(file, O_WRONLY | O_CREAT | O_EXCL, 0644));
	report("mkdir an existing name", mkdir(sub, 0755));
	report("rmdir a non-empty directory", rmdir(sub));
	report("unlink a directory", unlink(sub));
	report("rename a directory over a file", rename(sub, file));
	report("rename a file over a directory", rename(file, sub));

	fd = open(file, O_RDONLY);
	report("write a read-only descriptor", fd < 0 ? fd : write(fd, "x", 1));
	report("lseek before the start", fd < 0 ? fd : lseek(fd, -10, SEEK_SET));
	if (fd >= 0)
		close(fd);
	report("read a closed descriptor", read(fd, buf, 1));
	report("fstat a closed descriptor", fstat(fd, &st));
	report("close a closed descriptor", close(fd));
	report("dup2 to a negative descriptor", dup2(1, -1));

	memset(name, 'n', 300);
	name[300] = 0;
	report_fd("open a 300-byte name", open(at(dir, "%s", name), O_RDONLY));
	report_fd("create a 300-byte name", open(at(dir, "%s", name), O_WRONLY | O_CREAT, 0644));
	report("mkdir a 300-byte name", mkdir(at(dir, "%s", name), 0755));

	/* At most 64 open descriptors (where setrlimit works), then open until it fails. */
	setrlimit(RLIMIT_NOFILE, &rl);
	for (n = 0; n < (int)(sizeof(fds) / sizeof(fds[0])); n++) {
		fds[n] = open(file, O_RDONLY);
		if (fds[n] < 0)
			break;
	}
	e = errno;
	for (i = 0; i < n; i++)
		close(fds[i]);
	printf("open until it fails: %s\n",
	       n == (int)(sizeof(fds) / sizeof(fds[0])) ? "never failed" : errname(e));
	fd = open(file, O_RDONLY);
	report("open once more after closing them", fd);
	if (fd >= 0)
		close(fd);

	if (argc > 2)
		readonly(argv[2]);
	if (argc > 3) {
		report("rename across shares", rename(file, at(argv[3], "moved")));
		report("link across shares", link(file, at(argv[3], "hard")));
	}
	return 0;
}
