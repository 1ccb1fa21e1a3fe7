/* SPDX-License-Identifier: ISC */
/*
 * Launching partitions: in this process (lpar run) or in a detached monitor
 * process (lpar create, lpar run -d).  Either way the partition gets a run
 * directory with its control socket, RAM file and console log, and nothing
 * is left behind if it cannot start.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "../common/err.h"
#include "../common/rundir.h"
#include "../elf/elf.h"
#include "hv.h"

struct res {
	int dir_fd, ram_fd, log_fd, listen_fd;
};

static void res_close(struct res *r)
{
	int *fds[] = { &r->dir_fd, &r->ram_fd, &r->log_fd, &r->listen_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int rm_rf(const char *dir)
{
	const char *files[] = { PART_SOCK, PART_RAM, PART_LOG, PART_PID,
				PART_STATUS_FILE, PART_STATUS_FILE ".tmp" };
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return rmdir(dir) < 0 ? -errno : 0;
}

/* Takes the name (or the first free default) by creating its directory. */
static int claim(const struct hv_launch *spec, char *name, char *dir, struct lerr *err)
{
	char base[PART_NAME_MAX + 1];
	int r;

	if (spec->name)
		snprintf(base, sizeof(base), "%s", spec->name);
	else
		part_name_from_image(spec->image, base, sizeof(base));
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(name, PART_NAME_MAX + 1, "%s", base);
		else
			snprintf(name, PART_NAME_MAX + 1, "%.59s-%d", base, i);
		r = part_dir(name, dir, 4096, err);
		if (r)
			return r;
		if (mkdir(dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return lerr_set(err, errno, "cannot create '%s': %s", dir, strerror(errno));
		/* Not ours, or open to others: neither taken over nor passed by in silence. */
		r = part_dir_check(dir, "partition directory", err);
		if (r)
			return r;
		/*
		 * Taken, by a live partition or by what a dead monitor left (its
		 * console log is evidence: only lpar rm takes it): the next name.
		 */
		if (spec->name)
			return lerr_set(err, EEXIST, "partition '%s' already exists", name);
	}
	return lerr_set(err, EEXIST, "no free name like '%s'", base);
}

/* Records the monitor's pid, which clients check the socket's listener against. */
static int pid_write(int dir_fd)
{
	char buf[32];
	int fd = openat(dir_fd, PART_PID, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid()), e = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		e = errno ? -errno : -EIO;
	close(fd);
	return e;
}

static int res_open(const char *dir, struct res *r, struct lerr *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int e;

	r->ram_fd = -1; /* a memfd, made by the monitor */
	r->dir_fd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (r->dir_fd < 0)
		return lerr_set(err, errno, "cannot open '%s': %s", dir, strerror(errno));
	r->log_fd = openat(r->dir_fd, PART_LOG, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (r->log_fd < 0)
		return lerr_set(err, errno, "cannot create files in '%s': %s", dir,
				strerror(errno));
	/* Before the socket: a client checks whoever answers there against it. */
	e = pid_write(r->dir_fd);
	if (e)
		return lerr_set(err, -e, "cannot create files in '%s': %s", dir, strerror(-e));
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, PART_SOCK) >=
	    (int)sizeof(sa.sun_path))
		return lerr_set(err, ENAMETOOLONG,
				"run directory path '%s' is too long for a socket", dir);
	r->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->listen_fd < 0)
		return lerr_set(err, errno, "socket: %s", strerror(errno));
	old = umask(0177); /* the socket is born 0600 */
	e = bind(r->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (e < 0 || listen(r->listen_fd, 64) < 0)
		return lerr_set(err, errno, "cannot listen on '%s': %s", sa.sun_path,
				strerror(errno));
	return 0;
}

/*
 * Guest RAM is a memfd, never a file in the run directory (which may be on
 * disk); "ram" links to it through /proc so local controllers can map it.
 */
static void ram_link(int dir_fd, const struct hv *hv)
{
	char target[64];

	snprintf(target, sizeof(target), "/proc/%ld/fd/%d", (long)getpid(), hv_ram_fd(hv));
	unlinkat(dir_fd, PART_RAM, 0);
	if (symlinkat(target, dir_fd, PART_RAM) < 0)
		return; /* the memory window is then unavailable, nothing else */
}

/* The paths a monitor's configuration points to: they live as long as it. */
struct cfg_paths {
	char base[4096], chan_dir[4200];
};

static void cfg_fill(struct hv_config *cfg, struct cfg_paths *paths,
		     const struct hv_launch *spec, const char *name, const struct res *r)
{
	memset(cfg, 0, sizeof(*cfg));
	if (part_rundir(paths->base, sizeof(paths->base), NULL) == 0) {
		cfg->cache_dir = paths->base;
		snprintf(paths->chan_dir, sizeof(paths->chan_dir), "%s/" PART_CHAN_DIR, paths->base);
		cfg->chan_dir = paths->chan_dir;
	}
	cfg->chans = spec->chans;
	cfg->nchans = spec->nchans;
	cfg->shares = spec->shares;
	cfg->nshares = spec->nshares;
	cfg->workdir = spec->workdir;
	cfg->core_dir = spec->core_dir;
	cfg->name = name;
	cfg->mem_size = spec->mem;
	cfg->argc = spec->argc;
	cfg->argv = spec->argv;
	cfg->envc = spec->envc;
	cfg->envp = spec->envp;
	cfg->console_in = -1;
	cfg->console_out = -1;
	cfg->ram_fd = r->ram_fd;
	cfg->accel = spec->accel;
	cfg->kvm_path = spec->kvm_path;
	cfg->listen_fd = r->listen_fd;
	cfg->dir_fd = r->dir_fd;
	cfg->log_fd = r->log_fd;
	cfg->autostart = spec->autostart;
}

int hv_launch_here(const struct hv_launch *spec, const struct elf_image *img,
		   const sigset_t *stop_signals, char *name_out,
		   struct hv_outcome *out, struct lerr *err)
{
	struct res res = { -1, -1, -1, -1 };
	struct hv_config cfg;
	struct cfg_paths paths;
	char dir[4096];
	struct hv *hv = NULL;
	struct lerr run_err;
	int r;

	r = claim(spec, name_out, dir, err);
	if (r)
		return r;
	r = res_open(dir, &res, err);
	if (!r) {
		cfg_fill(&cfg, &paths, spec, name_out, &res);
		cfg.console_in = STDIN_FILENO;
		cfg.console_out = STDOUT_FILENO;
		cfg.autostart = 1;
		cfg.stop_signals = *stop_signals;
		cfg.dir_fd = -1; /* its status is lpar's exit status: no record */
		r = hv_create(&cfg, img, &hv, err);
	}
	if (!r) {
		ram_link(res.dir_fd, hv);
		/* A monitor failure ends the partition as a crash; *out says so. */
		hv_run(hv, out, &run_err);
		hv_destroy(hv);
	}
	res_close(&res);
	rm_rf(dir); /* a foreground partition's status is lpar's exit status */
	return r;
}

/* ---- detached monitors ---- */

/* Tells the parent how start-up went: "" on success, else the message. */
static void report(int fd, const char *msg)
{
	size_t n = strlen(msg) + 1;

	if (write(fd, msg, n) != (ssize_t)n)
		return;
}

/* Detaches from the caller's terminal and files, keeping only keep[]. */
static void detach_fds(const int *keep, size_t nkeep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > 2)
			close(null);
	}
	for (int fd = 3; fd < 1024; fd++) {
		int k = 0;

		for (size_t i = 0; i < nkeep; i++)
			k |= keep[i] == fd;
		if (!k)
			close(fd);
	}
}

static void monitor_signals(sigset_t *stop)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hv_on_signal;
	sigemptyset(stop);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(stop, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * A detached monitor ends with _exit(), which skips LeakSanitizer's check
 * at exit: in a sanitized build (make check-asan) it checks here, once its
 * partition is torn down, and a leak ends it with the report.
 */
static void monitor_leak_check(void)
{
#if defined(__SANITIZE_ADDRESS__)
	__lsan_do_leak_check();
#endif
}

static void monitor_main(const struct hv_launch *spec, const struct elf_image *img,
			 const char *name, const char *dir, int pipe_fd, pid_t parent)
{
	struct res res = { -1, -1, -1, -1 };
	struct hv_outcome out;
	struct hv_config cfg;
	struct cfg_paths paths;
	struct lerr err = { 0 };
	struct hv *hv = NULL;
	int keep[2] = { pipe_fd, img->fd };
	int r;

	/* lpar run --debug: the partition it launched ends with the debugger. */
	if (spec->with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != parent)
		_exit(1);
	setsid();
	detach_fds(keep, 2);
	r = res_open(dir, &res, &err);
	if (!r) {
		cfg_fill(&cfg, &paths, spec, name, &res);
		monitor_signals(&cfg.stop_signals);
		r = hv_create(&cfg, img, &hv, &err);
	}
	if (r) {
		res_close(&res);
		rm_rf(dir);
		report(pipe_fd, err.msg[0] ? err.msg : "the monitor could not start");
		monitor_leak_check();
		_exit(1);
	}
	ram_link(res.dir_fd, hv);
	report(pipe_fd, "");
	close(pipe_fd);
	hv_run(hv, &out, &err);
	if (spec->with_parent)
		prctl(PR_SET_PDEATHSIG, 0); /* ended: let the clean-up finish */
	hv_destroy(hv);
	unlinkat(res.dir_fd, PART_SOCK, 0);
	unlinkat(res.dir_fd, PART_PID, 0);
	unlinkat(res.dir_fd, PART_RAM, 0); /* the memfd is gone with this process */
	res_close(&res);
	if (spec->rm)
		rm_rf(dir);
	monitor_leak_check();
	_exit(0);
}

int hv_launch_detached(const struct hv_launch *spec, const struct elf_image *img,
		       char *name_out, struct lerr *err)
{
	char dir[4096], msg[1024];
	size_t got = 0;
	int p[2], r;
	pid_t pid, parent;

	r = claim(spec, name_out, dir, err);
	if (r)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = lerr_set(err, errno, "pipe: %s", strerror(errno));
		rm_rf(dir);
		return r;
	}
	fflush(NULL);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		r = lerr_set(err, errno, "cannot start a monitor: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		rm_rf(dir);
		return r;
	}
	if (pid == 0) {
		close(p[0]);
		monitor_main(spec, img, name_out, dir, p[1], parent);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], msg + got, sizeof(msg) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(msg, '\0', got) || got == sizeof(msg) - 1)
			break;
	}
	close(p[0]);
	msg[got] = '\0';
	if (got && msg[0] == '\0')
		return 0;
	waitpid(pid, NULL, 0);
	rm_rf(dir);
	return lerr_set(err, EIO, "%s", got ? msg : "the monitor died while starting");
}
