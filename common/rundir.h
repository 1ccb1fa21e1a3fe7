/* SPDX-License-Identifier: ISC */
/*
 * Run directories, shared by the monitor (which makes and fills one per
 * partition) and its clients (which find partitions there): where they
 * live, what a partition name may be, the files in one, and what state
 * one is in.
 */
#ifndef LPAR_RUNDIR_H
#define LPAR_RUNDIR_H

#include <stddef.h>

struct lerr;

#define PART_NAME_MAX 64
#define PART_SOCK "sock"
#define PART_RAM "ram"
/* The name of the memfd that holds a partition's RAM, which "ram" links to. */
#define PART_RAM_MEMFD "lpar-ram"
#define PART_LOG "console.log"
#define PART_PID "pid"
/* Where monitors meet for channels, inside the run directory (not a partition name). */
#define PART_CHAN_DIR ".chan"
/* How a partition ended, written by its monitor as it ends. */
#define PART_STATUS_FILE "status"

/* Letters, digits, '.', '_', '-', starting with a letter or digit, at most 64. */
int part_name_valid(const char *name);
/* The default name for an image: its file name without ".elf", made valid. */
void part_name_from_image(const char *path, char *out, size_t len);
/*
 * $LPAR_RUNDIR, else $XDG_RUNTIME_DIR/lpar, /run/lpar as root, /tmp/lpar-UID;
 * created 0700, and refused (EPERM) unless part_dir_check() passes.
 */
int part_rundir(char *buf, size_t len, struct lerr *err);
/*
 * Whether dir is a directory (not a link to one) owned by the effective
 * user with no access for group or others ((mode & 077) == 0): 0, or
 * -EPERM with a message that names it as what ("run directory") and says
 * what is wrong.
 */
int part_dir_check(const char *dir, const char *what, struct lerr *err);
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

#endif
