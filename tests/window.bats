#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# libpart's memory window: a local partition's RAM mapped into the caller.

setup() {
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	[ -x "$TOOLS/window" ] ||
		fail "$TOOLS/window is missing: build it with 'make build/tests/tools/window' (make check does)"
}

teardown() {
	test_rundir_ours || return 0
	lpar kill w >/dev/null 2>&1 || true
	lpar rm -f w >/dev/null 2>&1 || true
}

@test "the memory window maps a running partition's RAM: boot info as the partition sees it" {
	run lpar run -d --name w --mem 32M "$EX/cat.elf"
	assert_success
	run "$TOOLS/window" w
	assert_success
	assert_line "size 33554432"
	assert_line "magic 0x5241504c"
	assert_line "mem_size 33554432"
	assert_line "name w"
}

@test "the memory window is refused to another user" {
	run lpar run -d --name w "$EX/cat.elf"
	assert_success
	chmod 0755 "$BATS_TEST_TMPDIR" "$LPAR_RUNDIR" "$LPAR_RUNDIR/w"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env LPAR_RUNDIR="$LPAR_RUNDIR" "$TOOLS/window" w
	assert_failure
	refute_line --partial "magic"
	# the partition runs on (lpar refuses a run directory open to others)
	chmod 0700 "$LPAR_RUNDIR" "$LPAR_RUNDIR/w"
	run lpar status w
	assert_success
	assert_line "state running"
}

@test "the memory window of an ended partition is refused clearly" {
	run lpar run -d --name w "$EX/exitcode.elf" 3
	assert_success
	run lpar wait w
	assert_failure 3
	run "$TOOLS/window" w
	assert_failure
	assert_output --partial "has ended"
}
