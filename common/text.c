/* Sanitising untrusted text for terminals. */
#include <stdio.h>

#include "text.h"

char *text_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t o = 0;

	if (!dstlen)
		return dst;
	for (size_t i = 0; i < srclen && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];
		char esc[5];
		size_t n;

		if (c == '\\')
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
