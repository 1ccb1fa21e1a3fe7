/* SPDX-License-Identifier: ISC */
/*
 * longdouble: musl's long double functions, which run x87 instructions a
 * software FPU may compute in double precision (f2xm1, fyl2x, fyl2xp1,
 * fpatan, fptan, fsin, fcos, fsincos) or wrongly (fprem, fprem1 far
 * apart): printed in hex, so that a partition must give the same bits.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const long double in[] = {
	0.1L, 1.5L, -2.25L, 3.14159265358979323846264L, 1e-300L, 123456.789L, 1e10L, 1e300L,
	0x1.23456789abcdef12p+60L, -7.5e-5L,
};

int main(void)
{
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		long double x = in[i], a = fabsl(x);

		printf("x %La\n", x);
		printf("  expl %La exp2l %La expm1l %La\n", expl(x / 1000), exp2l(x / 1000),
		       expm1l(x / 1000));
		printf("  logl %La log2l %La log10l %La log1pl %La\n", logl(a), log2l(a), log10l(a),
		       log1pl(a));
		printf("  powl %La atan2l %La atanl %La\n", powl(a, 0.37L), atan2l(x, 3), atanl(x));
		printf("  sinl %La cosl %La tanl %La\n", sinl(x), cosl(x), tanl(x));
		printf("  fmodl %La remainderl %La\n", fmodl(x, 0.3L), remainderl(x, 0.7L));
		printf("  strtold %La strtod %a\n", strtold("2.2250738585072011e-308", NULL),
		       strtod("2.2250738585072011e-308", NULL));
	}
	return 0;
}
