/* SPDX-License-Identifier: ISC */
/* The system device: ABI version, exit and abort. */
#include <errno.h>
#include <lpar/hcall.h>

#include "../common/text.h"
#include "priv.h"

#define ABORT_MSG_MAX 512

static int64_t hc_abi_version(struct hv *hv, const uint64_t *a)
{
	(void)hv;
	(void)a;
	return LPAR_ABI_VERSION;
}

static int64_t hc_exit(struct hv *hv, const uint64_t *a)
{
	hv_end_exit(hv, (int)a[0]);
	return 0;
}

static int64_t hc_abort(struct hv *hv, const uint64_t *a)
{
	uint64_t len = a[1] < ABORT_MSG_MAX ? a[1] : ABORT_MSG_MAX;
	const char *msg = hv_guest_buf(hv, a[0], len, HV_BUF_READ);
	char clean[ABORT_MSG_MAX * 4 + 1];
	/* From the library OS (abort() raising SIGABRT): where the program asked. */
	uint64_t rip = hv_los_caller(hv, hvb_cpu_regs(hv->cpu)->rip);

	if (!msg || !len)
		hv_end_crash(hv, rip, "partition aborted");
	else
		hv_end_crash(hv, rip, "partition aborted: %s",
			     text_sanitize(clean, sizeof(clean), msg, len));
	return 0;
}

static const struct hv_hcall sys_hcalls[] = {
	{ .nr = LPAR_HC_ABI_VERSION, .fn = hc_abi_version },
	{ .nr = LPAR_HC_EXIT, .fn = hc_exit },
	{ .nr = LPAR_HC_ABORT, .fn = hc_abort },
};

const struct hv_device hv_dev_sys = {
	.name = "sys",
	.hcalls = sys_hcalls,
	.nhcalls = sizeof(sys_hcalls) / sizeof(sys_hcalls[0]),
};
