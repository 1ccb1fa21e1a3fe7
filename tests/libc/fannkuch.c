/* SPDX-License-Identifier: ISC */
/* fannkuch.c: the benchmarks game's fannkuch-redux.  For every permutation
 * of 1..N, flip the first k elements while the first is k != 1; report the
 * largest number of flips and a checksum (the flip counts summed with
 * alternating signs in the order the permutations are made).
 * Usage: fannkuch [N], default 7 (checksum 228, 16 flips). */
#include <stdio.h>
#include <stdlib.h>

#define MAXN 12

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 7;
	int perm[MAXN], work[MAXN], count[MAXN];
	long checksum = 0, index = 0;
	int maxflips = 0;

	if (n < 1 || n > MAXN) {
		fprintf(stderr, "fannkuch: N must be 1 to %d\n", MAXN);
		return 2;
	}
	for (int i = 0; i < n; i++)
		perm[i] = i;
	/* count[r] says how many more times the first r+1 elements are to be
	 * rotated (r+1 rotations bring them back) before the first r+2 are. */
	for (int i = 0; i < n; i++)
		count[i] = i + 1;
	for (;;) {
		/* Count the flips of this permutation. */
		int flips = 0;
		for (int i = 0; i < n; i++)
			work[i] = perm[i];
		while (work[0] != 0) {
			int k = work[0];
			for (int lo = 0, hi = k; lo < hi; lo++, hi--) {
				int t = work[lo];
				work[lo] = work[hi];
				work[hi] = t;
			}
			flips++;
		}
		if (flips > maxflips)
			maxflips = flips;
		checksum += index % 2 ? -flips : flips;
		index++;

		/* The next permutation: rotate the shortest prefix whose
		 * count has not run out, resetting the shorter ones. */
		int r = 1;
		for (;;) {
			if (r == n) {
				printf("%ld\nPfannkuchen(%d) = %d\n", checksum, n, maxflips);
				printf("permutations %ld\n", index);
				return 0;
			}
			int first = perm[0];
			for (int i = 0; i < r; i++)
				perm[i] = perm[i + 1];
			perm[r] = first;
			if (--count[r] > 0)
				break;
			count[r] = r + 1;
			r++;
		}
	}
}
