/* SPDX-License-Identifier: ISC
 * The syscall table: every Linux system call the library OS carries out,
 * by number.  Any other number returns -ENOSYS and is reported to the
 * monitor, which shows it in lpar trace.  The library OS sets itself up
 * at the first syscall (musl's start-up makes one before anything else
 * it needs), so the vCPU starts at the image's own entry point.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

#include "clock.h"
#include "fs.h"
#include "los.h"

typedef long (*los_fn)(long a0, long a1, long a2, long a3, long a4, long a5);

static int started; /* los_init() has run */

/* The partition's one word of ready bits kept for later (boot info's ready_pending). */
uint64_t los_ready_pending;

/* The partition's clock (clock.h), which the vDSO reads too (boot info's clock). */
struct los_clock los_clock_state;

static int fsgsbase; /* wrfsbase works: no hcall to set the FS base */

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

__attribute__((noreturn)) void los_abort(const char *msg)
{
	for (;;)
		lpar_hcall2(LPAR_HC_ABORT, msg, strlen(msg));
}

static long sys_exit(long status)
{
	lpar_hcall1(LPAR_HC_EXIT, status & 0xff);
	los_abort("the exit hcall returned");
}

static long sys_brk(long addr)
{
	return los_brk((uint64_t)addr);
}

static long sys_mmap(long addr, long len, long prot, long flags, long fd, long off)
{
	if (!(flags & MAP_ANONYMOUS))
		return fs_mmap_file((uint64_t)addr, (uint64_t)len, prot, flags, fd, off);
	return los_mmap((uint64_t)addr, (uint64_t)len, prot, flags, fd, off);
}

static long sys_munmap(long addr, long len)
{
	return los_munmap((uint64_t)addr, (uint64_t)len);
}

static long sys_mremap(long old, long oldlen, long len, long flags, long to)
{
	return los_mremap((uint64_t)old, (uint64_t)oldlen, (uint64_t)len, flags, (uint64_t)to);
}

static long sys_mprotect(long addr, long len, long prot)
{
	return los_mprotect((uint64_t)addr, (uint64_t)len, prot);
}

static long sys_zero(void)
{
	return 0;
}

static long sys_one(void)
{
	return 1;
}

/* Time: the partition's clock (clock.c), which the vDSO reads too. */
static long sys_clock_gettime(long clk, long ts)
{
	uint64_t ns;

	if (los_clock_read(&los_clock_state, clk, &ns))
		return -EINVAL;
	((struct timespec *)ts)->tv_sec = (time_t)(ns / 1000000000u);
	((struct timespec *)ts)->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

static long sys_clock_getres(long clk, long ts)
{
	uint64_t ns;

	if (los_clock_read(&los_clock_state, clk, &ns))
		return -EINVAL;
	if (ts)
		*(struct timespec *)ts = (struct timespec){ 0, 1 };
	return 0;
}

static long sys_gettimeofday(long tv, long tz)
{
	uint64_t ns = los_clock_wall(&los_clock_state);

	(void)tz;
	if (tv) {
		((long *)tv)[0] = (long)(ns / 1000000000u);
		((long *)tv)[1] = (long)(ns % 1000000000u / 1000u);
	}
	return 0;
}

static long sys_time(long t)
{
	long s = (long)(los_clock_wall(&los_clock_state) / 1000000000u);

	if (t)
		*(long *)t = s;
	return s;
}

/*
 * Sleeps until the partition's clock reaches deadline, so that a sleep
 * measured with clock_gettime is never short; block() counts the
 * monitor's clock, which is within microseconds of it.  A shutdown
 * request ends the partition (SIGTERM).
 */
static void sleep_until(uint64_t deadline)
{
	while (los_clock_mono(&los_clock_state) < deadline)
		los_wait(deadline, 0);
}

void los_wait(uint64_t deadline, uint64_t want)
{
	/* Console input lasts until read: only a read waits for it. */
	uint64_t mask = want & LPAR_READY_CONSOLE ? 0 : ~(uint64_t)LPAR_READY_CONSOLE;
	int64_t got = lpar_hcall2(LPAR_HC_BLOCK, deadline, mask);

	if (got <= 0)
		return;
	if (got & LPAR_READY_SHUTDOWN)
		lpar_hcall1(LPAR_HC_EXIT, 128 + SIGTERM);
	lpar_ready_pending |= (uint64_t)got & ~want;
}

static long sys_clock_nanosleep(long clk, long flags, long req, long rem)
{
	const struct timespec *t = (const struct timespec *)req;
	uint64_t ns, now, base;

	(void)rem;
	if (clk == CLOCK_THREAD_CPUTIME_ID || los_clock_read(&los_clock_state, clk, &base))
		return -EINVAL;
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
		return -EINVAL;
	/* Past 2^64 ns (584 years) is forever. */
	if ((uint64_t)t->tv_sec > (UINT64_MAX - 999999999u) / 1000000000u)
		ns = UINT64_MAX;
	else
		ns = (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
	now = los_clock_mono(&los_clock_state);
	if (flags & TIMER_ABSTIME)
		ns = ns > base ? ns - base : 0;
	sleep_until(ns > UINT64_MAX - now ? LPAR_DEADLINE_NEVER : now + ns);
	return 0;
}

static long sys_nanosleep(long req, long rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

static long sys_arch_prctl(long code, long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if ((uint64_t)addr >= 1ull << 47)
			return -EPERM; /* not a canonical user address */
		if (fsgsbase)
			__asm__ volatile("wrfsbase %0" ::"r"(addr) : "memory");
		else
			return lpar_hcall1(LPAR_HC_SET_FS_BASE, addr);
		return 0;
	default:
		return -EINVAL;
	}
}

static void copy_field(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > 64)
		n = 64;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* uname: the partition, not the host; nodename is its name. */
static long sys_uname(long buf)
{
	struct utsname *u = (struct utsname *)buf;

	memset(u, 0, sizeof(*u));
	copy_field(u->sysname, "lpar");
	copy_field(u->nodename, (const char *)(uintptr_t)lpar_boot->name);
	copy_field(u->release, "1");
	copy_field(u->version, "lpar library OS, hcall ABI 1");
	copy_field(u->machine, "x86_64");
	copy_field(u->domainname, "(none)");
	return 0;
}

static long sys_getrandom(long buf, long len, long flags)
{
	(void)flags;
	return lpar_hcall2(LPAR_HC_RANDOM, buf, len);
}

/* Signals are never delivered: a handler is accepted but never runs. */
/* The kernel's struct sigaction: handler, flags, restorer, then the mask. */
#define KSIGACTION_SIZE (3 * 8 + 8)

static long sys_rt_sigaction(long sig, long act, long old, long size)
{
	if (size != 8 || sig < 1 || sig > 64 || ((sig == SIGKILL || sig == SIGSTOP) && act))
		return -EINVAL;
	if (old)
		memset((void *)old, 0, KSIGACTION_SIZE);
	return 0;
}

static long sys_rt_sigprocmask(long how, long set, long old, long size)
{
	(void)set;
	if (size != 8 || how < SIG_BLOCK || how > SIG_SETMASK)
		return -EINVAL;
	if (old)
		memset((void *)old, 0, 8);
	return 0;
}

static const char *const signame[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGSEGV] = "SIGSEGV", [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
	[SIGTERM] = "SIGTERM",
};

/*
 * A signal the program sends itself (abort() raises SIGABRT) takes its
 * default action: those that are ignored by default do nothing, every
 * other ends the partition as crashed, naming the signal.
 */
static long kill_self(long sig)
{
	char msg[48] = "killed by signal ";
	size_t n = strlen(msg);

	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (!sig || sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH)
		return 0;
	if (sig < (long)(sizeof(signame) / sizeof(signame[0])) && signame[sig]) {
		memcpy(msg + n, signame[sig], strlen(signame[sig]) + 1);
	} else {
		msg[n++] = (char)('0' + sig / 10);
		msg[n++] = (char)('0' + sig % 10);
		msg[n] = 0;
	}
	los_abort(msg);
}

static long sys_kill(long pid, long sig)
{
	return pid == 1 || pid == 0 || pid == -1 ? kill_self(sig) : -ESRCH;
}

static long sys_tkill(long tid, long sig)
{
	return tid == 1 ? kill_self(sig) : -ESRCH;
}

static long sys_tgkill(long pid, long tid, long sig)
{
	return pid == 1 && tid == 1 ? kill_self(sig) : -ESRCH;
}

#define FN(f) ((los_fn)(void (*)(void))(f))

static const los_fn table[] = {
	/* Files (fsys.c, fsio.c). */
	[SYS_read] = FN(sys_read),
	[SYS_write] = FN(sys_write),
	[SYS_readv] = FN(sys_readv),
	[SYS_writev] = FN(sys_writev),
	[SYS_pread64] = FN(sys_pread64),
	[SYS_pwrite64] = FN(sys_pwrite64),
	[SYS_preadv] = FN(sys_preadv),
	[SYS_pwritev] = FN(sys_pwritev),
	[SYS_open] = FN(sys_open),
	[SYS_openat] = FN(sys_openat),
	[SYS_creat] = FN(sys_creat),
	[SYS_close] = FN(sys_close),
	[SYS_lseek] = FN(sys_lseek),
	[SYS_ioctl] = FN(sys_ioctl),
	[SYS_fcntl] = FN(sys_fcntl),
	[SYS_dup] = FN(sys_dup),
	[SYS_dup2] = FN(sys_dup2),
	[SYS_dup3] = FN(sys_dup3),
	[SYS_stat] = FN(sys_stat),
	[SYS_lstat] = FN(sys_lstat),
	[SYS_fstat] = FN(sys_fstat),
	[SYS_newfstatat] = FN(sys_newfstatat),
	[SYS_statx] = FN(sys_statx),
	[SYS_getdents64] = FN(sys_getdents64),
	[SYS_getcwd] = FN(sys_getcwd),
	[SYS_chdir] = FN(sys_chdir),
	[SYS_fchdir] = FN(sys_fchdir),
	[SYS_umask] = FN(sys_umask),
	[SYS_mkdir] = FN(sys_mkdir),
	[SYS_mkdirat] = FN(sys_mkdirat),
	[SYS_unlink] = FN(sys_unlink),
	[SYS_unlinkat] = FN(sys_unlinkat),
	[SYS_rmdir] = FN(sys_rmdir),
	[SYS_rename] = FN(sys_rename),
	[SYS_renameat] = FN(sys_renameat),
	[SYS_renameat2] = FN(sys_renameat2),
	[SYS_link] = FN(sys_link),
	[SYS_linkat] = FN(sys_linkat),
	[SYS_symlink] = FN(sys_symlink),
	[SYS_symlinkat] = FN(sys_symlinkat),
	[SYS_readlink] = FN(sys_readlink),
	[SYS_readlinkat] = FN(sys_readlinkat),
	[SYS_access] = FN(sys_access),
	[SYS_faccessat] = FN(sys_faccessat),
	[SYS_faccessat2] = FN(sys_faccessat2),
	[SYS_chmod] = FN(sys_chmod),
	[SYS_fchmod] = FN(sys_fchmod),
	[SYS_fchmodat] = FN(sys_fchmodat),
	[SYS_utimensat] = FN(sys_utimensat),
	[SYS_truncate] = FN(sys_truncate),
	[SYS_ftruncate] = FN(sys_ftruncate),
	[SYS_fsync] = FN(sys_fsync),
	[SYS_fdatasync] = FN(sys_fdatasync),
	[SYS_fadvise64] = FN(sys_fd_noop),
	[SYS_flock] = FN(sys_fd_noop),
	[SYS_sync] = FN(sys_zero),
	[SYS_syncfs] = FN(sys_fd_noop),
	[SYS_statfs] = FN(sys_statfs),
	[SYS_fstatfs] = FN(sys_fstatfs),
	[SYS_exit] = FN(sys_exit),
	[SYS_exit_group] = FN(sys_exit),
	[SYS_brk] = FN(sys_brk),
	[SYS_mmap] = FN(sys_mmap),
	[SYS_munmap] = FN(sys_munmap),
	[SYS_mremap] = FN(sys_mremap),
	[SYS_mprotect] = FN(sys_mprotect),
	[SYS_madvise] = FN(sys_zero),
	[SYS_clock_gettime] = FN(sys_clock_gettime),
	[SYS_clock_getres] = FN(sys_clock_getres),
	[SYS_gettimeofday] = FN(sys_gettimeofday),
	[SYS_time] = FN(sys_time),
	[SYS_nanosleep] = FN(sys_nanosleep),
	[SYS_clock_nanosleep] = FN(sys_clock_nanosleep),
	[SYS_arch_prctl] = FN(sys_arch_prctl),
	[SYS_set_tid_address] = FN(sys_one),
	[SYS_getpid] = FN(sys_one),
	[SYS_gettid] = FN(sys_one),
	[SYS_getppid] = FN(sys_zero),
	[SYS_getuid] = FN(sys_zero),
	[SYS_geteuid] = FN(sys_zero),
	[SYS_getgid] = FN(sys_zero),
	[SYS_getegid] = FN(sys_zero),
	[SYS_uname] = FN(sys_uname),
	[SYS_getrandom] = FN(sys_getrandom),
	[SYS_sched_yield] = FN(sys_zero),
	[SYS_rt_sigaction] = FN(sys_rt_sigaction),
	[SYS_rt_sigprocmask] = FN(sys_rt_sigprocmask),
	[SYS_sigaltstack] = FN(sys_zero),
	[SYS_kill] = FN(sys_kill),
	[SYS_tkill] = FN(sys_tkill),
	[SYS_tgkill] = FN(sys_tgkill),
};

long los_syscall_c(long a0, long a1, long a2, long a3, long a4, long a5, long nr);
static void los_init(void);

long los_syscall_c(long a0, long a1, long a2, long a3, long a4, long a5, long nr)
{
	if (!started)
		los_init();
	if (nr >= 0 && (unsigned long)nr < sizeof(table) / sizeof(table[0]) && table[nr])
		return table[nr](a0, a1, a2, a3, a4, a5);
	return lpar_hcall(LPAR_HC_SYSCALL_UNSUPPORTED, nr, a0, a1, a2, 0);
}

static void los_init(void)
{
	const struct lpar_boot_info *bi = lpar_boot;
	uint32_t a = 7, b, c = 0, d;

	/* The monitor sets CR4.FSGSBASE when the CPU it gives us has wrfsbase. */
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	fsgsbase = b & 1;
	started = 1;
	los_mm_init(bi->heap_start, bi->heap_end);
	los_fs_init();
}
