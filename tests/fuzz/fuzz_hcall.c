/* SPDX-License-Identifier: ISC */
/*
 * Every hcall of the table (common/hcalls.c) through the monitor's own
 * dispatch (hv_hcall_dispatch: the devices' handlers in hv/, their argument
 * decoding and checks) with arbitrary registers and guest memory, and
 * every controller hcall through hv_hcall_ctl with arbitrary text, on a
 * running partition made fresh for every input (fuzz_hv.h).
 *
 *   flags[1]   & 1: trace while the calls run (the trace records each)
 *   len[2] mem[len]   copied into the partition's heap (writable, its own)
 *   then calls of 42 bytes: nr[1] rel[1] args[5 x 8]
 *      rel bit i: argument i is a pointer into the heap ('p') or a length
 *      of at most 64 KiB ('l') by the table's types, so that most calls
 *      name memory the partition owns; otherwise the value is as given
 *   a call with nr 0xff ends them: the rest is controller hcall lines
 *
 * block() sleeps until its deadline: the harness makes every deadline one
 * that has passed, so that it looks at what is ready and returns.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/hcalls.h"
#include "fuzz_hv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_hv_init();
	return 0;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void call(struct hv *hv, const uint8_t *rec)
{
	const struct hc_info *info = hc_info(rec[0]);
	struct hv_regs *r = hvb_cpu_regs(hv->cpu);
	uint64_t a[5];

	for (int i = 0; i < 5; i++) {
		a[i] = get64(rec + 2 + 8 * i);
		if (info && (rec[1] >> i & 1)) {
			if (hc_type(info, (size_t)i) == 'p')
				a[i] = hv->lay.heap_start + a[i] % 0x20000;
			else if (hc_type(info, (size_t)i) == 'l')
				a[i] %= 0x10001;
		}
	}
	if (rec[0] == LPAR_HC_BLOCK) {
		uint64_t now = hv_now(hv);

		a[0] = a[0] < now ? a[0] : now;
	}
	r->rax = rec[0];
	r->rdi = a[0], r->rsi = a[1], r->rdx = a[2], r->rcx = a[3], r->r8 = a[4];
	hv_hcall_dispatch(hv);
}

static void ctl_lines(struct hv *hv, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	char out[1100];

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		hv_hcall_ctl(hv, line, out, sizeof(out));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv *hv;
	uint64_t cursor;
	size_t len;
	int tracing = 0;

	if (size < 3)
		return 0;
	hv = fuzz_hv_new(NULL);
	fuzz_hv_running(hv);
	if (data[0] & 1)
		tracing = hv_trace_open(hv, &cursor) == 0;
	len = data[1] | (size_t)data[2] << 8;
	data += 3, size -= 3;
	if (len > size)
		len = size;
	if (hv->lay.heap_end > hv->lay.heap_start) {
		uint64_t room = hv->lay.heap_end - hv->lay.heap_start;

		memcpy(hv->mem.base + hv->lay.heap_start, data, len < room ? len : room);
	}
	data += len, size -= len;
	for (; size >= 42 && data[0] != 0xff; data += 42, size -= 42)
		call(hv, data);
	if (size && data[0] == 0xff)
		ctl_lines(hv, data + 1, size - 1);
	if (tracing) {
		char buf[4096];

		while (hv_trace_pending(hv, cursor))
			hv_trace_read(hv, &cursor, buf, sizeof(buf));
		hv_trace_close(hv);
	}
	fuzz_hv_free(hv);
	return 0;
}
