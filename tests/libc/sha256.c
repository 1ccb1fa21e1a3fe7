/* SPDX-License-Identifier: ISC */
/* sha256.c: SHA-256 (FIPS 180-4) of a deterministic pseudo-random stream.
 * Usage:
 *   sha256 hash [N [SEED]]  the hash of the stream's first N bytes (default
 *                           4 MiB), printed as sha256sum prints it for stdin
 *   sha256 data [N [SEED]]  the stream's first N bytes, on stdout
 *   sha256 test             the hashes of the standard's examples
 * hash takes the stream in pieces of varying sizes, so the padding and the
 * carrying of partial blocks are exercised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- SHA-256 ------------------------------------------------------------ */

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	unsigned char block[64];
	size_t used;		/* bytes in block */
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof h0);
	s->len = 0;
	s->used = 0;
}

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ w[t - 15] >> 3;
		uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ w[t - 2] >> 10;
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + K[t] + w[t];
		uint32_t S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + maj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	if (s->used) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used < 64)
			return;
		sha256_block(s, s->block);
		s->used = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_block(s, p);
	memcpy(s->block, p, n);
	s->used = n;
}

static void sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->used < 56 ? 56 : 120) - s->used;

	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}

static void print_hex(const unsigned char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
}

/* ---- modes -------------------------------------------------------------- */

static int self_test(void)
{
	static const struct {
		const char *msg;
		size_t repeat;
		const char *want;
	} tests[] = {
		{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
		{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
		struct sha256 s;
		unsigned char d[32];
		char hex[65];

		sha256_init(&s);
		for (size_t r = 0; r < tests[i].repeat; r++)
			sha256_update(&s, tests[i].msg, strlen(tests[i].msg));
		sha256_final(&s, d);
		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		int ok = !strcmp(hex, tests[i].want);
		bad += !ok;
		printf("%s  \"%.20s%s\" x %zu: %s\n", hex, tests[i].msg,
		       strlen(tests[i].msg) > 20 ? "..." : "", tests[i].repeat,
		       ok ? "ok" : "WRONG");
	}
	/* Every length from 0 to 200 bytes, hashed at once and a byte at a
	 * time, must agree. */
	unsigned char buf[200];
	int differ = 0;
	gen_seed(3);
	gen(buf, sizeof buf);
	struct sha256 all;
	sha256_init(&all);
	for (size_t n = 0; n <= sizeof buf; n++) {
		struct sha256 a, b;
		unsigned char da[32], db[32];

		sha256_init(&a);
		sha256_update(&a, buf, n);
		sha256_final(&a, da);
		sha256_init(&b);
		for (size_t k = 0; k < n; k++)
			sha256_update(&b, buf + k, 1);
		sha256_final(&b, db);
		differ += memcmp(da, db, 32) != 0;
		sha256_update(&all, da, 32);
	}
	unsigned char d[32];
	sha256_final(&all, d);
	printf("lengths 0-200 whole vs bytewise: %s, chained ", differ ? "DIFFER" : "agree");
	print_hex(d, 32);
	printf("\n");
	return bad || differ;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "hash";
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 4u << 20;
	static unsigned char buf[65536];

	gen_seed(argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	if (!strcmp(mode, "test"))
		return self_test();
	if (!strcmp(mode, "data")) {
		while (n) {
			size_t k = n < sizeof buf ? n : sizeof buf;
			gen(buf, k);
			if (fwrite(buf, 1, k, stdout) != k)
				return 1;
			n -= k;
		}
		return fflush(stdout) != 0;
	}
	if (!strcmp(mode, "hash")) {
		struct sha256 s;
		unsigned char d[32];
		size_t piece = 1;

		sha256_init(&s);
		while (n) {
			size_t k = n < piece ? n : piece;
			gen(buf, k);
			sha256_update(&s, buf, k);
			n -= k;
			/* 1, 4, 13, 40, ... bytes, then back to 1. */
			piece = piece * 3 + 1;
			if (piece > sizeof buf)
				piece = 1;
		}
		sha256_final(&s, d);
		print_hex(d, 32);
		printf("  -\n");
		return 0;
	}
	fprintf(stderr, "usage: sha256 hash|data [N [SEED]] | sha256 test\n");
	return 2;
}
