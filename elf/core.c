/* SPDX-License-Identifier: ISC */
/* Reading partition core files: headers and notes with libelf, memory with pread(). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/corefile.h"
#include "../common/err.h"
#include "../common/infile.h"
#include "core.h"

/*
 * Linux x86-64's struct elf_prstatus, which gdb reads: the fields this
 * reader needs, at their offsets (the host's <sys/procfs.h> describes the
 * host, which need not be the core's machine).
 */
#define PRSTATUS_CURSIG 12
#define PRSTATUS_PID    32
#define PRSTATUS_REGS   112
#define PRSTATUS_NREGS  27      /* struct user_regs_struct, 8 bytes each */
#define PRSTATUS_SIZE   336
#define PRPSINFO_PSARGS 56      /* struct elf_prpsinfo's pr_psargs[80] */
#define PRPSINFO_SIZE   136

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

#define REG(f) offsetof(struct vcpu_regs, f)
#define NOREG SIZE_MAX

/* struct user_regs_struct, slot by slot, into struct vcpu_regs (orig_rax has no place). */
static const size_t user_regs[PRSTATUS_NREGS] = {
	REG(r15), REG(r14), REG(r13), REG(r12), REG(rbp), REG(rbx), REG(r11), REG(r10),
	REG(r9), REG(r8), REG(rax), REG(rcx), REG(rdx), REG(rsi), REG(rdi), NOREG,
	REG(rip), REG(cs), REG(rflags), REG(rsp), REG(ss), REG(fs_base), REG(gs_base),
	REG(ds), REG(es), REG(fs), REG(gs),
};

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copies at most len - 1 bytes of a field that need not end in a NUL. */
static void field_copy(char *dst, size_t len, const void *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int note_prstatus(struct elf_core *c, const uint8_t *d, size_t n, struct lerr *err)
{
	/* A core has one thread: a later NT_PRSTATUS would be another vCPU's. */
	if (c->have_regs)
		return 0;
	if (n < PRSTATUS_SIZE)
		return lerr_set(err, ENOEXEC, "its NT_PRSTATUS note is %zu bytes, not %d",
				n, PRSTATUS_SIZE);
	c->signo = (int16_t)(d[PRSTATUS_CURSIG] | d[PRSTATUS_CURSIG + 1] << 8);
	c->pid = (int32_t)le32(d + PRSTATUS_PID);
	for (size_t i = 0; i < PRSTATUS_NREGS; i++)
		if (user_regs[i] != NOREG)
			memcpy((char *)&c->regs + user_regs[i], &(uint64_t){ le64(d + PRSTATUS_REGS + 8 * i) },
			       sizeof(uint64_t));
	c->have_regs = 1;
	return 0;
}

/*
 * NT_FILE: a count, the page size, count (start, end, offset) triples,
 * then count names.  The image is the file that maps the lowest address.
 */
static int note_file(struct elf_core *c, const uint8_t *d, size_t n, struct lerr *err)
{
	uint64_t count, best = UINT64_MAX;
	const char *name;
	size_t left;

	if (n < 16)
		goto bad;
	count = le64(d);
	if (count > (n - 16) / 24)
		goto bad;
	name = (const char *)d + 16 + 24 * count;
	left = n - 16 - 24 * count;
	for (uint64_t i = 0; i < count; i++) {
		size_t len = strnlen(name, left);
		uint64_t start = le64(d + 16 + 24 * i);

		if (len == left)
			goto bad;
		if (start < best) {
			best = start;
			field_copy(c->image, sizeof(c->image), name, len + 1);
		}
		name += len + 1;
		left -= len + 1;
	}
	return 0;
bad:
	return lerr_set(err, ENOEXEC, "its NT_FILE note is malformed");
}

/* Copies a "key value" line's value into a string field of lpar's note. */
#define LPAR_STR(key, field) { key, offsetof(struct elf_core_lpar, field), \
			       sizeof(((struct elf_core_lpar *)0)->field), 0 }
#define LPAR_NUM(key, field) { key, offsetof(struct elf_core_lpar, field), 0, 1 }

static const struct {
	const char *key;
	size_t off, len;   /* len 0: a number */
	int num;
} lpar_keys[] = {
	LPAR_STR("name", name), LPAR_STR("abi", abi), LPAR_NUM("mem", mem),
	LPAR_STR("accel", accel), LPAR_STR("image", image), LPAR_STR("state", state),
	LPAR_STR("regs", regs), LPAR_STR("reason", reason),
	LPAR_NUM("syscall_rip", syscall_rip), LPAR_NUM("syscall_nr", syscall_nr),
};

/*
 * lpar's note: "key value" lines (common/corefile.h); keys this reader
 * does not know are skipped, so the writer may add some.
 */
static void note_lpar(struct elf_core *c, const uint8_t *d, size_t n)
{
	const char *p = (const char *)d, *end = p + strnlen(p, n);

	c->have_lpar = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp;

		if (!nl)
			nl = end;
		sp = memchr(p, ' ', (size_t)(nl - p));
		for (size_t i = 0; sp && i < sizeof(lpar_keys) / sizeof(lpar_keys[0]); i++) {
			char *field = (char *)&c->lpar + lpar_keys[i].off, num[32];

			if (strlen(lpar_keys[i].key) != (size_t)(sp - p) ||
			    memcmp(p, lpar_keys[i].key, (size_t)(sp - p)))
				continue;
			if (lpar_keys[i].num) {
				field_copy(num, sizeof(num), sp + 1, (size_t)(nl - sp - 1));
				*(uint64_t *)(void *)field = strtoull(num, NULL, 0);
			} else {
				field_copy(field, lpar_keys[i].len, sp + 1, (size_t)(nl - sp - 1));
			}
		}
		p = nl + 1;
	}
}

static int notes_read(struct elf_core *c, Elf *e, const GElf_Phdr *ph, struct lerr *err)
{
	Elf_Data *data = elf_getdata_rawchunk(e, (int64_t)ph->p_offset, ph->p_filesz,
					      ELF_T_NHDR);
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;
	int r = 0;

	if (!data)
		return lerr_set(err, ENOEXEC, "its notes are unreadable: %s", elf_errmsg(-1));
	while (!r && off < data->d_size &&
	       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		const uint8_t *desc = (const uint8_t *)data->d_buf + desc_off;

		if (nh.n_namesz == 5 && !memcmp(name, "CORE", 5)) {
			if (nh.n_type == NT_PRSTATUS)
				r = note_prstatus(c, desc, nh.n_descsz, err);
			else if (nh.n_type == NT_FPREGSET && nh.n_descsz >= sizeof(c->fpregs) &&
				 !c->have_fpregs) {
				memcpy(c->fpregs, desc, sizeof(c->fpregs));
				c->have_fpregs = 1;
			} else if (nh.n_type == NT_PRPSINFO && nh.n_descsz >= PRPSINFO_SIZE) {
				field_copy(c->psargs, sizeof(c->psargs), desc + PRPSINFO_PSARGS, 80);
			} else if (nh.n_type == NT_FILE) {
				r = note_file(c, desc, nh.n_descsz, err);
			}
		} else if (nh.n_namesz == sizeof(CORE_NOTE_LPAR) && nh.n_type == CORE_NT_LPAR_INFO &&
			   !memcmp(name, CORE_NOTE_LPAR, sizeof(CORE_NOTE_LPAR))) {
			note_lpar(c, desc, nh.n_descsz);
		}
		off = next;
	}
	return r;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct elf_core_seg *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int header_check(Elf *e, struct elf_core *c, size_t *phnum, struct lerr *err)
{
	size_t identlen;
	const char *ident = elf_getident(e, &identlen);
	GElf_Ehdr eh;

	if (elf_kind(e) != ELF_K_ELF || !ident || identlen < EI_NIDENT)
		return lerr_set(err, ENOEXEC, "not an ELF file");
	if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB)
		return lerr_set(err, ENOEXEC, "not an x86-64 core (not 64-bit little-endian ELF)");
	if (!gelf_getehdr(e, &eh))
		return lerr_set(err, ENOEXEC, "truncated: the ELF header is cut short");
	if (eh.e_type != ET_CORE)
		return lerr_set(err, ENOEXEC, "not a core file (%s)",
				eh.e_type == ET_EXEC || eh.e_type == ET_DYN ? "it is a program" :
				eh.e_type == ET_REL ? "it is an object file" : "unknown e_type");
	if (eh.e_machine != EM_X86_64)
		return lerr_set(err, ENOEXEC, "not an x86-64 core (e_machine %u)", eh.e_machine);
	/* Checked before libelf's count, which is 0 for headers cut short. */
	if (eh.e_phnum && eh.e_phnum != PN_XNUM &&
	    (eh.e_phoff > c->file_size ||
	     (c->file_size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum))
		return lerr_set(err, ENOEXEC, "truncated: the program headers end past the end of the file");
	if (elf_getphdrnum(e, phnum) != 0)
		return lerr_set(err, ENOEXEC, "unreadable program headers: %s", elf_errmsg(-1));
	return 0;
}

static int segs_read(Elf *e, struct elf_core *c, size_t phnum, struct lerr *err)
{
	int have_notes = 0, r = 0;

	c->segs = calloc(phnum ? phnum : 1, sizeof(*c->segs));
	if (!c->segs)
		return lerr_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < phnum && !r; i++) {
		GElf_Phdr ph;
		uint64_t end;

		if (!gelf_getphdr(e, (int)i, &ph))
			return lerr_set(err, ENOEXEC, "unreadable program header %zu: %s", i,
					elf_errmsg(-1));
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (__builtin_add_overflow(ph.p_offset, ph.p_filesz, &end) || end > c->file_size)
			return lerr_set(err, ENOEXEC,
					"truncated: segment %zu ends at byte %llu, past the end of the file (%llu bytes)",
					i, (unsigned long long)end, (unsigned long long)c->file_size);
		if (ph.p_type == PT_NOTE) {
			have_notes = 1;
			r = notes_read(c, e, &ph, err);
			continue;
		}
		if (ph.p_filesz > ph.p_memsz || __builtin_add_overflow(ph.p_vaddr, ph.p_memsz, &end))
			return lerr_set(err, ENOEXEC, "segment %zu has a malformed size", i);
		if (!ph.p_memsz)
			continue;
		c->segs[c->nsegs++] = (struct elf_core_seg){ ph.p_vaddr, ph.p_memsz, ph.p_filesz,
							     ph.p_offset, ph.p_flags & 7 };
	}
	if (r)
		return r;
	if (!have_notes)
		return lerr_set(err, ENOEXEC, "not a core of a program: it has no notes");
	qsort(c->segs, c->nsegs, sizeof(*c->segs), seg_cmp);
	for (size_t i = 1; i < c->nsegs; i++)
		if (c->segs[i].vaddr - c->segs[i - 1].vaddr < c->segs[i - 1].memsz)
			return lerr_set(err, ENOEXEC, "its memory segments overlap at 0x%llx",
					(unsigned long long)c->segs[i].vaddr);
	return 0;
}

int elf_core_open(const char *path, struct elf_core **out, struct lerr *err)
{
	struct elf_core *c;
	char magic[SELFMAG];
	struct stat sb;
	size_t phnum = 0;
	Elf *e;
	int r;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return lerr_set(err, EIO, "libelf is out of date");
	c = calloc(1, sizeof(*c));
	if (!c)
		return lerr_set(err, ENOMEM, "out of memory");
	c->fd = infile_open(path, err);
	if (c->fd < 0) {
		r = c->fd;
		free(c);
		return r;
	}
	c->path = strdup(path);
	if (!c->path || fstat(c->fd, &sb) < 0) {
		r = lerr_set(err, c->path ? errno : ENOMEM, "%s", strerror(c->path ? errno : ENOMEM));
		elf_core_close(c);
		return r;
	}
	c->file_size = (uint64_t)sb.st_size;
	/* libelf takes a cut-short header for no ELF at all: tell them apart first. */
	if (pread(c->fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    memcmp(magic, ELFMAG, SELFMAG)) {
		elf_core_close(c);
		return lerr_set(err, ENOEXEC, "not an ELF file");
	}
	if (c->file_size < sizeof(Elf64_Ehdr)) {
		elf_core_close(c);
		return lerr_set(err, ENOEXEC, "truncated: the ELF header is cut short");
	}
	e = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
	if (!e) {
		elf_core_close(c);
		return lerr_set(err, ENOEXEC, "not an ELF file");
	}
	r = header_check(e, c, &phnum, err);
	if (!r)
		r = segs_read(e, c, phnum, err);
	if (!r && !c->have_regs)
		r = lerr_set(err, ENOEXEC, "it has no registers (no NT_PRSTATUS note)");
	/* Without NT_FILE, the image as lpar's note names it. */
	if (!r && !c->image[0] && c->have_lpar)
		snprintf(c->image, sizeof(c->image), "%s", c->lpar.image);
	elf_end(e);
	if (r) {
		elf_core_close(c);
		return r;
	}
	*out = c;
	return 0;
}

void elf_core_close(struct elf_core *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->segs);
	free(c->path);
	free(c);
}

uint64_t elf_core_top(const struct elf_core *c)
{
	return c->nsegs ? c->segs[c->nsegs - 1].vaddr + c->segs[c->nsegs - 1].memsz : 0;
}

/* The segment holding addr, by binary search; NULL if none. */
static const struct elf_core_seg *seg_at(const struct elf_core *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct elf_core_seg *s = &c->segs[mid];

		if (addr < s->vaddr)
			hi = mid;
		else if (addr - s->vaddr >= s->memsz)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

int elf_core_find(const struct elf_core *c, uint64_t addr, uint64_t *left)
{
	const struct elf_core_seg *s = seg_at(c, addr);

	if (!s)
		return -EFAULT;
	*left = s->memsz - (addr - s->vaddr);
	return 0;
}

int elf_core_check(const struct elf_core *c, uint64_t addr, uint64_t len, uint64_t *bad)
{
	uint64_t a = addr, end;

	if (__builtin_add_overflow(addr, len, &end)) {
		*bad = addr;
		return -EFAULT;
	}
	/* Segments that touch stand for one range. */
	do {
		uint64_t left;

		if (elf_core_find(c, a, &left)) {
			*bad = a;
			return -EFAULT;
		}
		if (left >= end - a)
			break;
		a += left;
	} while (a < end);
	return 0;
}

int elf_core_read(const struct elf_core *c, uint64_t addr, void *buf, size_t len,
		  struct lerr *err)
{
	uint8_t *out = buf;
	uint64_t bad;

	if (elf_core_check(c, addr, len, &bad))
		return lerr_set(err, EFAULT, "0x%llx is not in the core", (unsigned long long)bad);
	while (len) {
		const struct elf_core_seg *s = seg_at(c, addr);
		uint64_t in = addr - s->vaddr;
		size_t n = s->memsz - in < len ? (size_t)(s->memsz - in) : len;
		size_t file = in < s->filesz ? (size_t)(s->filesz - in < n ? s->filesz - in : n) : 0;

		for (size_t done = 0; done < file;) {
			ssize_t k = pread(c->fd, out + done, file - done,
					  (off_t)(s->offset + in + done));

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return lerr_set(err, EIO, "cannot read the core at byte %llu: %s",
						(unsigned long long)(s->offset + in + done),
						k < 0 ? strerror(errno) : "it was cut short");
			done += (size_t)k;
		}
		/* Past p_filesz: pages the partition never wrote. */
		memset(out + file, 0, n - file);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}
