/* SPDX-License-Identifier: ISC */
/* Making text from a guest or a file safe to print on a terminal. */
#ifndef LPAR_TEXT_H
#define LPAR_TEXT_H

#include <stddef.h>

/*
 * Copies at most srclen bytes of src (stopping at a NUL) into dst as
 * printable ASCII: control and non-ASCII bytes become \xHH, backslash
 * becomes \\.  dst is always NUL-terminated; output is cut to fit.
 */
char *text_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen);
/*
 * The same for a whole message whose quoted parts went through
 * text_sanitize, as the last step before it is printed: a backslash stays
 * as it is (it may start an escape made earlier), anything else that is
 * not printable ASCII becomes \xHH, so nothing a caller forgot to
 * sanitise reaches a terminal raw.
 */
char *text_sanitize_msg(char *dst, size_t dstlen, const char *src);

/*
 * One word of a status line from any bytes: space, '%', control and
 * non-ASCII bytes become %hh (cut to fit, never mid-escape).  unescape
 * undoes it in place (a %00 or a bad escape stays as it is).
 */
char *text_pct_escape(char *dst, size_t dstlen, const char *src);
char *text_pct_unescape(char *s);
/* A hex digit's value (either case), or -1. */
int text_hexval(int c);

#endif
