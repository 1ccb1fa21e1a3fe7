/* SPDX-License-Identifier: ISC
 * hcall dispatch: devices supply the handlers of the hcalls in the table
 * (common/hcalls.c) and the core registers them into one array by number.
 */
#ifndef LPAR_HV_HCALL_H
#define LPAR_HV_HCALL_H

#include <stddef.h>
#include <stdint.h>

struct hv;
struct hv_frame;
struct hvb_exit;
struct lerr;

/*
 * A device's handler for one hcall of the table in common/hcalls.c, which
 * has its name, arguments and who may issue it: fn for a hcall the
 * partition issues, ctl for one a controller issues.
 */
struct hv_hcall {
	unsigned nr;               /* LPAR_HC_* */
	int64_t (*fn)(struct hv *hv, const uint64_t *args);
	/* Controller hcalls: text argument in, extra result lines out. */
	int64_t (*ctl)(struct hv *hv, const uint64_t *args, const char *text,
		       char *out, size_t outlen);
};

/*
 * Issues controller hcall NAME with the argument text from a controller
 * (the control tree's hcall file); the result line(s) go to out.  -ENOSYS
 * for no such controller hcall, -EINVAL for bad arguments.
 */
int hv_hcall_ctl(struct hv *hv, const char *cmd, char *out, size_t outlen);

/*
 * A device: a module with its hcalls, optional set-up and tear-down, and
 * lifecycle hooks, each optional.  init runs in list order when the
 * partition is created, fini in reverse when it is destroyed; the core
 * calls every other hook in list order, on the vCPU thread, and calls no
 * device by name.
 */
struct hv_device {
	const char *name;
	const struct hv_hcall *hcalls;
	size_t nhcalls;
	int (*init)(struct hv *hv, struct lerr *err);
	void (*fini)(struct hv *hv);
	/* Lock held, each time the vCPU thread serves requests: HV_REQ_* bits to add. */
	unsigned (*serve)(struct hv *hv);
	/* Lock held: the partition starts; 1 if it must end instead. */
	int (*start)(struct hv *hv);
	/* Lock held, the vCPU settled: the partition pauses. */
	void (*pause)(struct hv *hv);
	/* Lock held: the partition runs on after a pause; 1 if it must end instead. */
	int (*resume)(struct hv *hv);
	/* The run loop is over, the I/O thread still runs: output still owed goes out. */
	void (*flush)(struct hv *hv);
	/* The I/O thread has stopped, the status record is not yet written: the end. */
	void (*end)(struct hv *hv);
	/* The partition took an exception; 1 if the device handled it (else it crashes). */
	int (*exception)(struct hv *hv, const struct hv_frame *f, uint64_t cr2);
	/* An MMIO exit; 1 if the device performed the access (else the partition crashes). */
	int (*mmio)(struct hv *hv, const struct hvb_exit *ex);
	/* Port I/O on a port the core does not serve; 1 if the device took it (else a crash). */
	int (*io)(struct hv *hv, const struct hvb_exit *ex);
};

extern const struct hv_device hv_dev_sys;
extern const struct hv_device hv_dev_console;
extern const struct hv_device hv_dev_clock;
extern const struct hv_device hv_dev_ctl;
extern const struct hv_device hv_dev_ring;
extern const struct hv_device hv_dev_chan;
extern const struct hv_device hv_dev_los;
extern const struct hv_device hv_dev_share;
extern const struct hv_device hv_dev_debug;

/* Every device there is, NULL-terminated: the one list of them. */
const struct hv_device *const *hv_devices_all(void);

/*
 * Fills hv->hcalls from every device; fails if two claim one number, or a
 * handler is not for a hcall of the table or not of the kind it is.
 */
int hv_hcall_register(struct hv *hv, struct lerr *err);
/* Handles the hcall in the vCPU's registers and stores the result. */
void hv_hcall_dispatch(struct hv *hv);

#endif
