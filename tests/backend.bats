#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The backends' own edges (docs/design.md, "The TCG backend"): what a
# software CPU does differently from the hardware, each with a test that
# fails if the backend's way around it goes.
load test_helper/common

setup() {
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	DBG=$TOOLS/dbgctl
	DG=$GUESTS/debuggee.elf
	[ -x "$DBG" ] || fail "$DBG is missing: build it with 'make build/tests/tools/dbgctl' (make check does)"
	[ -f "$DG" ] || fail "$DG is missing: build it with 'make $DG' (make check does)"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	kill_partitions
}

sym() {
	printf '0x%x\n' "$((16#$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')))"
}

# counter_above NAME N: whether the debuggee NAME's counter is above N.
counter_above() {
	local v
	v=$(lpar mem --format x8 "$1" read counter 2>/dev/null | awk '{ print $2 }') || return 1
	[ -n "$v" ] && [ $((16#$v)) -gt "$2" ]
}

# cc NAME SOURCE-LINE...: builds NAME.elf with lpar-cc from the lines.
cc() {
	local name=$1

	shift
	printf '%s\n' "$@" >"$name.c"
	lpar-cc -O1 -o "$name.elf" "$name.c" || fail "lpar-cc $name.c failed"
}

@test "AT_HWCAP is what the vCPU's cpuid says, not the host's" {
	cc hwcap '#include <stdio.h>' '#include <sys/auxv.h>' 'int main(void)' '{' \
		'	unsigned a = 1, b, c = 0, d;' \
		'	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));' \
		'	printf("%s\n", getauxval(AT_HWCAP) == d ? "same" : "differs");' \
		'	return 0;' '}'
	run --separate-stderr lpar run hwcap.elf
	assert_success
	assert_output same
}

@test "a breakpoint planted in code the partition already ran stops there" {
	local bump after
	bump=$(sym "$DG" bump)
	after=$(objdump -d "$DG" | awk '/call.*<bump>/ { getline; sub(":", "", $1); print "0x" $1; exit }')
	[ -n "$after" ] || fail "no call of bump in $DG"
	run lpar create --name d "$DG"
	assert_success
	run lpar mem --format x8 d write limit 0x3e8
	assert_success
	# Stop after bump has run (and been translated), then plant a breakpoint in it.
	run "$DBG" d wait "break $after" cont wait "break $bump" cont wait
	assert_success
	assert_line --index 1 "stopped breakpoint rip=$after addr=$after"
	assert_line --index 2 "stopped breakpoint rip=$bump addr=$bump"
}

@test "a read watchpoint on a code page stops when the program reads its own code" {
	require_accel tcg
	cc selfread '#include <stdio.h>' 'int main(void)' '{' \
		'	const volatile unsigned char *p = (const volatile unsigned char *)main;' \
		'	unsigned sum = 0;' \
		'	for (int i = 0; i < 4; i++)' \
		'		sum += p[i];' \
		'	printf("sum %u\n", sum);' \
		'	return 0;' '}'
	local main
	main=$(sym selfread.elf main)
	run lpar create --name s selfread.elf
	assert_success
	run "$DBG" s wait "watch $main 4 r" cont wait "unwatch $main" cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch rip=0x[0-9a-f]+ addr=$main kind=r old=0x[0-9a-f]+ new=0x[0-9a-f]+\$"
	assert_line --index 2 "ended exited 0"
}

@test "a watched page faulted many times: each is a watch stop, none a double fault" {
	cc many '#include <stdio.h>' 'volatile int hot[8];' 'int main(void)' '{' \
		'	for (int i = 0; i < 40; i++)' \
		'		hot[i % 8] += i;' \
		'	printf("%d\n", hot[0]);' \
		'	return 0;' '}'
	local hot
	hot=$(sym many.elf hot)
	run lpar create --name m many.elf
	assert_success
	run "$DBG" m wait "watch $hot 4 w" cont wait cont wait cont wait cont wait cont wait "unwatch $hot" cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch rip=0x[0-9a-f]+ addr=$hot kind=w old=0x0 new=0x0\$"
	assert_line --index 2 --regexp "^stopped watch .* old=0x0 new=0x8\$"
	assert_line --index 5 --regexp "^stopped watch .* old=0x30 new=0x50\$"
	assert_line --index 6 "ended exited 0"
	refute_output --partial vector=8
}

@test "20 TCG partitions at once: each monitor stays within 32 MiB beyond guest RAM" {
	require_accel tcg
	local i pid kib max=0
	for ((i = 0; i < 20; i++)); do
		run lpar run -d --name "p$i" "$EX/sleep.elf" 5000
		assert_success
	done
	for ((i = 0; i < 20; i++)); do
		poll "p$i to run" state_is "p$i" running
		pid=$(cat "$LPAR_RUNDIR/p$i/pid")
		kib=$(awk '/^(RssAnon|RssFile):/ { s += $2 } END { print s }' "/proc/$pid/status")
		[ "$kib" -gt "$max" ] && max=$kib
	done
	[ "$max" -le 32768 ] || fail "a TCG monitor used $max KiB beyond guest RAM"
}

@test "code changed through lpar mem while the partition runs is the code it runs next" {
	local bump
	bump=$(sym "$DG" bump)
	run lpar create --name d "$DG"
	assert_success
	run lpar mem --format x8 d write limit 0x7fffffff
	assert_success
	run lpar start d
	assert_success
	# Let bump run (and be translated) a few times, then put an int3 in it.
	poll "bump to have run" counter_above d 3
	run lpar mem --force --format x1 d write "$bump" cc
	assert_success
	run timeout 10 lpar wait d
	assert_output "d 126"
	run lpar status d
	assert_output --partial "breakpoint trap (int3) at rip $bump <bump>"
}
