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

	if (h && (h->who & HV_WHO_GUEST))
		ret = h->fn(hv, args);
	r->rax = (uint64_t)ret;
	hvb_cpu_regs_dirty(hv->cpu);
}
