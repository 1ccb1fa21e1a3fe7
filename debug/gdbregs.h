/* SPDX-License-Identifier: ISC
 * gdb's view of an x86-64 partition: the register layout of the 'g'
 * packet (gdb's amd64 order) and the target description that declares it.
 */
#ifndef LPAR_DEBUG_GDBREGS_H
#define LPAR_DEBUG_GDBREGS_H

#include <stddef.h>

struct vcpu_regs;

struct gdb_reg {
	const char *name;
	unsigned bits;
	int field;         /* byte offset in struct vcpu_regs, or -1: lpar cannot read it */
	int writable;      /* whether a write reaches the partition */
	const char *type;  /* target description type */
	const char *group; /* or NULL */
};

/* How many registers there are, and register n in gdb's numbering. */
unsigned gdbregs_count(void);
const struct gdb_reg *gdbregs_get(unsigned n);
/* Bytes in a 'g' packet (every register, in order). */
size_t gdbregs_gsize(void);

/*
 * Register n as little-endian hex into hex (bits / 4 characters and a
 * NUL), or 'x's for one lpar cannot read.  Returns the characters written.
 */
size_t gdbregs_encode(const struct vcpu_regs *r, unsigned n, char *hex);
/* Every register, as a 'g' reply (2 * gdbregs_gsize() characters and a NUL). */
size_t gdbregs_encode_all(const struct vcpu_regs *r, char *hex);

/*
 * Stores bits / 4 hex characters for register n into r.  Returns 0, -1
 * for bad hex, or -2 for a register whose value cannot be changed: one
 * lpar cannot read, or a read-only one given a value other than its own.
 */
int gdbregs_decode(struct vcpu_regs *r, unsigned n, const char *hex);

/* target.xml, built once: the x86-64 description with core, sse and segments. */
const char *gdbregs_target_xml(size_t *len);

#endif
