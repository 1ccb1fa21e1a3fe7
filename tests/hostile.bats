#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# A hostile partition against its own monitor (tests/guests/hostile.c):
# from a seed, hcalls from the whole range with wild pointers and lengths
# that run off the ends, broken ring indices, port I/O of every width.
# The monitor must answer every round, never crash, never grow, and stay
# controllable.  Each test's seeds include one drawn at random; a failure
# names it, so the run can be repeated.

bats_require_minimum_version 1.5.0

HOSTILE=$BATS_TEST_DIRNAME/guests/hostile.elf

setup() {
	test_env_setup || return 1
	BG_PIDS=()
}

teardown() {
	end_bg
	remove_partitions_and_check
}

# The resident memory of NAME's monitor, in KiB.
monitor_rss() {
	local pid

	pid=$(lpar status "$1" | awk '$1 == "pid" { print $2 }')
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"
}

@test "hostile calls: 20,000 rounds of wild hcalls and broken rings per seed; the partition runs to its end" {
	[ -f "$HOSTILE" ] || fail "$HOSTILE is missing: build it with make tests/guests/hostile.elf (make check does)"
	for seed in 1 2 3 "$RANDOM"; do
		run --separate-stderr timeout "$(slow 120)" lpar run --name h "$HOSTILE" calls "$seed" 20000
		[ "$status" = 0 ] || fail "seed $seed: status $status: $stderr"
		assert_line "hostile: done"
	done
}

@test "hostile calls, detached: status answers between batches, the monitor does not grow, kill ends it" {
	local seed=$RANDOM rss2 rss3 log

	[ -f "$HOSTILE" ] || fail "$HOSTILE is missing: build it with make tests/guests/hostile.elf (make check does)"
	run lpar run -d --name h "$HOSTILE" calls "$seed" 20000 4
	assert_success
	log=$(console_of h)
	poll -t 120 "batch 1 (seed $seed)" has "$log" "hostile: batch 1 done"
	assert_equal "$(state_of h)" running
	run lpar hcall h event 1
	assert_success
	poll -t 120 "batch 2 (seed $seed)" has "$log" "hostile: batch 2 done"
	rss2=$(monitor_rss h)
	run lpar hcall h event 1
	assert_success
	poll -t 120 "batch 3 (seed $seed)" has "$log" "hostile: batch 3 done"
	rss3=$(monitor_rss h)
	# 20,000 rounds more, and the monitor within 2 MiB of what it was.
	((rss3 - rss2 < 2048)) || fail "seed $seed: the monitor grew from $rss2 KiB to $rss3 KiB in a batch"
	run lpar list
	assert_success
	assert_output --partial "h "
	run lpar kill h
	assert_success
	assert_equal "$(state_of h)" killed
}

@test "hostile self: a partition that scribbles on itself through hcalls ends, or is killed, and its monitor with it" {
	[ -f "$HOSTILE" ] || fail "$HOSTILE is missing: build it with make tests/guests/hostile.elf (make check does)"
	for seed in 1 2 "$RANDOM"; do
		run lpar run -d --name s "$HOSTILE" self "$seed" 20000
		assert_success
		# Its own loop counter may be among what it breaks: it may never end.
		sleep 2
		run lpar status s
		assert_success
		case $(state_of s) in
		running) run lpar kill s ; assert_success ;;
		exited | crashed) ;;
		*) fail "seed $seed: state $(state_of s): $(lpar status s)" ;;
		esac
		run lpar rm -f s
		assert_success
	done
}

@test "hostile ports: port I/O of every width ends the partition as a crash that names the port, or not at all" {
	[ -f "$HOSTILE" ] || fail "$HOSTILE is missing: build it with make tests/guests/hostile.elf (make check does)"
	for seed in $(seq 1 12) "$RANDOM"; do
		run --separate-stderr timeout "$(slow 60)" lpar run --name p "$HOSTILE" ports "$seed" 50
		case $status in
		0) assert_line "hostile: done" ;;
		126) [[ $stderr =~ crashed:\ (read|write)\ of\ [124]\ bytes?\ on\ unknown\ port\ 0x(4[c-f]|5[0-3])\  ]] ||
			fail "seed $seed: $stderr" ;;
		*) fail "seed $seed: status $status: $stderr" ;;
		esac
	done
}
