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

/* Parses a signed decimal int within [min, max]. */
int num_parse_int(const char *s, long min, long max, long *out);

/* Formats a size for people: "64 MiB", "1.5 GiB", "4 KiB", "100 bytes". */
const char *num_format_size(uint64_t n, char *buf, size_t len);

#endif
