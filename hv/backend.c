/* SPDX-License-Identifier: ISC */
/* The backends every lpar carries, and the run-time choice between them. */
#include <errno.h>
#include <string.h>

#include "../common/err.h"
#include "backend.h"

const struct hvb_ops *const hvb_backends[] = { &hvb_kvm, &hvb_tcg, NULL };

const struct hvb_ops *hvb_find(const char *name)
{
	for (size_t i = 0; hvb_backends[i]; i++)
		if (!strcmp(hvb_backends[i]->name, name))
			return hvb_backends[i];
	return NULL;
}

int hvb_open(const struct hvb_params *p, struct hvb_vm **out, struct lerr *err)
{
	const char *accel = p->accel ? p->accel : "auto";
	const struct hvb_ops *b = hvb_find(accel);
	struct lerr why = { 0, "" }, tcg = { 0, "" };

	if (b)
		return b->open(p, out, err);
	if (strcmp(accel, "auto"))
		return lerr_set(err, EINVAL, "unknown accelerator '%s' (kvm, tcg or auto)", accel);
	/* auto: hardware virtualization where this host has it, else software. */
	if (hvb_kvm.open(p, out, &why) == 0)
		return 0;
	if (hvb_tcg.open(p, out, &tcg) == 0)
		return 0;
	/* Neither: say why for both. */
	return lerr_set(err, tcg.code, "%s; and kvm: %s", tcg.msg, why.msg);
}
