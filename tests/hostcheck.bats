#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar host-check: what this host offers lpar, and why not.  It boots no
# partition; the KVM device is pointed elsewhere (LPAR_KVM_DEVICE) and
# the run directory is the test's own, so every answer is known.

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup || return 1
	OURS=
}

teardown() {
	# Only what a test made outside its own directory.
	if [ -n "$OURS" ] && [[ $OURS == /tmp/lpar-hostcheck.* ]]; then
		rm -rf "$OURS"
	fi
}

@test "host-check: tcg and the run directory pass, a missing KVM device is a warning with its reason; exit 0" {
	export LPAR_KVM_DEVICE=$BATS_TEST_TMPDIR/nokvm
	run --separate-stderr lpar host-check
	assert_success
	assert_line --regexp "^kvm +WARN +cannot open $BATS_TEST_TMPDIR/nokvm: No such file or directory; .+"
	assert_line --regexp '^tcg +PASS +a software CPU'
	assert_line --regexp "^rundir +PASS +$LPAR_RUNDIR \\(yours, mode 0700\\)\$"
	assert_line --regexp '^memory +(PASS|WARN) +[0-9]+ MiB available'
	assert_line --regexp '^sandbox +PASS +monitors run under seccomp'
	assert_line "lpar can run partitions on this host."
}

@test "host-check: a KVM device the user may not open names its group" {
	local dir
	dir=$(mktemp -d /tmp/lpar-hostcheck.XXXXXX)
	OURS=$dir
	chmod 755 "$dir"
	: >"$dir/kvm"
	chmod 600 "$dir/kvm"
	if [ "$(id -u)" = 0 ]; then
		# Root opens anything: ask as nobody, whom the device's mode keeps out.
		run setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env LPAR_KVM_DEVICE="$dir/kvm" LPAR_RUNDIR="$dir/rundir" "$ROOT/lpar" host-check
	else
		chmod 000 "$dir/kvm"
		LPAR_KVM_DEVICE=$dir/kvm run lpar host-check
	fi
	assert_line --regexp "^kvm +WARN .*you may not open $dir/kvm: add your user to its group '$(stat -c %G "$dir/kvm")'"
}

@test "host-check: a run directory open to others fails, and the exit status says lpar cannot run" {
	mkdir -p -m 0777 "$LPAR_RUNDIR"
	chmod 0777 "$LPAR_RUNDIR"
	run --separate-stderr lpar host-check
	chmod 0700 "$LPAR_RUNDIR"
	assert_failure 1
	assert_line --regexp "^rundir +FAIL +run directory '$LPAR_RUNDIR' is open to other users"
	assert_line "lpar cannot run partitions on this host: see FAIL above."
}

@test "host-check -j: one object, each check with name, result and detail; ok as the exit status says" {
	export LPAR_KVM_DEVICE=$BATS_TEST_TMPDIR/nokvm
	run --separate-stderr lpar -j host-check
	assert_success
	python3 -c 'import json, sys; json.loads(sys.argv[1])' "$output" || fail "not JSON: $output"
	assert_equal "$(jq -r .ok <<<"$output")" true
	assert_equal "$(jq -r '[.checks[].name] | join(" ")' <<<"$output")" "kvm tcg rundir memory lpar-cc sandbox"
	assert_equal "$(jq -r '.checks[] | select(.name == "kvm") | .result' <<<"$output")" warn
	assert_equal "$(jq -r '[.checks[].result] - ["pass", "warn", "fail"] | length' <<<"$output")" 0
}

@test "host-check: musl-gcc missing from PATH is a warning, not a failure" {
	LPAR_CC=no-such-musl-gcc run --separate-stderr lpar host-check
	assert_success
	assert_line --regexp '^lpar-cc +WARN +no-such-musl-gcc is not on PATH'
}

@test "host-check: an argument or an unknown option is a usage error" {
	run --separate-stderr lpar host-check extra
	assert_failure 2
	assert_stderr --partial "lpar: unexpected argument 'extra'"
	run --separate-stderr lpar host-check --bogus
	assert_failure 2
	run --separate-stderr lpar host-check --help
	assert_success
	assert_output --partial "usage: lpar host-check"
}
