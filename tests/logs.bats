#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar logs: a partition's console log, running or ended; --tail; -f
# follows until the partition ends; several under tail's headers.

bats_require_minimum_version 1.5.0

TICKER=$BATS_TEST_DIRNAME/guests/ticker.elf

setup() {
	test_env_setup || return 1
	BG_PIDS=()
}

teardown() {
	end_bg
	remove_partitions_and_check
}

@test "logs: an ended partition's whole log; --tail N its last N lines; --tail 0 nothing" {
	run lpar run -d --name t "$TICKER" 5 1
	assert_success
	run lpar wait t
	assert_output "t 0"
	run --separate-stderr lpar logs t
	assert_success
	assert_output "$(printf 'tick %d\n' 1 2 3 4 5)"
	run --separate-stderr lpar logs --tail 2 t
	assert_output "$(printf 'tick %d\n' 4 5)"
	run --separate-stderr lpar logs --tail 0 t
	assert_success
	assert_output ""
	run --separate-stderr lpar logs --tail 99 t
	assert_output "$(printf 'tick %d\n' 1 2 3 4 5)"
	# A read: the partition and its log are still there.
	assert_equal "$(state_of t)" exited
}

@test "logs -f: follows a running partition to its end, every line once, then exits 0" {
	run lpar run -d --name f "$TICKER" 40 20
	assert_success
	run --separate-stderr timeout "$(slow 60)" lpar logs -f f
	assert_success
	assert_output "$(seq 1 40 | sed 's/^/tick /')"
	assert_equal "$(state_of f)" exited
}

@test "logs -f on a partition created, then started: what comes once it starts" {
	local pid
	run lpar create --name c "$TICKER" 3 1
	assert_success
	lpar logs -f c >"$WORK/out" 2>"$WORK/err" 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	run lpar start c
	assert_success
	wait_rc "$pid"
	assert_equal "$RC" 0
	assert_equal "$(cat "$WORK/out")" "$(printf 'tick %d\n' 1 2 3)"
	assert_equal "$(cat "$WORK/err")" ""
}

@test "logs: several partitions each under a header; a missing one is said, the others still shown, exit 1" {
	run lpar run -d --name a "$TICKER" 2 1
	run lpar run -d --name b "$TICKER" 1 1
	run lpar wait a b
	run --separate-stderr lpar logs a nosuch b
	assert_failure 1
	assert_stderr "lpar: no partition named 'nosuch'"
	assert_output "$(printf '==> a <==\ntick 1\ntick 2\n\n==> b <==\ntick 1')"
}

@test "logs: usage errors are 2" {
	run --separate-stderr lpar logs
	assert_failure 2
	assert_stderr --partial "lpar logs: missing partition name"
	run --separate-stderr lpar logs --tail x t
	assert_failure 2
	assert_stderr --partial "invalid line count 'x'"
	run --separate-stderr lpar logs --tail
	assert_failure 2
	run --separate-stderr lpar logs -f -f t
	assert_failure 2
	run --separate-stderr lpar logs 'bad name'
	assert_failure 2
}
