#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lpar hcall: the hcall table (--list) and controller hcalls.  Each
# controller hcall's effect is shown from inside a partition
# (tests/guests/ctlhcalls.c prints what it observes on its console), and
# every bad input fails with a clear message and changes nothing.

load test_helper/common
load test_helper/partitions

bats_require_minimum_version 1.5.0

# The partition's console lines after its start-up ("mem", "abi", "ready").
seen() {
	sed '1,/^ready$/d' "$(console_of "$1")"
}

# ---- the table -----------------------------------------------------------------

@test "hcall --list: every hcall of <lpar/hcall.h>, with its arguments and who issues it" {
	run --separate-stderr lpar hcall --list
	assert_success
	assert_stderr ""
	assert_line --index 0 --regexp '^ +NR +NAME +WHO +ARGUMENTS$'
	assert_line --regexp '^ +0  abi_version +guest +-$'
	assert_line --regexp '^ +1  console_write +guest +buf \(pointer\), len \(length\)$'
	assert_line --regexp '^ +8  event_take +guest +-$'
	assert_line --regexp '^ +9  trace_mark +guest +msg \(pointer\), len \(length\)$'
	assert_line --regexp '^ +10  ring_reset +guest +ring \(number\), gen \(number\)$'
	assert_line --regexp '^ +32  info +controller +-$'
	assert_line --regexp '^ +33  event +controller +bits \(number 1\.\.2\^63-1\)$'
	assert_line --regexp '^ +34  console_input +controller +text \(text\)$'
	assert_line --regexp '^ +35  wake +controller +ns \(number 1\.\.2\^62\)$'
	assert_line --regexp '^ +36  shutdown +controller +-$'
	assert_line --regexp '^ +37  panic +controller +-$'
	# One line per LPAR_HC_* number in the header, no more.
	local nrs n
	nrs=$(sed -n 's/^#define LPAR_HC_[A-Z_]* *\([0-9][0-9]*\) .*/\1/p' "$ROOT/include/lpar/hcall.h" |
		grep -vx 64 | sort -n)
	[ "$(printf '%s\n' "$nrs" | wc -l)" -ge 16 ] || fail "found only these numbers in hcall.h: $nrs"
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }' | sort -n)" "$nrs"
}

@test "hcall --list as JSON: the same table, parsed" {
	run --separate-stderr lpar -j hcall --list
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 20
	assert_equal "$(jq -r '.[] | select(.name == "event") | "\(.nr) \(.who) \(.args[0].name) \(.args[0].type) \(.args[0].min)"' <<<"$output")" \
		"33 controller bits number 1"
	assert_equal "$(jq -r '.[] | select(.name == "console_write") | [.args[].type] | join(",")' <<<"$output")" \
		"pointer,length"
	assert_equal "$(jq -r '[.[] | select(.who == "guest")] | length' <<<"$output")" 14
	assert_equal "$(jq -r '[.[] | select(.who == "controller") | .name] | join(" ")' <<<"$output")" \
		"info event console_input wake shutdown panic"
}

# ---- each controller hcall, seen from inside ----------------------------------

@test "info: memory, vCPUs, state and ABI, as the partition and lpar status see them" {
	run lpar run -d --name c1 --mem 96M "$GUESTS/ctlhcalls.elf"
	assert_success
	poll "c1 to be ready" has_line "$(console_of c1)" ready
	run --separate-stderr lpar hcall c1 info
	assert_success
	assert_stderr ""
	assert_equal "${lines[0]}" "ret 0"
	assert_line "mem $(sed -n 's/^mem //p' "$(console_of c1)")"
	assert_line "abi $(sed -n 's/^abi //p' "$(console_of c1)")"
	assert_line "mem $(lpar status c1 | sed -n 's/^mem //p')"
	assert_line "mem 100663296"
	assert_line "vcpus 1"
	assert_line "state running"
	run lpar pause c1
	assert_success
	run --separate-stderr lpar -j hcall c1 info
	assert_success
	assert_equal "$(jq -r '"\(.partition) \(.hcall) \(.ret) \(.state) \(.vcpus) \(.abi)"' <<<"$output")" \
		"c1 info 0 paused 1 1"
	assert_equal "$(jq -r '.mem' <<<"$output")" "$(sed -n 's/^mem //p' "$(console_of c1)")"
}

@test "event: block() sees LPAR_READY_EVENT; event_take returns the bits raised since the last take" {
	start_ctl c1
	run --separate-stderr lpar hcall c1 event 5
	assert_success
	assert_output "ret 0"
	poll "the event inside" has_line "$(console_of c1)" "event 0x5"
	# Raised while it cannot take them: ORed, then taken once.
	run lpar pause c1
	assert_success
	run lpar hcall c1 event 0x30
	assert_success
	run lpar hcall c1 event 0x1000000000000
	assert_success
	run lpar resume c1
	assert_success
	poll "the ORed event inside" has_line "$(console_of c1)" "event 0x1000000000030"
	run seen c1
	assert_output "$(printf 'event 0x5\nevent 0x1000000000030')"
}

@test "console_input: the text, with \\n for a newline and its leading blanks kept, is console input" {
	start_ctl c1
	run --separate-stderr lpar hcall c1 console_input 'hello world\n'
	assert_success
	assert_output "ret 12"
	poll "the input inside" has_line "$(console_of c1)" "input 'hello world\\x0a'"
	run --separate-stderr lpar hcall c1 console_input '  two  spaces'
	assert_success
	assert_output "ret 13"
	poll "the input inside" has_line "$(console_of c1)" "input '  two  spaces'"
	# Trailing blanks are kept too.
	run --separate-stderr lpar hcall c1 console_input 'end  '
	assert_success
	assert_output "ret 5"
	poll "the input inside" has_line "$(console_of c1)" "input 'end  '"
	run seen c1
	assert_output "$(printf "input 'hello world\\\\x0a'\ninput '  two  spaces'\ninput 'end  '")"
}

@test "wake: block() returns LPAR_READY_TIMER when the wake-up comes, though it waits with no deadline" {
	start_ctl c1
	run --separate-stderr lpar hcall c1 wake 1000000
	assert_success
	assert_output "ret 0"
	poll "the timer inside" has_line "$(console_of c1)" timer
	run seen c1
	assert_output timer
}

@test "shutdown: block() returns LPAR_READY_SHUTDOWN; the partition ends itself with 0" {
	start_ctl c1
	run --separate-stderr lpar hcall c1 shutdown
	assert_success
	assert_output "ret 0"
	run lpar wait c1
	assert_success
	assert_output "c1 0"
	run seen c1
	assert_output shutdown
	# Ended: nothing more to ask of it.
	run --separate-stderr lpar hcall c1 info
	assert_failure 1
	assert_stderr "lpar: partition 'c1' has ended (exited)"
}

@test "panic: it stops for good, lpar status says panicked, registers and memory stay readable; kill ends it as crashed" {
	start_ctl c1
	run --separate-stderr lpar hcall c1 panic
	assert_success
	assert_output "ret 0"
	assert_equal "$(state_of c1)" panicked
	# The registers, through the control tree, as soon as the hcall returns.
	run "$DIODCAT" -s "$LPAR_RUNDIR/c1/sock" vcpu/0/regs
	assert_success
	assert_line --regexp '^rip 0x40[0-9a-f]{4}$'
	# It runs no more: not on resume, not for an event, not on a second panic.
	run --separate-stderr lpar resume c1
	assert_failure 1
	run --separate-stderr lpar hcall c1 panic
	assert_failure 1
	assert_stderr "lpar: hcall 'panic' on partition 'c1' failed: Operation already in progress (EALREADY)"
	run lpar hcall c1 event 1
	assert_success
	# (a sleep: an event that never shows has nothing to poll for)
	sleep "$(slow 0.2)"
	run seen c1
	assert_output ""
	# The debugger reads its registers and the code at rip...
	run lpar attach -batch -ex 'info registers rip' -ex 'x/2xb $rip' c1
	assert_success
	assert_line --index 0 --regexp '^rip +0x40[0-9a-f]{4} +0x40[0-9a-f]{4} <main\+[0-9]+>$'
	assert_line --index 1 --regexp '^0x40[0-9a-f]{4} <main\+[0-9]+>:'
	# ...and leaving it does not let it run again.
	sleep "$(slow 0.2)"
	run seen c1
	[ -z "$output" ] || fail "the panicked partition ran again after the debugger left: $output"
	assert_equal "$(state_of c1)" panicked
	run lpar kill c1
	assert_success
	run lpar wait c1
	assert_output "c1 126"
	run lpar status c1
	assert_line "state crashed"
	assert_line --regexp '^reason panic requested by the controller'
}

@test "bash completion: live partitions, then the controller hcalls of 'lpar hcall --list'" {
	start_ctl c1
	run lpar run -d --name done "$EX/exitcode.elf" 0
	assert_success
	run lpar wait done
	assert_success
	complete_bash lpar hcall ''
	assert_output c1
	complete_bash lpar hcall --l
	assert_output --list
	complete_bash lpar hcall c1 ''
	assert_output "$(lpar hcall --list | awk '$3 == "controller" { print $2 }')"
	assert_equal "${#lines[@]}" 6
	complete_bash lpar hcall c1 con
	assert_output console_input
	complete_bash lpar hcall c1 event ''
	assert_output ""
}

# ---- bad input -----------------------------------------------------------------

@test "bad input: a clear error, exit 2 or 1, and nothing reaches the partition" {
	start_ctl c1
	local usage='usage: lpar hcall --list'

	run --separate-stderr lpar hcall c1 bogus
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unknown hcall 'bogus' (see 'lpar hcall --list')"
	assert_equal "${stderr_lines[1]}" "$usage"
	assert_output ""

	run --separate-stderr lpar hcall c1 console_write 0x100000 4
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: hcall 'console_write' is issued by a partition, not by a controller (see 'lpar hcall --list')"

	run --separate-stderr lpar hcall c1 event
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: hcall 'event' takes 1 argument (bits), got 0"
	run --separate-stderr lpar hcall c1 event 1 2
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: hcall 'event' takes 1 argument (bits), got 2"
	run --separate-stderr lpar hcall c1 info now
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: hcall 'info' takes no arguments, got 1"

	run --separate-stderr lpar hcall c1 event five
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: invalid number 'five' for argument 'bits' of hcall 'event': expected a decimal or 0x hex number"
	run --separate-stderr lpar hcall c1 wake -1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: invalid number '-1' for argument 'ns' of hcall 'wake': expected a decimal or 0x hex number"
	run --separate-stderr lpar hcall c1 wake 0x
	assert_failure 2
	run --separate-stderr lpar hcall c1 event 99999999999999999999
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: invalid number '99999999999999999999' for argument 'bits' of hcall 'event': too large"

	run --separate-stderr lpar hcall c1 event 0
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: argument 'bits' of hcall 'event' is out of range: 0 (allowed: 1..2^63-1)"
	run --separate-stderr lpar hcall c1 event 0x8000000000000000
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: argument 'bits' of hcall 'event' is out of range: 0x8000000000000000 (allowed: 1..2^63-1)"
	run --separate-stderr lpar hcall c1 wake 4611686018427387905
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: argument 'ns' of hcall 'wake' is out of range: 4611686018427387905 (allowed: 1..2^62)"
	run --separate-stderr lpar hcall c1 console_input "$(head -c 1001 /dev/zero | tr '\0' x)"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: argument 'text' of hcall 'console_input' is too long (1001 bytes; at most 1000)"

	run --separate-stderr lpar hcall c1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: no hcall named (see 'lpar hcall --list')"
	run --separate-stderr lpar hcall
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar hcall: missing partition name"
	run --separate-stderr lpar hcall --list c1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unexpected argument 'c1' after '--list'"
	run --separate-stderr lpar hcall --list --list
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '--list' given twice"
	run --separate-stderr lpar hcall --bogus c1 info
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unknown option '--bogus'"

	# The partition saw none of it and runs on: input sent after it all is
	# the first thing it sees.
	send c1 after
	poll "the input inside" has_line "$(console_of c1)" "input 'after\\x0a'"
	run seen c1
	assert_output "input 'after\\x0a'"
	assert_equal "$(state_of c1)" running
}

@test "an unknown or ended partition: exit 1, named in the message; JSON errors are JSON" {
	run --separate-stderr lpar hcall nosuch info
	assert_failure 1
	assert_stderr "lpar: no partition named 'nosuch'"
	assert_output ""
	run --separate-stderr lpar -j hcall nosuch info
	assert_failure 1
	assert_equal "$(jq -r .error <<<"$output")" "no partition named 'nosuch'"
	run --separate-stderr lpar -j hcall nosuch bogus
	assert_failure 2
	assert_equal "$(jq -r .error <<<"$output")" "unknown hcall 'bogus' (see 'lpar hcall --list')"
	run --separate-stderr lpar hcall '../x' info
	assert_failure 1
	assert_stderr "lpar: invalid partition name '../x'"

	run lpar run -d --name done "$EX/exitcode.elf" 3
	assert_success
	run lpar wait done
	assert_output "done 3"
	run --separate-stderr lpar hcall done event 1
	assert_failure 1
	assert_stderr "lpar: partition 'done' has ended (exited)"
}
