/* SPDX-License-Identifier: ISC
 * The data stream tests/libc/sha256.c and cksum.c hash: the top four bytes
 * of each step of an LCG (Knuth's MMIX constants), most significant first.
 * Included by both, so the two hash the very same bytes.
 */
#ifndef LPAR_TEST_GEN_H
#define LPAR_TEST_GEN_H

#include <stddef.h>
#include <stdint.h>

static uint64_t gen_state;

static void gen_seed(uint64_t seed)
{
	gen_state = seed * 0x9e3779b97f4a7c15ULL + 1;
}

/* Fills BUF with the next N bytes: the top four bytes of each step of an
 * LCG (Knuth's MMIX constants), most significant first. */
static void gen(unsigned char *buf, size_t n)
{
	static unsigned char pending[4];
	static size_t npending;

	while (n) {
		if (!npending) {
			gen_state = gen_state * 6364136223846793005ULL +
				    1442695040888963407ULL;
			for (int i = 0; i < 4; i++)
				pending[i] = (unsigned char)(gen_state >> (56 - 8 * i));
			npending = 4;
		}
		*buf++ = pending[4 - npending--];
		n--;
	}
}

#endif
