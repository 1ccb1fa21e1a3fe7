/* SPDX-License-Identifier: ISC */
/* Checked number parsing and size formatting. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"

/* Hex after "0x", else decimal: a leading zero is not octal. */
static int base_of(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

int num_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int suffix_shift(const char *suf)
{
	static const char units[] = "KMGT";
	const char *p;

	if (!*suf)
		return 0;
	p = strchr(units, toupper((unsigned char)suf[0]));
	if (!p || !suf[0])
		return -1;
	suf++;
	if (!*suf || !strcasecmp(suf, "b") || !strcasecmp(suf, "ib"))
		return 10 * (int)(p - units + 1);
	return -1;
}

int num_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || (base_of(s) == 16 && end == s + 2))
		return -EINVAL;
	shift = suffix_shift(end);
	if (shift < 0)
		return -EINVAL;
	if (shift && v > (~0ull >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

static int sym_start(int c)
{
	return isalpha(c) || c == '_' || c == '.';
}

static int sym_char(int c)
{
	return sym_start(c) || isdigit(c) || c == '$';
}

int num_parse_addr(const char *s, num_sym_fn sym, void *ctx, uint64_t *out)
{
	const char *plus;
	char name[512];
	uint64_t base, off = 0;
	size_t len;
	int r;

	if (!s || !*s)
		return -EINVAL;
	plus = strchr(s, '+');
	len = plus ? (size_t)(plus - s) : strlen(s);
	if (!len || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, s, len);
	name[len] = '\0';
	if (plus) {
		r = num_parse_u64(plus + 1, &off);
		if (r)
			return r;
	}
	if (isdigit((unsigned char)name[0])) {
		r = num_parse_u64(name, &base);
		if (r)
			return r;
	} else {
		if (!sym_start((unsigned char)name[0]))
			return -EINVAL;
		for (size_t i = 1; i < len; i++)
			if (!sym_char((unsigned char)name[i]))
				return -EINVAL;
		if (!sym)
			return -ENOENT;
		r = sym(ctx, name, &base);
		if (r)
			return r;
	}
	if (__builtin_add_overflow(base, off, &base))
		return -ERANGE;
	*out = base;
	return 0;
}

int num_parse_int(const char *s, long min, long max, long *out)
{
	long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end || end == s || isspace((unsigned char)*s))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *num_format_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	int u = -1;
	uint64_t scale = 1;

	/* Pick the unit the rounded value is shown in ("1.0 MiB", not "1024.0 KiB"). */
	while (u < 3 && n >= scale * 1024 - scale / 20) {
		scale *= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
	else if (n % scale == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(n / scale), units[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)n / (double)scale, units[u]);
	return buf;
}
