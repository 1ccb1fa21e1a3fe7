#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The backends' own edges (docs/design.md, "The TCG backend"): what a
# software CPU does differently from the hardware, each with a test that
# fails if the backend's way around it goes.
load test_helper/common

bats_require_minimum_version 1.5.0

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
	# (asleep until all 20 are measured, however slow the host)
	for ((i = 0; i < 20; i++)); do
		run lpar run -d --name "p$i" "$EX/sleep.elf" "$(slow 5000)"
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
	run timeout "$(slow 10)" lpar wait d
	assert_output "d 126"
	run lpar status d
	assert_output --partial "breakpoint trap (int3) at rip $bump <bump>"
}

@test "watchpoints on two pages one instruction stream touches: each stops, the partition ends well" {
	require_accel tcg
	cc two '#include <stdio.h>' 'volatile int var;' 'int main(void)' '{' \
		'	const volatile unsigned char *p = (const volatile unsigned char *)main;' \
		'	unsigned sum = p[0];' \
		'	var = 5;' \
		'	printf("%u %d\n", sum, var);' \
		'	return 0;' '}'
	local main var
	main=$(sym two.elf main)
	var=$(sym two.elf var)
	run lpar create --name t two.elf
	assert_success
	run "$DBG" t wait "watch $main 4 r" "watch $var 4 w" cont wait cont wait "unwatch $main" "unwatch $var" cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch .* addr=$main kind=r "
	assert_line --index 2 --regexp "^stopped watch .* addr=$var kind=w old=0x0 new=0x5\$"
	assert_line --index 3 "ended exited 0"
}

@test "stores capstone calls reads, and 16-byte ones, stop a write watchpoint" {
	cc stores '#include <stdio.h>' 'struct { long a, b; } var, other = { 1, 2 };' 'int counter;' 'int main(void)' '{' \
		'	__asm__ volatile("addl $1, counter(%%rip)" ::: "memory");' \
		'	__asm__ volatile("movups other(%%rip), %%xmm0; movups %%xmm0, var(%%rip)" ::: "xmm0", "memory");' \
		'	__asm__ volatile("mov $42, %%eax; movq %%rax, %%xmm1; movq %%xmm1, var+8(%%rip)" ::: "rax", "xmm1", "memory");' \
		'	printf("%d %ld %ld\n", counter, var.a, var.b);' \
		'	return 0;' '}'
	local var counter
	var=$(sym stores.elf var)
	counter=$(sym stores.elf counter)
	run lpar create --name s stores.elf
	assert_success
	run "$DBG" s wait "watch $counter 4 w" cont wait "unwatch $counter" "watch $var 8 w" cont wait "unwatch $var" "watch $((var + 8)) 8 w" cont wait cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch .* addr=$counter kind=w old=0x0 new=0x1\$"
	assert_line --index 2 --regexp "^stopped watch .* kind=w old=0x0 new=0x1\$"
	assert_line --index 3 --regexp "^stopped watch .* kind=w old=0x2 new=0x2a\$"
	assert_line --index 4 "ended exited 0"
}

@test "loads of every width, SSE ones too, stop a read watchpoint with the value they read" {
	# KVM's own emulator cannot do the SSE ones: the monitor steps them.
	cc loads '#include <stdio.h>' 'struct { long a, b; } var = { 7, 9 };' 'long sink;' 'int main(void)' '{' \
		'	__asm__ volatile("movq var(%%rip), %%rax; movq %%rax, sink(%%rip)" ::: "rax", "memory");' \
		'	__asm__ volatile("movups var(%%rip), %%xmm0" ::: "xmm0");' \
		'	__asm__ volatile("movq var+8(%%rip), %%xmm1" ::: "xmm1");' \
		'	printf("%ld\n", sink);' \
		'	return 0;' '}'
	local var
	var=$(sym loads.elf var)
	run lpar create --name l loads.elf
	assert_success
	run "$DBG" l wait "watch $var 8 r" cont wait cont wait "unwatch $var" "watch $((var + 8)) 8 r" cont wait cont wait
	assert_success
	assert_line --index 1 --regexp "^stopped watch .* addr=$var kind=r old=0x7 new=0x7\$"
	assert_line --index 2 --regexp "^stopped watch .* addr=$var kind=r old=0x7 new=0x7\$"
	assert_line --index 3 --regexp "^stopped watch .* addr=$(printf '0x%x' $((var + 8))) kind=r old=0x9 new=0x9\$"
	assert_line --index 4 "ended exited 0"
}

@test "a function that runs onto a watched code page from the page before runs on" {
	require_accel tcg
	cc cross '#include <stdio.h>' 'void cross(void);' \
		'__asm__(".text\n.balign 4096\n.skip 4088, 0x90\ncross:\n mov $1, %eax\n mov $2, %ecx\n nop\n nop\n ret\n");' \
		'int main(void)' '{' '	cross();' '	printf("done\n");' '	return 0;' '}'
	local page
	page=$(printf '0x%x' $(($(sym cross.elf cross) + 8)))
	run lpar create --name c cross.elf
	assert_success
	run "$DBG" c wait "watch $page 4 a" cont wait
	assert_success
	assert_line --index 1 "ended exited 0"
}

@test "a software interrupt is reported as one; a fault after bytes that look like one is itself" {
	cc ints '#include <string.h>' 'int main(int argc, char **argv)' '{' \
		'	if (argc > 1 && !strcmp(argv[1], "int"))' \
		'		__asm__ volatile("int $0x80");' \
		'	__asm__ volatile("xor %%ecx, %%ecx; xor %%edx, %%edx; .byte 0x66, 0xb8, 0xcd, 0x00; div %%ecx" ::: "eax", "ecx", "edx");' \
		'	return 0;' '}'
	run --separate-stderr lpar run ints.elf int
	assert_failure 126
	assert_stderr --regexp "crashed: int 0x80: a partition cannot raise software interrupts \\(system calls go through syscall\\) at rip 0x[0-9a-f]+ <main\\+[0-9]+>\$"
	run --separate-stderr lpar run ints.elf
	assert_failure 126
	assert_stderr --regexp "crashed: divide error at rip 0x[0-9a-f]+ <main\\+[0-9]+>\$"
}

@test "a breakpoint planted on a watched code page stops there" {
	require_accel tcg
	local bump
	bump=$(sym "$DG" bump)
	run lpar create --name d "$DG"
	assert_success
	run lpar mem --format x8 d write limit 0x7fffffff
	assert_success
	run "$DBG" d wait "watch $bump 1 w" "break $bump" cont wait
	assert_success
	assert_line --index 1 "stopped breakpoint rip=$bump addr=$bump"
}

@test "a debugger that leaves while the partition runs leaves it running to its end" {
	run lpar create --name d "$DG"
	assert_success
	run "$DBG" d wait cont
	assert_success
	run timeout "$(slow 20)" lpar wait d
	assert_output "d 5"
}
