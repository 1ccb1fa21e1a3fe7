/* SPDX-License-Identifier: ISC
 * probe: asks the library OS one thing per mode, as an ordinary Linux
 * program would, and prints what it got.  Built with plain musl-gcc.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start;
extern char _start[];
static __thread int tls_counter = 5;

static int deep(int n)
{
	volatile char buf[4096];

	memset((char *)buf, n, sizeof(buf));
	return n ? deep(n - 1) + buf[7] : 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "enosys")) {
		int p[2];

		if (pipe(p) < 0)
			printf("pipe: %s\n", strerror(errno));
		if (fork() < 0)
			printf("fork: %s\n", strerror(errno));
		printf("still running\n");
		return 0;
	}
	if (!strcmp(mode, "uname")) {
		struct utsname u;

		if (uname(&u))
			return 1;
		printf("%s %s %s\n", u.sysname, u.nodename, u.machine);
		return 0;
	}
	if (!strcmp(mode, "random")) {
		unsigned char a[32], b[32];
		const unsigned char *at = (const unsigned char *)getauxval(AT_RANDOM);

		if (getrandom(a, sizeof(a), 0) != sizeof(a) || getrandom(b, sizeof(b), 0) != sizeof(b))
			return 1;
		printf("getrandom %s\n", memcmp(a, b, sizeof(a)) && !all_zero(a, sizeof(a)) ? "ok" : "WRONG");
		printf("AT_RANDOM %s\n", at && !all_zero(at, 16) ? "ok" : "WRONG");
		return 0;
	}
	if (!strcmp(mode, "auxv")) {
		const char *phdr = (const char *)&__ehdr_start + __ehdr_start.e_phoff;

		printf("pagesz %lu\n", getauxval(AT_PAGESZ));
		printf("phdr %s\n", getauxval(AT_PHDR) == (unsigned long)phdr ? "ok" : "WRONG");
		printf("phnum %s\n", getauxval(AT_PHNUM) == __ehdr_start.e_phnum ? "ok" : "WRONG");
		printf("entry %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "ok" : "WRONG");
		printf("hwcap %s\n", getauxval(AT_HWCAP) ? "ok" : "WRONG");
		printf("secure %lu uid %lu\n", getauxval(AT_SECURE), getauxval(AT_UID));
		printf("tls %d\n", ++tls_counter);
		return 0;
	}
	if (!strcmp(mode, "mmap")) {
		size_t pg = 4096;
		char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *b, *c;

		if (a == MAP_FAILED)
			return 1;
		memset(a, 0xaa, 3 * pg);
		if (munmap(a + pg, pg))
			return 2;
		b = mmap(a + pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		printf("fixed %s, zeroed %s\n", b == a + pg ? "ok" : "WRONG",
		       all_zero((unsigned char *)b, pg) ? "ok" : "WRONG");
		c = mremap(a, 3 * pg, 64 * pg, MREMAP_MAYMOVE);
		printf("mremap %s, kept %s\n", c != MAP_FAILED ? "ok" : "WRONG",
		       c != MAP_FAILED && (unsigned char)c[0] == 0xaa && (unsigned char)c[2 * pg] == 0xaa ? "ok" : "WRONG");
		printf("file %s\n", mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED ? strerror(errno) : "WRONG");
		printf("huge %s\n", mmap(NULL, (size_t)1 << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? strerror(errno) : "WRONG");
		return 0;
	}
	if (!strcmp(mode, "clock")) {
		struct timespec a, b, prev = { 0, 0 }, req = { 0, 100000000 };
		long calls = 0, back = 0;
		long long ns;

		printf("vdso %s\n", getauxval(AT_SYSINFO_EHDR) ? "ok" : "missing");
		clock_gettime(CLOCK_MONOTONIC, &a);
		do {
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (b.tv_sec < prev.tv_sec || (b.tv_sec == prev.tv_sec && b.tv_nsec < prev.tv_nsec))
				back++;
			prev = b;
			calls++;
		} while ((b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec) < 1500000000ll);
		printf("monotonic %s, %s calls\n", back ? "WRONG" : "ok", calls > 100000 ? "many" : "few");
		clock_gettime(CLOCK_MONOTONIC, &a);
		nanosleep(&req, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec);
		printf("100 ms sleep: %s\n", ns >= 100000000 && ns < 300000000 ? "ok" : "WRONG");
		return 0;
	}
	if (!strcmp(mode, "noreplace")) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *q;

		strcpy(p, "precious");
		q = mmap(p, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		printf("noreplace: %s, kept %s\n", q == MAP_FAILED ? strerror(errno) : "mapped",
		       strcmp(p, "precious") ? "WRONG" : "ok");
		printf("munmap of -1 bytes: %s\n",
		       syscall(SYS_munmap, p, (size_t)-1) ? strerror(errno) : "WRONG");
		printf("arch_prctl non-canonical: %s\n",
		       syscall(SYS_arch_prctl, 0x1002, 1ul << 63) ? strerror(errno) : "WRONG");
		return 0;
	}
	if (!strcmp(mode, "sleep")) {
		sleep(1);
		printf("slept\n");
		return 0;
	}
	if (!strcmp(mode, "badptr")) {
		errno = 0;
		if (write(1, (const void *)16, 5) < 0)
			printf("write: %s\n", strerror(errno));
		return 0;
	}
	if (!strcmp(mode, "stack"))
		return deep(1 << 20) & 1;
	if (!strcmp(mode, "heap")) {
		size_t mib = 0;

		for (;;) {
			char *p = malloc(1 << 20);

			if (!p) {
				printf("malloc gave NULL after %s MiB\n", mib > 8 ? "more than 8" : "8 or fewer");
				return 3;
			}
			memset(p, 1, 1 << 20);
			mib++;
		}
	}
	if (!strcmp(mode, "heapnull")) {
		for (;;) {
			char *volatile p = malloc(1 << 20);

			p[4096] = 1;
		}
	}
	if (!strcmp(mode, "read")) {
		char buf[64];

		printf("reading\n");
		fflush(stdout);
		return (int)read(0, buf, sizeof(buf));
	}
	printf("hello from a static musl binary: argc %d, argv[1] %s, GREETING %s\n", argc,
	       argc > 1 ? argv[1] : "-", getenv("GREETING") ? getenv("GREETING") : "unset");
	return 0;
}
