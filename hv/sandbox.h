/* SPDX-License-Identifier: ISC */
/*
 * The monitor's sandbox (sandbox.c): once a partition's host resources
 * are acquired, a seccomp filter and Landlock confine what the monitor
 * can still do.  docs/security.md says what and why.
 */
#ifndef LPAR_HV_SANDBOX_H
#define LPAR_HV_SANDBOX_H

#include <stddef.h>

struct hv;
struct hv_config;
struct lerr;

/*
 * Confines this process from here on, unless LPAR_SANDBOX=0: Landlock
 * (where the kernel has it) to the run directory, the channel directory,
 * the shares and the core directory of cfg, then the seccomp filter on
 * every thread.  Call it once, after the devices' init and before the
 * control and I/O threads start; irreversible.  Fails (-errno) only for a
 * bad LPAR_SANDBOX or a kernel that refuses a filter it accepts.
 */
int hv_sandbox_enter(struct hv *hv, const struct hv_config *cfg, struct lerr *err);

/* Adds the status text's "sandbox seccomp=... landlock=..." line. */
void hv_sandbox_status(char *buf, size_t len, size_t *n);

/*
 * The debug-only test control ("sandbox-test execve|open", a ctl
 * command): -EINVAL unless the monitor started with
 * LPAR_DEBUG_SANDBOX_TEST=1.  "execve" tries to run a program (the
 * filter kills the monitor); "open" opens LPAR_DEBUG_SANDBOX_TEST_PATH
 * for reading and returns 0 or -errno (Landlock refuses it outside the
 * allowed paths).
 */
int hv_sandbox_test(const char *what);

#endif
