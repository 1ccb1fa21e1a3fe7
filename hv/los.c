/* SPDX-License-Identifier: ISC
 * The library OS as the monitor sees it: the ELF image lpar carries
 * (hv/los_blob.S, loaded by layout.c below 1 MiB of every partition),
 * where a crash inside it came from, and Linux's syscall names for
 * reporting the calls it does not have.
 */
#include <errno.h>
#include <lpar/boot.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/err.h"
#include "../elf/elf.h"
#include "priv.h"

extern const unsigned char hv_los_elf[], hv_los_elf_end[];

/* Linux's x86-64 syscall names, by number (from <asm/unistd_64.h>). */
static const char *const syscall_names[] = {
#include "syscall_names.h"
};

const char *hv_syscall_name(uint64_t nr)
{
	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	return "unknown";
}

int hv_los_open(struct elf_image **out, struct lerr *err)
{
	size_t len = (size_t)(hv_los_elf_end - hv_los_elf), done = 0;
	int fd = memfd_create("lpar-los", MFD_CLOEXEC);

	if (fd < 0)
		return lerr_set(err, errno, "library OS: memfd_create: %s", strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, hv_los_elf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			return lerr_set(err, e, "library OS: %s", strerror(e));
		}
		done += (size_t)n;
	}
	return elf_open_fd(fd, "library OS", out, err);
}

uint64_t hv_los_caller(struct hv *hv, uint64_t rip)
{
	const struct elf_sym *v;
	const uint64_t *from;

	/* In the CPL 0 stub, %rcx still holds the caller's %rip. */
	if (rip >= hv->lay.syscall && rip < hv->lay.stubs_end)
		return hvb_cpu_regs(hv->cpu)->rcx;
	if (rip < LPAR_LOS_BASE || rip >= LPAR_LOS_END || !hv->los)
		return rip;
	v = elf_sym_lookup(hv->los, "los_syscall_rip");
	from = v ? gmem_at(&hv->mem, v->addr, 8) : NULL;
	return from && *from ? *from : rip;
}
