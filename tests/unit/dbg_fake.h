/* SPDX-License-Identifier: ISC
 * A pretend partition for the debugger's unit tests: 64 KiB of memory at
 * 0x10000, a few registers and an image with symbols, behind the callbacks
 * debug/expr.c and debug/format.c use.
 */
#ifndef LPAR_TEST_DBG_FAKE_H
#define LPAR_TEST_DBG_FAKE_H

#include <errno.h>
#include <string.h>

#include "../../common/err.h"
#include "../../debug/expr.h"
#include "../../debug/format.h"
#include "../../elf/elf.h"

#define FAKE_BASE 0x10000ull
#define FAKE_SIZE 0x10000ull

static uint8_t fake_mem[FAKE_SIZE];
static __attribute__((unused)) uint64_t fake_rax, fake_rip = 0x10004, fake_rsp = 0x1fff0;
static int fake_writes;

/* Sorted by address, as elf_open() leaves them. */
static struct elf_sym fake_syms[] = {
	{ 0x10000, 0x20, "main", 1 },
	{ 0x10020, 0x10, "bump", 1 },
	{ 0x12000, 8, "counter", 0 },
	{ 0x12008, 4, "small", 0 },
	{ 0x12010, 16, "buffer", 0 },
	{ 0x12020, 16, "greeting", 0 },
};
static struct elf_seg fake_segs[] = {
	{ 0, ELF_SEG_R | ELF_SEG_X, 0x10000, 0x1000, 0x1000, 0 },
	{ 1, ELF_SEG_R | ELF_SEG_W, 0x12000, 0x1000, 0x1000, 0x1000 },
};
static struct elf_image fake_img = {
	.path = (char *)"fake.elf",
	.segs = fake_segs,
	.nsegs = 2,
	.syms = fake_syms,
	.nsyms = sizeof(fake_syms) / sizeof(fake_syms[0]),
};

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len, struct lerr *err)
{
	(void)ctx;
	if (addr < FAKE_BASE || addr - FAKE_BASE + len > FAKE_SIZE)
		return lerr_set(err, EFAULT, "Cannot access memory at address 0x%llx",
				(unsigned long long)(addr < FAKE_BASE ? addr : FAKE_BASE + FAKE_SIZE));
	memcpy(buf, fake_mem + (addr - FAKE_BASE), len);
	return 0;
}

static __attribute__((unused)) int fake_write(void *ctx, uint64_t addr, const void *buf, size_t len, struct lerr *err)
{
	(void)ctx;
	if (addr < FAKE_BASE || addr - FAKE_BASE + len > FAKE_SIZE)
		return lerr_set(err, EFAULT, "Cannot access memory at address 0x%llx",
				(unsigned long long)addr);
	memcpy(fake_mem + (addr - FAKE_BASE), buf, len);
	fake_writes++;
	return 0;
}

static void fake_put(uint64_t addr, const void *v, size_t len)
{
	memcpy(fake_mem + (addr - FAKE_BASE), v, len);
}

static void fake_reset(void)
{
	uint64_t c = 41;
	int32_t sm = -2;

	memset(fake_mem, 0, sizeof(fake_mem));
	fake_put(0x12000, &c, 8);
	fake_put(0x12008, &sm, 4);
	fake_put(0x12020, "hello\n\"you\"", 12);
	fake_rax = 0x1234;
	fake_writes = 0;
}

/* The registers: rax (writable), rsp, pc and eflags, as the debugger types them. */
static __attribute__((unused)) int fake_reg_get(void *ctx, const char *name, struct dbg_value *out, struct lerr *err)
{
	(void)ctx;
	(void)err;
	memset(out, 0, sizeof(*out));
	out->lval = LV_REG;
	snprintf(out->reg, sizeof(out->reg), "%s", name);
	out->type.base = DB_INT;
	out->type.size = 8;
	out->type.is_signed = 1;
	snprintf(out->type.name, sizeof(out->type.name), "long");
	if (!strcmp(name, "rax")) {
		out->v = fake_rax;
	} else if (!strcmp(name, "rsp")) {
		out->type.base = DB_VOID;
		out->type.ptr = 1;
		out->v = fake_rsp;
	} else if (!strcmp(name, "pc")) {
		out->type.base = DB_FUNC;
		out->v = fake_rip;
	} else if (!strcmp(name, "eflags")) {
		out->type.base = DB_FLAGS;
		out->type.size = 4;
		out->v = 0x246;
	} else {
		return -ENOENT;
	}
	return 0;
}

static __attribute__((unused)) int fake_reg_set(void *ctx, const char *name, uint64_t v, struct lerr *err)
{
	(void)ctx;
	if (strcmp(name, "rax"))
		return lerr_set(err, EPERM, "read-only");
	fake_rax = v;
	return 0;
}

#endif
