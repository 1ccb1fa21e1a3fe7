#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The test harness itself: tests/run's summary counts skips as skipped,
# never as passed, and require_accel skips a test, with its reason, on a
# run or a host without its accelerator.  Runs once (tests/run's ONCE).

bats_require_minimum_version 1.5.0

SUMMARY=$ROOT/tests/test_helper/tap-summary

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "tap-summary: bats and cmocka skips are skipped with their reasons; failures fail; status 1" {
	cat >log.tap <<'EOF'
# unit: build/tests/unit/test_x
1..4
ok 1 - test_pass
not ok 2 # SKIP test_skipped
not ok 3 - test_fail
# test_fail: assertion failed
ok 4 - test_hash # in its name
# bats [tcg]: tests/a.bats
1..4
ok 1 [tcg] boots
ok 2 [tcg] kvm only # skip about kvm only, and this run uses tcg
not ok 3 [tcg] setup_file failed
ok 4 [tcg] a #skipped word is no directive
okay 5 is not a test line
EOF
	run "$SUMMARY" log.tap
	assert_failure 1
	assert_output "$(printf '%s\n' '# skipped: test_skipped' \
		'# skipped: [tcg] kvm only: about kvm only, and this run uses tcg' \
		'4 passed, 2 failed, 2 skipped')"
}

@test "tap-summary: no failure is status 0; skips alone or nothing at all is 'no test passed', status 1" {
	run "$SUMMARY" <<<$'ok 1 a\nok 2 b # SKIP\n'
	assert_success
	assert_output "$(printf '%s\n' '# skipped: b' '1 passed, 0 failed, 1 skipped')"
	run "$SUMMARY" <<<$'ok 1 b # skip why\n'
	assert_failure 1
	assert_output "$(printf '%s\n' '# skipped: b: why' 'no test passed' '0 passed, 0 failed, 1 skipped')"
	run "$SUMMARY" </dev/null
	assert_failure 1
	assert_output "$(printf '%s\n' 'no test passed' '0 passed, 0 failed, 0 skipped')"
}

# A tree whose tests/x.bats uses the real helpers and lpar, and whose tests
# need one accelerator each; a bad name is a failure, not a skip.  (Its
# tests are written "TEST": bats would take "@test" lines here for this
# file's own.)
accel_suite() {
	mkdir -p tree/tests
	ln -s "$ROOT/lpar" tree/lpar
	ln -s "$ROOT/tests/test_helper" tree/tests/test_helper
	sed 's/^TEST /@test /' >tree/tests/x.bats <<'EOF'
load test_helper/common
TEST "kvm only" {
	require_accel kvm
	[ "$(accel_current)" = kvm ]
}
TEST "tcg only" {
	require_accel tcg
	[ "$(accel_current)" = tcg ]
}
TEST "bad name" {
	require_accel pvm
	fail "require_accel pvm returned"
}
EOF
}

# Runs bats on FILE... as tests/run would: without this run's BATS_ variables.
fresh_bats() {
	local v unset=()

	for v in $(compgen -e); do
		[[ $v != BATS_* ]] || unset+=(-u "$v")
	done
	env "${unset[@]}" bats --formatter tap "$@"
}

@test "require_accel: a test for another accelerator than this run's is skipped, with the reason" {
	accel_suite
	LPAR_ACCEL=tcg run fresh_bats tree/tests/x.bats
	assert_failure
	assert_line "ok 1 kvm only # skip about kvm only, and this run uses tcg"
	assert_line "ok 2 tcg only"
	assert_line "not ok 3 bad name"
	assert_line "# require_accel: no accelerator 'pvm' (kvm or tcg)"
	run "$SUMMARY" <<<"$output"
	assert_failure 1
	assert_line "1 passed, 1 failed, 1 skipped"
}

@test "require_accel: an accelerator this host cannot use is skipped with lpar's reason, whatever LPAR_ACCEL says" {
	accel_suite
	LPAR_KVM_DEVICE=$BATS_TEST_TMPDIR/nokvm LPAR_ACCEL=kvm run fresh_bats tree/tests/x.bats
	assert_failure
	assert_line --partial "ok 1 kvm only # skip about kvm only, which this host cannot use: cannot open $BATS_TEST_TMPDIR/nokvm: No such file or directory"
	assert_line "ok 2 tcg only # skip about tcg only, and this run uses kvm"
	# auto: the first usable one, tcg here.
	LPAR_KVM_DEVICE=$BATS_TEST_TMPDIR/nokvm LPAR_ACCEL= run fresh_bats tree/tests/x.bats
	assert_failure
	assert_line "ok 1 kvm only # skip about kvm only, and this run uses tcg"
	assert_line "ok 2 tcg only"
}
