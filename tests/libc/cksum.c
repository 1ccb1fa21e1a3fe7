/* SPDX-License-Identifier: ISC */
/* cksum.c: the POSIX cksum CRC and Adler-32 of a deterministic
 * pseudo-random stream (the same stream as sha256.c's).
 * Usage:
 *   cksum crc [N [SEED]]    the CRC and length of the stream's first N bytes
 *                           (default 4 MiB), printed as cksum prints them
 *                           for stdin
 *   cksum adler [N [SEED]]  their Adler-32, in hex
 *   cksum data [N [SEED]]   the bytes themselves, on stdout
 *   cksum test              known values */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- POSIX cksum: CRC-32 with polynomial 0x04C11DB7, most significant bit
 * first, starting from 0, over the data and then the length in as few bytes
 * as hold it (least significant first), complemented. -------------------- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;
		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04c11db7u : c << 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--)
		crc = crc << 8 ^ crc_table[(crc >> 24 ^ *p++) & 0xff];
	return crc;
}

static uint32_t crc_finish(uint32_t crc, uint64_t len)
{
	for (; len; len >>= 8) {
		unsigned char b = (unsigned char)len;
		crc = crc_update(crc, &b, 1);
	}
	return ~crc;
}

/* ---- Adler-32 (RFC 1950) ------------------------------------------------- */

static uint32_t adler_update(uint32_t adler, const unsigned char *p, size_t n)
{
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (n) {
		/* 5552 bytes cannot overflow b before the reduction. */
		size_t k = n < 5552 ? n : 5552;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static uint32_t cksum_of(const char *s)
{
	return crc_finish(crc_update(0, (const unsigned char *)s, strlen(s)), strlen(s));
}

static int self_test(void)
{
	/* What cksum prints for these on stdin. */
	static const struct {
		const char *label, *msg;
		uint32_t crc;
	} crcs[] = {
		{ "(empty)", "", 4294967295u },
		{ "a", "a", 1220704766u },
		{ "123456789", "123456789", 930766865u },
		{ "hello\\n", "hello\n", 3015617425u },
	};
	static const struct {
		const char *msg;
		uint32_t adler;
	} adlers[] = {
		{ "", 1 },
		{ "a", 0x00620062 },
		{ "Wikipedia", 0x11e60398 },
		{ "123456789", 0x091e01de },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof crcs / sizeof *crcs; i++) {
		uint32_t c = cksum_of(crcs[i].msg);
		bad += c != crcs[i].crc;
		printf("cksum %-12s %10u %s\n", crcs[i].label, c,
		       c == crcs[i].crc ? "ok" : "WRONG");
	}
	for (size_t i = 0; i < sizeof adlers / sizeof *adlers; i++) {
		const char *m = adlers[i].msg;
		uint32_t a = adler_update(1, (const unsigned char *)m, strlen(m));
		bad += a != adlers[i].adler;
		printf("adler32 %-12s %08x %s\n", m[0] ? m : "(empty)", a,
		       a == adlers[i].adler ? "ok" : "WRONG");
	}
	/* A million 0xff bytes: Adler-32's sums wrap many times. */
	static unsigned char ff[1000000];
	memset(ff, 0xff, sizeof ff);
	uint32_t whole = adler_update(1, ff, sizeof ff), parts = 1;
	for (size_t off = 0; off < sizeof ff; off += 7919)
		parts = adler_update(parts, ff + off,
				     sizeof ff - off < 7919 ? sizeof ff - off : 7919);
	printf("adler32 of 10^6 0xff: %08x, in parts %s\n", whole,
	       whole == parts ? "agrees" : "DIFFERS");
	return bad || whole != parts;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "crc";
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 4u << 20, len = n;
	static unsigned char buf[65536];
	uint32_t crc = 0, adler = 1;

	crc_init();
	gen_seed(argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	if (!strcmp(mode, "test"))
		return self_test();
	if (strcmp(mode, "data") && strcmp(mode, "crc") && strcmp(mode, "adler")) {
		fprintf(stderr, "usage: cksum crc|adler|data [N [SEED]] | cksum test\n");
		return 2;
	}
	while (n) {
		size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
		gen(buf, k);
		if (!strcmp(mode, "data")) {
			if (fwrite(buf, 1, k, stdout) != k)
				return 1;
		} else {
			crc = crc_update(crc, buf, k);
			adler = adler_update(adler, buf, k);
		}
		n -= k;
	}
	if (!strcmp(mode, "crc"))
		printf("%u %llu\n", crc_finish(crc, len), (unsigned long long)len);
	else if (!strcmp(mode, "adler"))
		printf("%08x %llu\n", adler, (unsigned long long)len);
	return fflush(stdout) != 0;
}
