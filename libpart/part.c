/* Handles on partitions: their monitors' control trees over 9P. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/err.h"
#include "../p9/client.h"
#include "conn.h"
#include "part.h"

struct part {
	char name[PART_NAME_MAX + 1];
	char dir[4096];
	struct p9c *c;
};

const char *part_name(const struct part *p) { return p->name; }
struct p9c *part_conn(struct part *p) { return p->c; }

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Removes a run directory and everything in it (it holds only plain files). */
static int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
			r = -errno;
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

static void gone_status(const char *name, struct part_status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->state, sizeof(st->state), "gone");
	snprintf(st->reason, sizeof(st->reason), "its monitor died without a status record");
	st->exit_status = -1;
}

static int record(const char *dir, struct part_status *st)
{
	char path[4200], text[8192];

	snprintf(path, sizeof(path), "%s/%s", dir, PART_STATUS_FILE);
	if (read_file(path, text, sizeof(text)) || part_status_parse(text, st))
		return -1;
	return 0;
}

int part_status_by_name(const char *name, struct part_status *st, struct lerr *err)
{
	struct part *p;
	int r = part_open(name, &p, st, err);

	if (r)
		return r == -ESRCH ? 0 : r;
	r = part_status(p, st, err);
	part_close(p);
	return r;
}

/*
 * Checks a name and its run directory (whose trouble is reported as that,
 * not as "no partition"), then says where the partition stands.
 */
static int locate(const char *name, char *dir, size_t len, enum part_liveness *l,
		  struct lerr *err)
{
	int r;

	if (!part_name_valid(name))
		return lerr_set(err, EINVAL, "invalid partition name '%s'", name);
	r = part_dir(name, dir, len, err);
	if (r)
		return r;
	*l = part_probe(name);
	if (*l == PART_ABSENT)
		return lerr_set(err, ENOENT, "no partition named '%s'", name);
	return 0;
}

int part_open(const char *name, struct part **out, struct part_status *st,
	      struct lerr *err)
{
	struct part_status tmp;
	char dir[4096];
	struct part *p;
	int r;

	enum part_liveness l;

	if (!st)
		st = &tmp;
	r = locate(name, dir, sizeof(dir), &l, err);
	if (r)
		return r;
	switch (l) {
	case PART_ABSENT: /* locate() said so */
	case PART_STARTING:
		return lerr_set(err, EAGAIN, "partition '%s' is still starting", name);
	case PART_ENDED:
	case PART_GONE:
	case PART_LIVE:
		break;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return lerr_set(err, ENOMEM, "out of memory");
	snprintf(p->name, sizeof(p->name), "%s", name);
	r = part_dir(name, p->dir, sizeof(p->dir), err);
	if (r) {
		free(p);
		return r;
	}
	if (record(p->dir, st) == 0) {
		free(p);
		return lerr_set(err, ESRCH, "partition '%s' has ended (%s)", name, st->state);
	}
	r = part_connect_dir(p->dir, &p->c);
	if (r) {
		/* It may have ended between the probe and now. */
		if (record(p->dir, st) == 0) {
			free(p);
			return lerr_set(err, ESRCH, "partition '%s' has ended (%s)", name,
					st->state);
		}
		if (part_probe(name) == PART_GONE) {
			gone_status(name, st);
			remove_dir(p->dir);
			free(p);
			return lerr_set(err, ESRCH,
					"partition '%s' is gone: its monitor died (cleaned up)", name);
		}
		free(p);
		if (r == -EACCES || r == -EPERM || r == -ECONNRESET || r == -EPIPE)
			return lerr_set(err, EACCES,
					"cannot connect to partition '%s': permission denied", name);
		return lerr_set(err, -r, "cannot connect to partition '%s': %s", name,
				strerror(-r));
	}
	*out = p;
	return 0;
}

void part_close(struct part *p)
{
	if (!p)
		return;
	p9c_close(p->c);
	free(p);
}

int part_connect_dir(const char *dir, struct p9c **out)
{
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int r;

	*out = NULL;
	if ((size_t)snprintf(sock, sizeof(sock), "%s/%s", dir, PART_SOCK) >= sizeof(sock))
		return -ENAMETOOLONG;
	r = p9c_connect_unix(sock, out);
	if (!r)
		r = p9c_mount(*out, P9_MSIZE_DEFAULT, "");
	if (r) {
		p9c_close(*out);
		*out = NULL;
	}
	return r;
}

int part_connect_again(struct part *p, struct p9c **out, struct lerr *err)
{
	int r = part_connect_dir(p->dir, out);

	if (r)
		return lerr_set(err, -r, "cannot connect to partition '%s': %s",
				p->name, strerror(-r));
	return 0;
}

int part_map(struct part *p, void **base, uint64_t *size, struct lerr *err)
{
	char path[4200];
	struct stat st;
	void *m;
	int fd;

	/* "ram" links to the monitor's memfd through /proc. */
	snprintf(path, sizeof(path), "%s/%s", p->dir, PART_RAM);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lerr_set(err, errno, "cannot open the memory of '%s': %s", p->name,
				strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return lerr_set(err, EIO, "the memory of '%s' has no size", p->name);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return lerr_set(err, errno, "cannot map the memory of '%s': %s", p->name,
				strerror(errno));
	*base = m;
	*size = (uint64_t)st.st_size;
	return 0;
}

int part_ram_open(struct part *p, int *fd, struct lerr *err)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", p->dir, PART_RAM);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return lerr_set(err, errno, "cannot open the memory of '%s': %s", p->name,
				strerror(errno));
	return 0;
}

void part_unmap(void *base, uint64_t size)
{
	if (base)
		munmap(base, size);
}

int part_ctl(struct part *p, const char *cmd, struct lerr *err)
{
	int r = p9c_write_path(p->c, "ctl", cmd);

	switch (r) {
	case 0:
		return 0;
	case -EALREADY:
		return lerr_set(err, EALREADY, "partition '%s' %s", p->name,
				!strcmp(cmd, "start") ? "has already been started" :
				!strcmp(cmd, "pause") ? "is already paused" : "is already running");
	case -EAGAIN:
		return lerr_set(err, EAGAIN, "partition '%s' has not been started", p->name);
	case -ESRCH:
		return lerr_set(err, ESRCH, "partition '%s' has ended", p->name);
	case -EBUSY:
		if (!strcmp(cmd, "resume"))
			return lerr_set(err, EBUSY, "partition '%s' is held for a core file; try again",
					p->name);
		return lerr_set(err, EBUSY, "cannot %s partition '%s': %s", cmd, p->name,
				strerror(EBUSY));
	default:
		return lerr_set(err, -r, "cannot %s partition '%s': %s", cmd, p->name,
				strerror(-r));
	}
}

/* Writes cmd to the hcall file and reads the result into a malloc'd string. */
int part_hcall(struct part *p, const char *cmd, char **result, struct lerr *err)
{
	struct p9c *c = part_conn(p);
	const size_t cap = 16384; /* a result is a few short lines */
	size_t got = 0;
	char *buf;
	uint32_t fid;
	ssize_t n;
	int r;

	r = p9c_open_path(c, "hcall", P9_ORDWR, &fid);
	if (r)
		return lerr_set(err, -r, "cannot open the hcall file of '%s': %s", part_name(p),
				strerror(-r));
	n = p9c_write(c, fid, 0, cmd, (uint32_t)strlen(cmd));
	buf = n < 0 ? NULL : malloc(cap);
	while (buf && got + 1 < cap) {
		n = p9c_read(c, fid, got, buf + got, (uint32_t)(cap - got - 1));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	p9c_clunk(c, fid);
	if (n < 0 && !buf)
		return (int)n; /* the monitor refused it: its errno is the result */
	if (!buf)
		return lerr_set(err, ENOMEM, "out of memory");
	if (n < 0) {
		free(buf);
		return lerr_set(err, (int)-n, "cannot read the result from '%s': %s", part_name(p),
				strerror((int)-n));
	}
	buf[got] = '\0';
	*result = buf;
	return 0;
}

int part_status(struct part *p, struct part_status *st, struct lerr *err)
{
	char *text = NULL;
	ssize_t n = p9c_read_path(p->c, "status", &text, 65536);

	if (n < 0)
		return lerr_set(err, (int)-n, "cannot read the status of '%s': %s",
				p->name, strerror((int)-n));
	n = part_status_parse(text, st);
	free(text);
	if (n)
		return lerr_set(err, EPROTO, "partition '%s' sent a malformed status", p->name);
	return 0;
}

int part_wait_change(struct part *p, struct part_status *st, struct lerr *err)
{
	char *text = NULL;
	ssize_t n = p9c_read_path(p->c, "wait", &text, 65536);

	if (n < 0) {
		/* The monitor went away at the end: its record says how. */
		if (record(p->dir, st) == 0)
			return 0;
		return lerr_set(err, (int)-n, "lost partition '%s': %s", p->name,
				strerror((int)-n));
	}
	n = part_status_parse(text, st);
	free(text);
	if (n)
		return lerr_set(err, EPROTO, "partition '%s' sent a malformed status", p->name);
	return 0;
}

int part_remove(const char *name, struct lerr *err)
{
	enum part_liveness l;
	char dir[4096];
	int r;

	r = locate(name, dir, sizeof(dir), &l, err);
	if (r)
		return r;
	switch (l) {
	case PART_ABSENT: /* locate() said so */
	case PART_LIVE:
	case PART_STARTING:
		return lerr_set(err, EBUSY,
				"partition '%s' is still running (stop it first, or use rm -f)", name);
	case PART_ENDED:
	case PART_GONE:
		break;
	}
	r = part_dir(name, dir, sizeof(dir), err);
	if (!r)
		r = remove_dir(dir);
	if (r)
		return lerr_set(err, -r, "cannot remove partition '%s': %s", name, strerror(-r));
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int part_foreach(int (*fn)(void *arg, const char *name), void *arg, struct lerr *err)
{
	char base[4096];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;
	int r = part_rundir(base, sizeof(base), err);

	if (r)
		return r;
	d = opendir(base);
	if (!d)
		return lerr_set(err, errno, "cannot read '%s': %s", base, strerror(errno));
	while ((e = readdir(d))) {
		if (!part_name_valid(e->d_name))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p)
				break;
			names = p;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n) /* names is NULL in an empty run directory */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = fn(arg, names[i]);
		free(names[i]);
	}
	free(names);
	return r;
}
