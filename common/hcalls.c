/* SPDX-License-Identifier: ISC */
/* The hcall table (see hcalls.h), and looking things up in it. */
#include <stdio.h>
#include <string.h>

#include "hcalls.h"

#define HC(n, ...) [n] = { .nr = n, __VA_ARGS__ }

static const struct hc_info table[LPAR_HC_MAX] = {
	HC(LPAR_HC_ABI_VERSION, "abi_version", HC_GUEST, .types = ""),
	HC(LPAR_HC_CONSOLE_WRITE, "console_write", HC_GUEST, { "buf", "len" }, "pl"),
	HC(LPAR_HC_CONSOLE_READ, "console_read", HC_GUEST, { "buf", "len" }, "pl"),
	HC(LPAR_HC_EXIT, "exit", HC_GUEST, { "status" }, "u"),
	HC(LPAR_HC_ABORT, "abort", HC_GUEST, { "msg", "len" }, "pl"),
	HC(LPAR_HC_TIME_MONOTONIC, "time_monotonic", HC_GUEST, .types = ""),
	HC(LPAR_HC_TIME_WALL, "time_wall", HC_GUEST, .types = ""),
	HC(LPAR_HC_BLOCK, "block", HC_GUEST, { "deadline", "mask" }, "uu"),
	HC(LPAR_HC_EVENT_TAKE, "event_take", HC_GUEST, .types = ""),
	HC(LPAR_HC_TRACE_MARK, "trace_mark", HC_GUEST, { "msg", "len" }, "pl"),
	HC(LPAR_HC_RING_RESET, "ring_reset", HC_GUEST, { "ring", "gen" }, "uu"),
	HC(LPAR_HC_SYSCALL_UNSUPPORTED, "syscall_unsupported", HC_GUEST,
	   { "nr", "a0", "a1", "a2" }, "uuuu"),
	HC(LPAR_HC_RANDOM, "random", HC_GUEST, { "buf", "len" }, "pl"),
	HC(LPAR_HC_SET_FS_BASE, "set_fs_base", HC_GUEST, { "base" }, "u"),

	HC(LPAR_HC_CTL_INFO, "info", HC_CTL, .types = ""),
	HC(LPAR_HC_CTL_EVENT, "event", HC_CTL, { "bits" }, "u", .min = { 1 },
	   .max = { INT64_MAX }),
	HC(LPAR_HC_CTL_CONSOLE_INPUT, "console_input", HC_CTL, { "text" }, "t"),
	HC(LPAR_HC_CTL_WAKE, "wake", HC_CTL, { "ns" }, "u", .min = { 1 }, .max = { 1ull << 62 }),
	HC(LPAR_HC_CTL_SHUTDOWN, "shutdown", HC_CTL, .types = ""),
	HC(LPAR_HC_CTL_PANIC, "panic", HC_CTL, .types = ""),
};

const struct hc_info *hc_info(unsigned nr)
{
	return nr < LPAR_HC_MAX && table[nr].name ? &table[nr] : NULL;
}

const struct hc_info *hc_find(const char *name)
{
	for (unsigned nr = 0; nr < LPAR_HC_MAX; nr++)
		if (table[nr].name && !strcmp(table[nr].name, name))
			return &table[nr];
	return NULL;
}

size_t hc_nargs(const struct hc_info *h)
{
	size_t n = 0;

	while (n < 5 && h->args[n])
		n++;
	return n;
}

char hc_type(const struct hc_info *h, size_t i)
{
	if (!h->types || i >= strlen(h->types))
		return 'u';
	return h->types[i];
}

const char *hc_type_name(char type)
{
	switch (type) {
	case 'p': return "pointer";
	case 'l': return "length";
	case 't': return "text";
	default: return "number";
	}
}

const char *hc_who(const struct hc_info *h)
{
	if ((h->who & HC_GUEST) && (h->who & HC_CTL))
		return "both";
	return h->who & HC_CTL ? "controller" : "guest";
}

const char *hc_bound(uint64_t v, char *buf, size_t len)
{
	for (int b = 16; b < 64; b++) {
		if (v == 1ull << b) {
			snprintf(buf, len, "2^%d", b);
			return buf;
		}
		if (v == (1ull << b) - 1) {
			snprintf(buf, len, "2^%d-1", b);
			return buf;
		}
	}
	if (v == UINT64_MAX)
		snprintf(buf, len, "2^64-1");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}
