/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the core file reader (elf/core.c): small cores built here
 * from <elf.h> structs, one defect at a time, and the registers, notes and
 * memory of a good one.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/err.h"
#include "../../elf/core.h"

#define NT_FILE_TYPE 0x46494c45
#define SEG_A  0x100000ull     /* 32 bytes in the file */
#define SEG_B  0x100020ull     /* right after A: 16 in the file, 0x1000 - 0x10 zeros */
#define SEG_C  0x300000ull     /* alone, past a hole */

static char dir[64] = "/tmp/lpar-test-core.XXXXXX";
static char path[128];

/* A core being built: the notes, then the segments' bytes. */
struct builder {
	uint8_t notes[4096];
	size_t nnotes;
	Elf64_Phdr ph[8];
	size_t nph;
	uint8_t body[8192];
	size_t nbody;
	Elf64_Ehdr eh;
};

static void note_add(struct builder *b, const char *name, uint32_t type, const void *desc,
		     size_t len)
{
	Elf64_Nhdr nh = { (uint32_t)strlen(name) + 1, (uint32_t)len, type };
	size_t namepad = (nh.n_namesz + 3) & ~3u, descpad = (len + 3) & ~(size_t)3;

	assert_true(b->nnotes + sizeof(nh) + namepad + descpad <= sizeof(b->notes));
	memcpy(b->notes + b->nnotes, &nh, sizeof(nh));
	b->nnotes += sizeof(nh);
	memcpy(b->notes + b->nnotes, name, nh.n_namesz);
	b->nnotes += namepad;
	memcpy(b->notes + b->nnotes, desc, len);
	b->nnotes += descpad;
}

/* An NT_PRSTATUS whose user_regs_struct slot i holds 0x1000 + i. */
static void prstatus_add(struct builder *b)
{
	uint8_t pr[336] = { 0 };

	pr[12] = 11; /* SIGSEGV */
	pr[32] = 7;  /* pid */
	for (int i = 0; i < 27; i++) {
		uint64_t v = 0x1000u + (uint64_t)i;

		memcpy(pr + 112 + 8 * i, &v, 8);
	}
	note_add(b, "CORE", NT_PRSTATUS, pr, sizeof(pr));
}

static void load_add(struct builder *b, uint64_t va, const void *bytes, uint64_t filesz,
		     uint64_t memsz)
{
	b->ph[b->nph++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
					.p_offset = b->nbody, .p_vaddr = va, .p_paddr = va,
					.p_filesz = filesz, .p_memsz = memsz };
	memcpy(b->body + b->nbody, bytes, filesz);
	b->nbody += filesz;
}

static void builder_init(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->eh.e_ident, ELFMAG, SELFMAG);
	b->eh.e_ident[EI_CLASS] = ELFCLASS64;
	b->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	b->eh.e_ident[EI_VERSION] = EV_CURRENT;
	b->eh.e_type = ET_CORE;
	b->eh.e_machine = EM_X86_64;
	b->eh.e_version = EV_CURRENT;
	b->eh.e_phoff = sizeof(Elf64_Ehdr);
	b->eh.e_ehsize = sizeof(Elf64_Ehdr);
	b->eh.e_phentsize = sizeof(Elf64_Phdr);
}

/* Writes the core (cut to cut bytes if non-zero) and returns its path. */
static const char *builder_write(struct builder *b, size_t cut)
{
	uint8_t file[16384];
	size_t n, notes_off;
	int fd;

	/* The note segment first; the loads' offsets move past the headers and notes. */
	memmove(b->ph + 1, b->ph, b->nph * sizeof(b->ph[0]));
	b->nph++;
	b->eh.e_phnum = (uint16_t)b->nph;
	notes_off = sizeof(Elf64_Ehdr) + b->nph * sizeof(Elf64_Phdr);
	b->ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = notes_off, .p_filesz = b->nnotes,
				 .p_align = 4 };
	for (size_t i = 1; i < b->nph; i++)
		b->ph[i].p_offset += notes_off + b->nnotes;
	memcpy(file, &b->eh, sizeof(b->eh));
	memcpy(file + sizeof(b->eh), b->ph, b->nph * sizeof(b->ph[0]));
	memcpy(file + notes_off, b->notes, b->nnotes);
	memcpy(file + notes_off + b->nnotes, b->body, b->nbody);
	n = notes_off + b->nnotes + b->nbody;
	if (cut)
		n = cut;
	snprintf(path, sizeof(path), "%s/core", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, n), (ssize_t)n);
	close(fd);
	return path;
}

/* The good core: registers, NT_FILE, lpar's note, three segments. */
static void good(struct builder *b)
{
	/* As hv/dump.c writes it: no NUL, keys this reader may not know. */
	static const char lpar[] = "name web1\nabi 1\nmem 67108864\naccel tcg\nimage app.elf\n"
				   "state crashed\nregs syscall\nfuture key\nreason page fault at 0x0\n"
				   "syscall_rip 0x3ff000\nsyscall_nr 60\nplanted 0x401000";
	uint8_t file[16 + 24 * 2 + 64] = { 0 }, a[32], bb[16], c[8];
	uint64_t v;

	builder_init(b);
	prstatus_add(b);
	/* Two files: the image is the one that maps the lowest address, the second. */
	v = 2;
	memcpy(file, &v, 8);
	v = 0x1000;
	memcpy(file + 8, &v, 8);
	v = 0x500000;
	memcpy(file + 16, &v, 8);
	v = 0x400000;
	memcpy(file + 40, &v, 8);
	memcpy(file + 64, "/lib/other\0/srv/app.elf", 24);
	note_add(b, "CORE", NT_FILE_TYPE, file, sizeof(file));
	note_add(b, "LPAR", 1, lpar, sizeof(lpar) - 1);
	for (int i = 0; i < 32; i++)
		a[i] = (uint8_t)i;
	memset(bb, 0xbb, sizeof(bb));
	memset(c, 0xcc, sizeof(c));
	load_add(b, SEG_C, c, sizeof(c), sizeof(c));
	load_add(b, SEG_A, a, sizeof(a), sizeof(a));
	load_add(b, SEG_B, bb, sizeof(bb), 0x1000);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "%s/core", dir);
	unlink(path);
	return rmdir(dir);
}

/* Opens p expecting failure with code and a message containing want. */
static void open_fails(const char *p, int code, const char *want)
{
	struct elf_core *c = NULL;
	struct lerr err = { 0 };

	assert_int_equal(elf_core_open(p, &c, &err), -code);
	assert_null(c);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void registers_and_notes(void **state)
{
	struct builder b;
	struct elf_core *c;
	struct lerr err = { 0 };

	(void)state;
	good(&b);
	assert_int_equal(elf_core_open(builder_write(&b, 0), &c, &err), 0);
	/* user_regs_struct's order: r15 first, rip at 16, fs_base at 21, gs at 26. */
	assert_int_equal(c->regs.r15, 0x1000);
	assert_int_equal(c->regs.rbp, 0x1004);
	assert_int_equal(c->regs.rax, 0x100a);
	assert_int_equal(c->regs.rdi, 0x100e);
	assert_int_equal(c->regs.rip, 0x1010);
	assert_int_equal(c->regs.cs, 0x1011);
	assert_int_equal(c->regs.rflags, 0x1012);
	assert_int_equal(c->regs.rsp, 0x1013);
	assert_int_equal(c->regs.fs_base, 0x1015);
	assert_int_equal(c->regs.gs_base, 0x1016);
	assert_int_equal(c->regs.gs, 0x101a);
	assert_int_equal(c->regs.cr3, 0);
	assert_int_equal(c->signo, 11);
	assert_int_equal(c->pid, 7);
	assert_string_equal(c->image, "/srv/app.elf");
	assert_true(c->have_lpar);
	assert_string_equal(c->lpar.name, "web1");
	assert_string_equal(c->lpar.abi, "1");
	assert_int_equal(c->lpar.mem, 0x4000000);
	assert_string_equal(c->lpar.reason, "page fault at 0x0");
	assert_string_equal(c->lpar.accel, "tcg");
	assert_string_equal(c->lpar.image, "app.elf");
	assert_string_equal(c->lpar.state, "crashed");
	assert_string_equal(c->lpar.regs, "syscall");
	assert_int_equal(c->lpar.syscall_rip, 0x3ff000);
	assert_int_equal(c->lpar.syscall_nr, 60);
	assert_int_equal(c->nsegs, 3);
	assert_int_equal(c->segs[0].vaddr, SEG_A); /* sorted */
	elf_core_close(c);
}

static void memory(void **state)
{
	struct builder b;
	struct elf_core *c;
	struct lerr err = { 0 };
	uint8_t buf[64];
	uint64_t bad = 0, left;

	(void)state;
	good(&b);
	assert_int_equal(elf_core_open(builder_write(&b, 0), &c, &err), 0);
	/* Across A into B: A's bytes, then B's. */
	assert_int_equal(elf_core_read(c, SEG_A + 30, buf, 4, &err), 0);
	assert_int_equal(buf[0], 30);
	assert_int_equal(buf[1], 31);
	assert_int_equal(buf[2], 0xbb);
	/* B past its file bytes reads as zeros. */
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(elf_core_read(c, SEG_B + 12, buf, 8, &err), 0);
	assert_int_equal(buf[3], 0xbb);
	assert_int_equal(buf[4], 0);
	assert_int_equal(buf[7], 0);
	assert_int_equal(elf_core_read(c, SEG_C, buf, 8, &err), 0);
	assert_int_equal(buf[7], 0xcc);
	/* The hole after B, and a range that runs into it. */
	assert_int_equal(elf_core_read(c, SEG_B + 0x1000, buf, 1, &err), -EFAULT);
	assert_int_equal(elf_core_check(c, SEG_B + 0xff0, 0x20, &bad), -EFAULT);
	assert_int_equal(bad, SEG_B + 0x1000);
	assert_int_equal(elf_core_check(c, SEG_A - 1, 2, &bad), -EFAULT);
	assert_int_equal(bad, SEG_A - 1);
	assert_int_equal(elf_core_check(c, UINT64_MAX - 1, 4, &bad), -EFAULT);
	assert_int_equal(elf_core_check(c, SEG_A, 0x1020, &bad), 0);
	assert_int_equal(elf_core_find(c, SEG_B + 0x10, &left), 0);
	assert_int_equal(left, 0xff0);
	assert_int_equal(elf_core_top(c), SEG_C + 8);
	elf_core_close(c);
}

static void not_cores(void **state)
{
	struct builder b;
	int fd;

	(void)state;
	open_fails("/nonexistent/core", ENOENT, "No such file");
	snprintf(path, sizeof(path), "%s/core", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, "hello, world\n", 13), 13);
	close(fd);
	open_fails(path, ENOEXEC, "not an ELF file");

	good(&b);
	b.eh.e_type = ET_EXEC;
	open_fails(builder_write(&b, 0), ENOEXEC, "not a core file");
	good(&b);
	b.eh.e_machine = EM_AARCH64;
	open_fails(builder_write(&b, 0), ENOEXEC, "not an x86-64 core");
	good(&b);
	b.eh.e_ident[EI_CLASS] = ELFCLASS32;
	open_fails(builder_write(&b, 0), ENOEXEC, "not an x86-64 core");
}

static void truncated(void **state)
{
	struct builder b;

	(void)state;
	good(&b);
	open_fails(builder_write(&b, 40), ENOEXEC, "truncated");
	good(&b);
	open_fails(builder_write(&b, 100), ENOEXEC, "truncated");
	good(&b);
	/* The last segment's bytes cut short by one. */
	{
		size_t whole = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr) + b.nnotes + b.nbody;

		open_fails(builder_write(&b, whole - 1), ENOEXEC, "truncated: segment");
	}
}

static void malformed(void **state)
{
	struct builder b;
	uint8_t x[8] = { 0 };

	(void)state;
	builder_init(&b);
	load_add(&b, SEG_A, x, 8, 8);
	open_fails(builder_write(&b, 0), ENOEXEC, "no registers");
	good(&b);
	load_add(&b, SEG_A + 8, x, 8, 8); /* inside A */
	open_fails(builder_write(&b, 0), ENOEXEC, "overlap");
	good(&b);
	b.ph[0].p_filesz = 16; /* more in the file than in memory */
	b.ph[0].p_memsz = 8;
	open_fails(builder_write(&b, 0), ENOEXEC, "malformed size");
	builder_init(&b);
	note_add(&b, "CORE", NT_PRSTATUS, x, sizeof(x));
	open_fails(builder_write(&b, 0), ENOEXEC, "NT_PRSTATUS");
	builder_init(&b);
	prstatus_add(&b);
	{
		uint64_t count = 1000; /* more files than the note holds */

		note_add(&b, "CORE", NT_FILE_TYPE, &count, sizeof(count));
	}
	open_fails(builder_write(&b, 0), ENOEXEC, "NT_FILE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_and_notes),
		cmocka_unit_test(memory),
		cmocka_unit_test(not_cores),
		cmocka_unit_test(truncated),
		cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
