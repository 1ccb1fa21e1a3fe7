/* SPDX-License-Identifier: ISC */
/* strtod.c: the number parsers (strtod, strtof, strtold, strtol, strtoul,
 * strtoll, strtoull, strtoimax, atoi, atol, atof) on ordinary and edge-case
 * input, with errno and where each stopped. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *floats[] = {
	"0", "-0", "+0", "1", "-1", "1.5", "  \t\n 42.25xyz", ".5", "5.", ".",
	"-.", "1e10", "1E-10", "1e", "1e+", "1e+x", "1.e5", "-1.25e-3q",
	"0.1", "0.2", "0.3", "3.141592653589793238462643383279",
	"123456789012345678901234567890", "1.7976931348623157e308",
	"1.7976931348623159e308", "1e309", "-1e309", "4.9406564584124654e-324",
	"2.4703282292062328e-324", "2.4703282292062327e-324", "1e-400",
	"2.2250738585072014e-308", "2.2250738585072011e-308", "1e-310",
	"0x1p0", "0x1.8p1", "0X1P-2", "0x.8", "0x10", "0xA.Bp4", "-0x1.fffffffffffffp1023",
	"0x1p-1074", "0x1p-1075", "0x1p1024", "0x", "0xg", "0x.p1", "0x1p", "0x1p+",
	"inf", "INF", "-Inf", "infinity", "-INFINITY", "infinit", "infx", "+inF",
	"nan", "NAN", "-nan", "nan()", "nan(123)", "nan(abc_9)", "nan(", "nan(!)", "nanx",
	"", "   ", "abc", "+", "-", "e5", "- 1", "1,5", "1_000", "0001.000100",
	"9007199254740993", "9007199254740992.5", "1e23", "8.5e-324",
	"000000000000000000000000000000000000000001e-5",
	"0.000000000000000000000000000000000000000000000000001e51",
	"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999",
};

static const char *ints[] = {
	"0", "-0", "42", "-42", "+7", "  \t 99 bottles", "0x1f", "0X1F", "0x",
	"0xz", "017", "08", "09", "0b101", "z", "Zz", "2147483647", "2147483648",
	"-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "-1", "-18446744073709551615",
	"-18446744073709551616", "99999999999999999999999999", "", " ", "-",
	"+-1", "--1", "0777777777777777777777", "1777777777777777777777",
	"2000000000000000000000", "0xffffffffffffffff", "0x10000000000000000",
	"-0x8000000000000000", "-0x8000000000000001", "123abc", "abc123",
};

static const int bases[] = { 0, 2, 8, 10, 16, 36, 7 };

static const char *err(int e)
{
	return e == 0 ? "0" : e == ERANGE ? "ERANGE" : e == EINVAL ? "EINVAL" : "other";
}

static void parse_floats(void)
{
	for (size_t i = 0; i < sizeof floats / sizeof *floats; i++) {
		const char *s = floats[i];
		char *end;
		int e;

		printf("\"%.40s\"%s\n", s, strlen(s) > 40 ? "..." : "");
		errno = 0;
		double d = strtod(s, &end);
		e = errno;
		printf("  strtod  %-26.17g %-24a end %-3td errno %s\n", d, d, end - s, err(e));
		errno = 0;
		float f = strtof(s, &end);
		e = errno;
		printf("  strtof  %-26.9g %-24a end %-3td errno %s\n", (double)f,
		       (double)f, end - s, err(e));
		errno = 0;
		long double ld = strtold(s, &end);
		e = errno;
		printf("  strtold %-26.21Lg %-24La end %-3td errno %s\n", ld, ld, end - s,
		       err(e));
		printf("  atof    %.17g\n", atof(s));
	}
	/* A NULL end pointer is allowed. */
	printf("strtod(\"2.5\", NULL) = %g\n", strtod("2.5", NULL));
}

static void parse_ints(void)
{
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		const char *s = ints[i];

		printf("\"%s\"\n", s);
		for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
			int base = bases[b];
			char *e1, *e2, *e3, *e4;
			int r1, r2, r3, r4;

			errno = 0;
			long l = strtol(s, &e1, base);
			r1 = errno;
			errno = 0;
			unsigned long ul = strtoul(s, &e2, base);
			r2 = errno;
			errno = 0;
			long long ll = strtoll(s, &e3, base);
			r3 = errno;
			errno = 0;
			unsigned long long ull = strtoull(s, &e4, base);
			r4 = errno;
			printf("  base %2d: l %ld/%td/%s ul %lu/%td/%s ll %lld/%td/%s ull %llu/%td/%s\n",
			       base, l, e1 - s, err(r1), ul, e2 - s, err(r2), ll, e3 - s,
			       err(r3), ull, e4 - s, err(r4));
		}
		errno = 0;
		char *end;
		intmax_t im = strtoimax(s, &end, 0);
		int e = errno;
		errno = 0;
		char *end2;
		uintmax_t um = strtoumax(s, &end2, 0);
		int e2 = errno;
		printf("  strtoimax %jd/%td/%s strtoumax %ju/%td/%s\n", im, end - s, err(e),
		       um, end2 - s, err(e2));
	}
	/* atoi and atol on values that fit. */
	static const char *small[] = { "0", "12", "-34", "  +56", "78x", "x", "2147483647",
				       "-2147483648", " \n\t-9" };
	for (size_t i = 0; i < sizeof small / sizeof *small; i++)
		printf("atoi(\"%s\") = %d, atol = %ld, atoll = %lld\n", small[i],
		       atoi(small[i]), atol(small[i]), atoll(small[i]));
	/* Invalid bases. */
	static const char num[] = "123";
	char *end;
	errno = 0;
	long l = strtol(num, &end, 1);
	printf("base 1: %ld end %td errno %s\n", l, end - num, err(errno));
	errno = 0;
	l = strtol("123", &end, 37);
	printf("base 37: %ld errno %s\n", l, err(errno));
	/* Every digit in base 36. */
	printf("base 36 digits: %llu %llu\n", strtoull("zz", NULL, 36),
	       strtoull("0123456789abcdefghijklm", NULL, 36));
}

/* Round trip: printing with %.17g and parsing gives the same double. */
static void round_trip(void)
{
	unsigned long long x = 88172645463325252ULL;
	unsigned bad = 0;
	char buf[64];

	for (int i = 0; i < 20000; i++) {
		double d, back;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&d, &x, sizeof d);
		if (d != d)
			continue;
		snprintf(buf, sizeof buf, "%.17g", d);
		back = strtod(buf, NULL);
		if (memcmp(&back, &d, sizeof d) != 0)
			bad++;
		snprintf(buf, sizeof buf, "%a", d);
		back = strtod(buf, NULL);
		if (memcmp(&back, &d, sizeof d) != 0)
			bad++;
	}
	printf("round trips failed: %u\n", bad);
}

int main(void)
{
	parse_floats();
	parse_ints();
	round_trip();
	return 0;
}
