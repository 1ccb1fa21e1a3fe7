#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# Choosing the accelerator: lpar run|create --accel, the config file's
# accel key, LPAR_ACCEL, and auto's fall-back to the software CPU; every bad
# value is a usage error that leaves nothing behind; lpar status, -j status
# and -j list show which accelerator ran; lpar version -v says which ones
# this host can use.  The partitions here run on tcg, which every host has.

bats_require_minimum_version 1.5.0

ALL="(kvm, tcg or auto)"
KVM_GONE="cannot open /nonexistent: No such file or directory"

setup() {
	test_env_setup || return 1
	# This file is about choosing: it sets the defaults itself.
	unset LPAR_ACCEL LPAR_KVM_DEVICE
}

teardown() {
	remove_partitions_and_check
}

# No partition's run directory and no process left (the run directory
# itself may stay).
assert_nothing_left() {
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] ||
		fail "partitions left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	assert_no_process_left
}

# bad_value MESSAGE COMMAND...: status 2, MESSAGE as the first line on
# stderr, nothing on stdout, nothing left.
bad_value() {
	local msg=$1

	shift
	run --separate-stderr "$@"
	assert_failure 2
	assert_output ""
	assert_equal "${stderr_lines[0]}" "lpar: $msg"
	assert_nothing_left
}

# accel_of NAME: the accelerator lpar status reports for partition NAME.
accel_of() {
	lpar status "$1" | sed -n 's/^accel //p'
}

# A config file for hello.elf: hello_cfg FILE [LINE...].
hello_cfg() {
	local f=$1

	shift
	{
		echo "image = $EX/hello.elf"
		printf '%s\n' "$@"
	} >"$f"
}

# assert_usage_follows CMD: the usage of 'lpar CMD' followed the message.
assert_usage_follows() {
	local first=${1%% *}
	printf '%s\n' "$stderr" | grep -q "^usage: lpar $first " ||
		fail "no usage line for 'lpar $first' after the message: $stderr"
}

# ---- bad values --------------------------------------------------------------

@test "--accel with a bad value is a usage error naming the option and the valid names" {
	local cmd
	for cmd in run "run -d" create; do
		bad_value "invalid accelerator 'foo' for --accel $ALL" \
			lpar $cmd --accel foo "$EX/hello.elf"
		assert_usage_follows "$cmd"
		bad_value "invalid accelerator 'KVM' for --accel $ALL" \
			lpar $cmd --accel=KVM "$EX/hello.elf"
		bad_value "invalid accelerator '' for --accel $ALL" \
			lpar $cmd --accel '' "$EX/hello.elf"
	done
	# What the terminal would show is escaped.
	bad_value "invalid accelerator 'tcg\\x1b[2J' for --accel $ALL" \
		lpar run --accel $'tcg\x1b[2J' "$EX/hello.elf"
	# Without a value.
	bad_value "option '--accel' needs a value" lpar run --accel
}

@test "--accel given twice is a usage error, even with the same value" {
	local cmd
	for cmd in run "run -d" create; do
		bad_value "option '--accel' given twice" \
			lpar $cmd --accel tcg --accel tcg "$EX/hello.elf"
		bad_value "option '--accel' given twice" \
			lpar $cmd --accel tcg --accel=kvm "$EX/hello.elf"
	done
}

@test "a bad LPAR_ACCEL is a usage error naming it, even when --accel is given" {
	local cmd
	for cmd in run "run -d" create; do
		LPAR_ACCEL=foo bad_value "invalid accelerator 'foo' in LPAR_ACCEL $ALL" \
			lpar $cmd "$EX/hello.elf"
		# One line: no usage, since no option was wrong.
		assert_equal "${#stderr_lines[@]}" 1
		LPAR_ACCEL=foo bad_value "invalid accelerator 'foo' in LPAR_ACCEL $ALL" \
			lpar $cmd --accel tcg "$EX/hello.elf"
		LPAR_ACCEL=' tcg' bad_value "invalid accelerator ' tcg' in LPAR_ACCEL $ALL" \
			lpar $cmd "$EX/hello.elf"
	done
}

@test "an empty LPAR_ACCEL is as if it were unset" {
	LPAR_KVM_DEVICE=/nonexistent LPAR_ACCEL= run --separate-stderr lpar run "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
	assert_stderr ""
}

@test "a bad accel in a config file is a usage error naming the file and line" {
	hello_cfg bad.cfg "# fast" "accel = fast"
	hello_cfg twice.cfg "accel = tcg" "accel = tcg"
	hello_cfg empty.cfg "accel ="
	local cmd
	for cmd in run "run -d" create; do
		bad_value "bad.cfg:3: invalid accelerator 'fast' for 'accel' $ALL" lpar $cmd -f bad.cfg
		assert_equal "${#stderr_lines[@]}" 1
		# Even when --accel would override it.
		bad_value "bad.cfg:3: invalid accelerator 'fast' for 'accel' $ALL" \
			lpar $cmd --accel tcg -f bad.cfg
		bad_value "twice.cfg:3: 'accel' given twice" lpar $cmd -f twice.cfg
		bad_value "empty.cfg:2: invalid accelerator '' for 'accel' $ALL" lpar $cmd -f empty.cfg
	done
}

# ---- kvm where there is none ---------------------------------------------------

@test "--accel kvm without the KVM device: 125, the device named, nothing left" {
	export LPAR_KVM_DEVICE=/nonexistent
	run --separate-stderr lpar run --accel kvm "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot start partition 'hello': $KVM_GONE \(is KVM available\? .*\)\$"
	assert_nothing_left

	run --separate-stderr lpar run -d --accel kvm "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot start partition: $KVM_GONE \(is KVM available\? .*\)\$"
	assert_nothing_left

	run --separate-stderr lpar create --accel kvm "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot create partition: $KVM_GONE \(is KVM available\? .*\)\$"
	assert_nothing_left
}

@test "--accel kvm without the KVM device: bad options, config and image are said first, as on a build host" {
	export LPAR_KVM_DEVICE=/nonexistent
	run --separate-stderr lpar run --accel kvm --mem abc "$EX/hello.elf"
	assert_failure 2
	assert_stderr --partial "lpar: invalid memory size 'abc'"
	printf 'bogus = 1\n' >"$BATS_TEST_TMPDIR/bad.conf"
	run --separate-stderr lpar create --accel kvm -f "$BATS_TEST_TMPDIR/bad.conf"
	assert_failure 2
	assert_stderr --partial "bad.conf:1: unknown key 'bogus'"
	run --separate-stderr lpar run --accel kvm "$BATS_TEST_TMPDIR/nosuch.elf"
	assert_failure 125
	assert_stderr "lpar: cannot load '$BATS_TEST_TMPDIR/nosuch.elf': No such file or directory"
	run --separate-stderr lpar run -d --accel kvm --share "$BATS_TEST_TMPDIR/nosuch" "$EX/hello.elf"
	assert_failure 125
	assert_stderr --partial "share '$BATS_TEST_TMPDIR/nosuch': No such file or directory"
	assert_nothing_left
}

@test "LPAR_ACCEL=kvm and a config's accel = kvm fail the same way without the device" {
	export LPAR_KVM_DEVICE=/nonexistent
	LPAR_ACCEL=kvm run --separate-stderr lpar run "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --partial "$KVM_GONE"
	assert_nothing_left

	hello_cfg kvm.cfg "accel = kvm"
	run --separate-stderr lpar create -f kvm.cfg
	assert_failure 125
	assert_output ""
	assert_stderr --partial "$KVM_GONE"
	assert_nothing_left
}

# ---- which one runs ----------------------------------------------------------

@test "--accel tcg runs hello; status, -j status, -j list and list show tcg" {
	run --separate-stderr lpar run --accel tcg "$EX/hello.elf" a
	assert_success
	assert_output "$(printf "Hello from partition 'hello' (64 MiB, hcall ABI 1)\nargv[0] = %s\nargv[1] = a" "$EX/hello.elf")"
	assert_stderr ""

	run --separate-stderr lpar run -d --accel tcg --name t "$EX/sleep.elf" 600000
	assert_success
	assert_output t
	run --separate-stderr lpar status t
	assert_success
	assert_stderr ""
	# Right after vcpus, as the control tree's status file has it.
	assert_line --index 4 "vcpus 1"
	assert_line --index 5 "accel tcg"
	run --separate-stderr lpar -j status t
	assert_success
	assert_equal "$(jq -r '.accel' <<<"$output")" tcg
	run --separate-stderr lpar -j list
	assert_success
	assert_equal "$(jq -r '.[] | "\(.name) \(.accel)"' <<<"$output")" "t tcg"
	run --separate-stderr lpar list
	assert_success
	assert_line --index 0 --regexp '^NAME +STATE +PID +MEM +UPTIME +ACCEL +IMAGE$'
	assert_line --index 1 --regexp "^t +running +[0-9]+ +64 MiB +[0-9.]+s +tcg +$EX/sleep.elf\$"
}

@test "LPAR_ACCEL=tcg is the default; the ended partition's record keeps it" {
	LPAR_ACCEL=tcg run --separate-stderr lpar run "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"

	LPAR_ACCEL=tcg run --separate-stderr lpar create --name c "$EX/exitcode.elf" 3
	assert_success
	assert_output c
	assert_equal "$(accel_of c)" tcg
	run lpar start c
	assert_success
	run --separate-stderr lpar wait c
	assert_failure 3
	assert_equal "$(state_of c)" exited
	assert_equal "$(accel_of c)" tcg
	run --separate-stderr lpar -j list -a
	assert_success
	assert_equal "$(jq -r '.[] | "\(.name) \(.state) \(.accel)"' <<<"$output")" "c exited tcg"
}

@test "--accel overrides the config's accel, which overrides LPAR_ACCEL" {
	# Where kvm cannot open, only a partition on tcg starts.
	export LPAR_KVM_DEVICE=/nonexistent
	hello_cfg kvm.cfg "accel = kvm"
	hello_cfg tcg.cfg "accel = tcg"

	run --separate-stderr lpar run -d --accel tcg --name a -f kvm.cfg
	assert_success
	assert_equal "$(accel_of a)" tcg
	run --separate-stderr lpar run --accel kvm -f tcg.cfg
	assert_failure 125
	assert_stderr --partial "$KVM_GONE"

	LPAR_ACCEL=kvm run --separate-stderr lpar run -d --name b -f tcg.cfg
	assert_success
	assert_equal "$(accel_of b)" tcg
	LPAR_ACCEL=tcg run --separate-stderr lpar run -f kvm.cfg
	assert_failure 125
	assert_stderr --partial "$KVM_GONE"

	LPAR_ACCEL=kvm run --separate-stderr lpar run -d --accel tcg --name c "$EX/hello.elf"
	assert_success
	assert_equal "$(accel_of c)" tcg
}

@test "auto falls back to tcg where the KVM device is missing" {
	export LPAR_KVM_DEVICE=/nonexistent
	run --separate-stderr lpar run -d --name dflt "$EX/sleep.elf" 600000
	assert_success
	assert_stderr ""
	assert_equal "$(accel_of dflt)" tcg
	run --separate-stderr lpar create --accel auto --name opt "$EX/hello.elf"
	assert_success
	assert_equal "$(accel_of opt)" tcg
	hello_cfg auto.cfg "accel = auto"
	LPAR_ACCEL=kvm run --separate-stderr lpar create --name cfg -f auto.cfg
	assert_success
	assert_equal "$(accel_of cfg)" tcg
	LPAR_ACCEL=auto run --separate-stderr lpar run "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
	assert_stderr ""
}

# ---- lpar version -v ---------------------------------------------------------

@test "lpar version -v and lpar --version say which accelerators this host can use" {
	local v
	run --separate-stderr lpar version
	assert_success
	assert_output --regexp '^lpar [0-9.]+ \(hcall ABI [0-9]+\)$'
	v=$output

	run --separate-stderr lpar version -v
	assert_success
	assert_stderr ""
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "$v"
	assert_line --index 2 --regexp '^accel tcg: available: a software CPU, libunicorn [0-9]'
	assert_line --index 3 --regexp '^sandbox: seccomp, (landlock \(ABI [0-9]+\)|no landlock \(.*\))$'
	if accel_usable kvm; then
		assert_line --index 1 --regexp '^accel kvm: available($|: )'
	else
		assert_line --index 1 --regexp '^accel kvm: unavailable: cannot open /dev/kvm: '
	fi
	local verbose=$output
	for o in --version -V; do
		run --separate-stderr lpar "$o"
		assert_success
		assert_output "$verbose"
	done
	run --separate-stderr lpar version --verbose
	assert_output "$verbose"

	# LPAR_KVM_DEVICE names the device probed.
	LPAR_KVM_DEVICE=/nonexistent run --separate-stderr lpar version -v
	assert_success
	assert_line --index 1 "accel kvm: unavailable: $KVM_GONE (is KVM available? enable virtualization in the firmware and load kvm_intel or kvm_amd; --accel tcg runs without it; lpar host-check says more)"
}

@test "lpar -j version -v adds the accels array; without -v it has none" {
	run --separate-stderr lpar -j version
	assert_success
	assert_equal "$(jq -r 'has("accels")' <<<"$output")" false
	assert_equal "$(jq -r '.abi | type' <<<"$output")" number

	run --separate-stderr lpar -j version -v
	assert_success
	assert_equal "$(jq -r '[.accels[].name] | join(" ")' <<<"$output")" "kvm tcg"
	assert_equal "$(jq -r '.accels[] | select(.name == "tcg") | .usable' <<<"$output")" true
	assert_equal "$(jq -r '.accels[] | select(.name == "tcg") | .detail | startswith("a software CPU")' <<<"$output")" true
	if accel_usable kvm; then
		assert_equal "$(jq -r '.accels[] | select(.name == "kvm") | .usable' <<<"$output")" true
	else
		assert_equal "$(jq -r '.accels[] | select(.name == "kvm") | .usable' <<<"$output")" false
	fi
	LPAR_KVM_DEVICE=/nonexistent run --separate-stderr lpar -j --version
	assert_success
	assert_equal "$(jq -r --arg gone "$KVM_GONE" \
		'.accels[] | select(.name == "kvm") | "\(.usable) \(.detail | startswith($gone))"' <<<"$output")" \
		"false true"
}

@test "lpar version: -v twice, an argument or an unknown option is a usage error" {
	bad_value "option '--verbose' given twice" lpar version -v --verbose
	bad_value "unexpected argument 'x'" lpar version x
	bad_value "unknown option '-x'" lpar version -x
	bad_value "unknown option '--bogus'" lpar version --bogus
}
