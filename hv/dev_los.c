/* SPDX-License-Identifier: ISC
 * The library OS device: the hcalls the library OS (hv/los.c) needs
 * beyond the other devices': reporting a Linux syscall it does not have,
 * random bytes, and the FS base on CPUs without wrfsbase.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/random.h>

#include "priv.h"

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
	{ .nr = LPAR_HC_SYSCALL_UNSUPPORTED, .fn = hc_syscall_unsupported },
	{ .nr = LPAR_HC_RANDOM, .fn = hc_random },
	{ .nr = LPAR_HC_SET_FS_BASE, .fn = hc_set_fs_base },
};

const struct hv_device hv_dev_los = {
	.name = "los",
	.hcalls = los_hcalls,
	.nhcalls = sizeof(los_hcalls) / sizeof(los_hcalls[0]),
};
