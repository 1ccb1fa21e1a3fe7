/* SPDX-License-Identifier: ISC
 * The controller-side library: run directories, launching partitions (here
 * or in a detached monitor process), and talking to their monitors over the
 * control tree.  Functions return 0 or -errno and fill a struct lerr; they
 * never print.
 */
#ifndef LPAR_PART_H
#define LPAR_PART_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <lpar/fs.h>

#include "../common/rundir.h"

struct lerr;
struct elf_image;

/* ---- status (status.c) ---- */

/* A ring as the monitor reports it ("ring NAME key=value..." status lines). */
#define PART_RINGS_MAX 16
struct part_ring {
	char name[32];
	unsigned index;
	uint64_t addr, len;
	char kind[16];         /* bytes, messages */
	uint32_t size;         /* data bytes each way */
	char attach[48];       /* none, console, channel:NAME */
	char link[8];          /* none, down, up */
	char peer[64];
	uint32_t gen;
	uint64_t resets;
};

/*
 * A share as the monitor reports it ("share INDEX key=value..." status
 * lines, their paths %-escaped, unescaped here).
 */
#define PART_SHARES_MAX LPAR_SHARES_MAX
#define PART_SHARE_PATH_MAX LPAR_FS_PATH_MAX /* a guest path, NUL included */
struct part_share_status {
	unsigned index;
	char kind[8];          /* dir, 9p */
	char mode[4];          /* rw, ro */
	uint64_t requests, errors;
	char guest[PART_SHARE_PATH_MAX];
	char host[4096];       /* the directory, or (9p) the server's socket */
	char aname[256];       /* 9p: the attach name, "" if none was given */
};

struct part_status {
	char name[PART_NAME_MAX + 1];
	char state[16];        /* created running paused exited crashed killed gone */
	long pid;
	uint64_t mem;
	int vcpus;
	char accel[16];        /* kvm, tcg; "" if not known (gone) */
	char image[4096];
	double uptime;
	uint64_t syscalls_unsupported; /* the library OS answered ENOSYS so often */
	uint64_t exits, hcalls;        /* vCPU exits its monitor handled, hcalls among them */
	double cpu;                    /* seconds of CPU its monitor used */
	uint64_t rss_kib;              /* its monitor's resident memory, touched guest RAM too */
	char sandbox[128];     /* "seccomp=on landlock=on", or "" if not reported */
	int exit_status;       /* valid when state is "exited" */
	int signal;
	char reason[1024];
	struct part_ring rings[PART_RINGS_MAX];
	int nrings;
	struct part_share_status shares[PART_SHARES_MAX];
	int nshares;
	char workdir[PART_SHARE_PATH_MAX]; /* the program's working directory; "" if not reported */
	char core[4096];       /* the core file its crash left (--core), or "" */
	char core_error[512];  /* or why it left none */
};

int part_status_parse(const char *text, struct part_status *st);
/* The status lpar returns for a partition: its exit status, 126 crashed, 128+n killed. */
int part_status_code(const struct part_status *st);
int part_status_ended(const struct part_status *st);

/* ---- handles on live partitions (part.c) ---- */

struct part;

/*
 * Opens a partition by name.  A partition that has ended fails with ESRCH
 * (and *st, if given, holds its record); a monitor that died is cleaned
 * away and fails with ESRCH and state "gone".
 */
int part_open(const char *name, struct part **out, struct part_status *st,
	      struct lerr *err);
void part_close(struct part *p);
const char *part_name(const struct part *p);
int part_ctl(struct part *p, const char *cmd, struct lerr *err);
/*
 * Issues a controller hcall ("NAME ARGS...", as lpar hcall writes it) and
 * returns its result lines in a malloc'd string.  A refusal by the monitor
 * is its -errno, with no message (the errno is the hcall's result).
 */
int part_hcall(struct part *p, const char *cmd, char **result, struct lerr *err);
int part_status(struct part *p, struct part_status *st, struct lerr *err);
/* Waits for the next state change (or returns at once if ended). */
int part_wait_change(struct part *p, struct part_status *st, struct lerr *err);

/*
 * The memory window: maps a local partition's RAM read/write into this
 * process (guest-physical address = offset from *base).  Unmap with
 * part_unmap().  Fails with EACCES for another user's partition.
 */
int part_map(struct part *p, void **base, uint64_t *size, struct lerr *err);
void part_unmap(void *base, uint64_t size);
/* The RAM file the window maps, opened read-only (guest-physical address = offset). */
int part_ram_open(struct part *p, int *fd, struct lerr *err);

/* Status by name: live, from the record, or "gone". */
int part_status_by_name(const char *name, struct part_status *st, struct lerr *err);

/* Removes an ended partition's run directory. */
int part_remove(const char *name, struct lerr *err);

/* Calls fn for every partition in the run directory (gone ones too). */
int part_foreach(int (*fn)(void *arg, const char *name), void *arg, struct lerr *err);

/* ---- core files (core.c) ---- */

struct part_core;
/*
 * Takes a core of p (the control tree's core file): pauses p if it runs,
 * until part_core_close(), and reads the core's headers.  ESRCH if p has
 * ended.  p must stay open until part_core_close().
 */
int part_core_open(struct part *p, struct part_core **out, struct lerr *err);
/* Its size in bytes. */
uint64_t part_core_size(const struct part_core *c);
/*
 * Writes the whole core to fd: a regular file at offset 0 gets holes for
 * zero pages, anything else every byte in order.  Fails (ESRCH) if the
 * partition ended before the core was complete.
 */
int part_core_write(struct part_core *c, int fd, struct lerr *err);
/* Lets the partition run on if the open paused it. */
void part_core_close(struct part_core *c);
/* How far a long job has got: fn(arg, bytes done, bytes in all). */
struct part_progress {
	void (*fn)(void *arg, uint64_t done, uint64_t total);
	void *arg;
};
/* Open, write to fd, close: the whole core of p, telling pg (or NULL) how far. */
int part_core_take(struct part *p, int fd, const struct part_progress *pg, struct lerr *err);
/*
 * Writes the core of p to file whole or not at all (common/outfile.h):
 * never over an existing file unless force, never through a symlink.
 */
int part_core_save(struct part *p, const char *file, int force, const struct part_progress *pg,
		   struct lerr *err);

/* ---- the console relay (cons.c) ---- */

/*
 * A partition's console for lpar console, lpar run --trace and the
 * debugger: a thread copies its output, from the first byte the monitor
 * still holds, to out_fd until the console ends; input goes in with
 * part_cons_input().  The relay has connections of its own: p may be
 * closed while it runs.
 */
struct part_cons;

#define PART_CONS_CLOSE_OUT     1u /* close out_fd when the output ends */
#define PART_CONS_KILL_ON_EPIPE 2u /* out_fd went away: kill the partition, as SIGPIPE would */
#define PART_CONS_READ_ON       4u /* another write error: read on to the end, writing nothing */

int part_cons_open(struct part *p, int out_fd, unsigned flags, struct part_cons **out,
		   struct lerr *err);
/* Readable (at EOF) once the output has ended. */
int part_cons_done_fd(const struct part_cons *c);
/*
 * Sends all of buf as console input: 0 or -errno.  With wait, waits while
 * the partition's input is full; else that is -EAGAIN.
 */
int part_cons_input(struct part_cons *c, const void *buf, size_t n, int wait);
/* Ends the input: the partition reads EOF. */
int part_cons_input_end(struct part_cons *c);
/*
 * Forwards in_fd to the console input, from a thread of the relay's own,
 * until in_fd ends (then the input ends) or the console does; it never
 * keeps its caller waiting for in_fd once the console has ended, and reads
 * only what poll() says is there (as the monitor reads its own stdin).
 */
int part_cons_feed(struct part_cons *c, int in_fd, struct lerr *err);
/* Waits until the output has ended, its last byte written. */
void part_cons_wait(struct part_cons *c);
/* Why writing to out_fd stopped (EPIPE: it went away), or 0. */
int part_cons_lost(const struct part_cons *c);
/* Stops the relay if it still runs, and frees it. */
void part_cons_close(struct part_cons *c);

/* ---- the debugger's files (debug.c) ---- */

/* A claim on a partition's debug file: one debugger at a time. */
struct part_debug;

/*
 * Claims p's debug file, with its event stream on a connection of its
 * own; commands go over p's connection (so p must outlive the claim, and
 * one thread at a time uses it).  EBUSY: another debugger has it.
 */
int part_debug_open(struct part *p, struct part_debug **out, struct lerr *err);
/* One debugger command (docs/debug-protocol.md): 0 or -errno. */
int part_debug_command(struct part_debug *d, const char *cmd);
/* Waits for the next event line into buf (NUL-terminated): its length, or <= 0 at the end. */
ssize_t part_debug_event(struct part_debug *d, char *buf, size_t len);
/* Releases the claim: the partition runs on, with no breakpoint left. */
void part_debug_close(struct part_debug *d);

/* vCPU n's registers as vcpu/N/regs has them: text in a malloc'd buffer, or -errno. */
ssize_t part_regs_read(struct part *p, unsigned vcpu, char **text);
/* Writes registers in that form (-EBUSY while it runs): 0 or -errno. */
int part_regs_write(struct part *p, unsigned vcpu, const char *text, size_t n);

/* ---- the trace stream (trace.c) ---- */

/* A partition's trace file, read on a connection of its own. */
struct part_trace;

/* Opens NAME's trace: its events are recorded from now on. */
int part_trace_open(const char *name, struct part_trace **out, struct lerr *err);
/*
 * Reads the next trace text, at most part_trace_chunk() bytes, waiting for
 * it: the count, 0 once shut down or the monitor went, or -errno.
 */
ssize_t part_trace_read(struct part_trace *t, char *buf, size_t len);
size_t part_trace_chunk(const struct part_trace *t);
/* Makes a waiting part_trace_read() return 0; async-signal-safe. */
void part_trace_shutdown(struct part_trace *t);
void part_trace_close(struct part_trace *t);

/* ---- launch limits (config.c, and lpar run/create's options) ---- */

/* Channels a partition may join, and the longest channel spec "NAME[:RING]". */
#define PART_CHANS_MAX 16
#define PART_CHAN_SPEC_MAX 96
/* Environment variables (--env, the config's env), and bytes for all of them. */
#define PART_ENV_MAX 128
#define PART_ENV_BYTES 16384

/*
 * Whether s is NAME=VALUE with NAME of letters, digits and '_', not
 * starting with a digit (what a shell can set).
 */
int part_env_valid(const char *s);
/*
 * Sets NAME=VALUE v in env[0..*n): replaces the entry of the same name,
 * else appends (at most PART_ENV_MAX).  0, -EINVAL if v is not valid,
 * -E2BIG if env is full.  env keeps the pointer v.
 */
int part_env_set(char **env, int *n, char *v);

/* ---- shares (share.c) ---- */

/* The longest share spec, NUL included. */
#define PART_SHARE_SPEC_MAX 8192

/* A share to give a partition, from a spec. */
struct part_share {
	char host[4096];       /* absolute, normalized; relay: the server's socket */
	char aname[256];       /* relay: the attach name, if has_aname */
	int has_aname;
	char guest[PART_SHARE_PATH_MAX]; /* absolute, normalized */
	int relay;             /* 9p:...: a directory an external 9P2000.L server exports */
	int readonly;
};

struct part_shares {
	struct part_share v[PART_SHARES_MAX];
	int n;
};

/*
 * Normalizes absolute path into dst lexically: no "//", "." or "..", no
 * trailing '/' but the root's; symlinks are left as they are.  0, -EINVAL
 * if path is relative, -ENAMETOOLONG if it does not fit in len bytes.
 */
int part_path_clean(char *dst, size_t len, const char *path);
/* The same for any path: a relative one is taken from the current directory. */
int part_path_absolute(char *dst, size_t len, const char *path);
/*
 * Parses a share spec, "HOSTDIR[:GUESTPATH][:ro]" or
 * "9p:SOCKET[:ANAME]:GUESTPATH[:ro]" (":rw" is taken too): HOSTDIR and
 * SOCKET are made absolute from the current directory, GUESTPATH (by
 * default HOSTDIR's absolute path) must be absolute.  Checks the syntax
 * only, not the host's files.  0 or -errno, err saying why (without the spec).
 */
int part_share_parse(const char *spec, struct part_share *s, struct lerr *err);
/* Parses spec and appends it to l: fails on a 17th share or a guest path given twice. */
int part_share_add(struct part_shares *l, const char *spec, struct lerr *err);
/* A working directory: absolute, normalized into dst (len bytes). */
int part_workdir_parse(const char *path, char *dst, size_t len, struct lerr *err);

/* ---- config files (config.c) ---- */

/*
 * "key = value" lines: name, mem, image, args, chan, env and share
 * (repeatable), accel (checked: kvm, tcg or auto), workdir, core (the
 * directory a crash leaves its core file in); # comments.
 * Share specs are parsed (part_share_add()) as they are read, relative
 * host directories taken from the current directory, as the image is
 * (and the core directory).
 */
struct part_config {
	char name[PART_NAME_MAX + 1];
	char mem[32];
	char image[4096];
	char *args[64];
	int nargs;
	char argbuf[8192];
	char chans[PART_CHANS_MAX][PART_CHAN_SPEC_MAX];
	int nchans;
	char *env[PART_ENV_MAX];
	int nenv;
	char envbuf[PART_ENV_BYTES];
	size_t envused;
	char accel[8];         /* "" if not given */
	struct part_shares shares; /* share = SPEC, in order */
	char workdir[PART_SHARE_PATH_MAX]; /* "" if not given */
	char core[4096];       /* "" if not given */
};
/* accel_valid judges the accel key's value (the monitor knows its accelerators). */
int part_config_read(const char *path, int (*accel_valid)(const char *name),
		     struct part_config *cfg, struct lerr *err);

#endif
