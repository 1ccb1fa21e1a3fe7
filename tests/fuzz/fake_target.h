/* SPDX-License-Identifier: ISC */
/* The GDB stub harness's debug target (fake_target.c). */
#ifndef LPAR_FUZZ_FAKE_TARGET_H
#define LPAR_FUZZ_FAKE_TARGET_H

#define FAKE_BASE 0x100000ull
#define FAKE_SIZE 0x10000ull

struct dbg_target;
/* The target as it starts: stopped, no breakpoints. */
struct dbg_target *fake_target_reset(void);

#endif
