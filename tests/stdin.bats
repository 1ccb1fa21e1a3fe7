#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Commands that forward standard input to a partition end when it ends,
# whatever their standard input is: an open pipe nobody writes, or a
# terminal (a pty from script(1), util-linux) nobody types at.  And stop
# signals end lpar run --trace as they end lpar run.

load test_helper/common

bats_require_minimum_version 1.5.0

setup_file() {
	# Background commands and their processes are counted per test.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
}

setup() {
	test_env_setup
	EX=$ROOT/examples
	BG_PIDS=()
	command -v script >/dev/null || skip "script (util-linux, Debian: bsdutils) is not installed"
	# Standard input for the command under test: a FIFO held open by the
	# test and never written, so it neither ends nor brings anything.
	mkfifo in
	exec {hold}<>in
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	end_bg
	[ -z "${hold:-}" ] || exec {hold}>&-
	kill_partitions
}

# Runs CMD... in the background with the silent FIFO as its standard input
# (given on the command itself: a background command's stdin is otherwise
# /dev/null, which ends at once).
from_pipe() {
	"$@" <in >out 2>err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
}

# Runs the shell command line $1 in the background on a pty of its own
# (script -e: its status is the command's), the pty fed from the FIFO.
from_tty() {
	script -qfec "$1" /dev/null <in >out 2>err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
}

# Waits for the background command to end after its partition did; sets RC.
ends() {
	within 20 dead "$pid" || fail "'$*' did not end after its partition did (stdin open and silent); output: $(cat out err 2>/dev/null)"
	wait_rc "$pid"
}

@test "lpar run ends with its partition while stdin is an open, silent pipe" {
	from_pipe lpar run "$EX/hello.elf"
	ends lpar run
	assert_equal "$RC" 0
	grep -q "Hello from partition 'hello'" out || fail "no greeting: $(cat out)"
}

@test "lpar run ends with its partition while stdin is a silent terminal" {
	from_tty "lpar run '$EX/hello.elf'"
	ends lpar run
	assert_equal "$RC" 0
	grep -q "Hello from partition 'hello'" out || fail "no greeting: $(cat out)"
}

@test "lpar run --trace ends with its partition while stdin is an open, silent pipe" {
	from_pipe lpar run --trace=t.out "$EX/hello.elf"
	ends lpar run --trace
	assert_equal "$RC" 0
	grep -q "Hello from partition 'hello'" out || fail "no greeting: $(cat out)"
	assert_equal "$(tail -n 1 t.out | sed 's/^+[0-9.]* //')" "+++ exited with 0 +++"
}

@test "lpar run --trace ends with its partition while stdin is a silent terminal" {
	from_tty "lpar run --trace=t.out '$EX/hello.elf'"
	ends lpar run --trace
	assert_equal "$RC" 0
	grep -q "Hello from partition 'hello'" out || fail "no greeting: $(cat out)"
	assert_equal "$(tail -n 1 t.out | sed 's/^+[0-9.]* //')" "+++ exited with 0 +++"
}

# timeout(1) runs its command in a process group of its own: on a terminal
# that is the background, where a read of the terminal stops lpar (SIGTTIN).
# (The shell must not exec timeout, or timeout leads the session.)
@test "lpar run --trace ends with its partition in the background of a terminal (under timeout)" {
	from_tty "timeout -k 5 $(slow 60) lpar run --trace=t.out '$EX/hello.elf'; exit \$?"
	ends timeout lpar run --trace
	assert_equal "$RC" 0
	grep -q "Hello from partition 'hello'" out || fail "no greeting: $(cat out)"
	assert_equal "$(tail -n 1 t.out | sed 's/^+[0-9.]* //')" "+++ exited with 0 +++"
}

@test "lpar run --trace still forwards what stdin brings, and its end" {
	run --separate-stderr lpar run --trace=t.out "$EX/cat.elf" <<<"one line"
	assert_success
	assert_output "one line"
}

@test "lpar console ends with its partition while stdin is an open, silent pipe" {
	lpar run -d --name s "$EX/sleep.elf" "$(slow_ms 0.5)" >/dev/null
	from_pipe lpar console s
	ends lpar console
	assert_equal "$RC" 0
	grep -q "^slept" out || fail "no output from the partition: $(cat out)"
}

@test "lpar console ends with its partition while stdin is a silent terminal" {
	lpar run -d --name s "$EX/sleep.elf" "$(slow_ms 0.5)" >/dev/null
	from_tty "lpar console s"
	ends lpar console
	assert_equal "$RC" 0
	grep -q "slept" out || fail "no output from the partition: $(cat out)"
}

@test "lpar attach -batch ends with its partition while stdin is an open, silent pipe" {
	lpar create --name s "$EX/sleep.elf" "$(slow_ms 0.5)" >/dev/null
	from_pipe lpar attach -batch -ex continue s
	ends lpar attach -batch
	assert_equal "$RC" 0
	grep -q "exited normally" out || fail "the debugger did not see the end: $(cat out err)"
}

@test "lpar attach -batch ends with its partition while stdin is a silent terminal" {
	lpar create --name s "$EX/sleep.elf" "$(slow_ms 0.5)" >/dev/null
	from_tty "lpar attach -batch -ex continue s"
	ends lpar attach -batch
	assert_equal "$RC" 0
	grep -q "exited normally" out || fail "the debugger did not see the end: $(cat out err)"
}

# Whether lpar (pid) has its handlers for SIGHUP, SIGINT and SIGTERM, or has ended.
handlers_or_ended() {
	local cgt

	dead "$pid" && return 0
	cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	(((0x${cgt:-0} & 0x4003) == 0x4003))
}

# lpar run --trace of cat, waiting for input, ended by signal $1.
stop_traced() {
	from_pipe lpar run --trace=t.out "$EX/cat.elf"
	within 20 handlers_or_ended || fail "lpar never set up its signal handlers"
	poll -t 20 "the partition to look for input" grep -q 'console_read(' t.out
	if dead "$pid"; then
		wait_rc "$pid"
		fail "lpar ended before the signal ($RC): $(cat out err; tail -n 3 t.out)"
	fi
	kill -s "$1" "$pid"
	ends lpar run --trace, after SIG"$1"
	assert_equal "$(cat err)" "lpar: partition 'cat' stopped by SIG$1"
	assert_equal "$(tail -n 1 t.out | sed 's/^+[0-9.]* //')" "+++ killed by SIG$1 +++"
	run lpar list -a --names
	assert_output ""
}

@test "SIGTERM ends lpar run --trace: the partition is stopped, the trace says so, 143" {
	stop_traced TERM
	assert_equal "$RC" 143
}

@test "SIGINT ends lpar run --trace: 130" {
	stop_traced INT
	assert_equal "$RC" 130
}

@test "SIGHUP ends lpar run --trace: 129" {
	stop_traced HUP
	assert_equal "$RC" 129
}
