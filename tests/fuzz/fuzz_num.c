/* SPDX-License-Identifier: ISC */
/*
 * Numbers, sizes, addresses and specs as users write them (common/num.c,
 * libpart/share.c) and the status text a controller reads (libpart/status.c).
 * The first byte picks the parser; the rest, cut at a NUL, is its input.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/err.h"
#include "../../common/num.h"
#include "../../libpart/part.h"

/* A symbol table for num_parse_addr: three names, and an error for one. */
static int sym(void *ctx, const char *name, uint64_t *addr)
{
	(void)ctx;
	if (!strcmp(name, "main"))
		*addr = 0x401000;
	else if (!strcmp(name, "_start"))
		*addr = 0xfffffffffffffff0ull;
	else if (!strcmp(name, "bad"))
		return -EIO;
	else
		return -ENOENT;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct part_shares shares;
	static struct part_status st;
	struct part_share sh;
	struct lerr err = { 0, "" };
	char buf[4096], *s;
	uint64_t v;
	long l;

	if (!size)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 10) {
	case 0:
		num_parse_u64(s, &v);
		break;
	case 1:
		if (num_parse_size(s, &v) == 0)
			num_format_size(v, buf, sizeof(buf));
		break;
	case 2:
		num_parse_addr(s, sym, NULL, &v);
		num_parse_addr(s, NULL, NULL, &v);
		break;
	case 3:
		num_parse_int(s, -100, 100, &l);
		num_parse_int(s, LONG_MIN, LONG_MAX, &l);
		break;
	case 4:
		part_share_parse(s, &sh, &err);
		break;
	case 5: {
		/* One spec per line, into one list, as --share repeated. */
		char *save = NULL;

		memset(&shares, 0, sizeof(shares));
		for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (part_share_add(&shares, line, &err))
				break;
		break;
	}
	case 6:
		part_workdir_parse(s, buf, sizeof(buf), &err);
		part_workdir_parse(s, buf, 8, &err);
		break;
	case 7:
		part_path_clean(buf, sizeof(buf), s);
		part_path_clean(buf, 5, s);
		part_path_absolute(buf, sizeof(buf), s);
		break;
	case 8:
		if (part_status_parse(s, &st) == 0) {
			part_status_code(&st);
			part_status_ended(&st);
		}
		break;
	case 9:
		part_env_valid(s);
		break;
	}
	free(s);
	return 0;
}
