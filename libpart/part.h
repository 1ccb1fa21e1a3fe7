/*
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

struct hv_chan_spec;

struct lerr;
struct elf_image;
struct hv_outcome;
struct p9c;

#define PART_NAME_MAX 64
#define PART_SOCK "sock"
#define PART_RAM "ram"
#define PART_LOG "console.log"
#define PART_PID "pid"
/* Where monitors meet for channels, inside the run directory (not a partition name). */
#define PART_CHAN_DIR ".chan"

/* ---- names and the run directory (rundir.c) ---- */

/* Letters, digits, '.', '_', '-', starting with a letter or digit, at most 64. */
int part_name_valid(const char *name);
/* The default name for an image: its file name without ".elf", made valid. */
void part_name_from_image(const char *path, char *out, size_t len);
/* $LPAR_RUNDIR, else $XDG_RUNTIME_DIR/lpar, /run/lpar as root, /tmp/lpar-UID; created 0700. */
int part_rundir(char *buf, size_t len, struct lerr *err);
/* dir/NAME for a partition. */
int part_dir(const char *name, char *buf, size_t len, struct lerr *err);

enum part_liveness {
	PART_LIVE,      /* its monitor answers */
	PART_ENDED,     /* ended; the status record is there */
	PART_STARTING,  /* its monitor is still starting */
	PART_GONE,      /* its monitor died without a record (SIGKILL, crash) */
	PART_ABSENT,    /* no such partition */
};
/* Where a partition stands, from its run directory alone. */
enum part_liveness part_probe(const char *name);

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
	int exit_status;       /* valid when state is "exited" */
	int signal;
	char reason[1024];
	struct part_ring rings[PART_RINGS_MAX];
	int nrings;
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
struct p9c *part_conn(struct part *p);
/* A second connection to the same monitor (for reading and writing at once). */
int part_connect_again(struct part *p, struct p9c **out, struct lerr *err);
int part_ctl(struct part *p, const char *cmd, struct lerr *err);
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

/* Status by name: live, from the record, or "gone". */
int part_status_by_name(const char *name, struct part_status *st, struct lerr *err);

/* Removes an ended partition's run directory. */
int part_remove(const char *name, struct lerr *err);

/* Calls fn for every partition in the run directory (cleaning the gone). */
int part_foreach(int (*fn)(void *arg, const char *name), void *arg, struct lerr *err);

/* ---- launching (launch.c) ---- */

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

struct part_spec {
	const char *name;       /* NULL: from the image, made unique */
	const char *image;
	uint64_t mem;
	int argc;
	char *const *argv;
	int envc;
	char *const *envp;      /* NAME=VALUE */
	int autostart;
	int rm;                 /* remove the run directory when it ends */
	int with_parent;        /* part_spawn: the partition ends when the caller does */
	const char *accel;      /* "kvm", "tcg" or "auto" (NULL: auto) */
	const char *kvm_path;
	const struct hv_chan_spec *chans; /* channels to join (--chan) */
	size_t nchans;
};

/*
 * Runs a partition in this process with the console on stdin/stdout; it
 * is listed and reachable like any other while it runs, and its run
 * directory goes away when it ends.  Returns 0 once it has run (*out says
 * how it ended) or -errno if it could not start.
 */
int part_run_here(const struct part_spec *spec, const struct elf_image *img,
		  const sigset_t *stop_signals, char *name_out,
		  struct hv_outcome *out, struct lerr *err);
/* Starts a detached monitor process; returns once it is ready (or failed). */
int part_spawn(const struct part_spec *spec, const struct elf_image *img,
	       char *name_out, struct lerr *err);

/* ---- config files (config.c) ---- */

/*
 * "key = value" lines: name, mem, image, args, chan and env (repeatable),
 * accel (checked: kvm, tcg or auto); # comments.
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
};
int part_config_read(const char *path, struct part_config *cfg, struct lerr *err);

#endif
