/* SPDX-License-Identifier: ISC */
/* exit.c: how a program ends.  Usage: exit HOW [N], HOW one of
 *   return  - return N from main
 *   exit    - exit(N) from a nested call
 *   _Exit   - _Exit(N): no atexit handlers, stdio not flushed
 *   quick   - quick_exit(N): at_quick_exit handlers only, stdio not flushed
 *   nested  - an atexit handler registers another, which runs next
 *   big     - more output than stdio's buffer holds, then exit(N)
 *   stderr  - stdout and stderr mixed; stdout flushed before each stderr write
 * Output left in stdout's buffer at exit and return is flushed; the last
 * line has no newline, so that a partial line is shown to be flushed too. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void first(void)
{
	printf("atexit: registered first, runs last\n");
}

static void second(void)
{
	printf("atexit: registered second\n");
}

static void third(void)
{
	printf("atexit: registered third, runs first\n");
}

static void late(void)
{
	printf("atexit: registered while exiting, runs next\n");
}

static void registers(void)
{
	printf("atexit: registering another while exiting\n");
	if (atexit(late) != 0)
		printf("atexit in a handler failed\n");
}

/* quick_exit does not flush stdio: its handlers write(2) directly. */
static void say(const char *s)
{
	if (write(1, s, strlen(s)) != (ssize_t)strlen(s))
		_Exit(97);
}

static void quick1(void)
{
	say("at_quick_exit: registered first, runs last\n");
}

static void quick2(void)
{
	say("at_quick_exit: registered second, runs first\n");
}

static void never(void)
{
	printf("an atexit handler ran after quick_exit or _Exit\n");
	fflush(stdout);
}

static void inner(int n)
{
	printf("exit(%d) from a nested call, partial line...", n);
	exit(n);
}

static void outer(int n)
{
	inner(n);
	printf("exit returned\n");
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "return";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (atexit(first) || atexit(second) || atexit(third)) {
		printf("atexit failed\n");
		return 99;
	}
	printf("ending with %s %d\n", how, n);

	if (!strcmp(how, "return")) {
		printf("returning %d from main, partial line...", n);
		return n;
	} else if (!strcmp(how, "exit")) {
		outer(n);
	} else if (!strcmp(how, "_Exit")) {
		printf("flushed before _Exit\n");
		fflush(stdout);
		/* No newline, so that it stays buffered even if stdout
		 * were line buffered. */
		printf("left in the buffer: _Exit drops this");
		_Exit(n);
	} else if (!strcmp(how, "quick")) {
		if (at_quick_exit(quick1) || at_quick_exit(quick2) || atexit(never))
			printf("at_quick_exit failed\n");
		printf("flushed before quick_exit\n");
		fflush(stdout);
		printf("left in the buffer: quick_exit drops this");
		quick_exit(n);
	} else if (!strcmp(how, "nested")) {
		atexit(registers);
		printf("exit(%d) with a handler that registers another\n", n);
		exit(n);
	} else if (!strcmp(how, "big")) {
		/* 100 KiB in lines of 100 bytes, all of it in the buffer or
		 * written before exit. */
		for (int i = 0; i < 1024; i++)
			printf("%05d %093d\n", i, i * 7);
		printf("big output done, partial line...");
		exit(n);
	} else if (!strcmp(how, "stderr")) {
		printf("stdout 1\n");
		fflush(stdout);
		fprintf(stderr, "stderr 1\n");
		printf("stdout 2\n");
		fflush(stdout);
		fputs("stderr 2, no newline|", stderr);
		/* write(2) straight to the descriptors, bypassing stdio. */
		if (write(1, "write to 1\n", 11) != 11 || write(2, "write to 2\n", 11) != 11)
			printf("write failed\n");
		printf("stdout 3, buffered at exit...");
		exit(n);
	}
	printf("unknown way to end: %s\n", how);
	return 98;
}
