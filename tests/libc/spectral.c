/* SPDX-License-Identifier: ISC */
/* spectral.c: the benchmarks game's spectral norm: the square root of the
 * largest eigenvalue of A'A for the infinite matrix A with
 * a(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1), by ten rounds of the power method
 * on its N x N corner.  Usage: spectral [N], default 100 (1.274219991). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double a(int i, int j)
{
	return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

/* out = A v */
static void mul_av(int n, const double *v, double *out)
{
	for (int i = 0; i < n; i++) {
		double s = 0;
		for (int j = 0; j < n; j++)
			s += a(i, j) * v[j];
		out[i] = s;
	}
}

/* out = A' v */
static void mul_atv(int n, const double *v, double *out)
{
	for (int i = 0; i < n; i++) {
		double s = 0;
		for (int j = 0; j < n; j++)
			s += a(j, i) * v[j];
		out[i] = s;
	}
}

/* out = A'A v */
static void mul_atav(int n, const double *v, double *out, double *tmp)
{
	mul_av(n, v, tmp);
	mul_atv(n, tmp, out);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	double *u, *v, *tmp, vbv = 0, vv = 0;

	if (n < 1)
		n = 1;
	u = malloc(n * sizeof *u);
	v = malloc(n * sizeof *v);
	tmp = malloc(n * sizeof *tmp);
	if (!u || !v || !tmp) {
		printf("out of memory\n");
		return 1;
	}
	for (int i = 0; i < n; i++)
		u[i] = 1;
	for (int k = 0; k < 10; k++) {
		mul_atav(n, u, v, tmp);
		mul_atav(n, v, u, tmp);
	}
	for (int i = 0; i < n; i++) {
		vbv += u[i] * v[i];
		vv += v[i] * v[i];
	}
	printf("%.9f\n", sqrt(vbv / vv));
	free(u);
	free(v);
	free(tmp);
	return 0;
}
