/* SPDX-License-Identifier: ISC */
/* args.c: the arguments, one a line with its length, and what the process
 * can find out about itself that does not differ between runs.  argv[0] is
 * only checked, not printed: it is the path the program was started by. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *yes(int ok)
{
	return ok ? "ok" : "WRONG";
}

/* Prints S between brackets, escaping bytes that are not printable. */
static void show(const char *s)
{
	putchar('[');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			putchar(*p);
		else
			printf("\\x%02x", *p);
	}
	putchar(']');
}

int main(int argc, char **argv)
{
	struct utsname u;
	size_t total = 0;

	printf("argc %d\n", argc);
	printf("argv[0] present and not empty: %s\n", yes(argc > 0 && argv[0] && argv[0][0]));
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);
		total += n;
		printf("argv[%d] len %zu ", i, n);
		if (n <= 200)
			show(argv[i]);
		else {
			/* A long one: its ends and a checksum. */
			unsigned long h = 5381;
			for (size_t k = 0; k < n; k++)
				h = h * 33 + (unsigned char)argv[i][k];
			printf("starts %.10s ends %s hash %08lx", argv[i], argv[i] + n - 10,
			       h & 0xffffffffUL);
		}
		putchar('\n');
	}
	printf("argv[argc] is NULL: %s\n", yes(argv[argc] == NULL));
	printf("total length %zu\n", total);
	/* The arguments are writable. */
	if (argc > 1 && argv[1][0]) {
		argv[1][0] = 'X';
		printf("argv[1] after writing: %s\n", argv[1]);
	}

	printf("getpid() > 0: %s\n", yes(getpid() > 0));
	printf("getpid() stable: %s\n", yes(getpid() == getpid()));
	printf("uname returns 0: %s\n", yes(uname(&u) == 0));
	printf("uname sysname, release, version and machine set: %s\n",
	       yes(u.sysname[0] && u.release[0] && u.version[0] && u.machine[0]));
	printf("page size 4096: %s\n", yes(sysconf(_SC_PAGESIZE) == 4096));
	return 0;
}
