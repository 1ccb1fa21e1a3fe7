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

#endif
