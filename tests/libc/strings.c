/* SPDX-License-Identifier: ISC */
/* strings.c: string.h's functions on ordinary and edge-case inputs,
 * strerror and strsignal over a range of numbers, and ctype.h's classes
 * over every unsigned char value. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sign of a comparison, so a library may return any magnitude. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Where P points into S, or -1 for NULL. */
static long off(const char *s, const char *p)
{
	return p ? (long)(p - s) : -1L;
}

/* Prints N bytes of BUF, escaping those that are not printable. */
static void show(const char *label, const void *buf, size_t n)
{
	const unsigned char *b = buf;

	printf("%s: \"", label);
	for (size_t i = 0; i < n; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' && b[i] != '"')
			putchar(b[i]);
		else
			printf("\\x%02x", b[i]);
	}
	printf("\"\n");
}

static void lengths_and_compares(void)
{
	static const char *strs[] = { "", "a", "abc", "abd", "ab", "abcd", "ABC",
				      "\x80", "\xff", "a\x80", "zzzz", "b" };
	size_t n = sizeof strs / sizeof *strs;

	for (size_t i = 0; i < n; i++)
		printf("strlen %zu = %zu\n", i, strlen(strs[i]));
	for (size_t i = 0; i < n; i++) {
		printf("strcmp %2zu:", i);
		for (size_t j = 0; j < n; j++)
			printf(" %2d", sign(strcmp(strs[i], strs[j])));
		printf("\n");
	}
	for (size_t k = 0; k < 4; k++) {
		printf("strncmp n=%zu:", k);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				printf("%c", "<=>"[sign(strncmp(strs[i], strs[j], k)) + 1]);
		printf("\n");
	}
	printf("strncmp past NUL: %d %d\n", sign(strncmp("ab\0x", "ab\0y", 4)),
	       sign(strncmp("abc", "abd", 100)));
	printf("strcoll: %d %d %d\n", sign(strcoll("a", "b")), sign(strcoll("b", "a")),
	       sign(strcoll("same", "same")));
}

static void copies(void)
{
	char buf[64], dst[16];
	/* Sources and a length the compiler cannot see, so it does not warn
	 * of the truncations that are tested on purpose. */
	const char *volatile ten = "abcdefghij", *volatile bangs = "!!!???",
			     *volatile twelve = "stpncpy-long";
	volatile size_t zero = 0;
	size_t r;
	char *p;

	memset(buf, '#', sizeof buf);
	p = strcpy(buf, "hello");
	show("strcpy", buf, 8);
	printf("strcpy returns dst: %d\n", p == buf);
	p = strcat(buf, ", world");
	show("strcat", buf, 15);
	printf("strcat returns dst: %d\n", p == buf);
	p = strncat(buf, bangs, 3);
	show("strncat", buf, 18);
	printf("strncat returns dst: %d\n", p == buf);

	/* strncpy pads with NULs, and does not terminate a long source. */
	memset(dst, '#', sizeof dst);
	strncpy(dst, "abc", 8);
	show("strncpy short", dst, sizeof dst);
	memset(dst, '#', sizeof dst);
	strncpy(dst, ten, 5);
	show("strncpy long", dst, sizeof dst);
	memset(dst, '#', sizeof dst);
	strncpy(dst, "", 4);
	show("strncpy empty", dst, sizeof dst);

	memset(dst, '#', sizeof dst);
	p = stpcpy(dst, "stp");
	printf("stpcpy end at %ld\n", off(dst, p));
	p = stpncpy(dst, twelve, 6);
	printf("stpncpy end at %ld\n", off(dst, p));
	show("stpncpy", dst, sizeof dst);

	/* memcpy, and memmove overlapping either way. */
	for (int i = 0; i < 64; i++)
		buf[i] = (char)('A' + i % 26);
	memcpy(dst, buf + 3, sizeof dst);
	show("memcpy", dst, sizeof dst);
	memmove(buf + 5, buf, 20);
	show("memmove forward", buf, 32);
	for (int i = 0; i < 64; i++)
		buf[i] = (char)('a' + i % 26);
	memmove(buf, buf + 7, 30);
	show("memmove backward", buf, 40);
	memmove(buf + 1, buf + 1, 10);
	show("memmove self", buf, 12);
	memset(buf, 0, sizeof buf);
	memset(buf + 3, 0xab, 9);
	memset(buf + 20, 'z', zero);
	show("memset", buf, 24);

	/* Larger copies at every alignment. */
	{
		static unsigned char src[300], big[320];
		unsigned long sum = 0;

		for (int i = 0; i < 300; i++)
			src[i] = (unsigned char)(i * 7 + 3);
		for (int a = 0; a < 16; a++)
			for (int b = 0; b < 16; b++)
				for (size_t len = 0; len < 300; len += 37) {
					memset(big, 0, sizeof big);
					memcpy(big + a, src + b, len);
					if (memcmp(big + a, src + b, len) != 0)
						printf("memcpy wrong a=%d b=%d len=%zu\n", a, b, len);
					for (size_t i = 0; i < sizeof big; i++)
						sum = sum * 31 + big[i];
					memmove(big + b, big + a, len);
					for (size_t i = 0; i < sizeof big; i++)
						sum = sum * 31 + big[i];
				}
		printf("aligned copies checksum %016lx\n", sum);
	}

	r = strlen(strcpy(buf, "length"));
	printf("strlen(strcpy) = %zu\n", r);
}

static void searches(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog";
	const char *hay = "aaabaaabaaaab";
	char mem[] = "ab\0cd\0ef";

	printf("strchr o: %ld, strchr NUL: %ld, strchr Z: %ld\n", off(s, strchr(s, 'o')),
	       off(s, strchr(s, '\0')), off(s, strchr(s, 'Z')));
	printf("strrchr o: %ld, strrchr t: %ld, strrchr NUL: %ld, strrchr Z: %ld\n",
	       off(s, strrchr(s, 'o')), off(s, strrchr(s, 't')),
	       off(s, strrchr(s, '\0')), off(s, strrchr(s, 'Z')));
	printf("strstr: %ld %ld %ld %ld %ld\n", off(s, strstr(s, "the")),
	       off(s, strstr(s, "lazy")), off(s, strstr(s, "")),
	       off(s, strstr(s, "dogs")), off(s, strstr(s, "o")));
	printf("strstr periodic: %ld %ld %ld\n", off(hay, strstr(hay, "aaaab")),
	       off(hay, strstr(hay, "baaab")), off(hay, strstr(hay, "aaaaa")));
	printf("strspn: %zu %zu %zu %zu\n", strspn(s, "eht"), strspn(s, "abc"),
	       strspn(s, ""), strspn("", "abc"));
	printf("strcspn: %zu %zu %zu %zu\n", strcspn(s, " "), strcspn(s, "xyz"),
	       strcspn(s, ""), strcspn(s, "!"));
	printf("strpbrk: %ld %ld %ld\n", off(s, strpbrk(s, "qz")), off(s, strpbrk(s, "!?")),
	       off(s, strpbrk(s, "")));
	printf("memchr: %ld %ld %ld %ld\n", off(mem, memchr(mem, 'c', sizeof mem)),
	       off(mem, memchr(mem, '\0', sizeof mem)), off(mem, memchr(mem, 'f', 7)),
	       off(mem, memchr(mem, 'f', sizeof mem)));
	printf("memcmp: %d %d %d %d %d\n", sign(memcmp("abc", "abd", 3)),
	       sign(memcmp("abc", "abd", 2)), sign(memcmp("\x80", "\x7f", 1)),
	       sign(memcmp(mem, "ab\0ce", 5)), sign(memcmp("x", "y", 0)));

	/* A long haystack, so two-way search is used. */
	{
		static char big[5000];
		char needle[64];

		for (int i = 0; i < 4999; i++)
			big[i] = (char)('a' + (i * i + i / 7) % 3);
		memcpy(needle, big + 4000, 40);
		needle[40] = 0;
		printf("strstr long: %ld\n", off(big, strstr(big, needle)));
		memcpy(needle, big + 123, 9);
		needle[9] = 0;
		printf("strstr short: %ld\n", off(big, strstr(big, needle)));
		printf("strstr absent: %ld\n", off(big, strstr(big, "abcabcabcabcd")));
	}
}

static void tokens(void)
{
	char text[] = ",,alpha, beta;;gamma,,delta;";
	char *tok;
	int n = 0;

	for (tok = strtok(text, ",; "); tok; tok = strtok(NULL, ",; "))
		printf("strtok %d: '%s'\n", n++, tok);
	char only[] = ";;;";
	printf("strtok of separators only: %s\n", strtok(only, ";") ? "token" : "NULL");
	char empty[] = "";
	printf("strtok of empty: %s\n", strtok(empty, ";") ? "token" : "NULL");

	char text2[] = "k1=v1&k2=v2&&k3";
	char *save = NULL, *p = text2;
	n = 0;
	for (tok = strtok_r(p, "&", &save); tok; tok = strtok_r(NULL, "&", &save))
		printf("strtok_r %d: '%s'\n", n++, tok);
}

static void duplicates(void)
{
	char *a = strdup("duplicate me");
	char *b = strndup("duplicate me", 4);
	const char *volatile ab = "ab";
	char *c = strndup(ab, 10);
	char *d = strdup("");

	if (!a || !b || !c || !d) {
		printf("strdup failed\n");
		exit(1);
	}
	printf("strdup '%s' %zu, strndup '%s' %zu, '%s' %zu, '%s' %zu\n", a,
	       strlen(a), b, strlen(b), c, strlen(c), d, strlen(d));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void messages(void)
{
	for (int e = 0; e <= 134; e++)
		printf("strerror(%d) = %s\n", e, strerror(e));
	printf("strerror(-1) = %s\n", strerror(-1));
	printf("strerror(9999) = %s\n", strerror(9999));
	errno = 0;
	(void)strerror(EINVAL);
	printf("strerror leaves errno: %d\n", errno);
	{
		char buf[256];
		int r = strerror_r(ENOENT, buf, sizeof buf);
		printf("strerror_r = %d '%s'\n", r, buf);
		r = strerror_r(ENOENT, buf, 4);
		printf("strerror_r short = %s\n", r == ERANGE ? "ERANGE" : r ? "other" : "0");
	}
	for (int s = 0; s <= 65; s++)
		printf("strsignal(%d) = %s\n", s, strsignal(s));
}

static void ctype(void)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
		{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
		{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};

	/* A line per class: one hex digit per four characters, 0-255. */
	for (size_t k = 0; k < sizeof classes / sizeof *classes; k++) {
		printf("%-6s ", classes[k].name);
		for (int c = 0; c < 256; c += 4) {
			int nib = 0;
			for (int b = 0; b < 4; b++)
				nib |= (classes[k].fn(c + b) != 0) << b;
			printf("%x", nib);
		}
		printf(" EOF:%d\n", classes[k].fn(EOF) != 0);
	}
	printf("toupper: ");
	for (int c = 0; c < 256; c++)
		if (toupper(c) != c)
			printf("%02x>%02x ", c, toupper(c));
	printf("\ntolower: ");
	for (int c = 0; c < 256; c++)
		if (tolower(c) != c)
			printf("%02x>%02x ", c, tolower(c));
	printf("\ntoupper(EOF) = %d, tolower(EOF) = %d\n", toupper(EOF), tolower(EOF));
}

int main(void)
{
	lengths_and_compares();
	copies();
	searches();
	tokens();
	duplicates();
	messages();
	ctype();
	return 0;
}
