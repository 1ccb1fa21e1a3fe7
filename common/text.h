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

#endif
