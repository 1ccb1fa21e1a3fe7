/* SPDX-License-Identifier: ISC */
/* Internal to hv/: the monitor's state, shared by the core, devices and the control tree. */
#ifndef LPAR_HV_PRIV_H
#define LPAR_HV_PRIV_H

#include <lpar/hcall.h>
#include <lpar/ring.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "backend.h"
#include "gmem.h"
#include "hcall.h"
#include "hv.h"

/* A range of guest-physical memory and the page-table bits it is mapped with. */
struct hv_region {
	uint64_t lo, hi;
	uint64_t attr; /* PTE bits; 0 = not mapped */
};

#define HV_REGIONS_MAX (16 + HV_SEGS_MAX)
/* Words of the initial auxiliary vector, AT_NULL's pair included. */
#define HV_AUXV_WORDS 36

/* Where layout.c put things in guest memory. */
struct hv_layout {
	struct hv_region rg[HV_REGIONS_MAX];
	size_t nrg;
	uint64_t heap_start, heap_end;
	uint64_t stack_lo, stack_top;
	uint64_t stubs, stubs_end;    /* exception stubs, then the syscall stub */
	uint64_t syscall;             /* the syscall stub (LSTAR) */
	/* The vCPU's paging registers: set at boot, fixed for good (CPL 3 can't write them). */
	uint64_t cr0, cr3, cr4;
	/* The auxiliary vector the partition started with (a core's NT_AUXV). */
	uint64_t auxv[HV_AUXV_WORDS];
	size_t nauxv;
};

/* Requests from the controller to the vCPU thread (hv->req). */
#define HV_REQ_START  1u
#define HV_REQ_PAUSE  2u
#define HV_REQ_RESUME 4u
#define HV_REQ_KILL   8u

struct hv_ctl;

/* The frame the exception stubs leave on the IST stack (hv/stubs.S). */
struct hv_frame {
	uint64_t rax, vector, error, rip, cs, rflags, rsp, ss;
};

/* A trace event (trace.c). */
enum { HV_TEV_HCALL = 1, HV_TEV_EXIT, HV_TEV_MARK, HV_TEV_RING, HV_TEV_SYSCALL, HV_TEV_9P };
#define HV_TRACE_RING 4096

struct hv_tev {
	uint64_t t;                /* ns since boot */
	uint8_t kind;
	uint64_t nr;                /* as the partition asked, known or not */
	uint64_t a[5];
	int64_t ret;
	uint64_t dur;
	char text[160];            /* exit, mark and ring events */
};

struct hv_trace {
	struct hv_tev *ring;       /* HV_TRACE_RING events, made for the first reader */
	uint64_t head;             /* events recorded so far */
	int readers;               /* trace files open: nothing is recorded at 0 */
};

/* A ring the image declares (ring.c). */
struct hv_chan;
struct hv_ring {
	const struct elf_ring *er;  /* name, address, kind, size */
	unsigned index;
	int in_fd;                  /* block() reports LPAR_READY_RING(index) when it is written */
	int sink_fd;                /* the doorbell's eventfd while nothing else takes it */
	int db_fd;                  /* where the doorbell goes now */
	/*
	 * Set by the device that serves the ring: how it starts over.  gen is
	 * the generation the partition found wrong (0: whichever); a hook whose
	 * link can come up meanwhile checks it under lock (hv_ring_drop).
	 */
	void (*reset)(struct hv *hv, struct hv_ring *r, uint32_t gen, const char *why);
	const char *attach;         /* "console", "channel" or NULL */
	struct hv_chan *chan;
	/* Under lock: what the header says, and for the status file. */
	int link;                   /* LPAR_LINK_* */
	uint32_t gen;
	char peer[64];
	uint64_t resets;
	char last_reset[160];
};

/* The I/O thread's sources (io.c). */
#define HV_IO_MAX 320 /* each channel: its socket, its link and 16 greetings waited for */
typedef void (*hv_io_fn)(struct hv *hv, void *arg, short revents);
struct hv_io;

struct hv {
	char *name;
	/* While hv_create() runs: the configuration devices take their part of at init. */
	const struct hv_config *cfg;
	int argc;
	char *const *argv;
	const struct elf_image *img;
	struct elf_image *los;     /* the library OS (los.c) */
	uint64_t syscalls_unsupported; /* calls the library OS reported */
	uint64_t n_exits, n_hcalls; /* vCPU exits the core handled, hcalls among them (atomic) */
	int envc;
	char *const *envp;
	struct gmem mem;
	int ram_fd;
	struct hvb_vm *vm;
	struct hvb_cpu *cpu;
	struct hv_layout lay;
	sigset_t run_mask;         /* signal mask while running or blocking */
	sigset_t stop_signals;     /* consumed after KVM_RUN returns EINTR */
	uint64_t boot_ns;          /* host CLOCK_MONOTONIC at boot */
	uint64_t created_ns;

	const struct hv_hcall *hcalls[LPAR_HC_MAX];
	const struct hv_device *const *devs;
	size_t ndevs_ready;        /* devices whose init succeeded */

	struct hv_block *block;    /* what block() waits on (block.c) */

	/* Each device's own state, defined in its file and made at its init. */
	struct hv_clock *clock;         /* dev_clock.c */
	struct hv_console_dev *console; /* dev_console.c */
	struct hv_chans *chans;         /* chan.c; NULL without channels */
	struct hv_debug *dbg;           /* debug.c; under lock, but for the fields it notes */
	struct hv_ctl_dev *ctldev;      /* dev_ctl.c; under lock, but for its event fd */
	struct hv_share_dev *share;     /* dev_share.c; NULL without shares */

	/*
	 * Shared with the control thread, under lock: the state and requests.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum hv_state state;
	unsigned gen;              /* bumped on every state change */
	unsigned req;              /* HV_REQ_* */
	/*
	 * Opens of the ctl tree's core: nothing may start or resume the
	 * partition meanwhile; the last close asks for core_after (HV_REQ_START
	 * or HV_REQ_RESUME: the opens paused it, or a debugger left meanwhile).
	 */
	int core_opens;
	unsigned core_after;
	pthread_t vcpu_thread;
	struct hv_ctl *ctl;        /* the control server, or NULL */
	struct hv_trace trace;     /* under lock, but for the readers count */
	int dir_fd;                /* run directory, or -1 */
	int statm_fd;              /* /proc/self/statm, opened before the sandbox, or -1 */

	/* The image's rings, [0, nrings); then the library OS's fs ring (dev_share.c). */
	struct hv_ring rings[LPAR_RINGS_MAX + 1];
	size_t nrings;
	struct hv_io *io;          /* the I/O thread */

	int ended;
	struct hv_outcome out;

	/*
	 * dump.c: the partition's own registers when an exception crashed it
	 * (the stubs' frame over the vCPU's), for its core; and where a crash
	 * writes one (hv_config.core_dir), and where it went.
	 */
	struct hv_regs crash_regs;
	uint64_t crash_cs, crash_ss;
	uint32_t crash_vector;
	int crash_regs_ok;
	char *core_dir;
};

/* Ends the partition; the run loop stops before the next vCPU entry. */
void hv_end_exit(struct hv *hv, int status);
void hv_end_signal(struct hv *hv, int signo);
void hv_end_killed(struct hv *hv, const char *by);
void hv_end_crash(struct hv *hv, uint64_t rip, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Gets the vCPU out of the guest: interrupts its run (the backend's kick)
 * and its ppoll() in block() or a console write (the kick signal).  Any
 * thread but the vCPU's own calls it; the one way that is done.
 */
#define HV_KICK_SIGNAL SIGUSR1
void hv_vcpu_kick(struct hv *hv);

/* The devices' exception, mmio and io hooks, in list order: 1 if one handled it. */
int hv_devs_exception(struct hv *hv, const struct hv_frame *f, uint64_t cr2);
int hv_devs_mmio(struct hv *hv, const struct hvb_exit *ex);
int hv_devs_io(struct hv *hv, const struct hvb_exit *ex);

/* fault.c: handles one vCPU exit (hcall, fault report, or crash). */
void hv_exit_handle(struct hv *hv, const struct hvb_exit *ex);
/* Ends the partition with the reason for the exception in f. */
void hv_fault_crash(struct hv *hv, const struct hv_frame *f, uint64_t cr2);

/* Sets the state and tells waiters and the controller; call with the lock held. */
void hv_set_state(struct hv *hv, enum hv_state s);
/* Asks the vCPU thread to act on req (HV_REQ_*); call with the lock held. */
void hv_request(struct hv *hv, unsigned req);

/* debug.c: the debug file's side of the monitor. */
int hv_debug_claim(struct hv *hv, const void *owner);
void hv_debug_release(struct hv *hv, const void *owner);
int hv_debug_command(struct hv *hv, const char *cmd);
/* The stop line for a reader, or NULL while the partition runs. */
int hv_debug_event(struct hv *hv, char *buf, size_t len);
/* Replaces planted int3 bytes in a copy of guest memory with the originals. */
void hv_debug_hide(struct hv *hv, uint64_t gpa, uint8_t *buf, uint64_t len);
/* The addresses where the debugger planted int3 bytes, at most max of them. */
size_t hv_debug_planted(struct hv *hv, uint64_t *addr, size_t max);

/* The host's monotonic clock, in ns. */
uint64_t hv_host_ns(void);
/* Nanoseconds since boot on the host's monotonic clock. */
uint64_t hv_now(const struct hv *hv);

/*
 * block.c: what the block hcall waits on.  A device registers each thing
 * a partition can wait on as a source (at init: console input, each ring,
 * the controller's event fd, its timer); every callback is optional and
 * runs on the vCPU thread without the lock.
 */
struct hv_block_src {
	/* The ready bits of want it has now; reporting one uses it up. */
	uint64_t (*ready)(struct hv *hv, void *arg, uint64_t want);
	/* Fills up to max fds to poll while block() waits for want; returns how many. */
	int (*fds)(struct hv *hv, void *arg, uint64_t want, struct pollfd *fds, int max);
	/* Its fds are back from the poll: takes what they bring; returns ready bits. */
	uint64_t (*polled)(struct hv *hv, void *arg, const struct pollfd *fds, int n);
	/* Nanoseconds since boot by which block() must look again, or 0. */
	uint64_t (*due)(struct hv *hv, void *arg);
};
int hv_block_init(struct hv *hv, struct lerr *err);
/* Adds a source; src must outlive the partition. */
int hv_block_add(struct hv *hv, const struct hv_block_src *src, void *arg);
void hv_block_fini(struct hv *hv);
/* The block hcall (the clock device lists it). */
int64_t hv_block_hcall(struct hv *hv, const uint64_t *args);
/* dev_clock.c: the controller's wake-up comes ns from now (LPAR_READY_TIMER). */
void hv_clock_wake(struct hv *hv, uint64_t ns);
/* Set by hv_on_signal(). */
extern volatile sig_atomic_t hv_pending_signal;

/*
 * Called by the vCPU thread whenever a run, a block() or a console write
 * was interrupted, and before every entry: serves pause and kill requests
 * (sleeping while paused).  Returns 1 if the partition must end now.
 */
int hv_yield(struct hv *hv);

/* Console output from the partition: to the console fd, the log and the ring. */
int64_t hv_console_output(struct hv *hv, const char *buf, uint64_t len);
/*
 * The console for the control tree (any thread; the console device's
 * state lives from its init to its fini, the control thread's whole life).
 * A controller's end of console input: console_read returns 0 once the
 * rest is read; wakes block().
 */
void hv_console_end_input(struct hv *hv);
/* Queues a controller's input and wakes block(): bytes taken, -EAGAIN if none fit. */
int hv_console_input(struct hv *hv, const void *buf, uint32_t len);
/* Where a new viewer starts: the oldest output kept.  Call with the lock held. */
uint64_t hv_console_oldest(struct hv *hv);
/*
 * Output from *cursor on (moved up to the oldest kept if it fell behind)
 * into buf, advancing *cursor: up to len bytes, 0 at the end once the
 * partition has ended, -EAGAIN while there is nothing new yet.
 */
int hv_console_replay(struct hv *hv, uint64_t *cursor, void *buf, size_t len);
/* The console log's fd, or -1. */
int hv_console_log_fd(const struct hv *hv);

/* The status text of the control tree's status file and the status record. */
size_t hv_status_text(struct hv *hv, char *buf, size_t len);
/*
 * The status text's fields of the partition's state and end, from one
 * look at it: each "" where the text has no such line.
 */
struct hv_status_end {
	char state[16];
	int ended;
	char exit[16], signal[16];
	char reason[sizeof(((struct hv_outcome *)0)->reason) * 4];
};
void hv_status_end(struct hv *hv, struct hv_status_end *e);
const char *hv_state_name(enum hv_state s);

/* trace.c: recording (vCPU thread) and reading (control thread). */
int hv_tracing(const struct hv *hv);
void hv_trace_hcall(struct hv *hv, uint64_t nr, const uint64_t *args, int64_t ret,
		    uint64_t dur);
void hv_trace_note(struct hv *hv, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int hv_trace_open(struct hv *hv, uint64_t *cursor);
void hv_trace_close(struct hv *hv);
size_t hv_trace_read(struct hv *hv, uint64_t *cursor, char *buf, size_t len);
int hv_trace_pending(struct hv *hv, uint64_t cursor);

/* ring.c: the rings, their doorbells and wake-ups. */
struct lpar_ring_hdr *hv_ring_hdr(struct hv *hv, const struct hv_ring *r);
struct lpar_ring_dir hv_ring_dir(struct hv *hv, const struct hv_ring *r, int rx);
struct hv_ring *hv_ring_find(struct hv *hv, const char *name);
/* Wakes the partition's block() for r. */
void hv_ring_kick(struct hv_ring *r);
/* Sends r's doorbell to eventfd fd from now on. */
int hv_ring_route(struct hv *hv, struct hv_ring *r, int fd);
/* Tells the partition (header and wake-up) r's link state; up starts a new generation. */
void hv_ring_set_link(struct hv *hv, struct hv_ring *r, int link, const char *peer);
/* Takes r's link down if it is up in generation gen; 1 if it did. */
int hv_ring_drop(struct hv *hv, struct hv_ring *r, uint32_t gen);
/* Zeroes both directions' indices. */
void hv_ring_clear(struct hv *hv, struct hv_ring *r);
/* Counts a reset of r and traces why. */
void hv_ring_note(struct hv *hv, struct hv_ring *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Starts r over: a corrupt ring, or the partition asked. */
void hv_ring_reset(struct hv *hv, struct hv_ring *r, uint32_t gen, const char *why);
/* chan.c: the channel a ring joins, or NULL. */
const char *hv_chan_name(const struct hv_ring *r);
/* "bytes", "messages" (LPAR_RING_*). */
const char *hv_ring_kind_name(uint32_t kind);
/* Status lines for every ring. */
void hv_ring_status(struct hv *hv, char *buf, size_t len, size_t *n);
/*
 * Sets up a ring of the library OS's (er) as ring index, beyond the
 * image's: hv->rings[index].  Only LPAR_FS_RING_INDEX is taken.
 */
int hv_ring_add(struct hv *hv, const struct elf_ring *er, unsigned index, struct hv_ring **out,
		struct lerr *err);
/* dev_share.c: status lines for the shares and the working directory. */
void hv_share_status(struct hv *hv, char *buf, size_t len, size_t *n);

/* io.c: the I/O thread; sources are added before it starts or by its handlers. */
int hv_io_init(struct hv *hv, struct lerr *err);
int hv_io_add(struct hv *hv, int fd, short events, hv_io_fn fn, void *arg);
void hv_io_del(struct hv *hv, int fd);
/* fn runs after every wake-up of the thread. */
int hv_io_tick(struct hv *hv, hv_io_fn fn, void *arg);
/* Makes the thread's next poll return within ms, for a handler to try again. */
void hv_io_retry(struct hv *hv, int ms);
void hv_io_wake(struct hv *hv);
int hv_io_start(struct hv *hv, struct lerr *err);
void hv_io_stop(struct hv *hv);
void hv_io_fini(struct hv *hv);

/* layout.c: builds the long-mode environment; fills bs and hv->lay. */
int hv_layout_build(struct hv *hv, struct hv_boot_state *bs, struct lerr *err);
/* layout.c: the page-table bits the page at gpa is mapped with (HV_PTE_*), 0 if none. */
uint64_t hv_layout_attr(const struct hv *hv, uint64_t gpa);
#define HV_PTE_P  (1ull << 0)
#define HV_PTE_W  (1ull << 1)
#define HV_PTE_U  (1ull << 2)
#define HV_PTE_NX (1ull << 63)

/*
 * dump.c: core files.  A plan is a core's headers and notes, computed
 * from the partition as it stands (stopped: paused, created, or ended),
 * and where each of its segments' bytes are in RAM; the bytes are read
 * from RAM only as the core is read or written.
 */
struct hv_dump;
/* Call with the vCPU stopped and hv->lock not held. */
int hv_dump_plan(struct hv *hv, struct hv_dump **out, struct lerr *err);
uint64_t hv_dump_size(const struct hv_dump *d);
/* Bytes [off, off + len) of the core (short at its end); for the control tree's core file. */
size_t hv_dump_read(struct hv *hv, const struct hv_dump *d, uint64_t off, void *buf,
		    size_t len);
/*
 * Writes the whole core to fd, a regular file, from offset 0: segments
 * from RAM's file with sendfile, the rest through a buffer that leaves
 * zero pages as holes.  0 or -errno.
 */
int hv_dump_write(struct hv *hv, const struct hv_dump *d, int fd);
void hv_dump_free(struct hv_dump *d);
/* The vCPU thread, the partition crashed: notes its registers from the stubs' frame. */
void hv_dump_note_frame(struct hv *hv, const struct hv_frame *f);
/*
 * The partition ended crashed and has a core directory: writes
 * DIR/core.NAME.N there (N the first free number), and says where in
 * hv->out.core (or why not in hv->out.core_error).
 */
void hv_dump_crash(struct hv *hv);

/* los.c: opens the library OS lpar carries. */
int hv_los_open(struct elf_image **out, struct lerr *err);
/*
 * los.c: for rip inside the library OS, the address of the syscall
 * instruction it is serving; else rip.
 */
uint64_t hv_los_caller(struct hv *hv, uint64_t rip);
/* los.c: a Linux x86-64 syscall's name, or "unknown". */
const char *hv_syscall_name(uint64_t nr);

/* dev_ctl.c: wakes block() to look again (input or a wake-up came); any thread. */
void hv_ctl_nudge(struct hv *hv);
/* dev_ctl.c: raises LPAR_READY_* bits for block() and wakes it; call with the lock held. */
void hv_ctl_raise(struct hv *hv, uint32_t bits);
/*
 * dev_ctl.c: whether a controller panicked the partition (it only ends
 * now); read under the lock for a decision that must see the latest.
 */
int hv_ctl_panicked(const struct hv *hv);

/* ctl.c: whether the peer of a UNIX socket may control the monitor: its own user or root. */
int hv_peer_allowed(int fd);
/* ctl.c: the control server thread. */
int hv_ctl_start(struct hv *hv, int listen_fd, struct lerr *err);
/* Tells the control thread something changed (output, state). */
void hv_ctl_kick(struct hv *hv);
/* Answers what is outstanding, then stops the control thread. */
void hv_ctl_stop(struct hv *hv);

#define HV_BUF_READ  0
#define HV_BUF_WRITE 1
#define HV_BUF_EXEC  2
/*
 * The checked accessor for every buffer a partition hands the monitor:
 * the host address of [gpa, gpa + len) if all of it is inside RAM and
 * mapped for the partition's own (user-mode) code, writable when access is
 * HV_BUF_WRITE; NULL otherwise.  So an hcall can never reach the monitor's
 * tables below 1 MiB or write the partition's read-only pages.
 */
void *hv_guest_buf(struct hv *hv, uint64_t gpa, uint64_t len, int access);

#endif
