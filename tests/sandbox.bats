#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The monitor's sandbox (docs/security.md): a seccomp filter and, where the
# kernel has it, Landlock, on from start-up unless LPAR_SANDBOX=0.  A
# forbidden system call kills the monitor with a record that names it; a
# file outside the allowed paths does not open.  The monitor's debug-only
# control "sandbox-test execve|open" (a ctl command, refused unless the
# monitor started with LPAR_DEBUG_SANDBOX_TEST=1) makes it try, through
# build/tests/tools/ctlcmd.  Every test has its own run directory and
# leaves no partition and no process behind.

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	CTL=$TOOLS/ctlcmd
	[ -x "$CTL" ] || fail "$CTL is missing: make build/tests/tools/ctlcmd"
}

teardown() {
	end_bg
	remove_partitions_and_check
	assert_no_process_left
}

# What this kernel gives Landlock: true or false (lpar -j version -v).
landlock_here() {
	lpar -j version -v | jq -r '.sandbox.landlock'
}

# The sandbox line lpar status should show for a sandboxed monitor here.
sandbox_line() {
	if [ "$(landlock_here)" = true ]; then
		echo "sandbox seccomp=on landlock=on"
	else
		echo "sandbox seccomp=on landlock=off($(lpar -j version -v |
			jq -r '.sandbox.detail' | sed -n 's/.*no landlock (\([a-z]*\) .*/\1/p'))"
	fi
}

monitor_pid() {
	cat "$LPAR_RUNDIR/$1/pid"
}

@test "a monitor is sandboxed by default: lpar status and -j status say so, lpar version -v too" {
	run --separate-stderr lpar version -v
	assert_success
	assert_line --regexp '^sandbox: seccomp, (landlock \(ABI [0-9]+\)|no landlock \(.*\))$'

	run --separate-stderr lpar create --name on "$EX/sleep.elf" 1
	assert_success
	run --separate-stderr lpar status on
	assert_success
	assert_line "$(sandbox_line)"
	run --separate-stderr lpar -j status on
	assert_success
	assert_equal "$(jq -r '.sandbox.seccomp' <<<"$output")" on
	# It runs, and ends, as any other.
	run --separate-stderr lpar start on
	assert_success
	run --separate-stderr lpar wait on
	assert_success
}

@test "LPAR_SANDBOX=0 turns the sandbox off, and status says so; another value does not start" {
	LPAR_SANDBOX=0 run --separate-stderr lpar create --name off "$EX/sleep.elf" 1
	assert_success
	run --separate-stderr lpar status off
	assert_success
	assert_line "sandbox seccomp=off(LPAR_SANDBOX=0) landlock=off(LPAR_SANDBOX=0)"

	LPAR_SANDBOX=yes run --separate-stderr lpar run --name bad "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot start partition 'bad': LPAR_SANDBOX must be 0 (off) or 1 (on), not 'yes'"
	run lpar list -a --names
	assert_output "off"
}

@test "the test control is refused unless the monitor started with LPAR_DEBUG_SANDBOX_TEST=1" {
	run --separate-stderr lpar create --name plain "$EX/sleep.elf" 1
	assert_success
	run "$CTL" plain "sandbox-test execve"
	assert_failure 1
	assert_output "error: cannot sandbox-test execve partition 'plain': Invalid argument"
	assert_equal "$(state_of plain)" created
	LPAR_DEBUG_SANDBOX_TEST=yes run --separate-stderr lpar create --name notone "$EX/sleep.elf" 1
	assert_success
	run "$CTL" notone "sandbox-test execve"
	assert_failure 1
	assert_equal "$(state_of notone)" created
}

@test "execve is blocked: the monitor is killed and lpar status, -j list and lpar wait say why" {
	local pid reason="killed by the monitor's sandbox: system call execve (59) is not allowed"

	# Unsandboxed, the same control only fails to find the program: the kill is the sandbox's.
	LPAR_SANDBOX=0 LPAR_DEBUG_SANDBOX_TEST=1 run --separate-stderr lpar create --name free "$EX/sleep.elf" 1
	assert_success
	run "$CTL" free "sandbox-test execve"
	assert_failure 1
	assert_output "error: cannot sandbox-test execve partition 'free': No such file or directory"
	assert_equal "$(state_of free)" created

	LPAR_DEBUG_SANDBOX_TEST=1 run --separate-stderr lpar run -d --name boxed "$EX/sleep.elf" 600000
	assert_success
	pid=$(monitor_pid boxed)
	run "$CTL" boxed "sandbox-test execve"
	assert_failure 1
	poll "monitor $pid to die" dead "$pid"
	run --separate-stderr lpar status boxed
	assert_success
	assert_line "state killed"
	assert_line "reason $reason"
	assert_line "$(sandbox_line)"
	run --separate-stderr lpar -j list -a
	assert_success
	assert_equal "$(jq -r '.[] | select(.name == "boxed") | "\(.state) \(.status) \(.reason)"' <<<"$output")" \
		"killed 159 $reason"
	run --separate-stderr lpar wait boxed
	assert_failure 159
}

@test "execve is blocked in a foreground lpar run: its exit status and message say why, nothing is left" {
	local rc

	LPAR_DEBUG_SANDBOX_TEST=1 bg lpar run --name fg "$EX/sleep.elf" 600000 >out 2>err
	poll "partition fg to run" state_is fg running
	run "$CTL" fg "sandbox-test execve"
	assert_failure 1
	poll "lpar run to end" dead "${BG_PIDS[0]}"
	wait_rc "${BG_PIDS[0]}"
	rc=$RC
	assert_equal "$rc" 159
	run cat err
	assert_output "lpar: partition 'fg' killed by the monitor's sandbox: system call execve (59) is not allowed"
	run lpar list -a --names
	assert_output ""
}

@test "Landlock: the monitor cannot open a file outside its run directory and shares" {
	[ "$(landlock_here)" = true ] || skip "this kernel has no Landlock: $(lpar -j version -v | jq -r .sandbox.detail)"
	mkdir shared
	echo inside >shared/in.txt
	echo outside >out.txt

	# Beneath a share it opens; outside, it does not.
	LPAR_DEBUG_SANDBOX_TEST=1 LPAR_DEBUG_SANDBOX_TEST_PATH=$WORK/shared/in.txt \
		run --separate-stderr lpar create --name in --share "$WORK/shared" "$EX/sleep.elf" 1
	assert_success
	run "$CTL" in "sandbox-test open"
	assert_success
	assert_output ok

	LPAR_DEBUG_SANDBOX_TEST=1 LPAR_DEBUG_SANDBOX_TEST_PATH=$WORK/out.txt \
		run --separate-stderr lpar create --name out --share "$WORK/shared" "$EX/sleep.elf" 1
	assert_success
	run "$CTL" out "sandbox-test open"
	assert_failure 1
	assert_output "error: cannot sandbox-test open partition 'out': Permission denied"
	# Refused, not killed: the monitor is there and serves on.
	assert_equal "$(state_of out)" created

	# Without the sandbox, the same file opens.
	LPAR_SANDBOX=0 LPAR_DEBUG_SANDBOX_TEST=1 LPAR_DEBUG_SANDBOX_TEST_PATH=$WORK/out.txt \
		run --separate-stderr lpar create --name open "$EX/sleep.elf" 1
	assert_success
	run "$CTL" open "sandbox-test open"
	assert_success
}

@test "a sandboxed monitor still serves a read-write share, a channel pair and a core file" {
	mkdir shared cores
	echo "some text" >shared/a.txt
	run --separate-stderr lpar run --share "$WORK/shared" -- "$ROOT/tests/files/cp.elf" a.txt b.txt
	assert_success
	assert_equal "$(cat shared/b.txt)" "some text"

	run --separate-stderr lpar run -d --name pong --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr timeout "$(slow 30)" lpar run --name ping --chan pp "$EX/ping.elf" 3
	assert_success

	run --separate-stderr lpar run --core "$WORK/cores" "$EX/crash.elf" null
	assert_failure 126
	run ls cores
	assert_output --regexp '^core\.crash\.[0-9]+$'
}
