/* SPDX-License-Identifier: ISC */
/* Sanitising untrusted text for terminals. */
#include <stdio.h>
#include <string.h>

#include "text.h"

/* text_sanitize's escapes; a backslash is doubled unless keep_bs. */
static char *escape(char *dst, size_t dstlen, const char *src, size_t srclen, int keep_bs)
{
	size_t o = 0;

	if (!dstlen)
		return dst;
	for (size_t i = 0; i < srclen && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];
		char esc[5];
		size_t n;

		if (c == '\\' && !keep_bs)
			n = (size_t)snprintf(esc, sizeof(esc), "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			n = (size_t)snprintf(esc, sizeof(esc), "%c", c);
		else
			n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		if (o + n >= dstlen)
			break;
		for (size_t k = 0; k < n; k++)
			dst[o++] = esc[k];
	}
	dst[o] = '\0';
	return dst;
}

char *text_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	return escape(dst, dstlen, src, srclen, 0);
}

char *text_sanitize_msg(char *dst, size_t dstlen, const char *src)
{
	return escape(dst, dstlen, src, strlen(src), 1);
}

char *text_pct_escape(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!dstlen)
		return dst;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		int plain = c > ' ' && c < 0x7f && c != '%';

		if (n + (plain ? 1 : 3) >= dstlen)
			break;
		if (plain) {
			dst[n++] = (char)c;
		} else {
			dst[n++] = '%';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		}
	}
	dst[n] = 0;
	return dst;
}

int text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *text_pct_unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		int hi, lo;

		if (*r == '%' && (hi = text_hexval(r[1])) >= 0 && (lo = text_hexval(r[2])) >= 0 &&
		    (hi || lo)) {
			*w++ = (char)(hi << 4 | lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return s;
}
