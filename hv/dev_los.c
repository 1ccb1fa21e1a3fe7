/*
 * The library OS device: the library OS itself (guest/los/, carried in
 * lpar as data and loaded below 1 MiB of every partition) and the hcalls
 * it needs beyond the other devices': reporting a Linux syscall it does
 * not have, random bytes, and the FS base on CPUs without wrfsbase.
 */
#include <errno.h>
#include <lpar/boot.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
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

static int64_t hc_syscall_unsupported(struct hv *hv, const uint64_t *a)
{
	__atomic_add_fetch(&hv->syscalls_unsupported, 1, __ATOMIC_RELAXED);
	if (hv_tracing(hv))
		hv_trace_note(hv, HV_TEV_SYSCALL,
			      "nr=%" PRIu64 " name=%s args=0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64
			      " ret=-ENOSYS",
			      a[0], hv_syscall_name(a[0]), a[1], a[2], a[3]);
	return -ENOSYS;
}

#define RANDOM_MAX 4096

static int64_t hc_random(struct hv *hv, const uint64_t *a)
{
	uint64_t len = a[1] < RANDOM_MAX ? a[1] : RANDOM_MAX;
	void *buf = hv_guest_buf(hv, a[0], len, HV_BUF_WRITE);
	ssize_t n;

	if (!buf)
		return -EFAULT;
	do
		n = getrandom(buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int64_t hc_set_fs_base(struct hv *hv, const uint64_t *a)
{
	/* A canonical user address: anything else would fail the next entry. */
	if (a[0] >= (1ull << 47))
		return -EPERM;
	return hvb_cpu_set_fs_base(hv->cpu, a[0]);
}

static const struct hv_hcall los_hcalls[] = {
	{ .nr = LPAR_HC_SYSCALL_UNSUPPORTED, .name = "syscall_unsupported", .who = HV_WHO_GUEST,
	  .args = { "nr", "a0", "a1", "a2" }, .fn = hc_syscall_unsupported, .types = "uuuu" },
	{ .nr = LPAR_HC_RANDOM, .name = "random", .who = HV_WHO_GUEST, .args = { "buf", "len" },
	  .fn = hc_random, .types = "pl" },
	{ .nr = LPAR_HC_SET_FS_BASE, .name = "set_fs_base", .who = HV_WHO_GUEST,
	  .args = { "base" }, .fn = hc_set_fs_base, .types = "u" },
};

const struct hv_device hv_dev_los = {
	.name = "los",
	.hcalls = los_hcalls,
	.nhcalls = sizeof(los_hcalls) / sizeof(los_hcalls[0]),
};
