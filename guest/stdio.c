/*
 * The console as stdout and stderr for partition code.  stdio functions
 * format with musl's vsnprintf into one buffer that goes out through the
 * console ring if the image declares one, else the console hcall: line by line, or in large pieces when the monitor says
 * the console is a file or pipe (like a Linux program's stdout).  stderr
 * is unbuffered.  exit and abort end the partition.  vfprintf stays musl's
 * (its vsnprintf is built on it), so calling it directly needs the library
 * OS, which runs all of musl's stdio.
 */
#include <errno.h>
#include <lpar.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTBUF 4096

static char outbuf[OUTBUF];
size_t lpar_outbuf_len;

/* The image's console ring, if it declares one: LPAR_RING(console, LPAR_RING_BYTES, SIZE). */
extern union {
	struct lpar_ring_hdr hdr;
} __lpar_ring_console __attribute__((weak));

static int raw_write(const char *s, size_t n)
{
	if (&__lpar_ring_console && lpar_ring_link(&__lpar_ring_console.hdr) == LPAR_LINK_UP) {
		long r = lpar_ring_write(&__lpar_ring_console.hdr, s, n, LPAR_DEADLINE_NEVER);

		if (r == -ECONNRESET) /* the monitor reset it: the rest goes on */
			r = lpar_ring_write(&__lpar_ring_console.hdr, s, n, LPAR_DEADLINE_NEVER);
		if (r > 0 && (size_t)r == n)
			return 0;
		if (r > 0) {
			s += r;
			n -= (size_t)r;
		}
	}
	while (n) {
		long r = lpar_hcall2(LPAR_HC_CONSOLE_WRITE, s, n);

		if (r <= 0)
			return EOF;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

void lpar_flush(void)
{
	size_t n = lpar_outbuf_len;

	lpar_outbuf_len = 0;
	if (n)
		raw_write(outbuf, n);
}

static int buffered(void)
{
	return lpar_boot && (lpar_boot->flags & LPAR_BOOT_CONSOLE_BUFFERED);
}

/* Appends to stdout's buffer; flushes when full, or at a newline unless fully buffered. */
static int out(const char *s, size_t n)
{
	while (n) {
		size_t k = OUTBUF - lpar_outbuf_len < n ? OUTBUF - lpar_outbuf_len : n;

		memcpy(outbuf + lpar_outbuf_len, s, k);
		lpar_outbuf_len += k;
		s += k;
		n -= k;
		if (lpar_outbuf_len == OUTBUF ||
		    (!buffered() && memchr(outbuf + lpar_outbuf_len - k, '\n', k)))
			lpar_flush();
	}
	return 0;
}

static int fout(FILE *f, const char *s, size_t n)
{
	if (f == stdout)
		return out(s, n);
	if (f == stderr) {
		lpar_flush();
		return raw_write(s, n);
	}
	return EOF; /* files arrive with the library OS */
}

/*
 * Not named vfprintf: musl's vsnprintf is built on its own vfprintf, which
 * must stay musl's.  (A direct vfprintf() call therefore needs the library OS.)
 */
static int console_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= 0 && (size_t)n >= sizeof(small)) {
		/* No heap yet: format long output on the stack (at most 64 KiB). */
		char big[n + 1 <= 65536 ? n + 1 : 65536];

		vsnprintf(big, sizeof(big), fmt, ap2);
		va_end(ap2);
		return fout(f, big, strlen(big)) == EOF ? EOF : n;
	}
	va_end(ap2);
	if (n < 0)
		return n;
	return fout(f, small, (size_t)n) == EOF ? EOF : n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return console_vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *restrict s, FILE *restrict f)
{
	return fout(f, s, strlen(s)) == EOF ? EOF : 1;
}

int puts(const char *s)
{
	if (out(s, strlen(s)) == EOF || out("\n", 1) == EOF)
		return EOF;
	return 1;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	return fout(f, &ch, 1) == EOF ? EOF : (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

/*
 * gcc turns some fputs() and printf() calls into fwrite(), which musl's
 * vfprintf also needs for its own use; lpar-cc links with --wrap=fwrite so
 * that calls on the console come here and the rest go to musl.
 */
size_t __real_fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
size_t __wrap_fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);

size_t __wrap_fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	if (f != stdout && f != stderr)
		return __real_fwrite(p, size, n, f);
	if (!size || !n)
		return 0;
	return fout(f, p, size * n) == EOF ? 0 : n;
}

int fflush(FILE *f)
{
	if (!f || f == stdout)
		lpar_flush();
	return 0;
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

