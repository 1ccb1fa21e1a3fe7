/* SPDX-License-Identifier: ISC
 * ctlhcalls: shows, one line each, what a controller's hcalls do inside a
 * partition (tests/hcall.bats) and marks its own trace (tests/trace.bats).
 * It prints "mem N", "abi N" and "ready", then waits in block() and prints
 * "event 0x..." (the bits event_take returns), "input 'TEXT'", "timer" and
 * "shutdown" (then exits 0) as they come.  Input lines are also commands:
 *
 *   marks A B C   the marks A, B and C, each followed by the line "marked X"
 *   spin N        N null hcalls (abi_version), then "spun N"
 *   badmark       a trace_mark from address 0 (-EFAULT), then "badmark -14"
 *   exit N        ends with status N
 *
 * With the argument "marks", it first marks "start" and "main".
 */
#include <lpar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each line its own console_write, so it falls between the marks. */
#define say(...) (printf(__VA_ARGS__), lpar_flush())

static void mark(const char *s)
{
	lpar_hcall2(LPAR_HC_TRACE_MARK, s, strlen(s));
}

/* One line of input as a command; returns an exit status, or -1 to go on. */
static int command(char *line)
{
	char *save = NULL, *w = strtok_r(line, " ", &save);

	if (!w)
		return -1;
	if (!strcmp(w, "marks")) {
		while ((w = strtok_r(NULL, " ", &save))) {
			mark(w);
			say("marked %s\n", w);
		}
	} else if (!strcmp(w, "spin") && (w = strtok_r(NULL, " ", &save))) {
		unsigned long n = strtoul(w, NULL, 10);

		for (unsigned long i = 0; i < n; i++)
			lpar_abi_version();
		say("spun %s\n", w);
	} else if (!strcmp(w, "badmark")) {
		say("badmark %ld\n", lpar_hcall2(LPAR_HC_TRACE_MARK, 0, 4));
	} else if (!strcmp(w, "exit") && (w = strtok_r(NULL, " ", &save))) {
		return (int)strtol(w, NULL, 10);
	}
	return -1;
}

/* Prints the input as it came, bytes outside printable ASCII as \xHH. */
static void show_input(const char *buf, long n)
{
	char out[4 * 512 + 1];
	size_t k = 0;

	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, sizeof(out) - k, "\\x%02x", c);
	}
	out[k] = '\0';
	say("input '%s'\n", out);
}

int main(int argc, char **argv)
{
	static char line[512];
	size_t len = 0;
	int status;

	printf("mem %lu\nabi %d\n", (unsigned long)lpar_boot->mem_size, lpar_abi_version());
	if (argc > 1 && !strcmp(argv[1], "marks")) {
		mark("start");
		mark("main");
	}
	say("ready\n");
	for (;;) {
		uint32_t ready = lpar_block(LPAR_DEADLINE_NEVER);

		if (ready & LPAR_READY_EVENT)
			printf("event 0x%lx\n", (unsigned long)lpar_hcall0(LPAR_HC_EVENT_TAKE));
		if (ready & LPAR_READY_TIMER)
			printf("timer\n");
		if (ready & LPAR_READY_CONSOLE) {
			char buf[256];
			long n = lpar_console_read(buf, sizeof(buf));

			if (n > 0)
				show_input(buf, n);
			for (long i = 0; i < n; i++) {
				if (buf[i] != '\n' && len < sizeof(line) - 1) {
					line[len++] = buf[i];
					continue;
				}
				line[len] = '\0';
				len = 0;
				if ((status = command(line)) >= 0)
					return status;
			}
		}
		if (ready & LPAR_READY_SHUTDOWN) {
			printf("shutdown\n");
			return 0;
		}
	}
}
