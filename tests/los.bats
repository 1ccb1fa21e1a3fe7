#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The library OS: an unmodified static musl binary, built here the ordinary
# way (musl-gcc -static), runs in a partition; what it asks of Linux it gets
# from the library OS (tests/los/probe.c asks one thing per mode), and what
# the library OS lacks is ENOSYS and shows in lpar trace.  Bad images are
# refused with a clear message; exhausting the stack or the heap ends in a
# crash report or a NULL from malloc, never a hang.

bats_require_minimum_version 1.5.0

# How long one run may take before it counts as hung.
LIMIT=$(slow 30)

setup_file() {
	export PROBE=$BATS_FILE_TMPDIR/probe
	musl-gcc -static -no-pie -O2 -o "$PROBE" "$BATS_TEST_DIRNAME/los/probe.c"
}

setup() {
	test_env_setup || return 1
}

teardown() {
	remove_partitions_and_check
}

probe() {
	run --separate-stderr timeout "$LIMIT" lpar run -m 32M "$@"
}

@test "an unmodified static musl binary runs, with its arguments and environment" {
	file "$PROBE" | grep -q 'statically linked' || fail "probe is not static: $(file "$PROBE")"
	probe --env GREETING=hi "$PROBE"
	assert_success
	assert_output "hello from a static musl binary: argc 1, argv[1] -, GREETING hi"
	assert_stderr ""
}

@test "an unsupported syscall is ENOSYS to the program, which runs on, and lpar trace names it" {
	probe --trace=trace.txt "$PROBE" enosys
	assert_success
	assert_output "$(printf 'pipe: Function not implemented\nfork: Function not implemented\nstill running')"
	grep -qE '^\+[0-9.]+ --- syscall nr=22 name=pipe args=0x[0-9a-f]+,0x[0-9a-f]+,0x[0-9a-f]+ ret=-ENOSYS ---$' trace.txt ||
		fail "no pipe line in the trace: $(cat trace.txt)"
	grep -qE '^\+[0-9.]+ --- syscall nr=57 name=fork ' trace.txt ||
		fail "no fork line in the trace: $(cat trace.txt)"
}

@test "lpar status counts the unsupported syscalls" {
	run lpar run -d --name nr "$PROBE" enosys
	assert_success
	run lpar wait nr
	assert_success
	run lpar status nr
	assert_line "syscalls_unsupported 2"
	run lpar -j status nr
	[ "$(jq -r .syscalls_unsupported <<<"$output")" = 2 ] || fail "json: $output"
	lpar rm nr
}

@test "uname names the partition, getpid is 1" {
	probe --name box-7 "$PROBE" uname
	assert_success
	assert_output "lpar box-7 x86_64"
}

@test "getrandom and AT_RANDOM come from the host" {
	probe "$PROBE" random
	assert_success
	assert_output "$(printf 'getrandom ok\nAT_RANDOM ok')"
}

@test "the auxiliary vector describes the image as Linux's does; TLS works" {
	probe "$PROBE" auxv
	assert_success
	assert_output "$(printf 'pagesz 4096\nphdr ok\nphnum ok\nentry ok\nhwcap ok\nsecure 0 uid 0\ntls 6')"
}

@test "mmap: MAP_FIXED over a hole, fresh pages zeroed, mremap moves with the data; files and huge sizes refused" {
	probe "$PROBE" mmap
	assert_success
	assert_output "$(printf 'fixed ok, zeroed ok\nmremap ok, kept ok\nfile No such device\nhuge Out of memory')"
}

@test "clock_gettime reads the TSC through the vDSO: monotonic, no exit per call, sleeps measured long enough" {
	probe --trace=trace.txt "$PROBE" clock
	assert_success
	assert_output "$(printf 'vdso ok\nmonotonic ok, many calls\n100 ms sleep: ok')"
	# 1.5 s of calls: the monitor's clock is read until the TSC has a 20 ms
	# baseline (however many calls a backend's exits allow meanwhile), then
	# a calibration every second or so, not an exit per call.  The baseline
	# is done within 100 ms of the start on an ordinary host.
	local n late early
	early=$(slow 0.1)
	n=$(grep -c 'time_monotonic' trace.txt || true)
	late=$(awk -v t="$early" '/time_monotonic/ && $1 + 0 > t + 0 { n++ } END { print n + 0 }' trace.txt)
	[ "$n" -ge 1 ] && [ "$late" -le 10 ] ||
		fail "$n time_monotonic hcalls, $late of them after the first $early s"
}

@test "mmap MAP_FIXED_NOREPLACE keeps what is there (EEXIST); bad lengths and addresses are errors, not damage" {
	probe "$PROBE" noreplace
	assert_success
	assert_output "$(printf 'noreplace: File exists, kept ok\nmunmap of -1 bytes: Invalid argument\narch_prctl non-canonical: Operation not permitted')"
}

@test "sleeping with console input waiting uses no CPU" {
	local TIMEFORMAT='%U %S'
	# What a run costs without the sleep: more on a slower host.
	{ time (lpar run "$PROBE" >/dev/null); } 2>base.txt
	{ time (echo input | lpar run "$PROBE" sleep >out.txt); } 2>cpu.txt
	assert_equal "$(cat out.txt)" slept
	# 1 s asleep: the monitor and the partition together used well under that.
	awk 'NR == FNR { base = $1 + $2; next } { exit !($1 + $2 - base < 0.5) }' base.txt cpu.txt ||
		fail "CPU seconds (user sys): $(cat cpu.txt); without the sleep: $(cat base.txt)"
}

@test "write from a bad pointer is EFAULT, as on Linux" {
	probe "$PROBE" badptr
	assert_success
	assert_output "write: Bad address"
}

@test "a syscall with a broken stack pointer is a crash report naming the call" {
	printf '%s\n' 'int main(void)' '{' \
		'	__asm__ volatile("movq $0x10, %%rsp; movl $39, %%eax; syscall" ::: "memory");' \
		'	return 0;' '}' >badrsp.c
	musl-gcc -static -no-pie -O1 -o badrsp badrsp.c
	probe ./badrsp
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'badrsp' crashed: page fault at 0x[0-9a-f]+ \(write, .*\) at rip 0x[0-9a-f]+ <the monitor's syscall stub>, in a syscall from 0x[0-9a-f]+ <main\+[0-9]+>$"
}

@test "stack exhaustion is a crash report naming the function, not a hang" {
	probe "$PROBE" stack
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'probe' crashed: page fault at 0x[0-9a-f]+ \(write, page not present: stack overflow\) at rip 0x[0-9a-f]+ <deep\+[0-9]+>$"
}

@test "heap exhaustion: malloc returns NULL, and a program that does not check crashes" {
	probe "$PROBE" heap
	assert_failure 3
	assert_output "malloc gave NULL after more than 8 MiB"
	probe "$PROBE" heapnull
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'probe' crashed: page fault at 0x1000 \(write, protection violation: .*\) at rip 0x[0-9a-f]+ <main\+[0-9]+>$"
}

@test "lpar stop ends a program waiting for input with 143, as SIGTERM would" {
	mkfifo in
	# Held open read-write, the FIFO never reaches end of input.
	exec 5<>in
	# (not bg: a background command's stdin is /dev/null unless redirected on it)
	lpar run --name reader "$PROBE" read <in >out.txt 2>err.txt 3>&- &
	local pid=$!
	poll "the program to wait for input" grep -q reading out.txt
	run lpar stop reader
	assert_success
	exec 5>&-
	wait_rc "$pid"
	assert_equal "$RC" 143
}

@test "a dynamically linked musl program is refused: it needs a static one" {
	musl-gcc -O2 -o dyn "$BATS_TEST_DIRNAME/los/probe.c"
	readelf -lW dyn | grep -q INTERP || fail "not dynamic"
	probe ./dyn
	assert_failure 125
	assert_stderr "lpar: cannot load './dyn': a dynamically linked program cannot run in a partition: it needs a static one (link with -static)"
	assert_output ""
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left behind: $(ls "$LPAR_RUNDIR")"
}

# A static PIE with musl's self-relocating start (rcrt1.o), linked with extra options.
static_pie() {
	local musl=/usr/lib/x86_64-linux-musl out=$1
	shift
	gcc -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem "$(gcc -print-file-name=include)" \
		-fPIE -static-pie -nostdlib -O2 -o "$out" "$@" "$musl/rcrt1.o" "$musl/crti.o" \
		"$BATS_TEST_DIRNAME/los/probe.c" -L"$musl" -lc "$(gcc -print-libgcc-file-name)" "$musl/crtn.o"
}

@test "a static PIE is placed at 0x400000 and runs" {
	static_pie pie
	readelf -hW pie | grep -q 'DYN' || fail "not a PIE"
	readelf -lW pie | grep -q INTERP && fail "has an interpreter"
	probe -e GREETING=pie ./pie x
	assert_success
	assert_output "hello from a static musl binary: argc 2, argv[1] x, GREETING pie"
	probe ./pie auxv
	assert_success
	assert_line "phdr ok"
	assert_line "entry ok"
}

@test "a PIE that cannot be placed is refused, and so is one too large for memory" {
	static_pie pie4m -Wl,-z,max-page-size=0x400000
	probe ./pie4m
	assert_failure 125
	assert_stderr "lpar: cannot load './pie4m': a position-independent image with segment alignment 0x400000 cannot be placed (at most 0x200000)"
	static_pie big -Wl,-z,max-page-size=0x1000
	run --separate-stderr timeout "$LIMIT" lpar run -m 2M ./big
	assert_failure 125
	assert_stderr --partial "lpar: cannot load './big': "
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left behind: $(ls "$LPAR_RUNDIR")"
}

@test "lpar create --env: the environment is the program's when it starts" {
	run lpar create --name e --env GREETING=created "$PROBE"
	assert_success
	run lpar start e
	assert_success
	run lpar wait e
	assert_success
	assert_equal "$(cat "$(console_of e)")" "hello from a static musl binary: argc 1, argv[1] -, GREETING created"
	run --separate-stderr lpar create -e 'BAD NAME=x' "$PROBE"
	assert_failure 2
	assert_stderr --partial "lpar: invalid environment variable 'BAD NAME=x'"
	lpar rm e
}

@test "--env: later values win, the config's come first, bad names are usage errors" {
	printf 'image = %s\nenv = GREETING=from-config\nenv = OTHER=1\n' "$PROBE" >p.cfg
	probe -f p.cfg
	assert_success
	assert_output --partial "GREETING from-config"
	probe -f p.cfg --env GREETING=flag
	assert_output --partial "GREETING flag"
	probe -e GREETING=a -e GREETING=b "$PROBE"
	assert_output --partial "GREETING b"
	probe -e GREETING= "$PROBE"
	assert_output --partial "GREETING "
	local bad
	for bad in NOEQUALS =value 1X=y 'A B=c'; do
		run --separate-stderr lpar run -e "$bad" "$PROBE"
		assert_failure 2
		assert_stderr --partial "lpar: invalid environment variable '$bad': use NAME=VALUE"
	done
	printf 'image = %s\nenv = 9=x\n' "$PROBE" >bad.cfg
	run --separate-stderr lpar run -f bad.cfg
	assert_failure 2
	assert_stderr --partial "bad.cfg:2: value of 'env' is not NAME=VALUE"
}
