# SPDX-License-Identifier: ISC
# Set-up for tests that drive detached partitions (hcall.bats, trace.bats):
# each test has its own run directory, and teardown kills and removes every
# partition and background process it started, then checks that none is
# left running.  Load after test_helper/common.

DIODCAT=/usr/sbin/diodcat

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	[ -f "$GUESTS/ctlhcalls.elf" ] ||
		fail "$GUESTS/ctlhcalls.elf is missing: build it with 'make tests/guests/ctlhcalls.elf' (make check does)"
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	end_bg
	remove_partitions_and_check
}

# Whether process PID is stopped (SIGSTOP).
stopped() {
	grep -q '^State:[[:space:]]*T' "/proc/$1/status" 2>/dev/null
}

# Starts the test partition detached, named NAME, and waits until it waits.
start_ctl() {
	local name=$1

	shift
	run --separate-stderr lpar run -d --name "$name" "$GUESTS/ctlhcalls.elf" "$@"
	assert_success
	assert_output "$name"
	poll "$name to be ready" has_line "$(console_of "$name")" ready
}

# Sends NAME a line of console input through the hcall file.
send() {
	run --separate-stderr lpar hcall "$1" console_input "$2\\n"
	assert_success
}

# event_traced NAME OUT: raises event bits on partition NAME, then whether
# OUT shows the event_take that takes them.
event_traced() {
	lpar hcall "$1" event 0x100 >/dev/null || return 1
	sleep 0.05
	grep -qE 'event_take\(\) = 0x100|"name": "event_take".*"ret": 256' "$2" 2>/dev/null
}

# Waits until a tracer whose output goes to OUT sees partition NAME's
# events (lpar trace opens the trace file a moment after it starts).
trace_attached() {
	within 10 event_traced "$1" "$2" ||
		fail "the tracer of '$1' saw no event in $(slow 10) s: $(cat "$2")"
}

# Waits for lpar trace -o FILE to have opened the trace: it creates FILE after.
trace_opened() {
	poll "the tracer to open the trace ($1)" test -e "$1"
}

# complete_bash WORD...: runs the bash completion for the words, the last
# being the one under the cursor; the candidates are in $output, one a line.
complete_bash() {
	run bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_lpar || exit 1
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash" "$@"
	assert_success
}
