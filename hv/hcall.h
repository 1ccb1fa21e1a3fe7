/*
 * hcall dispatch: devices describe the hcalls they handle and the core
 * registers them into one table indexed by number.
 */
#ifndef LPAR_HV_HCALL_H
#define LPAR_HV_HCALL_H

#include <stddef.h>
#include <stdint.h>

struct hv;
struct lerr;

#define HV_WHO_GUEST 1u  /* issued by the partition */
#define HV_WHO_CTL   2u  /* issued by the controller */

struct hv_hcall {
	unsigned nr;               /* LPAR_HC_* */
	const char *name;
	unsigned who;              /* HV_WHO_* */
	const char *args[5];       /* argument names, NULL-terminated */
	int64_t (*fn)(struct hv *hv, const uint64_t *args);
};

/* A device: a module with its hcalls and optional set-up and tear-down. */
struct hv_device {
	const char *name;
	const struct hv_hcall *hcalls;
	size_t nhcalls;
	int (*init)(struct hv *hv, struct lerr *err);
	void (*fini)(struct hv *hv);
};

extern const struct hv_device hv_dev_sys;
extern const struct hv_device hv_dev_console;
extern const struct hv_device hv_dev_clock;

/* Fills hv->hcalls from every device; fails if two claim one number. */
int hv_hcall_register(struct hv *hv, struct lerr *err);
/* Handles the hcall in the vCPU's registers and stores the result. */
void hv_hcall_dispatch(struct hv *hv);

#endif
