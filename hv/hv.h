/* SPDX-License-Identifier: ISC
 * The monitor: runs one partition on the host hypervisor.  Callers create
 * it from a validated image, run it to its end, and destroy it.
 */
#ifndef LPAR_HV_H
#define LPAR_HV_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct elf_image;
struct lerr;
struct hv;

#define HV_MEM_DEFAULT (64ull << 20)
#define HV_MEM_MAX     (64ull << 30)
#define HV_STACK_SIZE  (512ull << 10)
#define HV_STACK_GUARD (64ull << 10)
#define HV_ARGS_MAX    (64ull << 10) /* bytes of argv strings */
#define HV_SEGS_MAX    64            /* PT_LOAD segments an image may have */

/* A channel to another partition: its name and the image's ring it joins (NULL: pick). */
struct hv_chan_spec {
	const char *name;
	const char *ring;
};

/*
 * A share: a host directory served over 9P2000.L (hv/dev_share.c), or a
 * directory an external 9P2000.L server exports on a Unix socket (relay).
 */
struct hv_share_spec {
	const char *host;        /* the host directory, or (relay) the server's socket */
	const char *aname;       /* relay: the attach name, or NULL */
	const char *guest;       /* where the partition sees it: absolute, normalized */
	int relay;
	int readonly;
};

struct hv_config {
	const char *name;        /* partition name, shown to the guest */
	uint64_t mem_size;       /* bytes of RAM; a multiple of 4 KiB */
	int argc;
	char *const *argv;       /* argv[0] is the program name the guest sees */
	int envc;
	char *const *envp;       /* "NAME=value", the partition's environment */
	int console_in;          /* read for console input, or -1 */
	int console_out;         /* console output goes here */
	int ram_fd;              /* file to back RAM with, or -1 for a memfd */
	const char *accel;       /* "kvm", "tcg" or "auto" (NULL: auto), see hv_accel_valid() */
	const char *kvm_path;    /* NULL: /dev/kvm */
	const char *cache_dir;   /* where host facts may be cached, or NULL */
	/*
	 * Signals that end the partition.  The caller blocks them and installs
	 * hv_on_signal() for them; the monitor unblocks them only while the
	 * vCPU runs or sleeps in block(), so none is ever lost.
	 */
	sigset_t stop_signals;
	/* Controller device (optional): see docs/control-tree.md. */
	int listen_fd;           /* listening control socket, or -1 */
	int dir_fd;              /* run directory for the status record, or -1 */
	int log_fd;              /* console log, or -1 */
	int autostart;           /* run at once instead of waiting for "start" */
	/* Channels (optional): where monitors meet, and which. */
	const char *chan_dir;
	const struct hv_chan_spec *chans;
	size_t nchans;
	/* Shares (optional), at most LPAR_SHARES_MAX, and the program's working directory. */
	const struct hv_share_spec *shares;
	size_t nshares;
	const char *workdir;     /* NULL: the first share's guest path, else "/" */
	/* Where a crash leaves a core file (core.NAME.N), or NULL for none: absolute. */
	const char *core_dir;
};

enum hv_state {
	HV_CREATED,     /* loaded, waiting for "start" */
	HV_RUNNING,
	HV_PAUSED,
	HV_ENDED,
};

enum hv_end {
	HV_END_EXIT,    /* the partition called exit(status) */
	HV_END_CRASH,   /* fault, abort(), or an exit the monitor did not expect */
	HV_END_SIGNAL,  /* a stop signal ended it */
	HV_END_KILLED,  /* the controller killed it */
};

struct hv_outcome {
	enum hv_end how;
	int status;          /* HV_END_EXIT: the partition's status */
	int signo;           /* HV_END_SIGNAL, or SIGPIPE for a closed console */
	uint64_t rip;        /* HV_END_CRASH: where */
	char reason[768];    /* HV_END_CRASH: what, with rip and symbol; HV_END_KILLED: by whom */
	int console_errno;   /* the first error writing console output (not EPIPE), or 0 */
	char core[4096];     /* HV_END_CRASH with a core directory: the core it wrote, or "" */
	char core_error[512]; /* or why it wrote none */
};

/*
 * The accelerators every lpar carries: hardware virtualization ("kvm") and
 * a software CPU ("tcg").  "auto" picks KVM where it opens, else TCG.
 */
int hv_accel_valid(const char *name);

/* Whether this host can run one accelerator, and if not why (lpar version -v). */
struct hv_accel_report {
	const char *name;
	int usable;
	char why[512];           /* what it runs on, or why it cannot run */
};
/* One report per accelerator, at most n; returns how many there are. */
size_t hv_accel_probe(const char *kvm_path, struct hv_accel_report *out, size_t n);

/*
 * What the monitor's sandbox can use on this host (lpar version -v): a
 * line for the user in buf; returns 1 if Landlock is there too.
 */
int hv_sandbox_probe(char *buf, size_t len);

/* The signal handler to install for cfg->stop_signals. */
void hv_on_signal(int signo);

/* Checks that img fits a partition of cfg->mem_size (hv_create() does too). */
int hv_check_image(const struct hv_config *cfg, const struct elf_image *img,
		   struct lerr *err);

/*
 * Creates the VM, backs RAM, loads img and prepares the vCPU at its entry.
 * img must stay open until hv_destroy().
 */
int hv_create(const struct hv_config *cfg, const struct elf_image *img,
	      struct hv **out, struct lerr *err);

/*
 * Runs the partition until it ends (serving the control socket, if any,
 * from a second thread).  Fails only if the monitor itself failed.  Call it
 * on the thread that called hv_create().
 */
int hv_run(struct hv *hv, struct hv_outcome *out, struct lerr *err);

void hv_destroy(struct hv *hv);

/*
 * What the monitor keeps below 1 MiB in every partition, for lpar mem map:
 * address range, the partition's permissions ("r--", "---"), and what.
 */
struct hv_reserved {
	uint64_t lo, hi;
	const char *perm, *kind, *what;
};
const struct hv_reserved *hv_reserved_regions(size_t *n);

/* The fd of the partition's RAM (a memfd unless cfg->ram_fd named a file). */
int hv_ram_fd(const struct hv *hv);

/*
 * ---- launching, with a run directory (host.c) ----
 *
 * What lpar run and lpar create use: a partition in this process or in a
 * detached monitor process, with a run directory (common/rundir.h) that
 * holds its control socket, RAM link and console log; nothing is left
 * behind if it cannot start.
 */
struct hv_launch {
	const char *name;       /* NULL: from the image, made unique */
	const char *image;
	uint64_t mem;
	int argc;
	char *const *argv;
	int envc;
	char *const *envp;      /* NAME=VALUE */
	int autostart;
	int rm;                 /* remove the run directory when it ends */
	int with_parent;        /* detached: the partition ends when the caller does */
	const char *accel;      /* "kvm", "tcg" or "auto" (NULL: auto) */
	const char *kvm_path;
	const struct hv_chan_spec *chans; /* channels to join (--chan) */
	size_t nchans;
	const struct hv_share_spec *shares; /* --share */
	size_t nshares;
	const char *workdir;    /* --workdir, or NULL */
	const char *core_dir;   /* --core DIR, absolute, or NULL */
};

/*
 * Runs a partition in this process with the console on stdin/stdout; it
 * is listed and reachable like any other while it runs, and its run
 * directory goes away when it ends.  name_out has PART_NAME_MAX + 1 bytes.
 * Returns 0 once it has run (*out says how it ended) or -errno if it
 * could not start.
 */
int hv_launch_here(const struct hv_launch *l, const struct elf_image *img,
		   const sigset_t *stop_signals, char *name_out,
		   struct hv_outcome *out, struct lerr *err);
/* Starts a detached monitor process; returns once it is ready (or failed). */
int hv_launch_detached(const struct hv_launch *l, const struct elf_image *img,
		       char *name_out, struct lerr *err);

#endif
