/* SPDX-License-Identifier: ISC
 * memread: reads a partition's memory the way the debugger does, through
 * the debug target (dbg_mem_read: page-table walk, then the mapped window),
 * and reports the bandwidth.  For bench/window, and for tests comparing
 * the window with what the GDB stub serves.
 * Usage: memread NAME ADDR LEN [OUT]   (ADDR, LEN: decimal or 0x hex; OUT
 * receives the bytes).  Prints "bytes=N ns=T mb_per_s=X".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../common/err.h"
#include "../../common/num.h"
#include "../../debug/target.h"

#define CHUNK (1u << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct lerr err = { 0 };
	struct dbg_target *t;
	struct dbg_event ev = { 0 };
	uint64_t addr, len, done = 0, t0, ns = 0;
	FILE *out = NULL;
	char *buf;
	int r = 0;

	if (argc < 4 || argc > 5 || num_parse_u64(argv[2], &addr) || num_parse_u64(argv[3], &len)) {
		fprintf(stderr, "usage: memread NAME ADDR LEN [OUT]\n");
		return 2;
	}
	buf = malloc(CHUNK);
	if (!buf)
		return 1;
	if (argc == 5 && !(out = fopen(argv[4], "wb"))) {
		perror(argv[4]);
		return 1;
	}
	if (dbg_attach(argv[1], &t, &err)) {
		fprintf(stderr, "memread: %s\n", err.msg);
		return 1;
	}
	/* Attaching asks for a stop; the registers (CR3) are there once it came. */
	if (dbg_wait(t, &ev, &err) || ev.kind == DBG_ENDED) {
		fprintf(stderr, "memread: %s\n", ev.kind == DBG_ENDED && !err.msg[0] ?
			"the partition has ended" : err.msg);
		dbg_detach(t);
		return 1;
	}
	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;

		t0 = now_ns();
		r = dbg_mem_read(t, addr + done, buf, n, &err);
		ns += now_ns() - t0;
		if (r) {
			fprintf(stderr, "memread: %s\n", err.msg);
			break;
		}
		if (out && fwrite(buf, 1, n, out) != n) {
			perror(argv[4]);
			r = 1;
			break;
		}
		done += n;
	}
	dbg_detach(t);
	if (out && fclose(out))
		r = 1;
	free(buf);
	if (r)
		return 1;
	printf("bytes=%llu ns=%llu mb_per_s=%.0f\n", (unsigned long long)done,
	       (unsigned long long)ns, ns ? (double)done / 1e6 / ((double)ns / 1e9) : 0.0);
	return 0;
}
