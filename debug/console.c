/* The console pump for lpar run --debug. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/err.h"
#include "../libpart/part.h"
#include "../p9/client.h"
#include "console.h"

struct dbg_console {
	int sock;                /* the reader's connection, shut down to stop it */
	struct p9c *rd, *wr;
	uint32_t rfid, wfid;
	int pipe[2];
	int out_fd;              /* where the pump writes: pipe[1], or the caller's fd */
	pthread_t thread;
	int have_thread;
};

static int connect_to(const char *name, int *sock_out, struct p9c **out, struct lerr *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[4096];
	int fd, e;

	e = part_dir(name, dir, sizeof(dir), err);
	if (e)
		return e;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, PART_SOCK) >=
	    sizeof(sa.sun_path))
		return lerr_set(err, ENAMETOOLONG, "socket path too long");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return lerr_set(err, e, "cannot reach the console of '%s': %s", name, strerror(e));
	}
	e = p9c_open_fds(fd, fd, out);
	if (e) {
		close(fd);
		return lerr_set(err, -e, "out of memory");
	}
	e = p9c_mount(*out, P9_MSIZE_DEFAULT, "");
	if (e) {
		p9c_close(*out);
		*out = NULL;
		return lerr_set(err, -e, "cannot reach the console of '%s': %s", name, strerror(-e));
	}
	*sock_out = fd;
	return 0;
}

static void *pump(void *arg)
{
	struct dbg_console *c = arg;
	char buf[4096];
	uint64_t off = 0;

	for (;;) {
		ssize_t n = p9c_read(c->rd, c->rfid, off, buf, sizeof(buf));
		ssize_t done = 0;

		if (n <= 0)
			break;
		off += (uint64_t)n;
		while (done < n) {
			ssize_t w = write(c->out_fd, buf + done, (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				goto out;
			done += w;
		}
	}
out:
	if (c->pipe[1] >= 0) {
		close(c->pipe[1]);
		c->pipe[1] = -1;
	}
	return NULL;
}

int dbg_console_open(const char *name, struct dbg_console **out, struct lerr *err)
{
	return dbg_console_open_fd(name, -1, out, err);
}

int dbg_console_open_fd(const char *name, int out_fd, struct dbg_console **out,
			struct lerr *err)
{
	struct dbg_console *c = calloc(1, sizeof(*c));
	sigset_t all, old;
	int e, wsock;

	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->pipe[0] = c->pipe[1] = -1;
	e = connect_to(name, &c->sock, &c->rd, err);
	if (!e)
		e = connect_to(name, &wsock, &c->wr, err);
	if (!e && ((e = p9c_open_path(c->rd, "cons", P9_ORDONLY, &c->rfid)) ||
		   (e = p9c_open_path(c->wr, "cons", P9_OWRONLY, &c->wfid))))
		lerr_set(err, -e, "cannot open the console of '%s': %s", name, strerror(-e));
	if (!e && out_fd < 0 && pipe2(c->pipe, O_CLOEXEC) < 0)
		e = lerr_set(err, errno, "pipe: %s", strerror(errno));
	c->out_fd = out_fd >= 0 ? out_fd : c->pipe[1];
	if (!e) {
		/* Signals are the REPL's: the pump never takes them. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		e = -pthread_create(&c->thread, NULL, pump, c);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (e)
			lerr_set(err, -e, "cannot start the console thread: %s", strerror(-e));
		else
			c->have_thread = 1;
	}
	if (e) {
		dbg_console_close(c);
		return e;
	}
	*out = c;
	return 0;
}

int dbg_console_fd(const struct dbg_console *c)
{
	return c ? c->pipe[0] : -1;
}

size_t dbg_console_drain(struct dbg_console *c, FILE *out)
{
	char buf[4096];
	size_t total = 0;
	int fl;

	if (!c || c->pipe[0] < 0)
		return 0;
	fl = fcntl(c->pipe[0], F_GETFL);
	fcntl(c->pipe[0], F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		ssize_t n = read(c->pipe[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			close(c->pipe[0]); /* the partition's console has ended */
			c->pipe[0] = -1;
			break;
		}
		if (n < 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
		total += (size_t)n;
	}
	if (c->pipe[0] >= 0)
		fcntl(c->pipe[0], F_SETFL, fl);
	fflush(out);
	return total;
}

int dbg_console_input(struct dbg_console *c, const void *buf, size_t n)
{
	ssize_t w;

	if (!c || !c->wr)
		return -EPIPE;
	w = p9c_write(c->wr, c->wfid, 0, buf, (uint32_t)n);
	return w < 0 ? (int)w : 0;
}

void dbg_console_finish(struct dbg_console *c)
{
	if (c && c->have_thread) {
		pthread_join(c->thread, NULL);
		c->have_thread = 0;
	}
	dbg_console_close(c);
}

void dbg_console_close(struct dbg_console *c)
{
	if (!c)
		return;
	if (c->have_thread) {
		shutdown(c->sock, SHUT_RDWR); /* ends the pump's blocked read */
		pthread_join(c->thread, NULL);
	}
	p9c_close(c->rd);
	p9c_close(c->wr);
	if (c->pipe[0] >= 0)
		close(c->pipe[0]);
	if (c->pipe[1] >= 0)
		close(c->pipe[1]);
	free(c);
}
