/* SPDX-License-Identifier: ISC */
/* The one checked parser for numbers that come from users. */
#ifndef LPAR_NUM_H
#define LPAR_NUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses a whole string as an unsigned number: decimal, or hex with 0x.
 * Returns 0, or -EINVAL (not a number, trailing junk, empty) or -ERANGE.
 */
int num_parse_u64(const char *s, uint64_t *out);

/*
 * Parses a size: a number with an optional binary suffix K, M, G or T
 * (KiB..TiB; "k", "KB", "KiB" are accepted too).  A bare number is bytes.
 */
int num_parse_size(const char *s, uint64_t *out);

/* Resolves a symbol name to an address: 0, -ENOENT (no such symbol) or another -errno. */
typedef int (*num_sym_fn)(void *ctx, const char *name, uint64_t *addr);

/*
 * Parses an address: a number (as num_parse_u64), a symbol name, or either
 * followed by "+OFF" with OFF a number ("main+0x10", "0x1000+16").  Symbol
 * names start with a letter, '_' or '.' and go on with those, digits and
 * '$'; sym resolves them (NULL: no symbols, -ENOENT).  Returns 0, -EINVAL
 * (not an address), -ERANGE (the sum overflows) or what sym returned.
 */
int num_parse_addr(const char *s, num_sym_fn sym, void *ctx, uint64_t *out);

/* Parses a signed decimal int within [min, max]. */
int num_parse_int(const char *s, long min, long max, long *out);

/* Formats a size for people: "64 MiB", "1.5 GiB", "4 KiB", "100 bytes". */
const char *num_format_size(uint64_t n, char *buf, size_t len);

#endif
