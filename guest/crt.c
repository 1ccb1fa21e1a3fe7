/*
 * C start-up for partitions: a thread control block for musl's code
 * (%fs:0 self pointer, %fs:0x28 stack canary), then main(), then exit.
 */
#include <lpar.h>
#include <stdlib.h>
#include <string.h>

const struct lpar_boot_info *lpar_boot;

/* Large enough for the fields of musl's struct pthread that its code reads. */
static uint64_t tcb[64] __attribute__((aligned(64)));
static const void *c_locale[6];

int main(int argc, char **argv);
void __lpar_start(const struct lpar_boot_info *bi, uint64_t *sp);

static void set_fs_base(uint64_t v)
{
	__asm__ volatile("wrfsbase %0" ::"r"(v) : "memory");
}

void lpar_exit(int status)
{
	lpar_flush();
	for (;;)
		lpar_hcall1(LPAR_HC_EXIT, status);
}

void lpar_abort(const char *msg)
{
	lpar_flush();
	for (;;)
		lpar_hcall2(LPAR_HC_ABORT, msg, strlen(msg));
}

void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	lpar_abort("stack smashing detected");
}

__attribute__((no_stack_protector)) void __lpar_start(const struct lpar_boot_info *bi,
						      uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);

	lpar_boot = bi;
	tcb[0] = (uint64_t)(uintptr_t)tcb;
	/*
	 * musl's locale pointer (struct pthread's "locale", at 168 in musl
	 * 1.2): the C locale, every category empty, for strerror() and the
	 * ctype functions.  The library OS sets up a whole thread instead.
	 */
	tcb[21] = (uint64_t)(uintptr_t)c_locale;
	tcb[5] = __builtin_ia32_rdtsc() * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)sp;
	set_fs_base((uint64_t)(uintptr_t)tcb);
	exit(main(argc, argv));
}
