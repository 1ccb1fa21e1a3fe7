/* SPDX-License-Identifier: ISC
 * dbgctl: drives a partition's debug file for tests (docs/debug-protocol.md).
 * Usage: dbgctl NAME STEP...  where a STEP is "wait" (print the next event),
 * "regs" (print rip from vcpu/0/regs), "sleep" (hold on for 5 s), "peek:ADDR"
 * (print the byte at ADDR as the control tree's mem file shows it) or a
 * command written as is ("break
 * 0x100040", "cont", "step 3").  The debug file stays open throughout; a
 * failed command prints "error: N (text)" and dbgctl goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../libpart/conn.h" /* the wire itself: this tool tests the protocol */
#include "../../libpart/part.h"
#include "../../p9/client.h"

int main(int argc, char **argv)
{
	struct lerr err = { 0 };
	struct part *p = NULL;
	uint32_t cmdfid;
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: dbgctl NAME STEP...\n");
		return 2;
	}
	if (part_open(argv[1], &p, NULL, &err)) {
		fprintf(stderr, "dbgctl: %s\n", err.msg);
		return 1;
	}
	r = p9c_open_path(part_conn(p), "debug", P9_ORDWR, &cmdfid);
	if (r) {
		printf("open: %s\n", strerror(-r));
		part_close(p);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		char buf[1024];
		ssize_t n;

		if (!strcmp(argv[i], "wait")) {
			n = p9c_read(part_conn(p), cmdfid, 0, buf, sizeof(buf) - 1);
			if (n < 0) {
				printf("error: %zd (%s)\n", n, strerror((int)-n));
				continue;
			}
			buf[n] = '\0';
			printf("%s", buf);
		} else if (!strncmp(argv[i], "peek:", 5)) {
			uint64_t a = strtoull(argv[i] + 5, NULL, 0);
			uint32_t mfid;
			unsigned char b;

			if (p9c_open_path(part_conn(p), "mem", P9_ORDONLY, &mfid) == 0) {
				n = p9c_read(part_conn(p), mfid, a, &b, 1);
				if (n == 1)
					printf("peek 0x%llx = 0x%02x\n", (unsigned long long)a, b);
				p9c_clunk(part_conn(p), mfid);
			}
		} else if (!strcmp(argv[i], "sleep")) {
			sleep(5);
		} else if (!strcmp(argv[i], "regs")) {
			char *text = NULL;

			n = p9c_read_path(part_conn(p), "vcpu/0/regs", &text, 65536);
			if (n < 0) {
				printf("error: %zd (%s)\n", n, strerror((int)-n));
				continue;
			}
			printf("%.*s\n", (int)strcspn(strstr(text, "rip") ? strstr(text, "rip") : text, "\n"),
			       strstr(text, "rip") ? strstr(text, "rip") : text);
			free(text);
		} else {
			n = p9c_write(part_conn(p), cmdfid, 0, argv[i], (uint32_t)strlen(argv[i]));
			if (n < 0)
				printf("error: %zd (%s)\n", n, strerror((int)-n));
		}
		fflush(stdout);
	}
	p9c_clunk(part_conn(p), cmdfid);
	part_close(p);
	return 0;
}
