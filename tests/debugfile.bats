#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The control tree's debug file (docs/debug-protocol.md), driven directly:
# what lpar attach and its GDB stub are built on.

setup() {
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	DBG=$TOOLS/dbgctl
	[ -x "$DBG" ] || fail "$DBG is missing: build it with 'make build/tests/tools/dbgctl' (make check does)"
	WT=$BATS_TEST_TMPDIR/wt.elf
	printf '#include <stdio.h>\nvolatile int counter;\nint main(void) { for (int i = 0; i < 5; i++) counter += 10; printf("counter=%%d\\n", counter); return counter; }\n' >"$BATS_TEST_TMPDIR/wt.c"
	lpar-cc -O2 -o "$WT" "$BATS_TEST_TMPDIR/wt.c" || fail "lpar-cc failed"
}

teardown() {
	kill_partitions
}

sym() {
	printf '0x%x\n' "$((16#$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')))"
}

@test "debug: a created partition stops at its entry; break, cont, step N, cont to the end" {
	run lpar create --name d "$EX/hello.elf"
	assert_success
	main=$(sym "$EX/hello.elf" main)
	entry=$(readelf -h "$EX/hello.elf" | awk '/Entry point/ { print $4 }')
	run "$DBG" d wait "break $main" cont wait step wait "step 3" wait cont wait
	assert_success
	assert_line --index 0 "stopped attach rip=$entry"
	assert_line --index 1 "stopped breakpoint rip=$main addr=$main"
	assert_line --index 2 --regexp "^stopped step rip=0x"
	assert_line --index 3 --regexp "^stopped step rip=0x"
	assert_line --index 4 "ended exited 0"
	# each step is one instruction: compare with the disassembly
	first=$(objdump -d "$EX/hello.elf" --start-address="$main" | awk '/^ *[0-9a-f]+:/ { n++; if (n == 2) { sub(":", "", $1); print "0x" $1; exit } }')
	assert_line --index 2 "stopped step rip=$first"
}

@test "debug: planted breakpoints read as the original code through mem" {
	run lpar create --name d "$EX/hello.elf"
	assert_success
	main=$(sym "$EX/hello.elf" main)
	orig=$(od -An -tx1 -j $((main - 0x400000)) -N1 "$EX/hello.elf" | tr -d ' ')
	run "$DBG" d wait "break $main" "peek:$main"
	assert_success
	assert_line "peek $main = 0x$orig"
}

@test "debug: write and read watchpoints stop after the access with old and new values" {
	run lpar create --name w "$WT"
	assert_success
	c=$(sym "$WT" counter)
	run "$DBG" w wait "watch $c 4 w" cont wait cont wait "unwatch $c" cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch rip=0x[0-9a-f]+ addr=$c kind=w old=0x0 new=0xa\$"
	assert_line --index 2 --regexp "^stopped watch rip=0x[0-9a-f]+ addr=$c kind=w old=0xa new=0x14\$"
	assert_line --index 3 "ended exited 50"
	run lpar rm w
	run lpar create --name w "$WT"
	run "$DBG" w wait "watch $c 4 r" cont wait
	assert_line --index 1 --regexp "^stopped watch rip=0x[0-9a-f]+ addr=$c kind=r old=0x0 new=0x0\$"
}

@test "debug: bad commands are refused with their errno" {
	run lpar create --name d "$EX/hello.elf"
	assert_success
	main=$(sym "$EX/hello.elf" main)
	run "$DBG" d wait "break 0x1000" "break 0x4000000" "break $main" "break $main" "delete 0x100001" "watch 0x105000 8192 w" "frobnicate" "step 0"
	assert_success
	assert_line --index 1 "error: -14 (Bad address)"
	assert_line --index 2 "error: -14 (Bad address)"
	assert_line --index 3 "error: -17 (File exists)"
	assert_line --index 4 "error: -2 (No such file or directory)"
	assert_line --index 5 "error: -22 (Invalid argument)"
	assert_line --index 6 "error: -22 (Invalid argument)"
	assert_line --index 7 "error: -22 (Invalid argument)"
}

@test "debug: a watchpoint on a code page: refused under kvm, which cannot take it away, set under tcg" {
	run lpar create --name d "$EX/hello.elf"
	assert_success
	main=$(sym "$EX/hello.elf" main)
	accel=$(lpar status d | sed -n 's/^accel //p')
	run "$DBG" d wait "watch $main 4 w" "unwatch $main"
	assert_success
	case $accel in
	kvm)
		assert_line --index 1 "error: -14 (Bad address)"
		assert_line --index 2 "error: -2 (No such file or directory)"
		;;
	tcg)
		assert_equal "${#lines[@]}" 1
		;;
	*) fail "lpar status says accel '$accel'" ;;
	esac
}

@test "debug: the partition's own fault stops it for inspection; cont crashes it" {
	run lpar create --name t "$EX/crash.elf" null
	assert_success
	run "$DBG" t wait cont wait regs cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped trap rip=0x[0-9a-f]+ vector=14\$"
	assert_line --index 3 --regexp "^ended crashed page fault at 0x0 .*NULL pointer dereference"
	run lpar status t
	assert_line "state crashed"
}

@test "debug: a second debugger is refused; a killed debugger leaves the partition running" {
	# (asleep until the debugger has stopped it, however slow the host)
	run lpar run -d --name r "$EX/sleep.elf" "$(slow 1000)"
	assert_success
	"$DBG" r wait "break $(sym "$EX/sleep.elf" main)" sleep >"$BATS_TEST_TMPDIR/first" 2>&1 &
	first=$!
	poll -t 5 "the first debugger to attach" grep -q attach "$BATS_TEST_TMPDIR/first"
	run "$DBG" r wait
	assert_output "open: Device or resource busy"
	run lpar status r
	assert_line "state paused"
	kill -9 "$first"
	wait "$first" || true
	run lpar wait r
	assert_success
	assert_output "r 0"
}
