/* SPDX-License-Identifier: ISC */
/*
 * The monitor's sandbox.  Once the partition is loaded and the monitor
 * holds every host resource it needs to start (the image, RAM, the
 * backend, the run directory's socket and log, the devices' files and
 * sockets), two layers confine what a monitor the partition subverted
 * could still do (docs/security.md):
 *
 * - Landlock, where the kernel has it: file system access only beneath
 *   the run directory, the channel directory, the shares (read-only ones
 *   for reading) and the core directory; no TCP at all, no abstract Unix
 *   socket or signal outside the monitor.  Landlock holds
 *   for the calling thread and the threads it starts, so it comes first,
 *   before the control and I/O threads exist.
 * - A seccomp filter on every thread: the system calls the monitor makes
 *   from here on (the list below, each with why), ioctl only with the
 *   request numbers KVM's run loop and a terminal check use.  Anything
 *   else traps (SIGSYS): the handler leaves a status record saying which
 *   call it was and ends the process, so a forbidden call is never a
 *   silent death.
 *
 * LPAR_SANDBOX=0 in the monitor's environment turns both off.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/kvm.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/rundir.h"
#include "../elf/elf.h"
#include "priv.h"
#include "sandbox.h"
#include "x86_insn.h"

/* Landlock rights newer than Debian 12's <linux/landlock.h>. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_NET_BIND_TCP    (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)

#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL               (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6 (the header has only its first field). */
struct ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net; /* ABI 4 */
	__u64 scoped;             /* ABI 6 */
};

/* One partition per process: the sandbox's state is the process's. */
static struct {
	int seccomp;               /* the filter is on */
	int landlock_abi;          /* the ruleset is on, at this ABI; else 0 */
	char why_seccomp[40];      /* why off */
	char why_landlock[40];
	int test;                  /* LPAR_DEBUG_SANDBOX_TEST=1 */
	const char *test_path;
	/* For the SIGSYS handler: made now, so it only copies. */
	int dir_fd;                /* the status record goes here, or -1 (foreground) */
	char rundir[4096];         /* foreground: removed on the way out */
	char head[PART_NAME_MAX + 8]; /* the record's line before "state" */
	char tail[512];            /* its lines after "pid", up to "uptime" */
	char name[PART_NAME_MAX + 1];
	const struct hv *hv;
} sb = { .dir_fd = -1 };

/* ---- the SIGSYS handler: async-signal-safe calls only ---- */

struct sbuf {
	char *p;
	size_t n, len;
};

static void put(struct sbuf *b, const char *s)
{
	while (*s && b->n + 1 < b->len)
		b->p[b->n++] = *s++;
	b->p[b->n] = '\0';
}

static void put_u(struct sbuf *b, unsigned long long v)
{
	char d[24];
	int i = (int)sizeof(d) - 1;

	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	put(b, d + i);
}

/* "system call execve (59) is not allowed by the monitor's sandbox" */
static void why_killed(struct sbuf *b, long nr)
{
	put(b, "killed by the monitor's sandbox: system call ");
	put(b, hv_syscall_name((uint64_t)nr));
	put(b, " (");
	put_u(b, (unsigned long long)nr);
	put(b, ") is not allowed");
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void record_write(long nr)
{
	static char text[8192];
	struct sbuf b = { text, 0, sizeof(text) };
	struct timespec ts;
	unsigned long long up = 0;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (sb.hv) {
		unsigned long long now = (unsigned long long)ts.tv_sec * 1000000000ull +
					 (unsigned long long)ts.tv_nsec;

		up = now > sb.hv->boot_ns ? now - sb.hv->boot_ns : 0;
	}
	put(&b, sb.head);
	put(&b, "state killed\npid ");
	put_u(&b, (unsigned long long)getpid());
	put(&b, "\n");
	put(&b, sb.tail);
	put(&b, "uptime ");
	put_u(&b, up / 1000000000ull);
	put(&b, ".");
	put(&b, up / 1000000ull % 1000 < 100 ? (up / 1000000ull % 1000 < 10 ? "00" : "0") : "");
	put_u(&b, up / 1000000ull % 1000);
	put(&b, "\nsandbox seccomp=on landlock=");
	put(&b, sb.landlock_abi ? "on" : "off(");
	put(&b, sb.landlock_abi ? "" : sb.why_landlock);
	put(&b, sb.landlock_abi ? "" : ")");
	put(&b, "\nsignal ");
	put_u(&b, SIGSYS);
	put(&b, "\nreason ");
	why_killed(&b, nr);
	put(&b, "\n");
	fd = openat(sb.dir_fd, PART_STATUS_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return;
	write_all(fd, text, b.n);
	fsync(fd);
	close(fd);
	renameat(sb.dir_fd, PART_STATUS_FILE ".tmp", sb.dir_fd, PART_STATUS_FILE);
}

/* A foreground partition's run directory goes as it does when it ends. */
static void rundir_remove(void)
{
	static const char *const files[] = { PART_SOCK, PART_RAM, PART_LOG, PART_PID };
	int fd = open(sb.rundir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(fd, files[i], 0);
	close(fd);
	rmdir(sb.rundir);
}

static void on_sigsys(int signo, siginfo_t *si, void *uc)
{
	char msg[512];
	struct sbuf b = { msg, 0, sizeof(msg) };
	long nr = si->si_syscall;

	(void)signo;
	(void)uc;
	if (sb.dir_fd >= 0)
		record_write(nr);
	else if (sb.rundir[0])
		rundir_remove();
	/* A foreground partition's stderr is the user's; a detached one's is /dev/null. */
	put(&b, "lpar: partition '");
	put(&b, sb.name);
	put(&b, "' ");
	why_killed(&b, nr);
	put(&b, "\n");
	write_all(STDERR_FILENO, msg, b.n);
	_exit(128 + SIGSYS);
}

/* ---- the seccomp filter ---- */

/*
 * The system calls the monitor's threads (vCPU, control, I/O) make after
 * start-up, on either backend, found by reading the code and by strace on
 * every kind of workload (docs/security.md).  Nothing here creates
 * processes or changes credentials, namespaces, mounts or the filter.
 */
static const struct {
	const char *name;
	const char *why;
} allowed[] = {
	/* Memory: malloc, thread stacks, Unicorn's translation buffer and
	 * its code pages, channel memory mapped over the ring's pages. */
	{ "brk", "malloc" },
	{ "mmap", "malloc, thread stacks, Unicorn, channel memory, dlopen" },
	{ "munmap", "the same, undone" },
	{ "mremap", "realloc of large blocks" },
	{ "mprotect", "Unicorn's code buffer, thread stack guards" },
	{ "madvise", "glibc's allocator returns memory; Unicorn" },
	/* Threads and their locks. */
	{ "futex", "mutexes and condition variables" },
	{ "set_robust_list", "a new thread's start" },
	{ "rseq", "a new thread's start" },
	{ "sched_yield", "spinning locks" },
	{ "sched_getaffinity", "glibc's allocator sizing its arenas" },
	{ "gettid", "the kick timer's thread id" },
	{ "getpid", "the status text; the run directory's ram link" },
	{ "exit", "a thread ends" },
	{ "exit_group", "the monitor ends" },
	{ "restart_syscall", "a call a signal interrupted goes on" },
	/* Signals: the kick, stop signals, this handler. */
	{ "rt_sigaction", "signal handlers (set again by libraries)" },
	{ "rt_sigprocmask", "the vCPU's run mask; pthread_create" },
	{ "rt_sigreturn", "return from every signal handler" },
	{ "rt_sigtimedwait", "consume_signals() takes pending stop signals" },
	{ "sigaltstack", "a thread's start and end" },
	/* Time. */
	{ "clock_gettime", "the partition's clock, timeouts (when the vDSO is not used)" },
	{ "clock_nanosleep", "short sleeps" },
	{ "nanosleep", "short sleeps" },
	{ "gettimeofday", "time stamps" },
	{ "timer_settime", "the TCG kick retry timer" },
	{ "timer_gettime", "the TCG kick retry timer" },
	{ "timer_delete", "the TCG kick retry timer, at the end" },
	/* Waiting and moving bytes on fds already open: the console, the
	 * control socket, rings' eventfds, 9P relays, channels. */
	{ "read", "console input, eventfds, files" },
	{ "write", "console output, the log, eventfds, files" },
	{ "readv", "9P replies" },
	{ "writev", "9P replies" },
	{ "pread64", "share files (9P read); the image" },
	{ "pwrite64", "share files (9P write)" },
	{ "preadv", "share files" },
	{ "pwritev", "share files" },
	{ "lseek", "share files; core files' SEEK_DATA and SEEK_HOLE" },
	{ "poll", "the I/O thread" },
	{ "ppoll", "block() and the control thread" },
	{ "pselect6", "waits in libraries" },
	{ "close", "fds of every kind" },
	{ "dup", "fds handed on" },
	{ "dup3", "fds handed on" },
	{ "fcntl", "O_NONBLOCK, FD_CLOEXEC, memfd seals, file locks" },
	{ "flock", "the channel lock file" },
	{ "eventfd2", "doorbells made when a ring attaches" },
	{ "pipe2", "wake-ups between threads" },
	{ "memfd_create", "a channel's shared memory" },
	{ "ftruncate", "sizing a channel's memory; 9P setattr" },
	{ "fallocate", "9P fallocate" },
	{ "sendfile", "a core file copies RAM's data from the memfd" },
	{ "copy_file_range", "copies between files" },
	{ "splice", "copies between files" },
	/* Sockets: the control socket, channels meeting, 9P relays. */
	{ "connect", "channels and 9P relays" },
	{ "bind", "a channel's socket" },
	{ "listen", "a channel's socket" },
	{ "accept", "controllers and channel peers" },
	{ "accept4", "controllers and channel peers" },
	{ "recvmsg", "fds passed on channels, controllers' requests" },
	{ "sendmsg", "fds passed on channels" },
	{ "recvfrom", "recv()" },
	{ "sendto", "send()" },
	{ "getsockopt", "SO_PEERCRED: only the same user may control a monitor" },
	{ "setsockopt", "socket buffer sizes" },
	{ "getsockname", "socket checks" },
	{ "getpeername", "socket checks" },
	{ "shutdown", "closing connections" },
	/* Files, beneath the paths Landlock allows: shares (the hostfs
	 * backend), the run directory (status record, ram link), channel
	 * lock files, core files. */
	{ "openat", "share files, the status record, core files" },
	{ "open", "the same, through older entry points" },
	{ "openat2", "share files: RESOLVE_BENEATH walks" },
	{ "newfstatat", "share files' attributes" },
	{ "fstat", "fds' attributes" },
	{ "statx", "share files' attributes" },
	{ "fstatfs", "9P statfs" },
	{ "statfs", "9P statfs" },
	{ "getdents64", "9P readdir" },
	{ "mkdirat", "9P mkdir" },
	{ "mknodat", "9P mknod" },
	{ "unlinkat", "9P unlink and remove; run directory files at the end" },
	{ "unlink", "a stale channel socket; run directory files" },
	{ "rmdir", "the run directory of lpar run --rm or a foreground run" },
	{ "renameat", "9P rename; the status record goes in atomically" },
	{ "renameat2", "9P rename" },
	{ "rename", "core files" },
	{ "linkat", "9P link; a core file is linked in" },
	{ "symlinkat", "9P symlink; the run directory's ram link" },
	{ "readlinkat", "9P readlink" },
	{ "fchmod", "9P setattr" },
	{ "fchmodat", "9P setattr" },
	{ "fchownat", "9P setattr" },
	{ "fchown", "9P setattr" },
	{ "utimensat", "9P setattr" },
	{ "fsync", "9P fsync; the status record" },
	{ "fdatasync", "9P fsync" },
	/* The same through the path-based calls glibc makes for the hostfs
	 * backend's /proc/self/fd paths and realpath() of a core's image. */
	{ "truncate", "9P setattr of a size" },
	{ "chmod", "9P setattr of a mode" },
	{ "chown", "9P setattr of an owner" },
	{ "lchown", "9P setattr of an owner" },
	{ "mkdir", "9P mkdir; mkdir() on x86-64" },
	{ "symlink", "9P symlink" },
	{ "link", "9P link" },
	{ "readlink", "9P readlink; realpath()" },
	{ "stat", "libraries" },
	{ "lstat", "realpath()" },
	{ "access", "a share's directory is checked" },
	{ "getcwd", "realpath() of a relative path: the image in a core's notes" },
	{ "faccessat", "libraries checking paths" },
	{ "faccessat2", "libraries checking paths" },
	{ "umask", "the run directory's files are born 0600" },
	{ "getuid", "hostfs: who owns new files" },
	{ "geteuid", "hostfs: who owns new files" },
	{ "getgid", "hostfs: who owns new files" },
	{ "getegid", "hostfs: who owns new files" },
	{ "getrandom", "glibc's allocator and hash seeds" },
	{ "uname", "libraries" },
	{ "prlimit64", "libraries querying stack limits" },
};

/*
 * ioctl, only with these requests (the kernel reads the request as 32
 * bits, so the filter compares those): what KVM's run loop, the debugger
 * and a core file need of a vCPU already made (hv/kvm.c), and a terminal
 * check.  Read from hv/kvm.c, not seen run on this host (no /dev/kvm).
 */
static const unsigned long ioctls[] = {
	KVM_RUN,                    /* entering the vCPU */
	KVM_GET_REGS, KVM_SET_REGS, /* without the sync area; the debugger; hcalls */
	KVM_GET_SREGS, KVM_SET_SREGS, /* paging and segment registers, fs base */
	KVM_GET_FPU, KVM_GET_XSAVE, /* a core's FPU state */
	KVM_IOEVENTFD,              /* a ring's doorbell when a channel links */
	KVM_SET_USER_MEMORY_REGION, /* guard pages (watchpoints) rebuild the slots */
	KVM_CHECK_EXTENSION,        /* capability checks */
	TCGETS,                     /* isatty() of the console */
	TIOCGWINSZ,                 /* the console's size */
	FIONREAD,                   /* bytes waiting on a socket */
	FIONBIO,                    /* non-blocking fds */
};

/* The calls made most often, per vCPU exit or console write. */
static const char *const hot[] = { "ioctl", "write", "read", "ppoll", "poll", "futex",
				   "rt_sigprocmask", "timer_settime", "clock_gettime" };

/*
 * "Argument N equals V", every field given: libseccomp's SCMP_A0() leaves
 * datum_b to the compiler, which clang warns of (-Wmissing-field-initializers).
 */
static struct scmp_arg_cmp arg_eq(unsigned n, scmp_datum_t v)
{
	return (struct scmp_arg_cmp){ .arg = n, .op = SCMP_CMP_EQ, .datum_a = v, .datum_b = 0 };
}

static int seccomp_on(struct lerr *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int r = 0;

	if (!ctx)
		return lerr_set(err, ENOMEM, "sandbox: cannot make a seccomp filter");
	/* Every thread, whenever it was made. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/*
	 * Every call of the monitor runs the filter: a binary tree of the
	 * numbers rather than a list, and the hot calls (the run loop's,
	 * the console's, the I/O thread's) first.
	 */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++)
		seccomp_syscall_priority(ctx, seccomp_syscall_resolve_name(hot[i]), 255);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !r; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i].name);

		/* lpar is x86-64 only: a name that does not resolve is a typo. */
		if (nr == __NR_SCMP_ERROR) {
			seccomp_release(ctx);
			return lerr_set(err, EINVAL, "sandbox: no system call named '%s'",
					allowed[i].name);
		}
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctls[i] & 0xffffffffu));
	/*
	 * Threads, but no processes: clone only with CLONE_THREAD (the
	 * control and I/O threads start after this); clone3's flags are in
	 * memory the filter cannot read, so it fails with ENOSYS and glibc
	 * falls back to clone.
	 */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* prctl: only to drop lpar run --debug's parent-death signal at the end. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				     arg_eq(0, PR_SET_PDEATHSIG));
	/*
	 * Signals only to the monitor itself: tgkill is pthread_kill (the
	 * controller kicks the vCPU thread), kill is raise() on glibc's abort
	 * path.
	 */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				     arg_eq(0, (scmp_datum_t)getpid()));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
				     arg_eq(0, (scmp_datum_t)getpid()));
	/*
	 * Sockets: Unix ones only (channels and 9P relays connect again
	 * after start-up); no UDP or raw socket, which Landlock does not
	 * cover.
	 */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     arg_eq(0, AF_UNIX));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1,
				     arg_eq(0, AF_UNIX));
	if (r) {
		seccomp_release(ctx);
		return lerr_set(err, -r, "sandbox: cannot build the seccomp filter: %s",
				strerror(-r));
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r == -EINVAL || r == -ENOSYS) {
		snprintf(sb.why_seccomp, sizeof(sb.why_seccomp), "unsupported");
		return 0; /* a kernel without seccomp filters: run without */
	}
	if (r)
		return lerr_set(err, -r, "sandbox: cannot load the seccomp filter: %s",
				strerror(-r));
	sb.seccomp = 1;
	return 0;
}

/* ---- Landlock ---- */

static int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? -errno : (int)v;
}

static const char *landlock_why(int e)
{
	return e == -EOPNOTSUPP ? "disabled" : e == -ENOSYS ? "unsupported" : "unavailable";
}

/* The file system rights a kernel at this ABI knows of. */
static __u64 fs_rights(int abi)
{
	__u64 all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

#define FS_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define FS_READ  (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* Making, changing and removing plain files, directories and links. */
#define FS_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		  LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		  LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
		  LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)

/* Allows access beneath path; a path that is not there is left out. */
static int rule_add(int ruleset, const char *path, __u64 access, __u64 handled,
		    struct lerr *err)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC), r = 0;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= FS_FILE_RIGHTS;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		r = lerr_set(err, errno, "sandbox: cannot allow '%s': %s", path, strerror(errno));
	close(fd);
	return r;
}

static int landlock_on(const struct hv_config *cfg, const char *rundir, struct lerr *err)
{
	struct ll_ruleset_attr attr = { 0, 0, 0 };
	int abi = landlock_abi(), fd, r = 0;
	size_t size = sizeof(attr.handled_access_fs);

	if (abi <= 0) {
		snprintf(sb.why_landlock, sizeof(sb.why_landlock), "%s", landlock_why(abi));
		return 0; /* no Landlock here: the filter alone */
	}
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 4) {
		/* The monitor speaks no TCP: none at all. */
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		/* Nor abstract Unix sockets (a desktop's bus) or signals outside. */
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return lerr_set(err, errno, "sandbox: cannot make a Landlock ruleset: %s",
				strerror(errno));
	/* The run directory: status record, ram link, the files removed at the end. */
	r = rule_add(fd, rundir, FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_MAKE_SOCK,
		     attr.handled_access_fs, err);
	/* Its parent: a foreground or --rm run removes its own run directory. */
	if (!r && cfg->cache_dir)
		r = rule_add(fd, cfg->cache_dir, LANDLOCK_ACCESS_FS_REMOVE_DIR,
			     attr.handled_access_fs, err);
	/* Channels: sockets, lock files. */
	if (!r && cfg->chan_dir && cfg->nchans)
		r = rule_add(fd, cfg->chan_dir, FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_MAKE_SOCK,
			     attr.handled_access_fs, err);
	if (!r && cfg->core_dir)
		r = rule_add(fd, cfg->core_dir, FS_READ | FS_WRITE, attr.handled_access_fs, err);
	for (size_t i = 0; i < cfg->nshares && !r; i++) {
		const struct hv_share_spec *s = &cfg->shares[i];

		if (s->relay)
			continue; /* a socket the monitor is connected to already */
		r = rule_add(fd, s->host,
			     s->readonly ? FS_READ :
			     FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_MAKE_FIFO |
			     LANDLOCK_ACCESS_FS_MAKE_SOCK,
			     attr.handled_access_fs, err);
	}
	if (!r && syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		r = lerr_set(err, errno, "sandbox: cannot enter the Landlock ruleset: %s",
			     strerror(errno));
	close(fd);
	if (!r)
		sb.landlock_abi = abi;
	return r;
}

/* ---- the record's fixed lines, and start-up ---- */

static void record_prepare(struct hv *hv, const struct hv_config *cfg)
{
	snprintf(sb.name, sizeof(sb.name), "%s", hv->name);
	snprintf(sb.head, sizeof(sb.head), "name %s\n", hv->name);
	snprintf(sb.tail, sizeof(sb.tail), "mem %llu\nvcpus 1\naccel %s\nimage %.400s\n",
		 (unsigned long long)hv->mem.size, hvb_name(hv->vm), hv->img->path);
	sb.dir_fd = cfg->dir_fd;
	sb.hv = hv;
}

/*
 * A build with AddressSanitizer (make check-asan, make fuzz): its leak
 * check at the monitor's end stops the world with a tracer process and
 * ptrace, which the filter forbids, so such a build runs unconfined and
 * says so.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

int hv_sandbox_enter(struct hv *hv, const struct hv_config *cfg, struct lerr *err)
{
	const char *env = getenv("LPAR_SANDBOX");
	struct sigaction sa;
	struct x86_dec *dec;
	int r;

	sb.test = getenv("LPAR_DEBUG_SANDBOX_TEST") &&
		  !strcmp(getenv("LPAR_DEBUG_SANDBOX_TEST"), "1");
	sb.test_path = getenv("LPAR_DEBUG_SANDBOX_TEST_PATH");
	if (env && strcmp(env, "0") && strcmp(env, "1"))
		return lerr_set(err, EINVAL, "LPAR_SANDBOX must be 0 (off) or 1 (on), not '%s'",
				env);
	if (env && !strcmp(env, "0")) {
		snprintf(sb.why_seccomp, sizeof(sb.why_seccomp), "LPAR_SANDBOX=0");
		snprintf(sb.why_landlock, sizeof(sb.why_landlock), "LPAR_SANDBOX=0");
		return 0;
	}
#ifdef SANITIZED
	snprintf(sb.why_seccomp, sizeof(sb.why_seccomp), "a sanitizer build");
	snprintf(sb.why_landlock, sizeof(sb.why_landlock), "a sanitizer build");
	return 0;
#endif
	r = part_dir(hv->name, sb.rundir, sizeof(sb.rundir), err);
	if (r)
		return r;
	/*
	 * The debugger's instruction decoder loads capstone on its first use;
	 * load it now, while the library's directory can still be read.
	 */
	if (x86_dec_open(&dec) == 0)
		x86_dec_close(dec);
	record_prepare(hv, cfg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND; /* a second one kills outright */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return lerr_set(err, errno, "sandbox: cannot handle SIGSYS: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lerr_set(err, errno, "sandbox: cannot set no_new_privs: %s",
				strerror(errno));
	r = landlock_on(cfg, sb.rundir, err);
	if (!r)
		r = seccomp_on(err);
	return r;
}

void hv_sandbox_status(char *buf, size_t len, size_t *n)
{
	int w;

	if (*n >= len)
		return;
	w = snprintf(buf + *n, len - *n, "sandbox seccomp=%s%s%s%s landlock=%s%s%s%s\n",
		     sb.seccomp ? "on" : "off", sb.seccomp ? "" : "(", sb.why_seccomp,
		     sb.seccomp ? "" : ")", sb.landlock_abi ? "on" : "off",
		     sb.landlock_abi ? "" : "(", sb.why_landlock, sb.landlock_abi ? "" : ")");
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

int hv_sandbox_probe(char *buf, size_t len)
{
	int abi = landlock_abi();

	if (abi > 0)
		snprintf(buf, len, "seccomp, landlock (ABI %d)", abi);
	else
		snprintf(buf, len, "seccomp, no landlock (%s in this kernel)", landlock_why(abi));
	return abi > 0;
}

int hv_sandbox_test(const char *what)
{
	static char *const argv[] = { "true", NULL };
	int fd;

	if (!sb.test)
		return -EINVAL;
	if (!strcmp(what, "execve")) {
		/* A path that is not there: with the sandbox off, only ENOENT. */
		syscall(SYS_execve, "/nonexistent/lpar-sandbox-test", argv, argv + 1);
		return -errno;
	}
	if (!strcmp(what, "open")) {
		if (!sb.test_path)
			return -EINVAL;
		fd = open(sb.test_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		close(fd);
		return 0;
	}
	return -EINVAL;
}
