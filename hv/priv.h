/* Internal to hv/: the monitor's state, shared by the core and devices. */
#ifndef LPAR_HV_PRIV_H
#define LPAR_HV_PRIV_H

#include <lpar/hcall.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include "backend.h"
#include "gmem.h"
#include "hcall.h"
#include "hv.h"

#define HV_WAKE_MAX 8

/* A range of guest-physical memory and the page-table bits it is mapped with. */
struct hv_region {
	uint64_t lo, hi;
	uint64_t attr; /* PTE bits; 0 = not mapped */
};

#define HV_REGIONS_MAX 72

/* Where layout.c put things in guest memory. */
struct hv_layout {
	struct hv_region rg[HV_REGIONS_MAX];
	size_t nrg;
	uint64_t heap_start, heap_end;
	uint64_t stack_lo, stack_top;
	uint64_t stubs, stubs_end;    /* exception stubs */
};

struct hv {
	char *name;
	int argc;
	char *const *argv;
	const struct elf_image *img;
	struct gmem mem;
	int ram_fd;
	struct hvb_vm *vm;
	struct hvb_cpu *cpu;
	struct hv_layout lay;
	sigset_t run_mask;         /* signal mask while running or blocking */
	sigset_t stop_signals;     /* consumed after KVM_RUN returns EINTR */
	uint64_t boot_ns;          /* host CLOCK_MONOTONIC at boot */

	const struct hv_hcall *hcalls[LPAR_HC_MAX];
	const struct hv_device *const *devs;
	size_t ndevs_ready;        /* devices whose init succeeded */

	/* What block() waits on: fds and the ready bit each sets. */
	struct pollfd wake[HV_WAKE_MAX];
	uint32_t wake_bit[HV_WAKE_MAX];
	int nwake;

	int con_in, con_out;
	int con_in_eof;

	int ended;
	struct hv_outcome out;
};

/* Ends the partition; the run loop stops before the next vCPU entry. */
void hv_end_exit(struct hv *hv, int status);
void hv_end_signal(struct hv *hv, int signo);
void hv_end_crash(struct hv *hv, uint64_t rip, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Nanoseconds since boot on the host's monotonic clock. */
uint64_t hv_now(const struct hv *hv);
/* Adds fd to what block() waits on; bit is what it sets in the ready set. */
int hv_wake_add(struct hv *hv, int fd, uint32_t bit);
/* Set by hv_on_signal(). */
extern volatile sig_atomic_t hv_pending_signal;

/* layout.c: builds the long-mode environment; fills bs and hv->lay. */
int hv_layout_build(struct hv *hv, struct hv_boot_state *bs, struct lerr *err);

#define HV_BUF_READ  0
#define HV_BUF_WRITE 1
/*
 * The checked accessor for every buffer a partition hands the monitor:
 * the host address of [gpa, gpa + len) if all of it is inside RAM and
 * mapped for the partition's own (user-mode) code, writable when access is
 * HV_BUF_WRITE; NULL otherwise.  So an hcall can never reach the monitor's
 * tables below 1 MiB or write the partition's read-only pages.
 */
void *hv_guest_buf(struct hv *hv, uint64_t gpa, uint64_t len, int access);

#endif
