#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Rings and channels: the rings an image declares, as status, list, and
# mem map show them; malformed declarations refused at load; the console
# ring carrying large output without loss or reordering, up to a crash;
# channels between partitions (ping and pong, the config file's chan key,
# a peer that ends or resets, refusals); and hostile partitions that break
# their rings' indices, which must cost the monitor and the peer nothing.
# The test partitions are tests/guests/ring_*.c, ringcons.c and
# examples/ping.c and pong.c.  Each test has its own run directory and
# leaves no partition and no process behind.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	STOPPED=()
}

teardown() {
	local pid

	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	for pid in "${STOPPED[@]}"; do
		kill -CONT "$pid" 2>/dev/null || true
	done
	end_bg
	remove_partitions_and_check
}

# ---- helpers -----------------------------------------------------------------

# need IMAGE...: fails, saying how to build them, if test images are missing.
need() {
	local f

	for f in "$@"; do
		[ -f "$f" ] || fail "$f is missing: build it with 'make ${f#"$ROOT"/}' (make check does)"
	done
}

# ring_addr IMAGE RING: the address of __lpar_ring_RING in IMAGE, as 0x%x.
ring_addr() {
	local a

	a=$(nm "$1" | awk -v s="__lpar_ring_$2" '$3 == s { print $1 }')
	[ -n "$a" ] || fail "no symbol __lpar_ring_$2 in $1"
	printf '0x%x\n' "$((16#$a))"
}

# ring_symsize IMAGE RING: the size of __lpar_ring_RING in IMAGE (nm -S), in decimal.
ring_symsize() {
	local s

	s=$(nm -S "$1" | awk -v s="__lpar_ring_$2" '$4 == s { print $2 }')
	[ -n "$s" ] || fail "no symbol __lpar_ring_$2 in $1"
	echo "$((16#$s))"
}

# ring_field NAME RING FIELD: FIELD of ring RING in "lpar status NAME".
ring_field() {
	lpar status "$1" 2>/dev/null | sed -nE "s/^ring $2( .*)? $3=([^ ]*).*/\2/p"
}

# link_is NAME RING LINK: whether partition NAME's ring RING is LINK (none, down, up).
link_is() {
	[ "$(ring_field "$1" "$2" link)" = "$3" ]
}

# Counts the lines of FILE that are exactly LINE.
count_lines() {
	grep -cxF -- "$2" "$1" || true
}

# Whether a process this test started has ARG as one of its arguments
# (the partition NAME's monitor has "--name" "NAME").
process_with_args() {
	local pid

	for pid in $(marked_pids); do
		tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$1" && return 0
	done
	return 1
}

# event_traced NAME OUT: raises event bits on partition NAME, then whether
# the output OUT of its tracer shows block() returning them.
event_traced() {
	lpar hcall "$1" event 0x100 >/dev/null || return 1
	sleep 0.05
	grep -qE 'block\(deadline=NEVER\) = 0x[0-9a-f]+ \(.*EVENT' "$2" 2>/dev/null
}

# trace_attached NAME OUT: waits until the tracer whose output is OUT shows
# partition NAME's events (lpar trace opens the trace a moment after it
# starts).
trace_attached() {
	within 10 event_traced "$1" "$2" || fail "the tracer of $1 never showed its events"
}

# chan_pending CHAN: whether a monitor's connection to channel CHAN waits
# to be accepted (in /proc/net/unix, a socket at the channel's path in
# state 02, connecting).
chan_pending() {
	awk -v p="$LPAR_RUNDIR/.chan/$1.sock" '$6 == "02" && $NF == p { f = 1 } END { exit !f }' /proc/net/unix
}

# The trace events in FILE (plain lpar trace output), without timestamps.
events() {
	sed -E 's/^\+[0-9]+\.[0-9]{6} //' "$1"
}

# expected_lines N WIDTH: what "ringcons N WIDTH" prints.
expected_lines() {
	awk -v n="$1" -v w="$2" 'BEGIN {
		x = sprintf("%" w "s", ""); gsub(/ /, "x", x)
		for (i = 0; i < n; i++) {
			printf "%08d %s\n", i, x
			if (i == int(n / 2)) print "-- hcall --"
		}
	}'
}

# ---- discovery ---------------------------------------------------------------

@test "discovery: status, list and mem map show both rings with kind, size, address, attachment and link" {
	local img=$GUESTS/ring_two.elf
	need "$img"
	local caddr daddr cidx didx
	caddr=$(ring_addr "$img" console)
	daddr=$(ring_addr "$img" data)
	assert_equal "$(ring_symsize "$img" console)" $((3 * 4096 + 2 * 8192))
	assert_equal "$(ring_symsize "$img" data)" $((3 * 4096 + 2 * 16384))
	# Ring indices follow the rings' addresses.
	if ((caddr < daddr)); then cidx=0 didx=1; else cidx=1 didx=0; fi

	run --separate-stderr lpar run -d --name two "$img"
	assert_success
	assert_output two
	poll "two to be ready" has_line "$(console_of two)" ready
	# What the monitor wrote in the headers, as the partition reads it.
	has_line "$(console_of two)" "console: index=$cidx link=2 peer=monitor" ||
		fail "console header: $(cat "$(console_of two)")"
	has_line "$(console_of two)" "data: index=$didx link=0 peer=-" ||
		fail "data header: $(cat "$(console_of two)")"

	run --separate-stderr lpar status two
	assert_success
	assert_stderr ""
	assert_line "ring console index=$cidx addr=$caddr len=28672 kind=bytes size=8192 attach=console link=up peer=monitor gen=1 resets=0"
	assert_line "ring data index=$didx addr=$daddr len=45056 kind=messages size=16384 attach=none link=none gen=0 resets=0"
	assert_equal "$(grep -c '^ring ' <<<"$output")" 2

	run --separate-stderr lpar -j status two
	assert_success
	assert_equal "$(jq -c '.rings | sort_by(.index) | map([.name, .index, .addr, .len, .kind, .size, .attach, .link, .peer, .gen, .resets])' <<<"$output")" \
		"$(jq -nc --argjson c "[\"console\", $cidx, $((caddr)), 28672, \"bytes\", 8192, \"console\", \"up\", \"monitor\", 1, 0]" \
			--argjson d "[\"data\", $didx, $((daddr)), 45056, \"messages\", 16384, \"none\", \"none\", \"\", 0, 0]" \
			'[$c, $d] | sort_by(.[1])')"

	run --separate-stderr lpar -j list
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].rings | map("\(.name) \(.addr) \(.kind) \(.size) \(.attach) \(.link)") | sort | join(",")' <<<"$output")" \
		"console $((caddr)) bytes 8192 console up,data $((daddr)) messages 16384 none none"

	run --separate-stderr lpar mem two map
	assert_success
	assert_stderr ""
	local table
	table=$(sed -n '/^RING /,$p' <<<"$output")
	assert_equal "$(head -n 1 <<<"$table" | tr -s ' ')" "RING START END KIND SIZE ATTACH LINK PEER"
	assert_equal "$(grep -E '^(console|data) ' <<<"$table" | tr -s ' ' | sort)" \
		"$(printf 'console %08x %08x bytes 8 KiB console up monitor\ndata %08x %08x messages 16 KiB none none -' \
			"$caddr" $((caddr + 28672)) "$daddr" $((daddr + 45056)))"
	assert_equal "$(wc -l <<<"$table")" 3
	run --separate-stderr lpar -j mem two map
	assert_success
	assert_equal "$(jq -c '.rings | map([.name, .addr, .len, .kind, .size, .attach, .link]) | sort' <<<"$output")" \
		"[[\"console\",$((caddr)),28672,\"bytes\",8192,\"console\",\"up\"],[\"data\",$((daddr)),45056,\"messages\",16384,\"none\",\"none\"]]"

	run --separate-stderr lpar stop two
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait two
	assert_success
	assert_output "two 0"
	has_line "$(console_of two)" stopping || fail "no 'stopping' in $(cat "$(console_of two)")"
}

@test "discovery: --chan NAME:RING attaches that ring; with no peer its link is down" {
	local img=$GUESTS/ring_two.elf
	need "$img"
	run --separate-stderr lpar run -d --name two --chan q:data "$img"
	assert_success
	assert_output two
	poll "two to be ready" has_line "$(console_of two)" ready
	has_line "$(console_of two)" "data: index=$(ring_field two data index) link=1 peer=-" ||
		fail "data header: $(cat "$(console_of two)")"
	run --separate-stderr lpar status two
	assert_line --regexp '^ring data index=[01] addr=0x[0-9a-f]+ len=45056 kind=messages size=16384 attach=channel:q link=down gen=0 resets=0$'
	assert_line --regexp '^ring console .* attach=console link=up peer=monitor gen=1 resets=0$'
	run --separate-stderr lpar -j list
	assert_equal "$(jq -r '.[0].rings[] | select(.name == "data") | "\(.attach) \(.link) [\(.peer)]"' <<<"$output")" \
		"channel:q down []"
	run --separate-stderr lpar mem two map
	assert_line --regexp '^data +[0-9a-f]{8} [0-9a-f]{8} messages +16 KiB +channel:q +down +-$'
	run lpar stop two
	assert_success
}

# ---- malformed declarations --------------------------------------------------

@test "malformed ring declarations: a load error with the reason, status 125, nothing left behind" {
	local -A why=(
		[bad_magic]="ring 'bad' has a bad magic number 0x12345678 (declare it with LPAR_RING)"
		[bad_version]="ring 'future' has layout version 9; this lpar knows version 1"
		[bad_kind]="ring 'odd' has unknown kind 7"
		[bad_size]="ring 'six' has size 6000; it must be a power of two from 4096 to 16777216"
		[size_mismatch]="ring 'small' is 20480 bytes, but a ring of size 8192 takes 28672"
		[bad_hdrname]="ring 'alpha' has the name 'beta' in its header"
		[not_prefixed]="'notaring' in section .lpar.rings is not a ring (ring symbols are __lpar_ring_NAME)"
		[unaligned]="ring 'half' at $(ring_addr "$GUESTS/ring_unaligned.elf" half) is not page-aligned"
		[overlap]="rings 'outer' and 'inner' overlap"
		[nobits]="ring 'ghost' has no header in the file (declare it with LPAR_RING)"
		[too_many]="too many rings (at most 16)"
		[tiny]="ring 'tiny' ($(ring_addr "$GUESTS/ring_tiny.elf" tiny), $(ring_symsize "$GUESTS/ring_tiny.elf" tiny) bytes) is not inside a loaded segment"
	)
	local g img
	for g in "${!why[@]}"; do
		img=$GUESTS/ring_$g.elf
		need "$img"
		run --separate-stderr timeout "$(slow 10)" lpar run "$img"
		assert_failure 125
		assert_output ""
		assert_stderr "lpar: cannot load '$img': ${why[$g]}"
		run --separate-stderr timeout "$(slow 10)" lpar create "$img"
		assert_failure 125
		assert_output ""
		assert_stderr "lpar: cannot load '$img': ${why[$g]}"
		run --separate-stderr timeout "$(slow 10)" lpar run -d "$img"
		assert_failure 125
		assert_output ""
		assert_stderr "lpar: cannot load '$img': ${why[$g]}"
	done
	run --separate-stderr lpar list -a --names
	assert_success
	assert_output ""
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	assert_no_process_left
}

@test "a console ring that carries messages is refused: status 125, nothing left behind" {
	local img=$GUESTS/ring_console_msgs.elf
	need "$img"
	run --separate-stderr timeout "$(slow 10)" lpar run "$img"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition 'ring_console_msgs': ring 'console' must be a byte stream (LPAR_RING_BYTES)"
	run --separate-stderr timeout "$(slow 10)" lpar create "$img"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot create partition: ring 'console' must be a byte stream (LPAR_RING_BYTES)"
	run --separate-stderr timeout "$(slow 10)" lpar run -d "$img"
	assert_failure 125
	assert_stderr "lpar: cannot start partition: ring 'console' must be a byte stream (LPAR_RING_BYTES)"
	run --separate-stderr lpar list -a --names
	assert_output ""
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	assert_no_process_left
}

# ---- the console ring --------------------------------------------------------

@test "console ring: 200000 lines reach a file, a pipe and a slow pipe byte for byte, the hcall line in its place" {
	need "$GUESTS/ringcons.elf"
	expected_lines 200000 60 >want
	assert_equal "$(wc -c <want)" $((200000 * 70 + 12))

	timeout "$(slow 30)" lpar run "$GUESTS/ringcons.elf" 200000 60 >got.file 2>err.file ||
		fail "to a file: status $?: $(cat err.file)"
	assert_equal "$(cat err.file)" ""
	cmp want got.file || fail "a file got other bytes"

	timeout "$(slow 30)" lpar run "$GUESTS/ringcons.elf" 200000 60 2>err.pipe | cat >got.pipe
	assert_equal "${PIPESTATUS[0]}" 0
	assert_equal "$(cat err.pipe)" ""
	cmp want got.pipe || fail "a pipe got other bytes"

	# A reader that starts late: the ring and the pipe fill, the partition waits.
	timeout "$(slow 30)" lpar run "$GUESTS/ringcons.elf" 200000 60 2>err.slow | { sleep "$(slow 0.5)"; cat; } >got.slow
	assert_equal "${PIPESTATUS[0]}" 0
	cmp want got.slow || fail "a slow pipe got other bytes"

	# A reader that goes away: the partition ends by SIGPIPE, as with the hcall path.
	run --separate-stderr bash -c 'timeout "$1" lpar run "$GUESTS/ringcons.elf" 200000 60 | head -n 2; exit "${PIPESTATUS[0]}"' _ "$(slow 30)"
	assert_failure 141
	assert_output "$(head -n 2 want)"
}

@test "console ring: a detached partition's console log has all of it" {
	need "$GUESTS/ringcons.elf"
	expected_lines 200000 60 >want
	run --separate-stderr lpar create --name cons "$GUESTS/ringcons.elf" 200000 60
	assert_success
	assert_output cons
	run lpar start cons
	assert_success
	run --separate-stderr timeout "$(slow 30)" lpar wait cons
	assert_success
	assert_output "cons 0"
	cmp want "$(console_of cons)" || fail "the console log has other bytes"
}

@test "console ring: what was written just before a crash, an abort or an exit all comes out" {
	local img=$GUESTS/ring_crash.elf
	need "$img"
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%06d before the end\n", i }' >want
	local mode
	for mode in null abort exit; do
		RC=0
		timeout "$(slow 20)" lpar run "$img" 3000 "$mode" >got.file 2>err.file || RC=$?
		cmp want got.file || fail "$mode, to a file: other bytes"
		timeout "$(slow 20)" lpar run "$img" 3000 "$mode" 2>err.pipe | cat >got.pipe
		assert_equal "${PIPESTATUS[0]}" "$RC"
		cmp want got.pipe || fail "$mode, to a pipe: other bytes"
		case $mode in
		null)
			assert_equal "$RC" 126
			grep -qE "^lpar: partition 'ring_crash' crashed: page fault at 0x0 \(write, .*\) at rip 0x[0-9a-f]+ <main\+[0-9]+>$" err.file ||
				fail "crash line: $(cat err.file)"
			;;
		abort)
			assert_equal "$RC" 126
			# musl's abort() raises SIGABRT; the library OS ends the partition
			# at the syscall in raise().
			grep -qE "^lpar: partition 'ring_crash' crashed: partition aborted: killed by signal SIGABRT at rip 0x[0-9a-f]+ <raise\+[0-9]+>$" err.file ||
				fail "abort line: $(cat err.file)"
			;;
		exit)
			assert_equal "$RC" 5
			assert_equal "$(cat err.file)" ""
			;;
		esac
	done
	# Detached: the console log.
	run --separate-stderr lpar run -d --name crash "$img" 3000 null
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait crash
	assert_failure 126
	cmp want "$(console_of crash)" || fail "the console log has other bytes"
}

# ---- channels ----------------------------------------------------------------

@test "ping and pong over a channel: linked, three rounds; pong's link goes down after, and pong stops cleanly" {
	need "$EX/ping.elf" "$EX/pong.elf"
	local addr
	addr=$(ring_addr "$EX/pong.elf" link)
	run --separate-stderr lpar create --chan pp "$EX/pong.elf"
	assert_success
	assert_output pong
	run --separate-stderr lpar status pong
	assert_line "ring link index=0 addr=$addr len=20480 kind=messages size=4096 attach=channel:pp link=down gen=0 resets=0"
	run lpar start pong
	assert_success

	run --separate-stderr timeout "$(slow 30)" lpar run --chan pp "$EX/ping.elf" 3
	assert_success
	assert_stderr ""
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "ping: linked to pong"
	assert_line --index 1 --regexp '^pong 1: [0-9]+ us$'
	assert_line --index 2 --regexp '^pong 2: [0-9]+ us$'
	assert_line --index 3 --regexp '^pong 3: [0-9]+ us$'

	poll "pong's link to go down" link_is pong link down
	run --separate-stderr lpar status pong
	assert_line "state running"
	assert_line "ring link index=0 addr=$addr len=20480 kind=messages size=4096 attach=channel:pp link=down gen=1 resets=0"
	run --separate-stderr lpar -j status pong
	assert_equal "$(jq -c '.rings[0] | [.attach, .link, .peer, .gen, .resets]' <<<"$output")" \
		'["channel:pp","down","",1,0]'

	run --separate-stderr lpar stop pong
	assert_success
	assert_stderr ""
	run --separate-stderr timeout "$(slow 10)" lpar wait pong
	assert_success
	assert_output "pong 0"
	assert_equal "$(cat "$(console_of pong)")" ""
}

@test "the config file's chan key joins a channel; --chan replaces it" {
	need "$EX/ping.elf" "$EX/pong.elf"
	printf 'name = server\nimage = "%s"\nchan = pp\n' "$EX/pong.elf" >pong.cfg
	printf 'name = client\nimage = "%s"\nargs = 2\nchan = pp\n' "$EX/ping.elf" >ping.cfg
	run --separate-stderr lpar create -f pong.cfg
	assert_success
	assert_output server
	run lpar start server
	assert_success
	assert_equal "$(ring_field server link attach)" channel:pp
	run --separate-stderr timeout "$(slow 30)" lpar run -f ping.cfg
	assert_success
	assert_line --index 0 "ping: linked to server"
	assert_line --index 2 --regexp '^pong 2: [0-9]+ us$'
	assert_equal "${#lines[@]}" 3
	# --chan on the command line replaces the file's: no peer on channel other.
	run --separate-stderr lpar create -f ping.cfg --name lonely --chan other
	assert_success
	assert_equal "$(ring_field lonely link attach)" channel:other
	assert_equal "$(ring_field lonely link link)" down
	run lpar stop server
	assert_success
}

@test "a peer that ends takes the link down; a new peer brings it up in a new generation" {
	need "$EX/pong.elf"
	run --separate-stderr lpar run -d --name a --chan pp "$EX/pong.elf"
	assert_success
	bg lpar trace a >trace.a 2>trace.err
	trace_attached a trace.a
	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	assert_success
	assert_output b
	poll "a's link to come up" link_is a link up
	run lpar status a b
	assert_line --regexp '^ring link .* attach=channel:pp link=up peer=b gen=1 resets=0$'
	assert_line --regexp '^ring link .* attach=channel:pp link=up peer=a gen=1 resets=0$'

	run --separate-stderr lpar kill b
	assert_success
	poll "a's link to go down" link_is a link down
	assert_equal "$(ring_field a link gen)" 1
	assert_equal "$(ring_field a link peer)" ""
	assert_equal "$(state_of a)" running

	run --separate-stderr lpar run -d --name c --chan pp "$EX/pong.elf"
	assert_success
	poll "a's link to come up again" link_is a link up
	run lpar status a
	assert_line --regexp '^ring link .* attach=channel:pp link=up peer=c gen=2 resets=0$'
	# pong hears of the new generation once.
	poll "a to say it was reset" has_line "$(console_of a)" "pong: the link was reset; now linked to c"
	assert_equal "$(count_lines "$(console_of a)" "pong: the link was reset; now linked to c")" 1
	run --separate-stderr lpar stop a c
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait a c
	assert_output "$(printf 'a 0\nc 0')"
	wait_rc "${BG_PIDS[0]}"
	run events trace.a
	assert_line "--- ring ring=link up channel=pp peer=b ---"
	assert_line "--- ring ring=link down channel=pp reason=the other side went away ---"
	assert_line "--- ring ring=link up channel=pp peer=c ---"
}

@test "what the partition sees when its peer ends and another comes: the ring bit, ENOTCONN, then ECONNRESET once" {
	need "$EX/pong.elf" "$GUESTS/ring_watch.elf"
	run --separate-stderr lpar run -d --name w --chan pp "$GUESTS/ring_watch.elf"
	assert_success
	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	assert_success
	poll "w to see b" has_line "$(console_of w)" "watch: up: peer b"
	run lpar kill b
	assert_success
	poll "w to see the link go down" has "$(console_of w)" "watch: down:"
	run --separate-stderr lpar run -d --name c --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr timeout "$(slow 20)" lpar wait w
	assert_success
	assert_output "w 0"
	assert_equal "$(cat "$(console_of w)")" "$(printf '%s\n' 'watch: up: peer b' \
		"watch: down: ring bit 1, link 1, peer '', recv ENOTCONN, send ENOTCONN" \
		'watch: up again: ring bit 1, link 2, peer c, recv ECONNRESET then EAGAIN')"
	run lpar stop c
	assert_success
}

@test "the listening side ends: the other side listens in its place, and a new peer joins it" {
	need "$EX/pong.elf" "$EX/ping.elf"
	run --separate-stderr lpar run -d --name a --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	assert_success
	poll "b's link to come up" link_is b link up
	run lpar stop a
	assert_success
	poll "b's link to go down" link_is b link down
	assert_equal "$(state_of b)" running
	run --separate-stderr timeout "$(slow 30)" lpar run --name c --chan pp "$EX/ping.elf" 2
	assert_success
	assert_line --index 0 "ping: linked to b"
	assert_line --index 2 --regexp '^pong 2: [0-9]+ us$'
	poll "b's link to go down again" link_is b link down
	assert_equal "$(ring_field b link gen)" 2
	run lpar stop b
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait a b
	assert_output "$(printf 'a 0\nb 0')"
}

@test "a partition that resets its ring (the side that connected): the link drops and comes back, both go on" {
	need "$EX/pong.elf" "$GUESTS/ring_reset.elf"
	run --separate-stderr lpar run -d --chan pp "$EX/pong.elf"
	assert_success
	assert_output pong
	bg lpar trace pong >trace.pong 2>trace.err
	trace_attached pong trace.pong
	run --separate-stderr timeout "$(slow 30)" lpar run --chan pp --trace=trace.reset "$GUESTS/ring_reset.elf"
	assert_success
	assert_stderr ""
	assert_output "$(printf '%s\n' 'reset: linked to pong' "reset: got 'pong 1'" 'reset: reset the ring' \
		'reset: linked again to pong' "reset: got 'pong 2'")"
	# The trace begins with the partition's first instruction, after the
	# link first came up.
	assert_equal "$(events trace.reset | grep -- '^--- ring ')" "$(printf '%s\n' \
		'--- ring ring=link reset reason=reset by the partition ---' \
		'--- ring ring=link down channel=pp reason=reset by the partition ---' \
		'--- ring ring=link up channel=pp peer=pong ---')"

	poll "pong's link to go down" link_is pong link down
	assert_equal "$(ring_field pong link gen)" 2
	assert_equal "$(cat "$(console_of pong)")" "pong: the link was reset; now linked to ring_reset"
	run lpar stop pong
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait pong
	assert_output "pong 0"
	wait_rc "${BG_PIDS[0]}"
	run events trace.pong
	assert_equal "$(grep -c -- '--- ring ring=link up channel=pp peer=ring_reset ---' <<<"$output")" 2
	assert_equal "$(grep -c -- '--- ring ring=link down channel=pp reason=the other side went away ---' <<<"$output")" 2
}

@test "a partition that resets its ring (the side that listened): the other side connects again" {
	need "$EX/pong.elf" "$GUESTS/ring_reset.elf"
	run --separate-stderr lpar run -d --name r --chan pp "$GUESTS/ring_reset.elf"
	assert_success
	run --separate-stderr lpar run -d --name p --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr timeout "$(slow 20)" lpar wait r
	assert_success
	assert_output "r 0"
	assert_equal "$(cat "$(console_of r)")" "$(printf '%s\n' 'reset: linked to p' "reset: got 'pong 1'" \
		'reset: reset the ring' 'reset: linked again to p' "reset: got 'pong 2'")"
	assert_equal "$(ring_field r link resets)" 1
	poll "p's link to go down" link_is p link down
	assert_equal "$(ring_field p link gen)" 2
	assert_equal "$(cat "$(console_of p)")" "pong: the link was reset; now linked to r"
	run lpar stop p
	assert_success
}

@test "a reset by the connecting side while the listener's monitor is busy: one new link, and it stays up" {
	need "$EX/pong.elf" "$GUESTS/ring_reset.elf"
	run --separate-stderr lpar run -d --name p --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr lpar run -d --name c --chan pp "$GUESTS/ring_reset.elf" event
	assert_success
	poll "c to wait for its event" has_line "$(console_of c)" "reset: waiting for an event"
	# Stop p's monitor, so that it finds the old connection closed and the
	# new one waiting at the same time, as a busy monitor does; c waits 2 s
	# for its answer, so p goes on as soon as c's monitor has connected.
	local mon
	mon=$(lpar status p | sed -n 's/^pid //p')
	STOPPED+=("$mon")
	kill -STOP "$mon"
	run lpar hcall c event 1
	assert_success
	poll "c's monitor to connect again" chan_pending pp
	kill -CONT "$mon"
	run --separate-stderr timeout "$(slow 20)" lpar wait c
	assert_equal "$(cat "$(console_of c)")" "$(printf '%s\n' 'reset: linked to p' "reset: got 'pong 1'" \
		'reset: waiting for an event' 'reset: reset the ring' 'reset: linked again to p' \
		"reset: got 'pong 2'" 'reset: the link stays up')"
	assert_success
	assert_output "c 0"
	poll "p's link to go down" link_is p link down
	assert_equal "$(ring_field p link gen)" 2
	assert_equal "$(cat "$(console_of p)")" "pong: the link was reset; now linked to c"
	run lpar stop p
	assert_success
}

@test "resets asked for while the link is down only clear the ring: the link that comes back stays up" {
	need "$EX/pong.elf" "$GUESTS/ring_reset.elf"
	run --separate-stderr lpar run -d --chan pp "$EX/pong.elf"
	assert_success
	# ring_reset again: one reset while up, then one every 200 us until the
	# link is back; docs/rings.md: on a channel that is down, a reset clears
	# the control pages.  None of them may take down the link that follows.
	run --separate-stderr timeout "$(slow 30)" lpar run --chan pp "$GUESTS/ring_reset.elf" again
	assert_output "$(printf '%s\n' 'reset: linked to pong' "reset: got 'pong 1'" 'reset: reset the ring' \
		'reset: linked again to pong' "reset: got 'pong 2'" 'reset: the link stays up')"
	assert_success
	poll "pong's link to go down" link_is pong link down
	assert_equal "$(ring_field pong link gen)" 2
	assert_equal "$(cat "$(console_of pong)")" "pong: the link was reset; now linked to ring_reset"
	run lpar stop pong
	assert_success
}

@test "refused: ring sizes or kinds differ, or the channel is busy; nothing is left and the pair goes on" {
	need "$EX/pong.elf" "$EX/ping.elf" "$GUESTS/ring_mismatch.elf"
	run --separate-stderr lpar run -d --name a --chan pp "$EX/pong.elf"
	assert_success

	run --separate-stderr timeout "$(slow 10)" lpar create --name m --chan pp:big "$GUESTS/ring_mismatch.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot create partition: channel 'pp': ring sizes differ (m's ring 'big' has 8192 bytes, a's ring 'link' has 4096)"
	run --separate-stderr timeout "$(slow 10)" lpar create --name m --chan pp:bytes "$GUESTS/ring_mismatch.elf"
	assert_failure 125
	assert_stderr "lpar: cannot create partition: channel 'pp': ring kinds differ (m's ring 'bytes' is bytes, a's ring 'link' is messages)"
	run --separate-stderr timeout "$(slow 10)" lpar run --name m --chan pp:big "$GUESTS/ring_mismatch.elf"
	assert_failure 125
	assert_stderr "lpar: cannot start partition 'm': channel 'pp': ring sizes differ (m's ring 'big' has 8192 bytes, a's ring 'link' has 4096)"
	[ ! -e "$LPAR_RUNDIR/m" ] || fail "a run directory is left for m"
	! process_with_args m || fail "a monitor for m is left"
	assert_equal "$(ring_field a link link)" down

	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	assert_success
	poll "a's link to come up" link_is a link up
	run --separate-stderr timeout "$(slow 10)" lpar create --name c --chan pp "$EX/pong.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot create partition: channel 'pp': channel already joins a and b"
	run --separate-stderr timeout "$(slow 10)" lpar run --name c --chan pp "$EX/ping.elf" 1
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition 'c': channel 'pp': channel already joins a and b"
	[ ! -e "$LPAR_RUNDIR/c" ] || fail "a run directory is left for c"
	! process_with_args c || fail "a monitor for c is left"

	run --separate-stderr lpar list -a --names
	assert_output "$(printf 'a\nb')"
	run lpar status a b
	assert_line --regexp '^ring link .* link=up peer=b gen=1 resets=0$'
	assert_line --regexp '^ring link .* link=up peer=a gen=1 resets=0$'
	run lpar stop a b
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait a b
	assert_output "$(printf 'a 0\nb 0')"
}

@test "refused: a ring that is not there, not one to choose, or the console's" {
	need "$GUESTS/ring_mismatch.elf" "$GUESTS/ring_two.elf" "$EX/hello.elf"
	local -a cases=(
		"pp:nosuch $GUESTS/ring_mismatch.elf|channel 'pp': the image has no ring named 'nosuch'"
		"pp $GUESTS/ring_mismatch.elf|channel 'pp': the image has 2 rings it could use; name one with --chan pp:RING"
		"pp $EX/hello.elf|channel 'pp': the image has no ring for it (declare one with LPAR_RING)"
		"pp:console $GUESTS/ring_two.elf|channel 'pp': ring 'console' is already used by the console"
		"console $GUESTS/ring_two.elf|channel 'console': ring 'console' is already used by the console"
	)
	local c args why
	for c in "${cases[@]}"; do
		args=${c%%|*}
		why=${c#*|}
		run --separate-stderr timeout "$(slow 10)" lpar create --name x --chan "${args% *}" "${args#* }"
		assert_failure 125
		assert_output ""
		assert_stderr "lpar: cannot create partition: $why"
		run --separate-stderr timeout "$(slow 10)" lpar run --name x --chan "${args% *}" "${args#* }"
		assert_failure 125
		assert_stderr "lpar: cannot start partition 'x': $why"
	done
	run --separate-stderr lpar list -a --names
	assert_output ""
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	assert_no_process_left
}

@test "invalid channel names are usage errors and create nothing" {
	local c cmd
	for c in '' '-x' '.x' 'a b' 'a/b' 'pp:' ':ring' 'pp:x:y' 'pp:a/b' "$(printf 'c%.0s' {1..32})" "pp:$(printf 'r%.0s' {1..32})"; do
		for cmd in create run "run -d"; do
			run --separate-stderr lpar $cmd --chan "$c" "$EX/pong.elf"
			assert_failure 2
			assert_output ""
			assert_equal "${stderr_lines[0]}" \
				"lpar: invalid channel '$c': use NAME or NAME:RING, each 1-31 letters, digits, '.', '_' or '-', starting with a letter or digit"
			[[ ${stderr_lines[1]} == "usage: lpar ${cmd%% *} "* ]] || fail "no usage after: $stderr"
		done
	done
	run --separate-stderr lpar create --chan pp --chan pp:link "$EX/pong.elf"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: channel 'pp' given twice"
	# A config file's chan goes through the same check.
	printf 'image = "%s"\nchan = a/b\n' "$EX/pong.elf" >bad.cfg
	run --separate-stderr lpar create -f bad.cfg
	assert_failure 2
	assert_equal "${stderr_lines[0]}" \
		"lpar: invalid channel 'a/b': use NAME or NAME:RING, each 1-31 letters, digits, '.', '_' or '-', starting with a letter or digit"
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
}

# ---- hostile partitions ------------------------------------------------------

@test "a partition that breaks its console ring's indices: the monitor resets the ring, output goes on, the status is its own" {
	local img=$GUESTS/ring_scribble.elf
	need "$img"
	{
		echo before
		for ((i = 0; i < 500; i++)); do printf 'after %03d\n' "$i"; done
		echo done
	} >want
	# The monitor finds the broken ring (the partition rings the doorbell).
	run --separate-stderr timeout "$(slow 20)" lpar run --trace "$img" bell
	assert_failure 7
	assert_equal "$output" "$(cat want)"
	printf '%s\n' "${stderr_lines[@]}" | events /dev/stdin >trace.bell
	has_line trace.bell "--- ring ring=console reset reason=corrupt console ring: prod 40967, cons 7, size 4096 ---" ||
		fail "no reset in the trace: $(grep ring trace.bell)"
	assert_equal "$(grep -c -- '--- ring ' trace.bell)" 1
	assert_equal "$(tail -n 1 trace.bell)" "+++ exited with 7 +++"

	# The partition's own ring code finds it when it next writes.
	run --separate-stderr timeout "$(slow 20)" lpar run --trace "$img" write
	assert_failure 7
	assert_equal "$output" "$(cat want)"
	printf '%s\n' "${stderr_lines[@]}" | events /dev/stdin >trace.write
	has_line trace.write "--- ring ring=console reset reason=reset by the partition ---" ||
		fail "no reset in the trace: $(grep ring trace.write)"
}

@test "a partition that breaks its console ring, detached: status counts the reset, it runs on, its log has everything" {
	local img=$GUESTS/ring_scribble.elf
	need "$img"
	run --separate-stderr lpar run -d --name s "$img" bell wait
	assert_success
	poll "s to wait" has_line "$(console_of s)" waiting
	run --separate-stderr lpar status s
	assert_line "state running"
	assert_line --regexp '^ring console .* attach=console link=up peer=monitor gen=2 resets=1$'
	run --separate-stderr lpar -j status s
	assert_equal "$(jq -c '.rings[0] | [.name, .link, .gen, .resets]' <<<"$output")" '["console","up",2,1]'
	run lpar stop s
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait s
	assert_failure 7
	assert_output "s 7"
	assert_equal "$(head -n 2 "$(console_of s)")" "$(printf 'before\nafter 000')"
	assert_equal "$(tail -n 3 "$(console_of s)")" "$(printf 'after 499\ndone\nwaiting')"
	assert_equal "$(wc -l <"$(console_of s)")" 503
}

@test "doorbells with no ring's index are ignored; any other use of the doorbell port is a crash" {
	local img=$GUESTS/ring_doorbell.elf
	need "$img"
	run --separate-stderr timeout "$(slow 20)" lpar run --trace "$img" bogus
	assert_success
	assert_output "still here"
	local trace
	trace=$(printf '%s\n' "${stderr_lines[@]}" | events /dev/stdin)
	assert_equal "$(grep -- '^--- exit doorbell' <<<"$trace" | sort | uniq -c | sed 's/^ *//')" \
		"$(printf '%s\n' '1 --- exit doorbell value=1 reason=no ring has this index ---' \
			'1 --- exit doorbell value=16 reason=no ring has this index ---' \
			'1 --- exit doorbell value=4294967295 reason=no ring has this index ---' \
			'1000 --- exit doorbell value=7 reason=no ring has this index ---')"
	# The ring's own doorbell never reaches the monitor's process.
	! grep -q -- '--- exit doorbell value=0 ' <<<"$trace" || fail "ring 0's doorbell exited to the monitor"

	run --separate-stderr timeout "$(slow 20)" lpar run "$img" byte
	assert_failure 126
	assert_output ""
	assert_stderr --regexp "^lpar: partition 'ring_doorbell' crashed: write of 1 byte on unknown port 0x50 at rip 0x[0-9a-f]+ <main\+[0-9]+>\$"
	run --separate-stderr timeout "$(slow 20)" lpar run "$img" read
	assert_failure 126
	assert_output ""
	assert_stderr --regexp "^lpar: partition 'ring_doorbell' crashed: read of 4 bytes on unknown port 0x50 at rip 0x[0-9a-f]+ <main\+[0-9]+>\$"
}

# hostile_pair MODE FIRST: a receiver (ring_recv) and a hostile peer
# (ring_hostile MODE) on channel pp; FIRST (recv or hostile) is created
# first and listens.  The receiver is traced from before the hostile peer
# starts.  Both must end on their own,
# with status 0.
hostile_pair() {
	local mode=$1 first=$2

	if [ "$first" = hostile ]; then
		run --separate-stderr lpar create --name h --chan pp "$GUESTS/ring_hostile.elf" "$mode"
		assert_success
	fi
	run --separate-stderr lpar run -d --name r --chan pp "$GUESTS/ring_recv.elf"
	assert_success
	bg lpar trace r >trace.r 2>trace.err
	trace_attached r trace.r
	if [ "$first" = hostile ]; then
		run lpar start h
		assert_success
	else
		run --separate-stderr lpar run -d --name h --chan pp "$GUESTS/ring_hostile.elf" "$mode"
		assert_success
	fi
	run --separate-stderr timeout "$(slow 20)" lpar wait h
	assert_equal "$(cat "$(console_of h)")" "$(printf '%s\n' 'hostile: linked to r' \
		"hostile: broke the ring ($mode)" 'hostile: link down' 'hostile: linked again to r' 'hostile: done')"
	assert_success
	assert_output "h 0"
	run --separate-stderr timeout "$(slow 10)" lpar wait r
	assert_success
	assert_output "r 0"
	wait_rc "${BG_PIDS[0]}"
	assert_equal "$RC" 0
}

# The receiver's view after hostile_pair: every message in order, at least
# one reset, and the ring reset once.
check_receiver() {
	local log
	log=$(console_of r)
	assert_equal "$(grep -v '^recv: reset$' "$log")" "$(printf '%s\n' 'recv: ready' "recv: got 'before'" \
		"recv: got 'after'" "recv: got 'quit'")"
	(($(count_lines "$log" 'recv: reset') >= 1)) || fail "the receiver never saw -ECONNRESET: $(cat "$log")"
	run events trace.r
	assert_line "--- ring ring=link down channel=pp reason=reset by the partition ---"
	assert_line "--- ring ring=link up channel=pp peer=h ---"
	# One broken ring, one reset: the partition's ring code must not ask
	# again and again while the monitor drops the link.
	assert_equal "$(grep -c -- '--- ring ring=link reset reason=reset by the partition ---' <<<"$output")" 1
	assert_equal "$(ring_field r link resets)" 1
	(($(count_lines "$log" 'recv: reset') <= 2)) ||
		fail "-ECONNRESET $(count_lines "$log" 'recv: reset') times for one reset: $(cat "$log")"
}

@test "a hostile peer breaks the shared indices (prod): the receiver gets -ECONNRESET, the link comes back" {
	need "$GUESTS/ring_recv.elf" "$GUESTS/ring_hostile.elf"
	hostile_pair prod recv
	check_receiver
}

@test "a hostile peer sends a message header longer than the ring: the receiver gets -ECONNRESET, the link comes back" {
	need "$GUESTS/ring_recv.elf" "$GUESTS/ring_hostile.elf"
	hostile_pair len hostile
	check_receiver
}

@test "a hostile peer moves the receiver's consumer index: the receiver gets -ECONNRESET, the link comes back" {
	need "$GUESTS/ring_recv.elf" "$GUESTS/ring_hostile.elf"
	hostile_pair cons recv
	check_receiver
}

# ---- hostile monitors on a channel's socket -------------------------------------

PYTHON=${PYTHON:-/usr/bin/python3}

need_python() {
	[ -x "$PYTHON" ] || fail "$PYTHON is missing: install python3"
}

# silent CHAN N: N connections to channel CHAN's socket that never say a
# word; one the monitor drops is counted in silent.dropped and made again.
silent() {
	bg "$PYTHON" -c '
import select, socket, sys
path, n = sys.argv[1], int(sys.argv[2])
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s
socks = [conn() for _ in range(n)]
open("silent.ready", "w").close()
while True:
    ready, _, _ = select.select(socks, [], [])
    for s in ready:
        if s.recv(4096):
            continue
        s.close()
        socks.remove(s)
        with open("silent.dropped", "a") as f:
            f.write("dropped\n")
        socks.append(conn())
' "$LPAR_RUNDIR/.chan/$1.sock" "$2"
	poll "the silent connections" test -e silent.ready
}

# fake_listener CHAN MODE: a stand-in for the listening monitor of channel
# CHAN.  It takes the channel's lock (then touches fake.locked), and once
# fake.go exists listens at the channel's socket and lets go of the lock.
# It answers each greeting with an ACK whose shared pages are the right
# size but unsealed (MODE unsealed), an ordinary file that takes no seals
# (MODE file), or sealed but a page too large (MODE size), and counts in
# fake.refused each connector that hangs up on it; after two, it stops
# listening, removes its socket and exits.
fake_listener() {
	bg "$PYTHON" -c '
import fcntl, os, socket, struct, sys, time
path, mode = sys.argv[1], sys.argv[2]
lock = open(path[:-len(".sock")] + ".lock", "a")
fcntl.flock(lock, fcntl.LOCK_EX)
open("fake.locked", "w").close()
while not os.path.exists("fake.go"):
    time.sleep(0.05)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(path)
l.listen(8)
lock.close()
fmt = "<6I64s32s200s"
refused = 0
while refused < 2:
    c, _ = l.accept()
    data, anc, _, _ = c.recvmsg(struct.calcsize(fmt), socket.CMSG_SPACE(16))
    magic, typ, proto, version, kind, size, part, ring, text = struct.unpack(fmt, data)
    length = 2 * (4096 + size)
    if mode == "file":
        mem = os.open("fake.pages", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    else:
        mem = os.memfd_create("fake", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    if mode == "size":
        length += 4096
    os.ftruncate(mem, length)
    if mode == "size":
        fcntl.fcntl(mem, fcntl.F_ADD_SEALS,
                    fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
    ev = os.eventfd(0)
    ack = struct.pack(fmt, magic, 2, proto, version, kind, size, b"fake", ring, b"")
    c.sendmsg([ack], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("2i", mem, ev))])
    os.close(mem)
    os.close(ev)
    if c.recv(4096) == b"":
        refused += 1
        with open("fake.refused", "a") as f:
            f.write("refused\n")
    c.close()
l.close()
os.unlink(path)
open("fake.done", "w").close()
' "$LPAR_RUNDIR/.chan/$1.sock" "$2"
	poll "the stand-in to take the lock" test -e fake.locked
}

@test "a connector that says nothing holds up no one: status answers, a real peer links up, the silent ones are dropped" {
	need_python
	need "$EX/pong.elf"
	run --separate-stderr lpar run -d --name a --chan pp "$EX/pong.elf"
	assert_success
	silent pp 4
	run --separate-stderr lpar status a
	assert_success
	assert_line "state running"
	# A real peer greets at once: it links up past the silent ones.
	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	[ "$status" = 0 ] || fail "b did not start ($status): $stderr"
	assert_output b
	poll "b's link to come up" link_is b link up
	poll "a's link to come up" link_is a link up
	assert_equal "$(ring_field a link peer)" b
	# Those that said nothing are dropped (and come back), the link stays.
	poll "a silent connection to be dropped" test -s silent.dropped
	run --separate-stderr lpar status a b
	assert_success
	assert_line --regexp '^ring link .* link=up peer=b gen=1 resets=0$'
	assert_line --regexp '^ring link .* link=up peer=a gen=1 resets=0$'
	run --separate-stderr lpar stop a b
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait a b
	assert_output "$(printf 'a 0\nb 0')"
}

# bad_shared MODE WHY: a stand-in listener offers pages MODE; the
# connecting monitor refuses them (WHY, in its trace), lives on, and links
# up with a real peer once the stand-in has gone.
bad_shared() {
	need_python
	need "$EX/pong.elf"
	run --separate-stderr lpar run -d --name a --chan pp "$EX/pong.elf"
	assert_success
	run --separate-stderr lpar run -d --name b --chan pp "$EX/pong.elf"
	assert_success
	poll "b's link to come up" link_is b link up
	bg lpar trace b >trace.b 2>trace.err
	trace_attached b trace.b
	fake_listener pp "$1"
	# a ends; b meets again, and finds the stand-in.
	run --separate-stderr lpar kill a
	assert_success
	poll "b's link to go down" link_is b link down
	touch fake.go
	poll "b to refuse the stand-in twice" test -e fake.done
	assert_equal "$(state_of b)" running
	assert_equal "$(ring_field b link link)" down
	# A real peer again: b listens now, and links up.
	run --separate-stderr lpar run -d --name c --chan pp "$EX/pong.elf"
	assert_success
	poll "b's link to come up with c" link_is b link up
	assert_equal "$(ring_field b link peer)" c
	grep -qF -- "channel 'pp': $2" trace.b || fail "b's trace does not say why: $(cat trace.b)"
	run --separate-stderr lpar stop b c
	assert_success
	run --separate-stderr timeout "$(slow 10)" lpar wait b c
	assert_output "$(printf 'b 0\nc 0')"
}

@test "shared pages that are not sealed against resizing are refused; the monitor lives on" {
	bad_shared unsealed "the other side's shared pages are not sealed against resizing"
}

@test "shared pages in an ordinary file, which takes no seals, are refused; the monitor lives on" {
	bad_shared file "the other side's shared pages are not sealed against resizing"
}

@test "shared pages of the wrong size are refused; the monitor lives on" {
	bad_shared size "the other side's shared pages have $((2 * (4096 + 4096) + 4096)) bytes, not $((2 * (4096 + 4096)))"
}
