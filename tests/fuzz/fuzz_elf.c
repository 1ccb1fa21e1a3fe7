/* SPDX-License-Identifier: ISC */
/*
 * The ELF loader (elf/): partition images as lpar run opens them, and
 * core files as lpar attach --core opens them.  The first byte picks which
 * (even: an image, odd: a core); the rest is the file, in a memfd.  What
 * opens is then used as the monitor and the debugger use it: the fit in
 * memory, every segment read, symbols, rings and sections looked up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../elf/core.h"
#include "../../elf/elf.h"

#define SEG_MAX (1u << 20) /* read segments up to this size */

static void image(int fd)
{
	struct lerr err = { 0, "" };
	struct elf_image *img;
	char buf[256];
	uint64_t off;

	if (elf_open_fd(fd, "fuzz.elf", &img, &err))
		return; /* it closed fd */
	elf_check_fit(img, 0x100000, 64ull << 20, 64ull << 20, &err);
	for (size_t i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		void *dst;

		elf_section_at(img, s->vaddr, buf, sizeof(buf));
		elf_sections_in(img, s->vaddr, s->vaddr + s->memsz, buf, sizeof(buf));
		elf_sections_in(img, s->vaddr, s->vaddr + s->memsz, buf, 8);
		elf_sym_at(img, s->vaddr + s->memsz / 2, &off);
		if (s->memsz > SEG_MAX)
			continue;
		dst = malloc(s->memsz ? s->memsz : 1);
		if (dst)
			elf_read_seg(img, s, dst, &err);
		free(dst);
	}
	for (size_t i = 0; i < img->nsyms; i++) {
		elf_sym_lookup(img, img->syms[i].name);
		elf_sym_at(img, img->syms[i].addr, &off);
		elf_sym_at(img, img->syms[i].addr + img->syms[i].size, &off);
	}
	for (size_t i = 0; i < img->nrings; i++)
		elf_ring_lookup(img, img->rings[i].name);
	elf_ring_lookup(img, "console");
	elf_sym_lookup(img, "main");
	elf_sym_at(img, img->entry, &off);
	elf_close(img);
}

static void core(int fd)
{
	struct lerr err = { 0, "" };
	struct elf_core *c;
	char path[64];
	uint8_t buf[4096];
	uint64_t bad, left;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (elf_core_open(path, &c, &err) == 0) {
		elf_core_top(c);
		for (size_t i = 0; i < c->nsegs; i++) {
			uint64_t a = c->segs[i].vaddr;

			elf_core_check(c, a, c->segs[i].memsz + 1, &bad);
			elf_core_find(c, a + c->segs[i].memsz - 1, &left);
			elf_core_read(c, a, buf, c->segs[i].memsz < sizeof(buf) ? c->segs[i].memsz :
				      sizeof(buf), &err);
			elf_core_read(c, a + c->segs[i].memsz - 8, buf, 16, &err);
		}
		elf_core_close(c);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (!size)
		return 0;
	fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return 0;
	}
	if (data[0] & 1)
		core(fd);
	else
		image(fd);
	return 0;
}
