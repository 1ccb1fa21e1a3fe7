/* SPDX-License-Identifier: ISC
 * A debug target: one partition driven through its control tree (the
 * debug file, vcpu/0/regs; see docs/debug-protocol.md) and read through
 * the memory window.  The REPL (lpar attach) and the GDB stub are both
 * written against this; nothing here prints.
 */
#ifndef LPAR_DEBUG_TARGET_H
#define LPAR_DEBUG_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "../common/regs.h" /* struct vcpu_regs: what vcpu/0/regs holds */

struct lerr;
struct elf_core;
struct elf_image;
struct dbg_target;

enum dbg_stop {
	DBG_STOP_ATTACH,      /* stopped because the debugger attached */
	DBG_STOP_BREAKPOINT,  /* at a breakpoint: addr */
	DBG_STOP_STEP,        /* a step finished */
	DBG_STOP_WATCH,       /* a watchpoint: addr, kind, old, new */
	DBG_STOP_TRAP,        /* the partition's own exception: vector */
	DBG_STOP_INTERRUPT,   /* dbg_stop() asked for it */
	DBG_ENDED,            /* the partition ended: text says how */
};

struct dbg_event {
	enum dbg_stop kind;
	uint64_t rip, addr, old, new;
	char watch_kind;      /* 'w', 'r' or 'a' */
	int vector;
	char text[512];       /* the line as the monitor sent it */
};

/*
 * Attaches to a partition by name: claims its debug file (EBUSY if another
 * debugger has it), which stops it, maps its memory and loads the symbols
 * of its image.  With start_paused for "lpar run --debug", the partition is
 * a created one and starts on the first dbg_cont()/dbg_step().
 */
int dbg_attach(const char *name, struct dbg_target **out, struct lerr *err);
/*
 * Opens a core file as a target that only reads: registers and memory as
 * the core holds them, symbols from image (NULL: the image the core's
 * NT_FILE note names).  What would run or change it (dbg_cont, dbg_step,
 * dbg_break, dbg_watch, dbg_regs_set, dbg_mem_write, dbg_kill) fails with
 * EPERM and DBG_CORE_NOT_RUN; dbg_wait() reports the stop it was written at.
 */
int dbg_open_core(const char *core, const char *image, struct dbg_target **out,
		  struct lerr *err);
#define DBG_CORE_NOT_RUN "The program is not being run: this is a core file."
/* The core a dbg_open_core() target reads, or NULL for a partition. */
const struct elf_core *dbg_core(const struct dbg_target *t);

/* Releases the debug file: breakpoints go, the partition runs on (a core is closed). */
void dbg_detach(struct dbg_target *t);

const char *dbg_name(const struct dbg_target *t);
const struct elf_image *dbg_image(const struct dbg_target *t);

int dbg_regs_get(struct dbg_target *t, struct vcpu_regs *r, struct lerr *err);
int dbg_regs_set(struct dbg_target *t, const struct vcpu_regs *r, struct lerr *err);

/*
 * Memory at a guest-virtual address, translated through the vCPU's page
 * tables (CR3); EFAULT ("Cannot access memory at address 0x...") if any
 * byte is not mapped.  Breakpoint bytes read as the original code.
 */
int dbg_mem_read(struct dbg_target *t, uint64_t addr, void *buf, size_t len,
		 struct lerr *err);
int dbg_mem_write(struct dbg_target *t, uint64_t addr, const void *buf,
		  size_t len, struct lerr *err);

int dbg_break(struct dbg_target *t, uint64_t addr, struct lerr *err);
int dbg_delete(struct dbg_target *t, uint64_t addr, struct lerr *err);
int dbg_watch(struct dbg_target *t, uint64_t addr, uint64_t len, char kind,
	      struct lerr *err);
int dbg_unwatch(struct dbg_target *t, uint64_t addr, struct lerr *err);

/* Writes a core file of the partition as it is (libpart's part_core_save()). */
int dbg_gcore(struct dbg_target *t, const char *file, struct lerr *err);
/* Resume; a later dbg_wait() reports the next stop. */
int dbg_cont(struct dbg_target *t, struct lerr *err);
int dbg_step(struct dbg_target *t, unsigned n, struct lerr *err);
/* Asks a running partition to stop; safe from another thread than dbg_wait(). */
int dbg_stop(struct dbg_target *t, struct lerr *err);
/* Blocks until the partition is stopped or has ended. */
int dbg_wait(struct dbg_target *t, struct dbg_event *ev, struct lerr *err);

/* Added for lpar attach: */
/* Ends the partition at once (the control tree's "kill"). */
int dbg_kill(struct dbg_target *t, struct lerr *err);
/* Whether a dbg_wait() has reported the partition's end. */
int dbg_ended(const struct dbg_target *t);
/* The image's path as the partition's status names it (for messages). */
const char *dbg_image_path(const struct dbg_target *t);
/* The monitor's process id (0 if unknown). */
long dbg_pid(const struct dbg_target *t);
/* Whether a breakpoint of this debugger is planted at addr. */
int dbg_has_break(struct dbg_target *t, uint64_t addr);

#endif
