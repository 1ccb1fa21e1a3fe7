/* SPDX-License-Identifier: ISC
 * Unit tests for the debug interface's texts (debug/proto.c: regs lines,
 * event lines) and the page-table walk (libpart/pagewalk.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../debug/proto.h"
#include "../../libpart/pagewalk.h"

static void test_regs_parse(void **state)
{
	struct vcpu_regs r;
	char buf[1024];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dbg_regs_parse("rax 0x1\nrip 0x100000\nrflags 0x202\ncs 0x33\n"
					"newreg 0x5\ncr3 0x1000\n", &r), 5);
	assert_int_equal(r.rax, 1);
	assert_int_equal(r.rip, 0x100000);
	assert_int_equal(r.rflags, 0x202);
	assert_int_equal(r.cs, 0x33);
	assert_int_equal(r.cr3, 0x1000);
	assert_int_equal(dbg_regs_parse("rax\n", &r), -EPROTO);
	assert_int_equal(dbg_regs_parse("rax zz\n", &r), -EPROTO);
	/* Only what the regs file accepts is written back. */
	dbg_regs_format(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, "rip 0x100000\n"));
	assert_null(strstr(buf, "cs "));
	assert_null(strstr(buf, "cr3 "));
}

static void test_events(void **state)
{
	struct dbg_event ev;

	(void)state;
	assert_int_equal(dbg_event_parse("stopped attach rip=0x100000\n", &ev), 0);
	assert_int_equal(ev.kind, DBG_STOP_ATTACH);
	assert_int_equal(ev.rip, 0x100000);
	assert_string_equal(ev.text, "stopped attach rip=0x100000");
	assert_int_equal(dbg_event_parse("stopped breakpoint rip=0x10013c addr=0x10013c", &ev), 0);
	assert_int_equal(ev.kind, DBG_STOP_BREAKPOINT);
	assert_int_equal(ev.addr, 0x10013c);
	assert_int_equal(dbg_event_parse("stopped step rip=0x100141", &ev), 0);
	assert_int_equal(ev.kind, DBG_STOP_STEP);
	assert_int_equal(dbg_event_parse(
		"stopped watch rip=0x100152 addr=0x105008 kind=w old=0x0 new=0x2a", &ev), 0);
	assert_int_equal(ev.kind, DBG_STOP_WATCH);
	assert_int_equal(ev.addr, 0x105008);
	assert_int_equal(ev.watch_kind, 'w');
	assert_int_equal(ev.old, 0);
	assert_int_equal(ev.new, 0x2a);
	assert_int_equal(dbg_event_parse("stopped trap rip=0x100160 vector=3", &ev), 0);
	assert_int_equal(ev.kind, DBG_STOP_TRAP);
	assert_int_equal(ev.vector, 3);
	assert_int_equal(dbg_event_parse("ended exited 0", &ev), 0);
	assert_int_equal(ev.kind, DBG_ENDED);
	assert_int_equal(dbg_event_parse(
		"ended crashed page fault at 0x0 ... at rip 0x1000f7 <main+167>", &ev), 0);
	assert_int_equal(ev.kind, DBG_ENDED);
	assert_int_equal(dbg_event_parse("stopped trap rip=0x100160", &ev), -EPROTO);
	assert_int_equal(dbg_event_parse("stopped step", &ev), -EPROTO);
	assert_int_equal(dbg_event_parse("stopped step rip=zz", &ev), -EPROTO);
	assert_int_equal(dbg_event_parse("running", &ev), -EPROTO);
	assert_int_equal(dbg_event_parse("endedx", &ev), -EPROTO);
}

/* Page tables in a small pretend physical memory. */
static uint64_t phys[0x10000 / 8];

static int rd(void *ctx, uint64_t pa, uint64_t *out)
{
	(void)ctx;
	if (pa + 8 > sizeof(phys))
		return -EFAULT;
	*out = phys[pa / 8];
	return 0;
}

static void test_pagewalk(void **state)
{
	struct pagewalk_mmu mmu = { 1ull << 31, 0x1000, 0 };
	uint64_t pa, left;

	(void)state;
	memset(phys, 0, sizeof(phys));
	/* PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
	phys[0x1000 / 8] = 0x2000 | 1;
	phys[0x2000 / 8 + 0] = 0x3000 | 1;
	phys[0x2000 / 8 + 1] = 0x40000000 | 0x81;            /* 1 GiB page at 1 GiB */
	phys[0x3000 / 8 + 0] = 0x4000 | 1;
	phys[0x3000 / 8 + 1] = 0x200000 | 0x81;              /* 2 MiB page at 2 MiB */
	phys[0x4000 / 8 + 0x100] = 0x7000 | 1;               /* 0x100000 -> 0x7000 */
	phys[0x4000 / 8 + 0x101] = 0x8000;                   /* not present */
	assert_int_equal(pagewalk_translate(&mmu, 0x100123, rd, NULL, &pa, &left), 0);
	assert_int_equal(pa, 0x7123);
	assert_int_equal(left, 0x1000 - 0x123);
	assert_int_equal(pagewalk_translate(&mmu, 0x101000, rd, NULL, &pa, &left), -EFAULT);
	assert_int_equal(pagewalk_translate(&mmu, 0x3fffff, rd, NULL, &pa, &left), 0);
	assert_int_equal(pa, 0x3fffff);
	assert_int_equal(left, 1);
	assert_int_equal(pagewalk_translate(&mmu, 0x40000010, rd, NULL, &pa, &left), 0);
	assert_int_equal(pa, 0x40000010);
	assert_int_equal(left, 0x40000000 - 0x10);
	assert_int_equal(pagewalk_translate(&mmu, 0x80000000, rd, NULL, &pa, &left), -EFAULT);
	/* Not canonical. */
	assert_int_equal(pagewalk_translate(&mmu, 0x0000800000000000ull, rd, NULL, &pa, &left),
			 -EFAULT);
	/* Paging off: the identity. */
	mmu.cr0 = 0;
	assert_int_equal(pagewalk_translate(&mmu, 0x123456, rd, NULL, &pa, &left), 0);
	assert_int_equal(pa, 0x123456);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regs_parse),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_pagewalk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
