#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The GDB remote stub (lpar attach --gdb, lpar run --gdb; docs/gdb-stub.md):
# the real gdb in -batch mode against partitions, then the protocol byte by
# byte with tests/tools/rspc.py: malformed packets, bad checksums, Ctrl-C.

bats_require_minimum_version 1.5.0

setup_file() {
	# Tests send SIGINT to "their" gdb and wait for background stubs.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
}

setup() {
	command -v gdb >/dev/null || fail "gdb is missing: install Debian's gdb (make check does)"
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	RSPC=$ROOT/tests/tools/rspc.py
	STUB_ERR=$BATS_TEST_TMPDIR/stub.err
	STUB_PID=
	HELLO=$EX/hello.elf
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	if [ -n "$STUB_PID" ]; then
		kill "$STUB_PID" 2>/dev/null || true
		wait "$STUB_PID" 2>/dev/null || true
	fi
	kill_partitions
}

# Whether the stub has printed its address (in ADDR) or has ended.
stub_listens_or_ended() {
	ADDR=$(sed -n 's/^lpar: waiting for gdb on //p' "$STUB_ERR")
	[ -n "$ADDR" ] || ! kill -0 "$STUB_PID" 2>/dev/null
}

# The address the stub printed ("lpar: waiting for gdb on ADDR"), once it has.
wait_stub() {
	within 20 stub_listens_or_ended && [ -n "$ADDR" ] ||
		fail "the stub did not start listening: $(cat "$STUB_ERR")"
}

# attach_gdb NAME [ADDR]: lpar attach --gdb in the background; sets STUB_PID, ADDR.
attach_gdb() {
	: >"$STUB_ERR" # before the background job opens it, for wait_stub to read
	lpar attach --gdb "${2:-127.0.0.1:0}" "$1" 2>"$STUB_ERR" &
	STUB_PID=$!
	wait_stub
}

# stub_exits STATUS: the stub (lpar attach --gdb or run --gdb) ends with STATUS.
stub_exits() {
	local st=0

	wait "$STUB_PID" || st=$?
	STUB_PID=
	[ "$st" -eq "$1" ] || fail "the stub exited with $st, not $1: $(cat "$STUB_ERR")"
}

# gdbx ARGS...: gdb in batch mode connected to the stub.
gdbx() {
	timeout "$(slow 60)" gdb -batch -nx -iex 'set pagination off' -iex 'set confirm off' \
		-ex "target remote $ADDR" "$@"
}

sym() {
	printf '0x%x\n' "$((16#$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')))"
}

entry_of() {
	readelf -h "$1" | awk '/Entry point/ { print $4 }'
}

# The address of the instruction after the first one at ADDR.
next_insn() {
	objdump -d "$1" --start-address="$2" |
		awk '/^ *[0-9a-f]+:/ { n++; if (n == 2) { sub(":", "", $1); print "0x" $1; exit } }'
}

# The return address of the call to FUNC: the instruction after "call ... <FUNC>".
return_addr() {
	objdump -d "$1" | awk -v f="<$2>" '
		found && /^ *[0-9a-f]+:/ { sub(":", "", $1); print $1; exit }
		/call/ && index($0, f) { found = 1 }'
}

# le64 ADDR: the hex a 'p'/'g' reply holds for a 64-bit value (little-endian).
le64() {
	printf '%016x' "$1" | sed 's/../& /g' | awk '{ for (i = 8; i >= 1; i--) printf "%s", $i; print "" }'
}

# watch.elf: a guest whose global changes five times, then it exits with it.
build_watch_guest() {
	WT=$BATS_TEST_TMPDIR/wt.elf
	printf '#include <stdio.h>\nvolatile int counter;\nint main(void) { for (int i = 0; i < 5; i++) counter += 10; printf("counter=%%d\\n", counter); return counter; }\n' >"$BATS_TEST_TMPDIR/wt.c"
	lpar-cc -O2 -g -o "$WT" "$BATS_TEST_TMPDIR/wt.c" || fail "lpar-cc failed"
}

# ---- the real gdb ----------------------------------------------------------

@test "gdb: registers, break main, continue, stepi, x/4gx \$rsp, detach; the partition then runs to its end" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	entry=$(entry_of "$HELLO")
	main=$(sym "$HELLO" main)
	after=$(next_insn "$HELLO" "$main")
	ret=$(return_addr "$HELLO" main)
	run gdbx -ex "file $HELLO" -ex 'info registers rip' -ex 'break main' -ex continue \
		-ex stepi -ex 'info registers rip' -ex 'x/4gx $rsp' -ex detach
	assert_success
	assert_line --regexp "^rip +$entry +$entry <_start>\$"
	assert_line --regexp "^Breakpoint 1 at $main: file .*hello.c"
	assert_line --regexp "^Breakpoint 1, main \(argc=1, argv=0x[0-9a-f]+\) at .*hello.c:[0-9]+\$"
	assert_line --regexp "^rip +$after +$after <main\+[0-9]+>\$"
	# the stack holds the return address of the call to main
	assert_line --regexp "^0x[0-9a-f]+:	0x0*$ret	0x[0-9a-f]{16}\$"
	assert_line --regexp "^0x[0-9a-f]+:	0x[0-9a-f]{16}	0x[0-9a-f]{16}\$"
	assert_line "[Inferior 1 (Remote target) detached]"
	stub_exits 0
	run lpar wait g
	assert_success
	assert_output "g 0"
	run cat "$LPAR_RUNDIR/g/console.log"
	assert_line "Hello from partition 'g' (64 MiB, hcall ABI 1)"
	assert_line "argv[0] = $HELLO"
}

@test "gdb: lpar run --gdb starts paused at the entry and returns the partition's exit status" {
	: >"$STUB_ERR"
	lpar run --gdb 127.0.0.1:0 "$EX/exitcode.elf" 7 >"$BATS_TEST_TMPDIR/out" 2>"$STUB_ERR" &
	STUB_PID=$!
	wait_stub
	entry=$(entry_of "$EX/exitcode.elf")
	run gdbx -ex 'p $pc' -ex 'break main' -ex continue -ex 'p argc' -ex continue
	assert_success
	assert_line --regexp "^\\\$1 = \(void \(\*\)\(\)\) $entry <_start>\$"
	assert_line --regexp "^Breakpoint 1, main \(argc=2, argv=0x[0-9a-f]+\)"
	assert_line "\$2 = 2"
	assert_line "[Inferior 1 (Remote target) exited with code 07]"
	stub_exits 7
}

@test "gdb: lpar run --gdb: after detach the partition runs on, its console on stdout" {
	: >"$STUB_ERR"
	lpar run --gdb 127.0.0.1:0 "$HELLO" a b >"$BATS_TEST_TMPDIR/out" 2>"$STUB_ERR" &
	STUB_PID=$!
	wait_stub
	run gdbx -ex 'info registers rip' -ex detach
	assert_success
	assert_line "[Inferior 1 (Remote target) detached]"
	stub_exits 0
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp "^Hello from partition '[^']+' \(64 MiB, hcall ABI 1\)\$"
	assert_line "argv[2] = b"
}

@test "gdb: with no file given, the symbols come from the image the partition runs" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run gdbx -ex 'break main' -ex continue -ex 'info symbol $pc' -ex detach
	assert_success
	assert_line "Reading symbols from $(realpath "$HELLO")..."
	assert_line "main in section .text"
	stub_exits 0
	run lpar wait g
	assert_output "g 0"
}

@test "gdb: watch and rwatch stop after the access with the values; the end is reported" {
	build_watch_guest
	run lpar create --name w "$WT"
	assert_success
	attach_gdb w
	run gdbx -ex 'watch counter' -ex continue -ex continue -ex delete \
		-ex 'rwatch counter' -ex continue -ex delete -ex continue
	assert_success
	assert_line "Hardware watchpoint 1: counter"
	assert_output --partial "Old value = 0
New value = 10"
	assert_output --partial "Old value = 10
New value = 20"
	assert_line "Hardware read watchpoint 2: counter"
	assert_line "Value = 20"
	assert_line "[Inferior 1 (Remote target) exited with code 062]"
	stub_exits 0
	run lpar wait w
	assert_failure 50
}

@test "gdb: hbreak, set var and set \$reg change what the partition does" {
	build_watch_guest
	run lpar create --name w "$WT"
	assert_success
	attach_gdb w
	run gdbx -ex 'hbreak main' -ex continue -ex 'set var counter = 100' -ex 'p counter' \
		-ex 'set $rbx = 0x1234' -ex 'p/x $rbx' -ex continue
	assert_success
	assert_line --regexp "^Hardware assisted breakpoint 1 at $(sym "$WT" main): file "
	assert_line --regexp "^Breakpoint 1, main \(\) at "
	assert_line "\$1 = 100"
	assert_line "\$2 = 0x1234"
	assert_line "[Inferior 1 (Remote target) exited with code 0226]"
	run lpar wait w
	assert_failure 150
}

@test "gdb: registers lpar cannot read show as unavailable; the rest have values" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run gdbx -ex 'info registers st0 mxcsr' -ex 'p $xmm0.uint128' -ex 'info registers cs eflags fs_base' -ex detach
	assert_success
	assert_line --regexp "^st0 +<unavailable>\$"
	assert_line --regexp "^mxcsr +<unavailable>\$"
	assert_line "\$1 = <unavailable>"
	assert_line --regexp "^cs +0x[0-9a-f]+ +[0-9]+\$"
	assert_line --regexp "^eflags +0x[0-9a-f]+ +\[ .*\]\$"
	assert_line --regexp "^fs_base +0x[0-9a-f]+ +[0-9]+\$"
}

@test "gdb: Ctrl-C interrupts a running partition (SIGINT), which then runs on after detach" {
	# (asleep until the interrupt has reached it, however slow the host)
	run lpar create --name s "$EX/sleep.elf" "$(slow 1500)"
	assert_success
	attach_gdb s
	# not through gdbx: the SIGINT goes to timeout, which hands it to gdb
	# (--foreground: once; a second would make gdb give up on the target)
	timeout --foreground "$(slow 60)" gdb -batch -nx -iex 'set pagination off' -ex "target remote $ADDR" \
		-ex continue -ex 'info registers rip' -ex detach >"$BATS_TEST_TMPDIR/gdb.out" 2>&1 &
	gdb_pid=$!
	# continue has reached the partition once it has left the created state
	poll -t 20 "continue to reach the partition" state_is s running
	kill -INT "$gdb_pid"
	st=0
	wait "$gdb_pid" || st=$?
	assert_equal "$st" 0
	run cat "$BATS_TEST_TMPDIR/gdb.out"
	assert_line "Program received signal SIGINT, Interrupt."
	assert_line --regexp "^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <[^>]+>\$"
	assert_line "[Inferior 1 (Remote target) detached]"
	run lpar wait s
	assert_success
	run cat "$LPAR_RUNDIR/s/console.log"
	assert_output --regexp "^slept [0-9]+ ms"
}

@test "gdb: kill ends the partition as killed" {
	run lpar create --name s "$EX/sleep.elf" 60000
	assert_success
	attach_gdb s
	run gdbx -ex 'break main' -ex continue -ex kill
	assert_success
	assert_line "[Inferior 1 (Remote target) killed]"
	stub_exits 0
	run lpar wait s
	assert_failure 137
	run lpar status s
	assert_line "state killed"
}

@test "gdb: the partition's own fault stops it as SIGSEGV; continuing ends it crashed" {
	run lpar create --name c "$EX/crash.elf" null
	assert_success
	attach_gdb c
	run gdbx -ex continue -ex continue
	assert_success
	assert_line "Program received signal SIGSEGV, Segmentation fault."
	assert_line "Program terminated with signal SIGSEGV, Segmentation fault."
	run lpar wait c
	assert_failure 126
	run lpar status c
	assert_line "state crashed"
}

@test "gdb: a gdb killed while its breakpoints are planted leaves the partition running without them" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run gdbx -ex 'set breakpoint always-inserted on' -ex 'break main' -ex 'break printf' \
		-ex continue -ex 'python import os; os.kill(os.getpid(), 9)'
	assert_failure 137
	assert_line --regexp "^Breakpoint 1, main "
	stub_exits 0
	# printf's breakpoint went with gdb: the partition prints and ends
	run lpar wait g
	assert_success
	assert_output "g 0"
	run cat "$LPAR_RUNDIR/g/console.log"
	assert_line "Hello from partition 'g' (64 MiB, hcall ABI 1)"
}

@test "rsp: a gdb that goes while the partition runs leaves it running, its breakpoints removed" {
	# The sleep is the stub's time to see gdb go and lift the breakpoint:
	# on a loaded host 500 ms was once not enough.
	run lpar create --name s "$EX/sleep.elf" "$(slow 2000)"
	assert_success
	attach_gdb s
	printf_addr=$(sym "$EX/sleep.elf" printf)
	# printf runs after the sleep: the connection is gone long before
	run "$RSPC" "$ADDR" "Z0,${printf_addr#0x},1" 'send:c'
	assert_success
	assert_line "\$OK"
	stub_exits 0
	run lpar wait s
	assert_success
	assert_output "s 0"
	run cat "$LPAR_RUNDIR/s/console.log"
	assert_output --regexp "^slept [0-9]+ ms"
}

@test "gdb: over a UNIX socket, which is removed afterwards" {
	run lpar create --name g "$HELLO"
	assert_success
	sock=$BATS_TEST_TMPDIR/g.sock
	attach_gdb g "unix:$sock"
	assert_equal "$ADDR" "unix:$sock"
	[ -S "$sock" ] || fail "no socket at $sock"
	run stat -c %a "$sock"
	assert_output 600
	ADDR=$sock
	run gdbx -ex 'info registers rip' -ex detach
	assert_success
	assert_line --regexp "^rip +$(entry_of "$HELLO") "
	stub_exits 0
	[ ! -e "$sock" ] || fail "$sock is still there"
	run lpar wait g
	assert_output "g 0"
}

# ---- the protocol, byte by byte ---------------------------------------------

@test "rsp: bad checksums and broken framing get '-', noise is ignored, the stub keeps serving" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run "$RSPC" "$ADDR" 'badsum:g' 'raw:$g#zz' 'raw:$m0,4' 'raw:garbage\x01\x7f' 'raw:#00' 'qC' 'p10' 'D'
	assert_success
	assert_equal "${lines[0]}" "-"
	assert_equal "${lines[1]}" "-"
	assert_equal "${lines[2]}" "-"
	assert_equal "${lines[3]}" "+"
	assert_equal "${lines[4]}" "\$QC1"
	assert_equal "${lines[6]}" "\$$(le64 "$(entry_of "$HELLO")")"
	assert_equal "${lines[8]}" "\$OK"
	stub_exits 0
	run lpar wait g
	assert_output "g 0"
}

@test "rsp: malformed packets get E01 and change nothing; good ones still work" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	main=$(sym "$HELLO" main)
	m=${main#0x}
	orig=$(od -An -tx1 -j $((main - 0x400000)) -N4 "$HELLO" | tr -d ' \n')
	run "$RSPC" "$ADDR" 'mzz' "m$m" "m$m,zz" "M$m,2:0g00" "M$m,2:00" "X$m,4:ab" "X$m,1:}" \
		'Pzz=00' 'p3b' 'P10=00' 'G00' 'Z0,zz' "Z0,$m" 'vCont;x' 'vCont;' 'c zz' 'Hg0' \
		"m$m,4" 'T2' 'D'
	assert_success
	for i in $(seq 1 2 31); do
		assert_equal "${lines[$i]}" "\$E01"
	done
	assert_equal "${lines[33]}" "\$OK"
	assert_equal "${lines[35]}" "\$$orig"
	assert_equal "${lines[37]}" "\$E01"
	assert_equal "${lines[39]}" "\$OK"
	run lpar wait g
	assert_output "g 0"
}

@test "rsp: unknown packets get an empty reply; memory outside the partition gets an error" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run "$RSPC" "$ADDR" 'vMustReplyEmpty' 'qTStatus' 'Qfrobnicate' '!' 'z9,0,0' 'm0,8' \
		'mffffffffffffff00,8' 'M0,1:00' 'Z0,0,1' 'Z2,0,4' 'D'
	assert_success
	for i in 1 3 5 7 9; do
		assert_equal "${lines[$i]}" "\$"
	done
	for i in 11 13 15 17 19; do
		assert_line --index "$i" --regexp '^\$E[0-9a-f]{2}$'
	done
	assert_equal "${lines[21]}" "\$OK"
}

@test "rsp: '-' makes the stub send its last packet again" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run "$RSPC" "$ADDR" 'qC' 'raw:-' 'drain' 'D'
	assert_success
	assert_equal "${lines[1]}" "\$QC1"
	assert_equal "${lines[2]}" "\$QC1"
	assert_equal "${lines[4]}" "\$OK"
}

@test "rsp: qSupported, QStartNoAckMode, target.xml in pieces, vCont?, thread queries" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	run "$RSPC" "$ADDR" 'qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+' \
		'QStartNoAckMode' noack 'qXfer:features:read:target.xml:0,20' \
		'qXfer:features:read:target.xml:fffff,20' 'qXfer:features:read:other.xml:0,20' \
		'vCont?' 'qAttached' 'qC' 'qfThreadInfo' 'qsThreadInfo' 'T1' '?' 'D'
	assert_success
	assert_equal "${lines[0]}" "+"
	assert_equal "${lines[1]}" "\$PacketSize=10000;QStartNoAckMode+;qXfer:features:read+;qXfer:exec-file:read+;swbreak+;hwbreak+;vContSupported+"
	assert_equal "${lines[2]}" "+"
	assert_equal "${lines[3]}" "\$OK"
	# no '+' from here on
	assert_equal "${lines[4]}" '$m<?xml version="1.0"?>\x0a<!DOCTYPE '

	assert_equal "${lines[5]}" "\$l"
	assert_equal "${lines[6]}" "\$E00"
	assert_equal "${lines[7]}" "\$vCont;c;C;s;S"
	assert_equal "${lines[8]}" "\$1"
	assert_equal "${lines[9]}" "\$QC1"
	assert_equal "${lines[10]}" "\$m1"
	assert_equal "${lines[11]}" "\$l"
	assert_equal "${lines[12]}" "\$OK"
	assert_equal "${lines[13]}" "\$T05thread:1;"
	assert_equal "${lines[14]}" "\$OK"
	assert_equal "${#lines[@]}" 15
}

@test "rsp: target.xml read whole is the x86-64 description gdb's amd64 support accepts" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	# in pieces of 1 KiB, as gdb reads it (m: more to come, l: the last)
	steps=()
	for i in $(seq 0 15); do
		steps+=("qXfer:features:read:target.xml:$(printf %x $((i * 1024))),400")
	done
	run "$RSPC" "$ADDR" "${steps[@]}" 'D'
	assert_success
	assert_line --regexp '^\$l.'
	printf '%s\n' "${lines[@]}" | sed -n 's/^\$[ml]//p' | tr -d '\n' | sed 's/\\x0a/\n/g' \
		>"$BATS_TEST_TMPDIR/target.xml"
	run python3 -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
print(t.find("architecture").text)
for f in t.findall("feature"):
    print(f.get("name"), " ".join(r.get("name") for r in f.findall("reg")))' "$BATS_TEST_TMPDIR/target.xml"
	assert_success
	assert_line "i386:x86-64"
	assert_line "org.gnu.gdb.i386.core rax rbx rcx rdx rsi rdi rbp rsp r8 r9 r10 r11 r12 r13 r14 r15 rip eflags cs ss ds es fs gs st0 st1 st2 st3 st4 st5 st6 st7 fctrl fstat ftag fiseg fioff foseg fooff fop"
	assert_line "org.gnu.gdb.i386.sse xmm0 xmm1 xmm2 xmm3 xmm4 xmm5 xmm6 xmm7 xmm8 xmm9 xmm10 xmm11 xmm12 xmm13 xmm14 xmm15 mxcsr"
	assert_line "org.gnu.gdb.i386.segments fs_base gs_base"
}

@test "rsp: 0x03 stops a running partition with T02; s steps one instruction; breakpoints report swbreak" {
	run lpar create --name s "$EX/sleep.elf" 60000
	assert_success
	attach_gdb s
	main=$(sym "$EX/sleep.elf" main)
	after=$(next_insn "$EX/sleep.elf" "$main")
	run "$RSPC" "$ADDR" "Z0,${main#0x},1" 'c' "z0,${main#0x},1" 's' 'p10' 'send:c' 'raw:\x03' 'wait' 'k'
	assert_success
	assert_equal "${lines[1]}" "\$OK"
	assert_equal "${lines[3]}" "\$T05swbreak:;thread:1;"
	assert_equal "${lines[5]}" "\$OK"
	assert_equal "${lines[7]}" "\$T05thread:1;"
	assert_equal "${lines[9]}" "\$$(le64 "$after")"
	assert_equal "${lines[11]}" "\$T02thread:1;"
	assert_equal "${lines[12]}" "+"
	assert_equal "${lines[13]}" "EOF"
	stub_exits 0
	run lpar wait s
	assert_failure 137
}

@test "rsp: Z1 stops report hwbreak; Z2, Z3, Z4 report watch, rwatch, awatch with the address" {
	build_watch_guest
	run lpar create --name w "$WT"
	assert_success
	attach_gdb w
	main=$(sym "$WT" main)
	c=$(sym "$WT" counter)
	run "$RSPC" "$ADDR" "Z1,${main#0x},1" 'c' "z1,${main#0x},1" "Z2,${c#0x},4" 'c' "z2,${c#0x},4" \
		"Z3,${c#0x},4" 'c' "z3,${c#0x},4" "Z4,${c#0x},4" 'c' "z4,${c#0x},4" "z4,${c#0x},4" 'c'
	assert_success
	assert_equal "${lines[3]}" "\$T05hwbreak:;thread:1;"
	assert_equal "${lines[9]}" "\$T05watch:${c#0x};thread:1;"
	assert_equal "${lines[15]}" "\$T05rwatch:${c#0x};thread:1;"
	assert_equal "${lines[21]}" "\$T05awatch:${c#0x};thread:1;"
	assert_equal "${lines[23]}" "\$OK"
	assert_equal "${lines[25]}" "\$E02"
	assert_equal "${lines[27]}" "\$W32"
	run lpar wait w
	assert_failure 50
}

@test "rsp: a packet longer than PacketSize is refused and the stub keeps serving" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	big=$(head -c 70000 /dev/zero | tr '\0' 'a')
	run "$RSPC" "$ADDR" "raw:\$$big#00" 'qC' 'D'
	assert_success
	assert_equal "${lines[0]}" "-"
	assert_equal "${lines[2]}" "\$QC1"
}

@test "rsp: one gdb at a time: a second connection is refused while the first is served" {
	run lpar create --name g "$HELLO"
	assert_success
	attach_gdb g
	"$RSPC" "$ADDR" 'qC' 'wait' >"$BATS_TEST_TMPDIR/first" 2>&1 &
	first=$!
	poll -t 20 "the first connection to be served" grep -qx '\$QC1' "$BATS_TEST_TMPDIR/first"
	run "$RSPC" "$ADDR" 'qC'
	assert_failure 1
	assert_output --partial "cannot connect to $ADDR"
	kill "$first"
	wait "$first" || true
	stub_exits 0
	run lpar wait g
	assert_output "g 0"
}

@test "attach --gdb: bad addresses are refused clearly and the partition is left as it was" {
	run lpar create --name g "$HELLO"
	assert_success
	run lpar attach --gdb 127.0.0.1:99999 g
	assert_failure
	assert_output --partial "invalid gdb address '127.0.0.1:99999'"
	run lpar attach --gdb 'fe80::1:1234' g
	assert_failure
	assert_output --partial "write IPv6 addresses as [ADDRESS]:PORT"
	touch "$BATS_TEST_TMPDIR/file"
	run lpar attach --gdb "unix:$BATS_TEST_TMPDIR/file" g
	assert_failure
	assert_output --partial "it exists and is not a socket"
	run lpar attach --gdb "unix:" g
	assert_failure
	assert_output --partial "no socket path"
	# a port in use
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(float(sys.argv[1]))' "$(slow 30)" >"$BATS_TEST_TMPDIR/port" &
	holder=$!
	poll -t 5 "the port to be taken" test -s "$BATS_TEST_TMPDIR/port"
	run lpar attach --gdb "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")" g
	kill "$holder"
	assert_failure
	assert_output --partial "cannot listen on"
	assert_output --partial "address already in use"
	run lpar status g
	assert_line "state created"
}
