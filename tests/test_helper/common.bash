# SPDX-License-Identifier: ISC
# Shared set-up for lpar's bats tests: bats-support and bats-assert from
# Debian, the lpar under test (test_helper/build.bash) and the tree's
# lpar-cc on PATH, and helpers.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
. "$ROOT/tests/test_helper/build.bash"
EX=$ROOT/examples
TOOLS=$BUILD/tests/tools
GUESTS=$ROOT/tests/guests
PATH=${LPAR_BIN%/*}:$ROOT:$PATH
export ROOT BUILD LPAR_BIN EX TOOLS GUESTS PATH

# LPAR_TEST_SLOW: how many times slower than usual this host runs the
# tests, a whole number from 1 to 999 (default 1; tests/kvm-vm/run sets 10
# for its emulated guest).  Every wait for an event takes its limit from
# slow, so that a slow host gets the time it needs while an ordinary one
# fails no later than before.
LPAR_TEST_SLOW=${LPAR_TEST_SLOW:-1}
if ! [[ $LPAR_TEST_SLOW =~ ^[1-9][0-9]{0,2}$ ]]; then
	echo "LPAR_TEST_SLOW must be a whole number from 1 to 999 (how many times slower than usual this host runs the tests), not '$LPAR_TEST_SLOW'" >&2
	return 1
fi
export LPAR_TEST_SLOW

. "$ROOT/tests/test_helper/accel.bash"

# Partitions boot under this run's accelerator: LPAR_ACCEL (tests/run
# exports kvm or tcg, once per accelerator the host can use), else what
# auto picks.  A test about one accelerator's own mechanism starts with
# require_accel NAME: it is skipped, with the reason, unless this run uses
# NAME and the host can.
require_accel() {
	local usable cur

	case $1 in
	kvm | tcg) ;;
	*) fail "require_accel: no accelerator '$1' (kvm or tcg)" ;;
	esac
	usable=$(accels_usable) && cur=$(accel_current) ||
		fail "cannot tell which accelerators this host can use: 'lpar -j version -v' failed"
	[ "$cur" = "$1" ] || skip "about $1 only, and this run uses $cur"
	grep -qxF -- "$1" <<<"$usable" ||
		skip "about $1 only, which this host cannot use: $(accel_detail "$1")"
}

# Whether LPAR_RUNDIR is one this test made: $BATS_TEST_TMPDIR/rundir (as
# test_env_setup sets it), or TEST_RUNDIR, which a test that makes one
# elsewhere sets.  A teardown touches partitions and what the test started
# only then: when set-up failed before that, LPAR_RUNDIR is empty or the
# caller's own, and lpar would use (even create) the real run directory.
TEST_RUNDIR=
test_rundir_ours() {
	[ -n "${LPAR_RUNDIR:-}" ] || return 1
	[ -n "${BATS_TEST_TMPDIR:-}" ] && [ "$LPAR_RUNDIR" = "$BATS_TEST_TMPDIR/rundir" ] ||
		[ "$LPAR_RUNDIR" = "$TEST_RUNDIR" ]
}

# Kills and removes every partition in this test's own LPAR_RUNDIR.
kill_partitions() {
	local n

	test_rundir_ours || return 0
	for n in $(lpar list -a --names 2>/dev/null); do
		lpar kill "$n" >/dev/null 2>&1 || true
		lpar rm -f "$n" >/dev/null 2>&1 || true
	done
}

# Asserts that no lpar process is left running from this test.
assert_no_lpar_left() {
	run pgrep -f "$LPAR_BIN run"
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

# slow_ms N: N times LPAR_TEST_SLOW, in thousandths (N has at most three
# decimals: 0.05).
slow_ms() {
	local frac

	if ! [[ $1 =~ ^([0-9]+)(\.([0-9]{1,3}))?$ ]]; then
		fail "slow: '$1' is not a number with at most three decimals"
		return 1
	fi
	frac=${BASH_REMATCH[3]}000
	echo $(((10#${BASH_REMATCH[1]} * 1000 + 10#${frac:0:3}) * LPAR_TEST_SLOW))
}

# slow N: N times LPAR_TEST_SLOW, the limit for a wait on this host: the
# seconds of a timeout or a deadline, the milliseconds a partition sleeps
# while the test acts on it.
slow() {
	local m frac

	m=$(slow_ms "$1") || return 1
	if ((m % 1000 == 0)); then
		echo $((m / 1000))
	else
		printf -v frac '%03d' $((m % 1000))
		while [[ $frac == *0 ]]; do frac=${frac%0}; done
		echo "$((m / 1000)).$frac"
	fi
}

# within SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds, for
# at most SECONDS times LPAR_TEST_SLOW; returns 1 if it never did.
within() {
	local end

	end=$(slow_ms "$1") || return 1
	end=$((${EPOCHREALTIME//[!0-9]/} + end * 1000))
	shift
	until "$@"; do
		((${EPOCHREALTIME//[!0-9]/} < end)) || return 1
		sleep 0.05
	done
}

# poll [-t SECONDS] WHAT COMMAND...: runs COMMAND until it succeeds, for at
# most SECONDS (default 10) times LPAR_TEST_SLOW; fails, naming WHAT, if it
# never does.
poll() {
	local t=10 what

	if [ "$1" = -t ]; then
		t=$2
		shift 2
	fi
	what=$1
	shift
	within "$t" "$@" || fail "timed out waiting for $what (after $(slow "$t") s)"
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

# compare_run WHAT OUT WANT-RC: OUT from a partition has status WANT-RC
# (in RC), nothing from lpar on stderr and native.out's bytes.
compare_run() {
	local what=$1 out=$2 want_rc=$3

	[ ! -s "$out.err" ] || fail "$what: lpar wrote on stderr: $(cat -v "$out.err")"
	[ "$RC" = "$want_rc" ] ||
		fail "$what: exit status $RC, natively $want_rc; output: $(head -c 2000 "$out" | cat -v)"
	same_bytes "$what's output" native.out "$out"
}

# same_bytes WHAT WANT GOT: fails, showing the difference, unless files WANT
# and GOT are identical.
same_bytes() {
	local what=$1 want=$2 got=$3 report

	cmp -s -- "$want" "$got" && return 0
	report=$(
		echo "$what differs:"
		cmp -- "$want" "$got" 2>&1
		echo "sizes: $(wc -c <"$want") expected, $(wc -c <"$got") got"
		diff -a -u --label expected --label got -- "$want" "$got" | head -n 80 | cat -v
	)
	fail "$report"
}

# Teardown for tests that start partitions: removes every partition left in
# $LPAR_RUNDIR, waits for their monitors to exit, then fails if a partition
# or any process this test started is left.
remove_partitions_and_check() {
	local pid d pids=()

	test_rundir_ours || return 0
	for d in "$LPAR_RUNDIR"/*/; do
		[ -d "$d" ] || continue
		pid=$(cat "$d/pid" 2>/dev/null) && pids+=("$pid")
		lpar rm -f "$(basename "$d")" >/dev/null 2>&1 || true
	done
	for pid in "${pids[@]}"; do
		poll "monitor $pid to exit" dead "$pid"
	done
	# lpar kill answers before the monitor has cleaned up: remove what is left.
	for d in "$LPAR_RUNDIR"/*/; do
		[ -d "$d" ] || continue
		lpar rm -f "$(basename "$d")" >/dev/null 2>&1 || true
	done
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] ||
		fail "partitions left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	# A monitor may take a moment to exit after its partition has ended.
	within 10 eval '[ -z "$(marked_pids)" ]' || true
	assert_no_process_left
}

# Per-test set-up: every process the test starts (monitors included)
# carries LPAR_TEST_MARK, so one left running is found even though monitors
# detach; partitions go to a run directory of the test's own; the test
# works in $WORK (bats keeps files of its own in $BATS_TEST_TMPDIR).
test_env_setup() {
	export LPAR_TEST_MARK=$BATS_TEST_TMPDIR
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	WORK=$BATS_TEST_TMPDIR/work
	mkdir -p "$WORK"
	cd "$WORK" || return 1
}

# Runs a command in the background with the caller's stdio, without bats'
# fd 3; teardown ends it if the test does not.
bg() {
	"$@" 3>&- &
	BG_PIDS+=($!)
}

# Ends what bg started (a stopped one is continued first) and waits for it.
end_bg() {
	local pid

	for pid in "${BG_PIDS[@]}"; do
		kill -CONT "$pid" 2>/dev/null || true
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}

# wait_rc PID: waits for a background process of this test; $RC is its status.
wait_rc() {
	RC=0
	wait "$1" || RC=$?
}

# The console log of partition NAME.
console_of() {
	echo "$LPAR_RUNDIR/$1/console.log"
}
