/*
 * The texts of the control tree's debug interface, parsed and formatted
 * without a partition: vcpu/0/regs lines and debug-file event lines (see
 * docs/debug-protocol.md), and the register table every debugger shares.
 */
#ifndef LPAR_DEBUG_PROTO_H
#define LPAR_DEBUG_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* One register of struct dbg_regs. */
struct dbg_reg_info {
	const char *name;   /* as in vcpu/0/regs */
	size_t off;         /* in struct dbg_regs */
	int writable;       /* the regs file accepts it while stopped */
};

extern const struct dbg_reg_info dbg_reg_table[];
extern const size_t dbg_reg_count;

/* The register called name (as in the regs file), or NULL. */
const struct dbg_reg_info *dbg_reg_find(const char *name);
uint64_t dbg_reg_get(const struct dbg_regs *r, const struct dbg_reg_info *ri);
void dbg_reg_put(struct dbg_regs *r, const struct dbg_reg_info *ri, uint64_t v);

/*
 * Parses "name 0xvalue" lines into *r; names it does not know are skipped
 * (the file may grow).  Returns how many known registers were read, or
 * -EPROTO for a malformed line.
 */
int dbg_regs_parse(const char *text, struct dbg_regs *r);
/* The "name value" lines that set every writable register; returns the length. */
size_t dbg_regs_format(const struct dbg_regs *r, char *buf, size_t len);

/* Parses one event line ("stopped breakpoint rip=0x..", "ended exited 0"). */
int dbg_event_parse(const char *line, struct dbg_event *ev);

#endif
