/* SPDX-License-Identifier: ISC
 * The texts of the control tree's debug interface, parsed and formatted
 * without a partition: vcpu/0/regs lines (over common/regs.h's table, which
 * the monitor writes the file from) and debug-file event lines (see
 * docs/debug-protocol.md).
 */
#ifndef LPAR_DEBUG_PROTO_H
#define LPAR_DEBUG_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/*
 * Parses "name 0xvalue" lines into *r; names it does not know are skipped
 * (the file may grow).  Returns how many known registers were read, or
 * -EPROTO for a malformed line.
 */
int dbg_regs_parse(const char *text, struct vcpu_regs *r);
/* The "name value" lines that set every writable register; returns the length. */
size_t dbg_regs_format(const struct vcpu_regs *r, char *buf, size_t len);

/* Parses one event line ("stopped breakpoint rip=0x..", "ended exited 0"). */
int dbg_event_parse(const char *line, struct dbg_event *ev);

#endif
