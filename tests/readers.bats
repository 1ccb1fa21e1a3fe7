#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The commands that read: they remove nothing (a gone partition's
# directory and console.log stay until lpar rm), their JSON is valid
# whatever bytes a path holds, and their usage errors say what is missing.
# Most partitions here are fake run directories: a gone partition is a
# directory whose pid names a process that has exited; an ended one also
# has a status record.

load test_helper/common

bats_require_minimum_version 1.5.0

PYTHON=${PYTHON:-/usr/bin/python3}

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	mkdir -p -m 0700 "$LPAR_RUNDIR"
}

teardown() {
	end_bg
	remove_partitions_and_check
}

# fake_gone NAME: a partition whose monitor died without a record.
fake_gone() {
	local pid

	sh -c 'echo $$ >"$1"' sh "$WORK/dead.pid"
	pid=$(cat "$WORK/dead.pid")
	mkdir -m 0700 "$LPAR_RUNDIR/$1"
	printf '%s\n' "$pid" >"$LPAR_RUNDIR/$1/pid"
	printf 'what happened before the end\n' >"$LPAR_RUNDIR/$1/console.log"
	chmod 0600 "$LPAR_RUNDIR/$1/pid" "$LPAR_RUNDIR/$1/console.log"
	DEAD_PID=$pid
}

# fake_ended NAME IMAGE: a partition that exited, with its status record.
fake_ended() {
	mkdir -m 0700 "$LPAR_RUNDIR/$1"
	printf 'name %s\nstate exited\npid 1\nmem 67108864\nvcpus 1\naccel tcg\nimage %s\nuptime 0.010\nexit 0\n' \
		"$1" "$2" >"$LPAR_RUNDIR/$1/status"
	: >"$LPAR_RUNDIR/$1/console.log"
}

# The run directory of partition $1 and its console.log are still there.
kept() {
	[ -f "$LPAR_RUNDIR/$1/console.log" ] || fail "$*: $LPAR_RUNDIR/$1/console.log was removed"
}

need_python() {
	[ -x "$PYTHON" ] || fail "$PYTHON is missing: install python3"
}

# ---- a gone partition is reported, never removed ----------------------------

@test "list, list --names and status report a gone partition and remove nothing" {
	fake_gone g
	run --separate-stderr lpar list
	assert_success
	assert_line --regexp "^g +gone +$DEAD_PID "
	kept g "lpar list"
	run --separate-stderr lpar list --names
	assert_success
	assert_output g
	kept g "lpar list --names"
	run --separate-stderr lpar -j list -a --names
	assert_success
	assert_output '["g"]'
	kept g "lpar -j list -a --names"
	run --separate-stderr lpar status g
	assert_success
	assert_line "state gone"
	assert_line "pid $DEAD_PID"
	kept g "lpar status"
	run --separate-stderr lpar -j status g
	assert_success
	assert_equal "$(jq -r '"\(.state) \(.pid)"' <<<"$output")" "gone $DEAD_PID"
	kept g "lpar -j status"
	# Again: nothing was "reported once".
	run --separate-stderr lpar list
	assert_line --regexp "^g +gone +$DEAD_PID "
}

@test "an unnamed lpar run passes a gone partition's name by; its log stays" {
	fake_gone hello
	run --separate-stderr lpar run "$EX/hello.elf"
	assert_success
	assert_output --partial "Hello from partition 'hello-2'"
	kept hello
	assert_equal "$(cat "$LPAR_RUNDIR/hello/console.log")" "what happened before the end"
	run lpar rm -f hello
	assert_success
}

@test "run and create refuse a gone partition's name, pointing at lpar rm, which removes it" {
	fake_gone g
	run --separate-stderr lpar run -d --name g "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition: partition 'g' is gone (its monitor died); 'lpar rm g' removes what it left, console.log included"
	kept g "lpar run -d --name g"
	run --separate-stderr lpar run --name g "$EX/hello.elf"
	assert_failure 125
	kept g "lpar run --name g"
	run --separate-stderr lpar create --name g "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot create partition: partition 'g' is gone (its monitor died); 'lpar rm g' removes what it left, console.log included"
	kept g "lpar create --name g"
	run --separate-stderr lpar rm g
	assert_success
	[ ! -e "$LPAR_RUNDIR/g" ] || fail "lpar rm g left $LPAR_RUNDIR/g"
}

# ---- JSON is valid whatever the bytes -----------------------------------------

@test "JSON output escapes invalid UTF-8 as U+FFFD and passes valid UTF-8 through" {
	need_python
	fake_ended bad $'/img/caf\xe9-\xff\xfe-\xc0\xaf-\xed\xa0\x80.elf'
	fake_ended good $'/img/caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80.elf'
	run --separate-stderr lpar -j list -a
	assert_success
	printf '%s' "$output" >list.json
	run "$PYTHON" -c '
import json, sys
with open(sys.argv[1], "rb") as f:
    parts = json.loads(f.read().decode("utf-8"))
for p in parts:
    print(p["name"], ascii(p["image"]))
' list.json
	assert_success
	assert_line "bad '/img/caf\\ufffd-\\ufffd\\ufffd-\\ufffd\\ufffd-\\ufffd\\ufffd\\ufffd.elf'"
	assert_line "good '/img/caf\\xe9-\\u20ac-\\U0001f600.elf'"
	run --separate-stderr lpar -j status bad
	assert_success
	"$PYTHON" -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))' <<<"$output" ||
		fail "lpar -j status bad is not JSON: $output"
}

# ---- list ---------------------------------------------------------------------

@test "list: an empty list prints its header, -a given twice is as given once" {
	run --separate-stderr lpar list
	assert_success
	assert_output --regexp '^NAME +STATE +PID +MEM +UPTIME +ACCEL +IMAGE$'
	run --separate-stderr lpar list --all -a
	assert_success
	assert_output --regexp '^NAME +STATE '
	fake_ended e /img/e.elf
	run --separate-stderr lpar list --all -a --names --names
	assert_success
	assert_output e
	run --separate-stderr lpar list --names
	assert_success
	assert_output ""
}

# ---- usage: what is missing ---------------------------------------------------

@test "a command given no partition name says so, with its usage, and exits 2" {
	local c

	for c in status console attach mem hcall trace core pause resume stop kill wait rm start logs; do
		run --separate-stderr lpar "$c"
		[ "$status" -eq 2 ] || fail "lpar $c: exit status $status, not 2"
		assert_equal "${stderr_lines[0]}" "lpar $c: missing partition name"
		[[ ${stderr_lines[1]} == "usage: lpar $c"* ]] ||
			fail "lpar $c: no usage after the message: ${stderr_lines[1]:-}"
		assert_output ""
	done
	run --separate-stderr lpar -j status
	assert_failure 2
	assert_output '{"error": "lpar status: missing partition name"}'
}

# ---- mem sym after the end ----------------------------------------------------

@test "mem sym reads an ended partition's symbols from its image" {
	run --separate-stderr lpar run -d --name h "$EX/hello.elf"
	assert_success
	run --separate-stderr lpar wait h
	assert_success
	run --separate-stderr lpar mem h sym main
	assert_success
	assert_output --regexp '^0x[0-9a-f]+ <main>$'
	addr=${output%% *}
	run --separate-stderr lpar mem h sym "$addr"
	assert_success
	assert_output "$addr <main>"
	# What needs the memory still says it went with the monitor.
	run --separate-stderr lpar mem h read main
	assert_failure 1
	assert_stderr "lpar: partition 'h' has ended (exited): its memory went away with its monitor"
	# An image that is no longer there: said so.
	fake_ended e /nonexistent/e.elf
	run --separate-stderr lpar mem e sym main
	assert_failure 1
	assert_stderr --partial "lpar: cannot read the symbols of 'e': partition 'e' has ended: its image '/nonexistent/e.elf': "
}

# ---- lpar rm --ended ----------------------------------------------------------

@test "rm --ended removes every ended and gone partition, naming each; nothing else" {
	fake_gone g
	fake_ended e "$EX/hello.elf"
	run lpar run -d --name live "$EX/sleep.elf" 600000
	assert_success
	run lpar create --name made "$EX/hello.elf"
	assert_success
	run --separate-stderr lpar rm --ended
	assert_success
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "e g "
	[ ! -e "$LPAR_RUNDIR/g" ] && [ ! -e "$LPAR_RUNDIR/e" ] || fail "left: $(ls "$LPAR_RUNDIR")"
	assert_equal "$(state_of live)" running
	assert_equal "$(state_of made)" created
	# Nothing more to remove: nothing said.
	run --separate-stderr lpar rm --ended
	assert_success
	assert_output ""
	run --separate-stderr lpar rm --ended live
	assert_failure 2
	assert_stderr --partial "--ended takes no partition names"
	run --separate-stderr lpar rm --ended -f
	assert_failure 2
}
