/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the x86 instruction facts the TCG backend relies on
 * (hv/x86_insn.c): which instructions it runs itself, how a faulting
 * instruction touched memory, and x87 instructions run on the host's FPU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../hv/x86_insn.h"

static struct x86_dec *dec;

static int setup(void **state)
{
	(void)state;
	return x86_dec_open(&dec);
}

static int teardown(void **state)
{
	(void)state;
	x86_dec_close(dec);
	return 0;
}

static void sites_port_io(void **state)
{
	/*
	 * mov $1,%eax; out %eax,$0x4c; in $0x4c,%al; out %al,(%dx);
	 * mov %eax,(%rbx) (e5 is a ModRM byte here, not "in"); outsl; fprem; ret
	 */
	static const uint8_t code[] = { 0xb8, 1, 0, 0, 0, 0xe7, 0x4c, 0xe4, 0x4c, 0xee,
					0x48, 0x89, 0xe5, 0x6f, 0xd9, 0xf8, 0xc3 };
	struct x86_site s[8];
	size_t n = x86_sites_scan(dec, code, sizeof(code), 0x1000, s, 8);

	(void)state;
	assert_int_equal(n, 5);
	assert_int_equal(s[0].addr, 0x1005);
	assert_int_equal(s[0].kind, X86_SITE_IO);
	assert_int_equal(s[0].len, 2);
	assert_int_equal(s[0].out, 1);
	assert_int_equal(s[0].size, 4);
	assert_int_equal(s[0].port, 0x4c);
	assert_int_equal(s[1].addr, 0x1007);
	assert_int_equal(s[1].out, 0);
	assert_int_equal(s[1].size, 1);
	assert_int_equal(s[2].addr, 0x1009);
	assert_int_equal(s[2].port, -1);
	assert_int_equal(s[2].size, 1);
	assert_int_equal(s[3].addr, 0x100d);
	assert_int_equal(s[3].string, 1);
	assert_int_equal(s[3].size, 4);
	assert_int_equal(s[4].addr, 0x100e);
	assert_int_equal(s[4].kind, X86_SITE_X87);
	assert_int_equal(s[4].x87, 0xf8);
}

static void sites_int(void **state)
{
	/* int $0x80; int3 (a trap the CPU reports as it is, not a site) */
	static const uint8_t code[] = { 0xcd, 0x80, 0xcc };
	struct x86_site s[2];

	(void)state;
	assert_int_equal(x86_sites_scan(dec, code, sizeof(code), 0x1000, s, 2), 1);
	assert_int_equal(s[0].kind, X86_SITE_INT);
	assert_int_equal(s[0].vector, 0x80);
	assert_int_equal(s[0].len, 2);
}

static void sites_none(void **state)
{
	/* push %rbp; mov %rsp,%rbp; pop %rbp; fld1; fsqrt; ret: nothing to run */
	static const uint8_t code[] = { 0x55, 0x48, 0x89, 0xe5, 0x5d, 0xd9, 0xe8, 0xd9, 0xfa, 0xc3 };
	struct x86_site s[4];

	(void)state;
	assert_int_equal(x86_sites_scan(dec, code, sizeof(code), 0x1000, s, 4), 0);
}

static void access_kinds(void **state)
{
	struct hv_regs r;
	unsigned size;
	static const uint8_t load[] = { 0x48, 0x8b, 0x03 };         /* mov (%rbx),%rax */
	static const uint8_t store[] = { 0x48, 0x89, 0x03 };        /* mov %rax,(%rbx) */
	static const uint8_t rmw[] = { 0x48, 0x01, 0x03 };          /* add %rax,(%rbx) */
	static const uint8_t push[] = { 0x50 };                     /* push %rax */
	static const uint8_t pop[] = { 0x58 };                      /* pop %rax */
	static const uint8_t rip_rel[] = { 0x89, 0x05, 0x10, 0, 0, 0 }; /* mov %eax,0x10(%rip) */
	static const uint8_t movq_st[] = { 0x66, 0x0f, 0xd6, 0x03 };  /* movq %xmm0,(%rbx) */
	static const uint8_t fxsave[] = { 0x0f, 0xae, 0x03 };         /* fxsave (%rbx) */
	static const uint8_t cmp[] = { 0x83, 0x3b, 0x01 };            /* cmpl $1,(%rbx) */
	static const uint8_t lea[] = { 0x48, 0x8d, 0x03 };            /* lea (%rbx),%rax */

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rip = 0x401000;
	r.rbx = 0x500008;
	r.rsp = 0x7000;
	assert_int_equal(x86_insn_access(dec, load, sizeof(load), &r, 0, 0, 0x500008, &size),
			 X86_ACCESS_READ);
	assert_int_equal(size, 8);
	assert_int_equal(x86_insn_access(dec, store, sizeof(store), &r, 0, 0, 0x50000c, &size),
			 X86_ACCESS_WRITE);
	/* A read-modify-write is a write, as hardware reports it. */
	assert_int_equal(x86_insn_access(dec, rmw, sizeof(rmw), &r, 0, 0, 0x500008, &size),
			 X86_ACCESS_WRITE);
	/* Stores capstone 4 marks as reads; a state store covers its whole area. */
	assert_int_equal(x86_insn_access(dec, movq_st, sizeof(movq_st), &r, 0, 0, 0x500008, &size),
			 X86_ACCESS_WRITE);
	assert_int_equal(x86_insn_access(dec, fxsave, sizeof(fxsave), &r, 0, 0, 0x500200, &size),
			 X86_ACCESS_WRITE);
	assert_int_equal(size, 512);
	assert_int_equal(x86_insn_access(dec, cmp, sizeof(cmp), &r, 0, 0, 0x500008, &size),
			 X86_ACCESS_READ);
	/* lea touches no memory; far from the stack, nothing accounts for the fault. */
	assert_int_equal(x86_insn_access(dec, lea, sizeof(lea), &r, 0, 0, 0x500008, &size), 0);
	assert_int_equal(x86_insn_access(dec, push, sizeof(push), &r, 0, 0, 0x6ff8, &size),
			 X86_ACCESS_WRITE);
	assert_int_equal(x86_insn_access(dec, pop, sizeof(pop), &r, 0, 0, 0x7000, &size),
			 X86_ACCESS_READ);
	/* A stack pointer that wrapped below 0: still a push. */
	r.rsp = 0xffffffffffffff90ull;
	assert_int_equal(x86_insn_access(dec, push, sizeof(push), &r, 0, 0, 0xffffffffffffff88ull,
					 &size), X86_ACCESS_WRITE);
	r.rsp = 0x7000;
	/* The fault is in the instruction's own bytes: a fetch. */
	assert_int_equal(x86_insn_access(dec, load, sizeof(load), &r, 0, 0, 0x401001, &size),
			 X86_ACCESS_FETCH);
	assert_int_equal(x86_insn_access(dec, NULL, 0, &r, 0, 0, 0x401000, &size),
			 X86_ACCESS_FETCH);
	assert_int_equal(x86_insn_access(dec, rip_rel, sizeof(rip_rel), &r, 0, 0, 0x401016, &size),
			 X86_ACCESS_WRITE);
	assert_int_equal(size, 4);
}

static void touches(void **state)
{
	struct hv_regs r;
	uint64_t at;
	unsigned size;
	static const uint8_t movzb[] = { 0x0f, 0xb6, 0x04, 0x0b };  /* movzbl (%rbx,%rcx),%eax */

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rip = 0x401000;
	r.rbx = 0x401100;
	r.rcx = 3;
	assert_int_equal(x86_insn_touches(dec, movzb, sizeof(movzb), &r, 0, 0, 0x401000, 0x402000,
					  &at, &size), X86_ACCESS_READ);
	assert_int_equal(at, 0x401103);
	assert_int_equal(size, 1);
	assert_int_equal(x86_insn_touches(dec, movzb, sizeof(movzb), &r, 0, 0, 0x402000, 0x403000,
					  &at, &size), 0);
}

/* The x87 state with ST(0) = a and ST(1) = b, as FNSAVE lays it out. */
static void x87_state(struct x86_fsave *s, long double a, long double b)
{
	memset(s, 0, sizeof(*s));
	s->fcw = 0x37f;
	s->fsw = 6 << 11;     /* TOP = 6: ST(0) is R6, ST(1) is R7 */
	s->ftw = 0x0fff;      /* R6 and R7 valid, the rest empty */
	memcpy(s->st[0], &a, 10);
	memcpy(s->st[1], &b, 10);
}

static void x87_on_host(void **state)
{
	struct x86_fsave s;
	long double r;

	(void)state;
	/* fprem far apart, which QEMU 5.0 computes as 0 */
	x87_state(&s, 0x1.23456789abcdef12p+60L, 0x1.fffffffffffff8p+3L);
	x86_x87_run(0xf8, &s);
	memcpy(&r, s.st[0], 10);
	assert_true(r == 0x1.3e2b3c4d5e6f98p+3L);
	assert_int_equal(s.fsw & 0x400, 0); /* C2 clear: the reduction is complete */
	/* fyl2x pops: log2(8) * 3 = 9 in the new ST(0), TOP moves to 7 */
	x87_state(&s, 8.0L, 3.0L);
	x86_x87_run(0xf1, &s);
	memcpy(&r, s.st[0], 10);
	assert_true(r == 9.0L);
	assert_int_equal((s.fsw >> 11) & 7, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sites_port_io),
		cmocka_unit_test(sites_int),
		cmocka_unit_test(sites_none),
		cmocka_unit_test(access_kinds),
		cmocka_unit_test(touches),
		cmocka_unit_test(x87_on_host),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
