/* SPDX-License-Identifier: ISC
 * Unit tests for hcall registration (hv/hcall.c) with fake devices in a
 * fake struct hv.  Dispatch needs a vCPU and is left to the bats tests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/err.h"
#include "../../common/hcalls.h"
#include "../../hv/priv.h"

static int64_t hc_nop(struct hv *hv, const uint64_t *args)
{
	(void)hv;
	(void)args;
	return 0;
}

static int64_t ctl_nop(struct hv *hv, const uint64_t *args, const char *text, char *out,
		       size_t outlen)
{
	(void)hv;
	(void)args;
	(void)text;
	(void)out;
	(void)outlen;
	return 0;
}

/* Handlers for hcalls of the table (common/hcalls.c): a guest's, a controller's. */
#define HC(nr_) { .nr = (nr_), .fn = hc_nop }
#define CTL(nr_) { .nr = (nr_), .ctl = ctl_nop }
#define DEV(var, dname, table) \
	static const struct hv_device var = { \
		.name = (dname), .hcalls = (table), \
		.nhcalls = sizeof(table) / sizeof((table)[0]), \
	}

static const struct hv_hcall alpha_hc[] = { HC(5), HC(6) };     /* time_monotonic, time_wall */
static const struct hv_hcall beta_hc[] = { HC(7), HC(5) };      /* block, time_monotonic */
static const struct hv_hcall twice_hc[] = { HC(9), HC(9) };     /* trace_mark */
static const struct hv_hcall big_hc[] = { HC(LPAR_HC_MAX) };
static const struct hv_hcall huge_hc[] = { HC(0xffffffffu) };
static const struct hv_hcall last_hc[] = { CTL(LPAR_HC_CTL_PANIC), HC(0) };
static const struct hv_hcall unlisted_hc[] = { HC(20) };        /* no hcall has 20 */
static const struct hv_hcall wrong_kind_hc[] = { CTL(LPAR_HC_EXIT) };

DEV(dev_alpha, "alpha", alpha_hc);
DEV(dev_beta, "beta", beta_hc);
DEV(dev_twice, "twice", twice_hc);
DEV(dev_big, "big", big_hc);
DEV(dev_huge, "huge", huge_hc);
DEV(dev_last, "last", last_hc);
DEV(dev_unlisted, "unlisted", unlisted_hc);
DEV(dev_wrong_kind, "wrongkind", wrong_kind_hc);

static const struct hv_device dev_empty = { .name = "empty" };

/* A zeroed struct hv with only its device list set, as hv_create() leaves it. */
static struct hv *fake_hv(const struct hv_device *const *devs)
{
	struct hv *hv = calloc(1, sizeof(*hv));

	assert_non_null(hv);
	hv->devs = devs;
	return hv;
}

static void run(const struct hv_device *const *devs, struct hv **hvp,
		struct lerr *err, int want)
{
	memset(err, 0, sizeof(*err));
	*hvp = fake_hv(devs);
	assert_int_equal(hv_hcall_register(*hvp, err), want);
	assert_int_equal(err->code, want < 0 ? -want : 0);
}

static void distinct_numbers_register(void **state)
{
	static const struct hv_device *const devs[] = { &dev_alpha, &dev_last, &dev_empty, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, 0);
	assert_ptr_equal(hv->hcalls[5], &alpha_hc[0]);
	assert_ptr_equal(hv->hcalls[6], &alpha_hc[1]);
	assert_ptr_equal(hv->hcalls[LPAR_HC_CTL_PANIC], &last_hc[0]);
	assert_ptr_equal(hv->hcalls[0], &last_hc[1]);
	for (unsigned n = 0; n < LPAR_HC_MAX; n++)
		if (n != 0 && n != 5 && n != 6 && n != LPAR_HC_CTL_PANIC && hv->hcalls[n])
			fail_msg("hcall %u is registered but no device has it", n);
	free(hv);
}

static void no_devices(void **state)
{
	static const struct hv_device *const devs[] = { NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, 0);
	for (unsigned n = 0; n < LPAR_HC_MAX; n++)
		assert_null(hv->hcalls[n]);
	free(hv);
}

static void duplicate_across_devices(void **state)
{
	static const struct hv_device *const devs[] = { &dev_alpha, &dev_beta, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EEXIST);
	/* the first claim stands */
	assert_ptr_equal(hv->hcalls[5], &alpha_hc[0]);
	if (!strstr(err.msg, "time_monotonic") || !strstr(err.msg, "alpha") ||
	    !strstr(err.msg, "beta") || !strstr(err.msg, "5"))
		fail_msg("message does not name the hcall, its number and both devices: \"%s\"",
			 err.msg);
	free(hv);
}

/*
 * The conflict is between two devices, so the message names both: the one
 * that already holds the number and the one that tried to take it.
 */
static void duplicate_message_names_both_devices(void **state)
{
	static const struct hv_hcall gamma_hc[] = { HC(2) };
	static const struct hv_hcall delta_hc[] = { HC(2) };
	static const struct hv_device gamma = { .name = "gamma", .hcalls = gamma_hc, .nhcalls = 1 };
	static const struct hv_device delta = { .name = "delta", .hcalls = delta_hc, .nhcalls = 1 };
	static const struct hv_device *const devs[] = { &gamma, &delta, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EEXIST);
	if (!strstr(err.msg, "gamma") || !strstr(err.msg, "delta"))
		fail_msg("message does not name both devices: \"%s\"", err.msg);
	free(hv);
}

static void duplicate_in_one_device(void **state)
{
	static const struct hv_device *const devs[] = { &dev_twice, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EEXIST);
	assert_ptr_equal(hv->hcalls[9], &twice_hc[0]);
	assert_non_null(strstr(err.msg, "trace_mark"));
	assert_non_null(strstr(err.msg, "twice"));
	free(hv);
}

/* Registering the same device twice is a duplicate too. */
static void same_device_twice(void **state)
{
	static const struct hv_device *const devs[] = { &dev_alpha, &dev_alpha, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EEXIST);
	free(hv);
}

static void number_too_big(void **state)
{
	static const struct hv_device *const devs[] = { &dev_alpha, &dev_big, NULL };
	static const struct hv_device *const devs2[] = { &dev_huge, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EINVAL);
	assert_non_null(strstr(err.msg, "big"));
	assert_non_null(strstr(err.msg, "64"));
	for (unsigned n = 0; n < LPAR_HC_MAX; n++)
		if (n != 5 && n != 6)
			assert_null(hv->hcalls[n]);
	free(hv);

	run(devs2, &hv, &err, -EINVAL);
	assert_non_null(strstr(err.msg, "huge"));
	free(hv);
}

/* Callers may pass no error record; the return value still tells. */
static void null_err(void **state)
{
	static const struct hv_device *const dup[] = { &dev_alpha, &dev_beta, NULL };
	static const struct hv_device *const big[] = { &dev_big, NULL };
	struct hv *hv;

	(void)state;
	hv = fake_hv(dup);
	assert_int_equal(hv_hcall_register(hv, NULL), -EEXIST);
	free(hv);
	hv = fake_hv(big);
	assert_int_equal(hv_hcall_register(hv, NULL), -EINVAL);
	free(hv);
}

/* A handler for a number the table does not have is refused, and names it. */
static void not_in_table(void **state)
{
	static const struct hv_device *const devs[] = { &dev_unlisted, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EINVAL);
	assert_non_null(strstr(err.msg, "unlisted"));
	assert_non_null(strstr(err.msg, "20"));
	assert_null(hv->hcalls[20]);
	free(hv);
}

/* A controller's handler for a hcall the partition issues (exit) is refused. */
static void handler_of_the_wrong_kind(void **state)
{
	static const struct hv_device *const devs[] = { &dev_wrong_kind, NULL };
	struct lerr err;
	struct hv *hv;

	(void)state;
	run(devs, &hv, &err, -EINVAL);
	assert_non_null(strstr(err.msg, "wrongkind"));
	assert_non_null(strstr(err.msg, "exit"));
	assert_null(hv->hcalls[LPAR_HC_EXIT]);
	free(hv);
}

/*
 * The monitor's own devices: every hcall of the ABI is there, once, with
 * a handler for whoever may issue it, and the table (common/hcalls.c)
 * lists the same hcalls, in number order.
 */
static void real_devices(void **state)
{
	static const struct {
		unsigned nr;
		const char *name;
		unsigned who;
	} want[] = {
		{ LPAR_HC_ABI_VERSION, "abi_version", HC_GUEST },
		{ LPAR_HC_CONSOLE_WRITE, "console_write", HC_GUEST },
		{ LPAR_HC_CONSOLE_READ, "console_read", HC_GUEST },
		{ LPAR_HC_EXIT, "exit", HC_GUEST },
		{ LPAR_HC_ABORT, "abort", HC_GUEST },
		{ LPAR_HC_TIME_MONOTONIC, "time_monotonic", HC_GUEST },
		{ LPAR_HC_TIME_WALL, "time_wall", HC_GUEST },
		{ LPAR_HC_BLOCK, "block", HC_GUEST },
		{ LPAR_HC_EVENT_TAKE, "event_take", HC_GUEST },
		{ LPAR_HC_TRACE_MARK, "trace_mark", HC_GUEST },
		{ LPAR_HC_RING_RESET, "ring_reset", HC_GUEST },
		{ LPAR_HC_SYSCALL_UNSUPPORTED, "syscall_unsupported", HC_GUEST },
		{ LPAR_HC_RANDOM, "random", HC_GUEST },
		{ LPAR_HC_SET_FS_BASE, "set_fs_base", HC_GUEST },
		{ LPAR_HC_CTL_INFO, "info", HC_CTL },
		{ LPAR_HC_CTL_EVENT, "event", HC_CTL },
		{ LPAR_HC_CTL_CONSOLE_INPUT, "console_input", HC_CTL },
		{ LPAR_HC_CTL_WAKE, "wake", HC_CTL },
		{ LPAR_HC_CTL_SHUTDOWN, "shutdown", HC_CTL },
		{ LPAR_HC_CTL_PANIC, "panic", HC_CTL },
	};
	struct lerr err;
	struct hv *hv;
	unsigned used = 0, listed = 0;
	size_t next = 0;

	(void)state;
	run(hv_devices_all(), &hv, &err, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct hv_hcall *h = hv->hcalls[want[i].nr];
		const struct hc_info *info = hc_info(want[i].nr);

		if (!h)
			fail_msg("hcall %u (%s) is not registered", want[i].nr, want[i].name);
		assert_non_null(info);
		assert_string_equal(info->name, want[i].name);
		assert_int_equal(info->nr, want[i].nr);
		assert_int_equal(info->who, want[i].who);
		assert_non_null(info->types);
		assert_ptr_equal(hc_find(want[i].name), info);
		assert_int_equal(h->nr, want[i].nr);
		if (info->who & HC_GUEST)
			assert_non_null(h->fn);
		else
			assert_non_null(h->ctl);
	}
	for (unsigned k = 0; k < LPAR_HC_MAX; k++) {
		used += hv->hcalls[k] != NULL;
		if (hc_info(k)) {
			/* the table is in number order, as lpar hcall --list prints it */
			assert_true(next < sizeof(want) / sizeof(want[0]));
			assert_int_equal(k, want[next++].nr);
			listed++;
		}
	}
	assert_int_equal(used, sizeof(want) / sizeof(want[0]));
	assert_int_equal(listed, sizeof(want) / sizeof(want[0]));
	assert_null(hc_info(LPAR_HC_MAX));
	assert_null(hc_find("no_such_hcall"));
	free(hv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distinct_numbers_register),
		cmocka_unit_test(no_devices),
		cmocka_unit_test(duplicate_across_devices),
		cmocka_unit_test(duplicate_message_names_both_devices),
		cmocka_unit_test(duplicate_in_one_device),
		cmocka_unit_test(same_device_twice),
		cmocka_unit_test(number_too_big),
		cmocka_unit_test(null_err),
		cmocka_unit_test(not_in_table),
		cmocka_unit_test(handler_of_the_wrong_kind),
		cmocka_unit_test(real_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
