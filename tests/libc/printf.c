/* SPDX-License-Identifier: ISC */
/* printf.c: printf's conversions, flags, widths, precisions and length
 * modifiers, special floating values and snprintf's truncation.  The output
 * depends only on the C library, never on addresses or the environment. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int line;

/* Each result is printed between brackets with its return value. */
#define P(...) do { \
	int r_ = printf("%03d [", ++line); \
	r_ = printf(__VA_ARGS__); \
	printf("] %d\n", r_); \
} while (0)

static void integers(void)
{
	static const char *flags[] = { "", "-", "+", " ", "#", "0", "-+", "+0",
				       " 0", "#0", "-#", "+ ", "-0" };
	static const int vals[] = { 0, 1, -1, 42, -42, 255, INT_MAX, INT_MIN };
	static const char convs[] = "diuoxX";
	char fmt[32];

	for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
		for (size_t c = 0; c < sizeof convs - 1; c++)
			for (size_t v = 0; v < sizeof vals / sizeof *vals; v++) {
				snprintf(fmt, sizeof fmt, "%%%s%c|%%%s8%c|%%%s.3%c|%%%s10.5%c",
					 flags[f], convs[c], flags[f], convs[c],
					 flags[f], convs[c], flags[f], convs[c]);
				printf("%s: ", fmt);
				P(fmt, vals[v], vals[v], vals[v], vals[v]);
			}

	/* Precision 0 with value 0 prints no digits (but '#o' prints one). */
	P("%.0d|%.0i|%.0u|%.0o|%.0x|%#.0o|%#.0x|%5.0d|", 0, 0, 0u, 0u, 0u, 0u, 0u, 0);
	P("%.d|%.x|%#x|%#o|%#X", 0, 0u, 0u, 0u, 0u);
	P("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 12, 6, 12, -6, 12, 4, 7, -1, 7, 8, 3, 5);
	P("%1$d %2$s %1$x %3$c", 300, "pos", 'z');
	P("%2$*1$d|%3$.*4$f", 7, 99, 3.14159, 2);

	/* Length modifiers.  An int given to hh or h is converted to char or
	 * short: the formats are not literals, so compilers do not warn. */
	const char *volatile hh = "%hhd %hhu %hhx %hhd %hhu", *volatile h = "%hd %hu %hx %hd %hu";
	P(hh, (signed char)-128, (unsigned char)255, (unsigned char)0xab, 300, 300);
	P(h, (short)-32768, (unsigned short)65535, (unsigned short)0xbeef, 70000, 70000);
	P("%ld %lu %lx %lo", LONG_MIN, ULONG_MAX, 0xdeadbeefcafebabeUL, 0777UL);
	P("%lld %llu %llx %llX", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefULL,
	  0xfedcba9876543210ULL);
	P("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)1 << 63);
	P("%zu %zx %zd", SIZE_MAX, (size_t)4096, (ptrdiff_t)-5);
	P("%td %tx %tu", (ptrdiff_t)PTRDIFF_MIN, (ptrdiff_t)255, (size_t)PTRDIFF_MAX);
	P("only %%%% and %c%c", 'o', 'k');
	P("%-+12lld|%+012lld|% 012lld|%#-20llo|%#020llx", 123456789012LL,
	  -123456789012LL, 123456789012LL, 01234567012345LL, 0xabcdef012345LL);
}

static void chars_strings_pointers(void)
{
	char buf[64];

	P("%c|%5c|%-5c|%c", 'a', 'b', 'c', 0x7e);
	P("%s|%10s|%-10s|%.2s|%10.3s|%-10.3s|%.0s|%.*s", "hello", "right", "left",
	  "truncate", "abcdef", "abcdef", "nothing", 3, "star");
	P("%s|%5s|%.10s", "", "", "short");
	P("%ls|%10ls|%-8ls|%.3ls|%lc%lc", L"wide", L"right", L"left", L"abcdef",
	  (wint_t)L'x', (wint_t)L'y');
	/* A string without a terminating NUL, bounded by the precision. */
	memcpy(buf, "ABCDEFGH", 8);
	P("%.8s|%.4s", buf, buf);
	P("%p|%20p|%-20p|%p", (void *)0x1234, (void *)0xdeadbeef,
	  (void *)(uintptr_t)0xffff800000001000ULL, (void *)0);
	P("%%|%c%%|%%%%", 'x');
}

static void counts(void)
{
	signed char hh = 0;
	short h = 0;
	int n = 0, n2 = 0;
	long l = 0;
	long long ll = 0;
	intmax_t j = 0;
	ptrdiff_t z = 0; /* %zn takes the signed type of size_t's width */
	ptrdiff_t t = 0;

	P("abc%nde%hhnfgh%hn%d%ln|%lln%jn%zn%tn%n", &n, &hh, &h, 12345, &l, &ll,
	  &j, &z, &t, &n2);
	printf("n=%d hh=%d h=%d l=%ld ll=%lld j=%jd z=%td t=%td n2=%d\n", n, hh, h,
	       l, ll, j, z, t, n2);
	n = -1;
	P("%10s%n", "x", &n);
	printf("n=%d\n", n);
}

static void floats(void)
{
	static const char *flags[] = { "", "-", "+", " ", "#", "0", "+0", "-#",
				       "#0", " #" };
	static const char convs[] = "eEfFgGaA";
	static const double vals[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 1.0 / 3, 2.0 / 3, 123.456,
		-987654.321, 1e10, 1e-10, 1e15, 1e16, 1e17, 1e-5, 1e-4, 100000.0,
		999999.5, 9.9999999, 0.00012345, 6.02214076e23, 1.602176634e-19,
		DBL_MAX, DBL_MIN, DBL_TRUE_MIN, DBL_EPSILON, 4503599627370496.5,
		9007199254740993.0, 3.141592653589793, 2.718281828459045,
	};
	char fmt[40];

	for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
		for (size_t c = 0; c < sizeof convs - 1; c++)
			for (size_t v = 0; v < sizeof vals / sizeof *vals; v++) {
				snprintf(fmt, sizeof fmt, "%%%s%c|%%%s15.3%c|%%%s.0%c|%%%s.12%c",
					 flags[f], convs[c], flags[f], convs[c],
					 flags[f], convs[c], flags[f], convs[c]);
				printf("%s: ", fmt);
				P(fmt, vals[v], vals[v], vals[v], vals[v]);
			}

	/* Infinities and NaNs with flags and widths. */
	P("%f|%F|%e|%E|%g|%G|%a|%A", INFINITY, INFINITY, -INFINITY, -INFINITY,
	  INFINITY, -INFINITY, INFINITY, -INFINITY);
	P("%f|%F|%e|%E|%g|%G|%a|%A", NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN);
	P("%f|%F|%g|%G", -NAN, -NAN, copysign(NAN, -1.0), copysign(NAN, -1.0));
	P("%10f|%-10f|%+f|% f|%010f|%#f|%+010F|%-+10e|", INFINITY, INFINITY,
	  INFINITY, INFINITY, -INFINITY, NAN, NAN, INFINITY);
	P("%.3f|%10.2e|%-8g|%08G", -0.0, -0.0, -0.0, -0.0);

	/* Rounding: halves are exact in binary, so they round to even. */
	P("%.0f %.0f %.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5, -0.5, -2.5);
	P("%.1f %.1f %.1f %.2f %.2f", 0.25, 0.35, 0.05, 1.005, 2.675);
	P("%.3e %.3e %.0e %#.0e %.1e", 1.0005, 9.9995, 5.0, 5.0, 9.96);
	P("%g %g %g %g %g %g", 100000.0, 1000000.0, 1e-4, 1e-5, 123456789.0, 0.0001234);
	P("%#g %#g %#.3g %.3g %#.0g %.0g", 1.0, 100000.0, 1.0, 1.0, 1.0, 1.0);
	P("%.20f", 0.1);
	P("%.30e", 1.0 / 3);
	P("%.17g %.17g %.17g", 0.1, 0.2, 0.1 + 0.2);
	P("%.40f", DBL_EPSILON);
	P("%f", DBL_MAX);
	P("%.1100f", DBL_TRUE_MIN);
	P("%.760g", DBL_TRUE_MIN);
	P("%e %a %.0a %.1a %.20a", DBL_TRUE_MIN, DBL_TRUE_MIN, 1.5, 1.96875, 1.0);
	P("%a %a %a %a %A", 1.0, -2.5, 0x1.fffffffffffffp+1023, 0x1p-1022, 255.0);
	P("%.2a %.3A %#a %#.0a %20a|%-20a|%020a", 1.999, 0x1.abcdp3, 1.0, 2.0, 1.0,
	  1.0, -1.0);
	P("%e %f %g", 1e300 * 1e10, -1e300 * 1e10, 0.0 / 1.0);
	P("%*.*f|%-*.*e|%*g", 12, 4, 3.14159265, 12, 2, 271.828, -10, 1.5);
	P("%f %f", (double)FLT_MAX, (double)FLT_MIN);
	P("%.9g %.9g %a", (double)(1.0f / 3), (double)0.1f, (double)0.1f);
}

static void long_doubles(void)
{
	static const long double vals[] = {
		0.0L, -0.0L, 1.0L, 1.0L / 3, 0.1L, -2.5L, 1e100L, 1e-100L,
		1e4000L, 1e-4000L, 3.14159265358979323846264338327950288L,
	};

	for (size_t v = 0; v < sizeof vals / sizeof *vals; v++) {
		P("%Le|%Lf|%Lg|%La|%.25Le|%+.25Lg|%#20.3LA|%-12.2LF|%LE", vals[v],
		  vals[v], vals[v], vals[v], vals[v], vals[v], vals[v], vals[v],
		  vals[v]);
	}
	P("%Le %Lg %La", LDBL_MAX, LDBL_MAX, LDBL_MAX);
	P("%Le %Lg %La", LDBL_MIN, LDBL_MIN, LDBL_MIN);
	P("%Le %La", LDBL_EPSILON, LDBL_EPSILON);
	P("%Lf %Le %Lg %LF", (long double)INFINITY, -(long double)INFINITY,
	  (long double)NAN, (long double)NAN);
	P("%.0Lf %.0Lf %.0Lf", 0.5L, 1.5L, 2.5L);
	P("%.30Lf", 1.0L / 7);
}

static void snprintf_truncation(void)
{
	char buf[32];
	const char *text = "truncate me, please";
	/* Sizes the compiler cannot see, so it does not warn of truncation. */
	volatile size_t full = sizeof buf, one = 1;
	int r;

	r = snprintf(NULL, 0, "%s %d", text, 12345);
	printf("snprintf(NULL, 0) = %d\n", r);
	for (size_t n = 0; n <= 27; n += (n < 3 || n > 22) ? 1 : 5) {
		memset(buf, '#', sizeof buf);
		r = snprintf(buf, n, "%s %d", text, 12345);
		printf("snprintf(buf, %2zu) = %d \"", n, r);
		/* Show what was written, including where the NUL went. */
		for (size_t i = 0; i < n + 1 && i < sizeof buf; i++)
			putchar(buf[i] ? buf[i] : '0');
		printf("\"\n");
	}
	r = snprintf(buf, full, "%.1000f", 1.0);
	printf("snprintf of 1002 chars into 32: %d, strlen %zu, tail '%s'\n", r,
	       strlen(buf), buf + 25);
	r = snprintf(buf, one, "%c", 'x');
	printf("snprintf(buf, 1) = %d, buf[0] = %d\n", r, buf[0]);
	r = snprintf(buf, sizeof buf, "%s", "");
	printf("empty: %d, buf[0] = %d\n", r, buf[0]);
	r = sprintf(buf, "%05d-%-5s-%5.1f", 42, "ab", 2.25);
	printf("sprintf: %d '%s'\n", r, buf);
}

static void other_streams(void)
{
	char big[5000];
	int r;

	/* A long line to stdout through its buffer, in one printf. */
	r = printf("%4990d|\n", 7);
	printf("long line: %d\n", r);
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = 0;
	r = printf("%.*s\n", 4095, big);
	printf("long string: %d\n", r);
	r = fprintf(stdout, "%s %s\n", "fprintf", "stdout");
	printf("fprintf: %d\n", r);
	r = puts("puts adds a newline");
	printf("puts >= 0: %d\n", r >= 0);
	r = fputs("fputs adds none|", stdout);
	printf("\nfputs >= 0: %d\n", r >= 0);
	r = putchar('!');
	printf(" putchar: %d\n", r);
}

int main(void)
{
	integers();
	chars_strings_pointers();
	counts();
	floats();
	long_doubles();
	snprintf_truncation();
	other_streams();
	printf("lines %d\n", line);
	return 0;
}
