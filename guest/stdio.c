/*
 * The console as stdout for partition code: printf and friends format with
 * musl's vsnprintf and write through the console hcall; exit and abort end
 * the partition.  (A later library OS runs all of musl instead.)
 */
#include <lpar.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int out(const char *s, size_t n)
{
	long r = lpar_console_write(s, n);

	return r < 0 ? EOF : (int)r;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	char small[512], *buf = small;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return n;
	}
	if ((size_t)n >= sizeof(small)) {
		/* No heap yet: format long output in pieces of the stack. */
		char big[n + 1 <= 65536 ? n + 1 : 65536];

		vsnprintf(big, sizeof(big), fmt, ap2);
		va_end(ap2);
		return out(big, strlen(big)) < 0 ? EOF : n;
	}
	va_end(ap2);
	return out(buf, (size_t)n) < 0 ? EOF : n;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	if (out(s, strlen(s)) < 0 || out("\n", 1) < 0)
		return EOF;
	return 1;
}

int putchar(int c)
{
	char ch = (char)c;

	return out(&ch, 1) < 0 ? EOF : (unsigned char)c;
}

void exit(int status)
{
	lpar_exit(status);
}

void _Exit(int status)
{
	lpar_exit(status);
}

void abort(void)
{
	lpar_abort("abort() called");
}
