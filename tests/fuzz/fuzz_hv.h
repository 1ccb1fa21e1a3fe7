/* SPDX-License-Identifier: ISC */
/*
 * A partition for the harnesses that need a monitor (the control tree,
 * the hcalls, the rings): made by hv_create() as lpar makes one, on the
 * fake backend (fake_backend.c), fresh for every input so that no input
 * leaves state for the next.  Its image is a test guest with a console
 * ring; a share of a directory the harness made may be asked for.
 */
#ifndef LPAR_FUZZ_HV_H
#define LPAR_FUZZ_HV_H

#include "../../hv/priv.h"

/* Once, from LLVMFuzzerInitialize: opens the image (LPAR_FUZZ_IMAGE or the built-in path). */
void fuzz_hv_init(void);
/* share: a read-only share of share_dir at /share (NULL: none). */
struct hv *fuzz_hv_new(const char *share_dir);
void fuzz_hv_free(struct hv *hv);
/* Moves the partition to running, as the vCPU thread does on "start". */
void fuzz_hv_running(struct hv *hv);

#endif
