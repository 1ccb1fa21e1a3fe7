/* The hcall table: every device's hcalls registered by number, and dispatch. */
#include <errno.h>
#include <lpar/hcall.h>

#include "../common/err.h"
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

/* Every device, for the table lpar hcall --list prints. */
static const struct hv_device *const all_devices[] = {
	&hv_dev_sys, &hv_dev_ring, &hv_dev_console, &hv_dev_clock, &hv_dev_ctl,
	&hv_dev_chan, &hv_dev_los, &hv_dev_debug, NULL,
};

const struct hv_device *const *hv_devices_all(void)
{
	return all_devices;
}

size_t hv_hcall_table(const struct hv_hcall *const **out)
{
	static const struct hv_hcall *table[LPAR_HC_MAX];
	static size_t n;

	if (!n)
		for (unsigned nr = 0; nr < LPAR_HC_MAX; nr++)
			for (size_t d = 0; all_devices[d]; d++)
				for (size_t i = 0; i < all_devices[d]->nhcalls; i++)
					if (all_devices[d]->hcalls[i].nr == nr)
						table[n++] = &all_devices[d]->hcalls[i];
	*out = table;
	return n;
}

int hv_hcall_register(struct hv *hv, struct lerr *err)
{
	for (size_t d = 0; hv->devs[d]; d++) {
		const struct hv_device *dev = hv->devs[d];

		for (size_t i = 0; i < dev->nhcalls; i++) {
			const struct hv_hcall *h = &dev->hcalls[i];

			if (h->nr >= LPAR_HC_MAX)
				return lerr_set(err, EINVAL,
						"device %s: hcall %s has number %u, past %u",
						dev->name, h->name, h->nr, LPAR_HC_MAX);
			if (hv->hcalls[h->nr])
				return lerr_set(err, EEXIST,
						"device %s: hcall %u (%s) is already registered by device %s as %s",
						dev->name, h->nr, h->name,
						owner(hv, d, hv->hcalls[h->nr]),
						hv->hcalls[h->nr]->name);
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
		if (h && (h->who & HV_WHO_GUEST))
			ret = h->fn(hv, args);
	} else {
		uint64_t t0 = hv_now(hv);

		if (h && (h->who & HV_WHO_GUEST))
			ret = h->fn(hv, args);
		hv_trace_hcall(hv, r->rax, args, ret, hv_now(hv) - t0);
	}
	r->rax = (uint64_t)ret;
	hvb_cpu_regs_dirty(hv->cpu);
}
