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

# bats-assert 2.1 has no assertions on $stderr from 'run --separate-stderr'.
assert_stderr() {
	local output=$stderr
	assert_output "$@"
}

# The live processes this test started (they carry LPAR_TEST_MARK), but
# not the test's own shell.
marked_pids() {
	local f pid

	for f in $(grep -lzxF "LPAR_TEST_MARK=$BATS_TEST_TMPDIR" /proc/[0-9]*/environ 2>/dev/null || true); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" != "$$" ] || continue
		grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && continue
		echo "$pid"
	done
}

# Fails, naming them, if processes this test started still run.
assert_no_process_left() {
	local pid left=

	for pid in $(marked_pids); do
		left+=" $pid:$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
	[ -z "$left" ] || fail "processes left running:$left"
}

# poll WHAT COMMAND...: runs COMMAND until it succeeds, for at most 10 s.
poll() {
	local what=$1 i

	shift
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	fail "timed out waiting for $what"
}

# Whether process PID has exited (a zombie has).
dead() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# The state lpar status reports for partition NAME; whether it is STATE.
state_of() {
	lpar status "$1" 2>/dev/null | sed -n 's/^state //p'
}
state_is() {
	[ "$(state_of "$1")" = "$2" ]
}

# Whether FILE contains the line LINE (has_line), or the text TEXT (has).
has_line() {
	grep -qxF -- "$2" "$1" 2>/dev/null
}
has() {
	grep -qF -- "$2" "$1" 2>/dev/null
}
