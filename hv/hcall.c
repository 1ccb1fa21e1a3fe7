/* SPDX-License-Identifier: ISC */
/* The hcall table: every device's hcalls registered by number, and dispatch. */
#include <errno.h>
#include <lpar/hcall.h>

#include "../common/err.h"
#include "../common/hcalls.h"
#include "priv.h"

/* The device (among the first n) whose table holds h. */
static const char *owner(const struct hv *hv, size_t n, const struct hv_hcall *h)
{
	for (size_t d = 0; d <= n && hv->devs[d]; d++)
		if (h >= hv->devs[d]->hcalls &&
		    h < hv->devs[d]->hcalls + hv->devs[d]->nhcalls)
			return hv->devs[d]->name;
	return "?";
}

/* Every device there is. */
static const struct hv_device *const all_devices[] = {
	&hv_dev_sys, &hv_dev_ring, &hv_dev_console, &hv_dev_clock, &hv_dev_ctl,
	&hv_dev_share, &hv_dev_chan, &hv_dev_los, &hv_dev_debug, NULL,
};

const struct hv_device *const *hv_devices_all(void)
{
	return all_devices;
}

/* Whether dev's handler h serves a hcall of the table, as the kind it is. */
static int check(const struct hv_device *dev, const struct hv_hcall *h, struct lerr *err)
{
	const struct hc_info *info = hc_info(h->nr);

	if (h->nr >= LPAR_HC_MAX)
		return lerr_set(err, EINVAL, "device %s: hcall number %u is past %u",
				dev->name, h->nr, LPAR_HC_MAX);
	if (!info)
		return lerr_set(err, EINVAL,
				"device %s: hcall %u is not in the hcall table (common/hcalls.c)",
				dev->name, h->nr);
	if (!!(info->who & HC_GUEST) != !!h->fn || !!(info->who & HC_CTL) != !!h->ctl)
		return lerr_set(err, EINVAL,
				"device %s: hcall %u (%s) is issued by the %s, but its handler is not for that",
				dev->name, h->nr, info->name, hc_who(info));
	return 0;
}

int hv_hcall_register(struct hv *hv, struct lerr *err)
{
	for (size_t d = 0; hv->devs[d]; d++) {
		const struct hv_device *dev = hv->devs[d];

		for (size_t i = 0; i < dev->nhcalls; i++) {
			const struct hv_hcall *h = &dev->hcalls[i];
			int r = check(dev, h, err);

			if (r)
				return r;
			if (hv->hcalls[h->nr])
				return lerr_set(err, EEXIST,
						"device %s: hcall %u (%s) is already registered by device %s",
						dev->name, h->nr, hc_info(h->nr)->name,
						owner(hv, d, hv->hcalls[h->nr]));
			hv->hcalls[h->nr] = h;
		}
	}
	return 0;
}

void hv_hcall_dispatch(struct hv *hv)
{
	struct hv_regs *r = hvb_cpu_regs(hv->cpu);
	const struct hv_hcall *h = r->rax < LPAR_HC_MAX ? hv->hcalls[r->rax] : NULL;
	uint64_t args[5] = { r->rdi, r->rsi, r->rdx, r->rcx, r->r8 };
	int64_t ret = -ENOSYS;

	if (!hv_tracing(hv)) {
		if (h && h->fn)
			ret = h->fn(hv, args);
	} else {
		uint64_t t0 = hv_now(hv);

		if (h && h->fn)
			ret = h->fn(hv, args);
		hv_trace_hcall(hv, r->rax, args, ret, hv_now(hv) - t0);
	}
	r->rax = (uint64_t)ret;
	hvb_cpu_regs_dirty(hv->cpu);
}
