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
	ln -s "$LPAR_BIN" tree/lpar
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

@test "slow: a limit times LPAR_TEST_SLOW; within and poll wait that long" {
	assert_equal "$(slow 10)" "$((10 * LPAR_TEST_SLOW))"
	assert_equal "$(LPAR_TEST_SLOW=1 slow 0.05)" 0.05
	assert_equal "$(LPAR_TEST_SLOW=3 slow 0.05)" 0.15
	assert_equal "$(LPAR_TEST_SLOW=10 slow 0.5)" 5
	assert_equal "$(LPAR_TEST_SLOW=7 slow 1.25)" 8.75
	assert_equal "$(LPAR_TEST_SLOW=10 slow 600000)" 6000000
	run slow 1e3
	assert_failure
	assert_output --partial "slow: '1e3' is not a number with at most three decimals"
	local t0=${EPOCHREALTIME//[!0-9]/}
	LPAR_TEST_SLOW=3 within 0.1 false && fail "within succeeded on false"
	((${EPOCHREALTIME//[!0-9]/} - t0 >= 300000)) || fail "within 0.1 gave up before 0.3 s with LPAR_TEST_SLOW=3"
	within 1 true || fail "within failed on true"
	LPAR_TEST_SLOW=2 run poll -t 0.1 "godot" false
	assert_failure
	assert_output --partial "timed out waiting for godot (after 0.2 s)"
}

@test "a bad LPAR_TEST_SLOW stops the suites and tests/run, saying why" {
	accel_suite
	LPAR_TEST_SLOW=fast run fresh_bats tree/tests/x.bats
	assert_failure
	assert_line "# LPAR_TEST_SLOW must be a whole number from 1 to 999 (how many times slower than usual this host runs the tests), not 'fast'"
	refute_line --regexp '^ok '
	LPAR_TEST_SLOW=0 run "$ROOT/tests/run"
	assert_failure 2
	assert_output "tests/run: LPAR_TEST_SLOW is a whole number from 1 to 999 (how many times slower than usual this host runs the tests), not '0'"
}

@test "tests/run: bad arguments and a bad LPAR_TEST_WHERE are usage errors, before any test runs" {
	run "$ROOT/tests/run" --bogus
	assert_failure 2
	assert_output "usage: tests/run [--partition] [tests/SUITE.bats...]"
	run "$ROOT/tests/run" --partition tests/nosuch.bats
	assert_failure 2
	assert_output "tests/run: 'tests/nosuch.bats' is not a suite (tests/NAME.bats)"
	run "$ROOT/tests/run" tests/window.bats --partition
	assert_failure 2
	assert_output "usage: tests/run [--partition] [tests/SUITE.bats...]"
	LPAR_TEST_WHERE='a/b' run "$ROOT/tests/run" --partition
	assert_failure 2
	assert_output "tests/run: LPAR_TEST_WHERE is a name (letters, digits, . _ -), not 'a/b'"
}

@test "tests/run SUITE: the unit tests and that suite alone" {
	cd "$ROOT"
	run tests/run tests/window.bats
	assert_success
	assert_line --regexp '^# unit: .*/tests/unit/test_'
	assert_line --regexp '^# bats \[(kvm|tcg)\]: window.bats$'
	refute_line --regexp '^# bats: '
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed, 0 skipped$'
}

@test "tests/run --partition SUITE: that suite alone, named by LPAR_TEST_WHERE, no unit tests" {
	cd "$ROOT"
	LPAR_TEST_WHERE=here run tests/run --partition tests/window.bats
	assert_success
	refute_line --partial '# unit:'
	assert_line --regexp '^# bats \[here/(kvm|tcg)\]: window.bats$'
	assert_line --regexp '^ok 1 \[here/(kvm|tcg)\] '
	assert_line --regexp '^here: [1-9][0-9]* passed, 0 failed, 0 skipped$'
}

# A tree whose suites' set-up fails before test_env_setup (as a missing
# tool fails it), one with test_helper/partitions's teardown and one with
# the helpers the other suites' teardowns call.
failed_setup_suites() {
	mkdir -p tree/tests
	ln -s "$ROOT/lpar" tree/lpar
	ln -s "$ROOT/tests/test_helper" tree/tests/test_helper
	sed 's/^TEST /@test /' >tree/tests/partitions.bats <<'EOF'
load test_helper/common
load test_helper/partitions
setup() {
	return 1
}
TEST "set-up fails" {
	:
}
EOF
	sed 's/^TEST /@test /' >tree/tests/helpers.bats <<'EOF'
load test_helper/common
setup() {
	return 1
}
teardown() {
	kill_partitions
	remove_partitions_and_check
}
TEST "set-up fails" {
	:
}
EOF
}

# bats_as_caller RUNDIR FILE: fresh_bats FILE with this test's own HOME and
# XDG_RUNTIME_DIR (where lpar makes its run directory by default), and
# LPAR_RUNDIR=RUNDIR ("": none), as a caller of tests/run may have it.
bats_as_caller() {
	(
		unset LPAR_RUNDIR
		[ -z "$1" ] || export LPAR_RUNDIR=$1
		export HOME=$BATS_TEST_TMPDIR/home XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
		fresh_bats "$2"
	)
}

@test "a teardown after a failed set-up touches nothing: neither lpar's default run directory nor the caller's" {
	local suite
	failed_setup_suites
	mkdir home xdg
	# The caller's own run directory, with an ended partition of theirs.
	mkdir -m 700 theirs theirs/keep
	printf 'name keep\nstate exited\nexit 0\n' >theirs/keep/status
	for suite in partitions helpers; do
		run bats_as_caller "" "tree/tests/$suite.bats"
		assert_failure
		assert_line "not ok 1 set-up fails"
		assert_equal "$(find home xdg -mindepth 1)" ""
		run bats_as_caller "$BATS_TEST_TMPDIR/theirs" "tree/tests/$suite.bats"
		assert_failure
		assert_line "not ok 1 set-up fails"
		assert_equal "$(find theirs -mindepth 1)" "$(printf 'theirs/keep\ntheirs/keep/status')"
		assert_equal "$(find home xdg -mindepth 1)" ""
	done
}
