#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# tests/kvm-vm/run itself, on the host: it boots the guest, runs the
# command in the shared tree on the guest's own KVM, and gives back its
# output and status; and the defect its shim hides is real.  Each test
# that boots the guest takes a boot (about 10 s) and a command.
# Run by make check-kvm-vm (tests/kvm-vm/check), before the suites.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
VMRUN=$ROOT/tests/kvm-vm/run

@test "kvm-vm run: bad options are usage errors, before anything boots" {
	run -2 "$VMRUN" -t 0 true
	assert_output --partial "-t wants a number of seconds, not '0'"
	run -2 "$VMRUN" -e 1X=2 true
	assert_output --partial "-e wants VAR=VALUE, not '1X=2'"
	run -2 "$VMRUN" --frobnicate true
	assert_output --partial "unknown option '--frobnicate'"
	run -2 "$VMRUN" one two
	assert_output --partial "give one COMMAND, quoted"
	run -0 "$VMRUN" --help
	assert_output --partial "Exit status: COMMAND's"
	LPAR_VM_SHARDS=9 run -2 "$ROOT/tests/kvm-vm/check"
	assert_output "tests/kvm-vm/check: LPAR_VM_SHARDS is a number from 1 to 8, not '9'"
}

@test "kvm-vm run: the command runs as root in this tree on the guest's KVM, with its stdout, stderr and status" {
	run --separate-stderr "$VMRUN" -e GREETING='hi there' \
		'echo "$GREETING from $(id -un) in $PWD"; echo "to stderr" >&2; ls -l /dev/kvm >/dev/null && echo kvm; ./lpar -j version -v | jq -r ".accels[0] | \"\(.name) \(.usable)\""; exit 7'
	[ "$status" -eq 7 ] || fail "status $status, stderr: $stderr"
	assert_line -n 0 "hi there from root in $ROOT"
	[[ $stderr != *"hi there"* && $stderr == *"to stderr"* ]] || fail "stdout and stderr mixed: $stderr"
	assert_equal "${#lines[@]}" 3
	assert_line -n 1 kvm
	assert_line -n 2 "kvm true"
	[[ $stderr =~ guest\ booted\ in\ [0-9.]+\ s ]] || fail "no boot time: $stderr"
}

@test "kvm-vm run: a partition runs on the guest's KVM, and int3 is the breakpoint it is" {
	run --separate-stderr "$VMRUN" \
		'./lpar run --accel kvm examples/hello.elf && ./lpar run --accel kvm examples/crash.elf int3'
	assert_equal "$status" 126
	assert_line -n 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
	assert_line -n 2 "crash: int3"
	[[ $stderr == *"lpar: partition 'crash' crashed: breakpoint trap (int3) at rip 0x"*"<main+"* ]] ||
		fail "stderr: $stderr"
}

@test "kvm-vm run --no-shim: without the shim, QEMU refuses the hcall port, and lpar says so" {
	run --separate-stderr "$VMRUN" --no-shim './lpar run --accel kvm examples/hello.elf'
	assert_equal "$status" 126
	[[ $stderr == *"the host refused port I/O the partition may do (a write of 4 bytes to port 0x4c): its CPU does not honour the TSS's I/O bitmap at rip 0x"* ]] ||
		fail "stderr: $stderr"
}

@test "kvm-vm run: a tree under /tmp (a clean clone there) is shared too, though the guest's /tmp is its own" {
	local t=$BATS_TEST_TMPDIR/tree
	[[ $t == /tmp/* ]] || skip "BATS_TEST_TMPDIR is not under /tmp: $t"
	mkdir -p "$t/tests"
	cp -r "$ROOT/tests/kvm-vm" "$t/tests/"
	echo here >"$t/marker"
	run --separate-stderr "$t/tests/kvm-vm/run" 'echo "$PWD $(cat marker)"; touch /tmp/guest-own'
	[ "$status" -eq 0 ] || fail "status $status, stderr: $stderr"
	assert_output "$t here"
	[ ! -e /tmp/guest-own ] || fail "the guest's /tmp is the host's"
}
