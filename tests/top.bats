#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar top: a busy and an idle partition, in batch mode and as JSON; the
# counters behind it in lpar status.

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup || return 1
}

teardown() {
	remove_partitions_and_check
}

@test "status: a running partition's exits, hcalls, cpu and rss grow as it works; an ended one has none" {
	run lpar run -d --name busy "$ROOT/bench/guest-nullcall.elf" 100000000
	assert_success
	local h1 h2
	h1=$(lpar status busy | awk '$1 == "hcalls" { print $2 }')
	poll "more hcalls" test "$(lpar status busy | awk '$1 == "hcalls" { print $2 }')" -gt "$((h1 + 1000))"
	run lpar -j status busy
	assert_success
	h2=$(jq -r .hcalls <<<"$output")
	((h2 > h1)) || fail "hcalls did not grow: $h1 then $h2"
	(($(jq -r .exits <<<"$output") >= h2)) || fail "fewer exits than hcalls: $output"
	[ "$(jq -r '.rss_kib > 1024' <<<"$output")" = true ] || fail "no rss: $output"
	[ "$(jq -r '.cpu > 0' <<<"$output")" = true ] || fail "no cpu: $output"
	run lpar kill busy
	run lpar status busy
	refute_line --regexp '^(exits|hcalls|cpu|rss) '
}

@test "top -b -n 2: both partitions each time, the busy one first by CPU and hcalls; -s name sorts by name" {
	run lpar run -d --name zbusy "$ROOT/bench/guest-nullcall.elf" 100000000
	assert_success
	run lpar run -d --name aidle "$ROOT/tests/guests/ticker.elf" 100000 500
	assert_success
	run --separate-stderr lpar top -b -n 2 -d 1
	assert_success
	assert_equal "$(grep -c '^lpar top - ' <<<"$output")" 2
	assert_equal "$(grep -c '^NAME  *STATE  *ACCEL  *CPU%  *EXITS/s  *HCALLS/s  *RSS  *UPTIME$' <<<"$output")" 2
	# The last table: zbusy above aidle (more CPU).
	assert_equal "$(awk '/^lpar top/ { n = 0 } /^(zbusy|aidle) / { print $1 }' <<<"$output" | tail -2 | tr '\n' ' ')" "zbusy aidle "
	run --separate-stderr lpar top -b -n 1 -s name
	assert_equal "$(awk '/^(zbusy|aidle) / { print $1 }' <<<"$output" | tr '\n' ' ')" "aidle zbusy "
}

@test "top -j -b: one JSON array a table, busy partition's hcall rate above the idle one's" {
	run lpar run -d --name busy "$ROOT/bench/guest-nullcall.elf" 100000000
	run lpar run -d --name idle "$ROOT/tests/guests/ticker.elf" 100000 500
	run --separate-stderr lpar -j top -b -n 2 -d 1
	assert_success
	assert_equal "${#lines[@]}" 2
	python3 -c 'import json, sys; [json.loads(l) for l in sys.argv[1].splitlines()]' "$output" ||
		fail "not JSON: $output"
	[ "$(tail -n 1 <<<"$output" | jq -r '(.[] | select(.name == "busy") | .hcalls_per_s) > (.[] | select(.name == "idle") | .hcalls_per_s)')" = true ] ||
		fail "busy not busier: $output"
}

@test "top: usage errors are 2" {
	run --separate-stderr lpar top -n 0
	assert_failure 2
	run --separate-stderr lpar top -d 0
	assert_failure 2
	run --separate-stderr lpar top -s nosuch
	assert_failure 2
	assert_stderr --partial "invalid sort key 'nosuch'"
	run --separate-stderr lpar -j top
	assert_failure 2
	assert_output --partial "-j needs -b"
	run --separate-stderr lpar top extra
	assert_failure 2
}
