# Shared set-up for lpar's bats tests: bats-support and bats-assert from
# Debian, the tree's lpar and lpar-cc on PATH, and helpers.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
EX=$ROOT/examples
TOOLS=$ROOT/build/tests/tools
GUESTS=$ROOT/tests/guests
PATH=$ROOT:$PATH
export ROOT EX TOOLS GUESTS PATH

# Tests that boot partitions need KVM: without it they fail, with a reason,
# rather than pass or skip silently.
require_kvm() {
	if [ ! -c /dev/kvm ]; then
		fail "/dev/kvm is missing: this test boots a partition and needs KVM"
	fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		fail "/dev/kvm is not readable and writable by $(id -un): this test needs KVM"
	fi
}

# Asserts that no lpar process is left running from this test.
assert_no_lpar_left() {
	run pgrep -f "$ROOT/lpar run"
	assert_failure
}
