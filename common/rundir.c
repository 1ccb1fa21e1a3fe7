/* SPDX-License-Identifier: ISC */
/* Run directories: where they live, what a name may be, and what state one is in. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "rundir.h"

#define STARTING_GRACE 10 /* seconds a directory without a monitor may be starting */

int part_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PART_NAME_MAX || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

void part_name_from_image(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n, o = 0;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".elf"))
		n -= 4;
	for (size_t i = 0; i < n && o + 1 < len && o < PART_NAME_MAX - 4; i++) {
		unsigned char c = (unsigned char)base[i];

		out[o++] = isalnum(c) || strchr("._-", c) ? (char)c : '-';
	}
	out[o] = '\0';
	if (!o || !isalnum((unsigned char)out[0]))
		snprintf(out, len, "partition");
}

int part_rundir(char *buf, size_t len, struct lerr *err)
{
	const char *env = getenv("LPAR_RUNDIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(buf, len, "%s/lpar", xdg);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/run/lpar");
	else
		n = snprintf(buf, len, "/tmp/lpar-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= len)
		return lerr_set(err, ENAMETOOLONG, "run directory path is too long");
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return lerr_set(err, errno, "cannot create run directory '%s': %s",
				buf, strerror(errno));
	return part_dir_check(buf, "run directory", err);
}

/*
 * Everything in a run directory is trusted: the socket a client speaks
 * to, the "ram" link it maps, the pid it checks them against.  So the
 * directory must be ours (someone else's in /tmp would let them see our
 * sockets and serve their own) and closed to everyone else: with any of
 * mode 077, a group or other user could list it, reach its sockets, or
 * (writable) put their own files in it.  lstat: a symbolic link is not one.
 */
int part_dir_check(const char *dir, const char *what, struct lerr *err)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return lerr_set(err, errno, "%s '%s': %s", what, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return lerr_set(err, EPERM, "%s '%s' is not a directory owned by you", what, dir);
	if (st.st_mode & 077)
		return lerr_set(err, EPERM,
				"%s '%s' is open to other users (mode %04o, it must be 0700)",
				what, dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

int part_dir(const char *name, char *buf, size_t len, struct lerr *err)
{
	char base[4096];
	int r = part_rundir(base, sizeof(base), err);

	if (r)
		return r;
	if (snprintf(buf, len, "%s/%s", base, name) >= (int)len)
		return lerr_set(err, ENAMETOOLONG, "run directory path is too long");
	return 0;
}

static int sock_answers(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ok;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, PART_SOCK) >=
	    (int)sizeof(sa.sun_path))
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static long read_pid(const char *dir)
{
	char path[4200], buf[32];
	long pid = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, PART_PID);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	return pid;
}

/* Whether pid runs: a zombie (a monitor killed but not yet reaped) does not. */
static int pid_alive(long pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (pid <= 0 || kill((pid_t)pid, 0) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the state follows the command name */
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

enum part_liveness part_probe(const char *name)
{
	char dir[4096], path[4200];
	struct stat st;
	long pid;

	if (!part_name_valid(name) || part_dir(name, dir, sizeof(dir), NULL))
		return PART_ABSENT;
	if (stat(dir, &st) < 0)
		return PART_ABSENT;
	snprintf(path, sizeof(path), "%s/%s", dir, PART_STATUS_FILE);
	if (access(path, F_OK) == 0)
		return PART_ENDED;
	if (sock_answers(dir))
		return PART_LIVE;
	/* No answer: a monitor may be starting, or it died. */
	pid = read_pid(dir);
	if (pid_alive(pid))
		return access(path, F_OK) == 0 ? PART_ENDED : PART_STARTING;
	if (pid <= 0 && time(NULL) - st.st_mtime < STARTING_GRACE)
		return PART_STARTING;
	return access(path, F_OK) == 0 ? PART_ENDED : PART_GONE;
}
