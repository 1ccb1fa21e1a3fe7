#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar run: arguments and exit status, crash reports, options, console,
# stop signals, and every bad input with its message and nothing left behind.

bats_require_minimum_version 1.5.0

RUN_USAGE="usage: lpar run [-d | --trace[=FILE]] [--rm] [-f CONFIG] [--mem SIZE]"

setup_file() {
	# The stop-signal tests run lpar in the background, which
	# assert_no_lpar_left would see from a test running beside them.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
}

setup() {
	test_env_setup
}

# assert_line on $stderr (see assert_stderr).
assert_stderr_line() {
	local -a lines=("${stderr_lines[@]}")
	assert_line "$@"
}

need_mkelf() {
	[ -x "$TOOLS/mkelf" ] ||
		fail "$TOOLS/mkelf is missing: build it with 'make build/tests/tools/mkelf' (make check does)"
}

need_guest() {
	[ -f "$GUESTS/$1.elf" ] ||
		fail "$GUESTS/$1.elf is missing: build it with 'make tests/guests/$1.elf' (make check does)"
}

# mkelf KIND: writes KIND.elf in the test directory.
mkelf() {
	need_mkelf
	"$TOOLS/mkelf" "$1" "$1.elf" || fail "mkelf $1 failed"
}

# Records what the test's directory holds before lpar runs.
snapshot() {
	before=$(ls -A "$WORK")
}

# After snapshot: no new or removed files, no run directory, nothing running.
assert_nothing_left() {
	assert_equal "$(ls -A "$WORK")" "$before"
	# The run directory may stay (with lpar's cache); no partition's may.
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] ||
		fail "partitions left in $LPAR_RUNDIR: $(ls -R "$LPAR_RUNDIR")"
	assert_no_process_left
	assert_no_lpar_left
}

# Runs lpar on a bad image and checks the one-line message, status 125,
# no output and nothing left behind.  Usage: bad_image MESSAGE lpar-args...
bad_image() {
	local msg=$1

	shift
	snapshot
	run --separate-stderr lpar run "$@"
	assert_failure 125
	assert_output ""
	assert_stderr "$msg"
	assert_nothing_left
}

# A usage error: status 2, the message, then the usage; nothing on stdout.
usage_error() {
	local msg=$1

	shift
	snapshot
	run --separate-stderr lpar run "$@"
	assert_failure 2
	assert_output ""
	assert_equal "${stderr_lines[0]}" "lpar: $msg"
	assert_stderr_line "$RUN_USAGE"
	assert_nothing_left
}

# ---- arguments and exit status ---------------------------------------------

@test "hello prints its greeting and argv, on stdout only" {
	run --separate-stderr lpar run "$EX/hello.elf" one "two words" ""
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
	assert_line --index 1 "argv[0] = $EX/hello.elf"
	assert_line --index 2 "argv[1] = one"
	assert_line --index 3 "argv[2] = two words"
	assert_line --index 4 "argv[3] = "
	assert_equal "${#lines[@]}" 5
}

@test "arguments after the image belong to the partition, '--' and options too" {
	run --separate-stderr lpar run "$EX/hello.elf" -- --mem 1G -x
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 --partial "(64 MiB,"
	assert_line --index 2 "argv[1] = --"
	assert_line --index 3 "argv[2] = --mem"
	assert_line --index 4 "argv[3] = 1G"
	assert_line --index 5 "argv[4] = -x"
}

@test "'--' before the image ends lpar's options" {
	run --separate-stderr lpar run --name web -- "$EX/hello.elf" x
	assert_success
	assert_line --index 0 "Hello from partition 'web' (64 MiB, hcall ABI 1)"
	assert_line --index 1 "argv[0] = $EX/hello.elf"
	assert_line --index 2 "argv[1] = x"
}

exit_status_is() {
	run --separate-stderr lpar run "$EX/exitcode.elf" "$1"
	assert_equal "$status" "$2"
	assert_output ""
	assert_stderr ""
}

@test "exit status 0 passes through" {
	exit_status_is 0 0
}

@test "exit status 42 passes through" {
	exit_status_is 42 42
}

@test "exit status 255 passes through" {
	exit_status_is 255 255
}

@test "exit status 256 becomes 0: only the low 8 bits count" {
	exit_status_is 256 0
}

@test "exit status 257 becomes 1 and -1 becomes 255" {
	exit_status_is 257 1
	exit_status_is -1 255
}

# ---- crashes ---------------------------------------------------------------

# crash KIND REASON-REGEX SYMBOL: runs crash.elf KIND, checks status 126,
# stdout, the one-line reason on stderr, and that SYMBOL+off is the rip.
# Sets rip (hex digits) and fault (the page-fault address, if any).
crash() {
	local kind=$1 reason=$2 sym=$3 symaddr off
	local re_rip="at rip 0x([0-9a-f]+) <$sym(\\+([0-9]+))?>" re_fault='page fault at 0x([0-9a-f]+)'

	run --separate-stderr lpar run "$EX/crash.elf" "$kind"
	assert_failure 126
	# stdout is the partition's only: its "crash: KIND" line, or nothing
	# when that line was still in the partition's stdout buffer (as with a
	# Linux program that crashes while writing to a pipe).
	[[ $output == "" || $output == "crash: $kind" ]] || fail "stdout: $output"
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr --regexp "^lpar: partition 'crash' crashed: $reason at rip 0x[0-9a-f]+ <$sym(\+[0-9]+)?>\$"
	[[ $stderr =~ $re_rip ]] || fail "no rip in: $stderr"
	rip=${BASH_REMATCH[1]}
	off=${BASH_REMATCH[3]:-0}
	fault=
	if [[ $stderr =~ $re_fault ]]; then
		fault=${BASH_REMATCH[1]}
	fi
	symaddr=$(nm "$EX/crash.elf" | awk -v s="$sym" '$3 == s { print $1 }')
	[ -n "$symaddr" ] || fail "no symbol $sym in crash.elf"
	assert_equal "$(printf '%x' $((0x$symaddr + off)))" "$rip"
}

# The mnemonic of the instruction at address $1 (hex) in crash.elf.
insn_at() {
	objdump -d --no-show-raw-insn --start-address="0x$1" \
		--stop-address="$(printf '0x%x' $((0x$1 + 16)))" "$EX/crash.elf" |
		awk -F'\t' '/^ *[0-9a-f]+:/ { split($2, w, " "); print w[1]; exit }'
}

@test "crash: NULL dereference" {
	crash null 'page fault at 0x0 \(read, page not present: NULL pointer dereference\)' main
}

@test "crash: write to code" {
	crash write-text 'page fault at 0x[0-9a-f]+ \(write, protection violation\)' main
	# The address written is main itself.
	assert_equal "$fault" "$(nm "$EX/crash.elf" | awk '$3 == "main" { sub(/^0+/, "", $1); print $1 }')"
}

@test "crash: executing data" {
	crash exec-data 'page fault at 0x[0-9a-f]+ \(instruction fetch, protection violation\)' data_code
	assert_equal "$fault" "$rip"
}

@test "crash: stack overflow hits the guard" {
	crash stack 'page fault at 0x[0-9a-f]+ \(write, page not present: stack overflow\)' recurse
}

@test "crash: invalid opcode" {
	crash ud 'invalid opcode' main
	assert_equal "$(insn_at "$rip")" ud2
}

@test "crash: divide error" {
	crash div0 'divide error' main
	[[ $(insn_at "$rip") == *div* ]] || fail "rip 0x$rip is not a division: $(insn_at "$rip")"
}

@test "crash: int3 is reported at the int3" {
	crash int3 'breakpoint trap \(int3\)' main
	assert_equal "$(insn_at "$rip")" int3
}

@test "crash: int \$3, the two-byte form, is reported at the int" {
	crash int-3 'breakpoint trap \(int3\)' main
	assert_equal "$(insn_at "$rip")" int
}

@test "crash: int \$0x80 is refused, naming the vector" {
	crash int80 'int 0x80: a partition cannot raise software interrupts \(system calls go through syscall\)' main
	assert_equal "$(insn_at "$rip")" int
}

@test "crash: hlt" {
	crash hlt 'hlt: a partition cannot halt \(musl'"'"'s a_crash\(\) halts on purpose when it finds heap corruption or a smashed stack; to wait, use the block hcall\)' main
	assert_equal "$(insn_at "$rip")" hlt
}

@test "crash: abort() with its message" {
	crash abort 'partition aborted: crash example gave up' lpar_abort
}

@test "crash: port I/O outside the hcall port" {
	crash port 'port I/O outside the hcall port \(0x4c\): write of 1 byte to port 0x80' main
	assert_equal "$(insn_at "$rip")" out
}

@test "crash: port I/O through %dx names the port and the size" {
	crash port-dx 'port I/O outside the hcall port \(0x4c\): write of 2 bytes to port 0x3f8' main
	assert_equal "$(insn_at "$rip")" out
}

@test "crash report names the partition by --name" {
	run --separate-stderr lpar run --name db-2 "$EX/crash.elf" ud
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'db-2' crashed: invalid opcode at rip "
}

# ---- --mem -----------------------------------------------------------------

@test "--mem 64M" {
	run --separate-stderr lpar run --mem 64M "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
}

@test "--mem 1G" {
	run --separate-stderr lpar run --mem 1G "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (1024 MiB, hcall ABI 1)"
}

@test "--mem 131072K" {
	run --separate-stderr lpar run --mem 131072K "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (128 MiB, hcall ABI 1)"
}

@test "--mem 0x4000000 (hex bytes)" {
	run --separate-stderr lpar run --mem 0x4000000 "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'hello' (64 MiB, hcall ABI 1)"
}

@test "-m and --mem= spellings" {
	run --separate-stderr lpar run -m 32M "$EX/hello.elf"
	assert_success
	assert_line --index 0 --partial "(32 MiB,"
	run --separate-stderr lpar run --mem=96M "$EX/hello.elf"
	assert_success
	assert_line --index 0 --partial "(96 MiB,"
}

@test "--mem 64G, the largest, works" {
	run --separate-stderr lpar run --mem 64G "$EX/hello.elf"
	assert_success
	assert_line --index 0 --partial "(65536 MiB,"
}

@test "--mem abc is a usage error" {
	usage_error "invalid memory size 'abc': expected a number with an optional K, M, G or T suffix" \
		--mem abc "$EX/hello.elf"
}

@test "--mem 12Q is a usage error" {
	usage_error "invalid memory size '12Q': expected a number with an optional K, M, G or T suffix" \
		--mem 12Q "$EX/hello.elf"
}

@test "--mem -5 is a usage error" {
	usage_error "invalid memory size '-5': expected a number with an optional K, M, G or T suffix" \
		--mem -5 "$EX/hello.elf"
}

@test "--mem '' is a usage error" {
	usage_error "invalid memory size '': expected a number with an optional K, M, G or T suffix" \
		--mem "" "$EX/hello.elf"
}

@test "--mem 99999999999T is a usage error: too large" {
	usage_error "invalid memory size '99999999999T': too large" --mem 99999999999T "$EX/hello.elf"
}

@test "--mem without a value is a usage error" {
	usage_error "option '--mem' needs a value" --mem
}

@test "--mem too small for the image: 125" {
	mkelf big
	bad_image "lpar: cannot load 'big.elf': memory size 64 MiB is too small for this image, which needs at least 102 MiB" \
		big.elf
}

@test "--mem 1M is too small even for hello" {
	run --separate-stderr lpar run --mem 1M "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot load '.*hello.elf': memory size 1 MiB is too small for this image, which needs at least [0-9]+ MiB\$"
}

# The size a "too small" message asks for must be one that works.
mem_needed_works() {
	local img=$1 n unit

	run --separate-stderr lpar run "$img"
	assert_failure 125
	[[ $stderr =~ needs\ at\ least\ ([^ ]+)\ ([KMGT])iB$ ]] || fail "no size in: $stderr"
	n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
	[[ $n =~ ^[0-9]+$ ]] || fail "the message gives an inexact size '$n ${unit}iB': $stderr"
	run --separate-stderr lpar run --mem "$n$unit" "$img"
	assert_failure 7
	assert_stderr ""
}

@test "the size a 'too small' message names is enough (102 MiB bss)" {
	mkelf big
	mem_needed_works big.elf
}

@test "the size a 'too small' message names is enough (image at 4 GiB)" {
	mkelf outside-ram
	mem_needed_works outside-ram.elf
}

@test "--mem not a multiple of 4 KiB: 125, naming the size given" {
	run --separate-stderr lpar run --mem 67108865 "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --partial "is not a multiple of 4 KiB"
	# 64 MiB + 1 byte, which must not be shown as "64.0 MiB".
	assert_stderr --partial "67108865"
}

@test "--mem more than 64 GiB: 125" {
	run --separate-stderr lpar run --mem 65G "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot load '$EX/hello.elf': memory size 65 GiB is more than the 64 GiB a partition can have"
	run --separate-stderr lpar run --mem $(((64 << 30) + 4096)) "$EX/hello.elf"
	assert_failure 125
	assert_stderr --partial "is more than the 64 GiB a partition can have"
}

# ---- --name ----------------------------------------------------------------

@test "--name is what the partition sees" {
	run --separate-stderr lpar run --name web-1.a_b "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'web-1.a_b' (64 MiB, hcall ABI 1)"
}

@test "--name of 64 characters is valid" {
	local n
	n=$(printf 'a%.0s' {1..64})
	run --separate-stderr lpar run -n "$n" "$EX/hello.elf"
	assert_success
	assert_line --index 0 "Hello from partition '$n' (64 MiB, hcall ABI 1)"
}

@test "the default name comes from the image's file name" {
	cp "$EX/hello.elf" "my app.elf"
	run --separate-stderr lpar run "my app.elf"
	assert_success
	assert_line --index 0 "Hello from partition 'my-app' (64 MiB, hcall ABI 1)"
}

name_error() {
	usage_error "invalid partition name '$2': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit" \
		--name "$1" "$EX/hello.elf"
}

@test "--name a/b is a usage error" {
	name_error a/b a/b
}

@test "--name -x is a usage error" {
	name_error -x -x
}

@test "--name of 65 characters is a usage error" {
	local n
	n=$(printf 'a%.0s' {1..65})
	name_error "$n" "$n"
}

@test "--name '' is a usage error" {
	name_error "" ""
}

@test "--name with a control character is a usage error, shown escaped" {
	name_error $'a\x1bb' 'a\x1bb'
}

@test "an unknown option, a memory size or a long channel with control characters is shown escaped" {
	usage_error "unknown option '--x\x1b]0;owned\x07'" $'--x\e]0;owned\a' "$EX/hello.elf"
	usage_error "invalid memory size '1\x1b[2J': expected a number with an optional K, M, G or T suffix" \
		--mem $'1\e[2J' "$EX/hello.elf"
	usage_error "channel '\x1b[2J$(printf 'a%.0s' {1..36})...' is too long" \
		--chan $'\e[2J'"$(printf 'a%.0s' {1..200})" "$EX/hello.elf"
}

# ---- other options ---------------------------------------------------------

@test "--mem given twice is a usage error" {
	usage_error "option '--mem' given twice" --mem 64M -m 64M "$EX/hello.elf"
}

@test "--name given twice is a usage error" {
	usage_error "option '--name' given twice" --name a --name=b "$EX/hello.elf"
}

@test "an unknown long option is a usage error" {
	usage_error "unknown option '--bogus'" --bogus "$EX/hello.elf"
}

@test "an unknown short option is a usage error" {
	usage_error "unknown option '-z'" -z "$EX/hello.elf"
}

@test "an unknown short option in a cluster is named, not the word before it" {
	usage_error "unknown option '-z'" -zq "$EX/hello.elf"
}

@test "no image is a usage error" {
	usage_error "no image given"
	usage_error "no image given" --mem 64M --
}

@test "lpar run --help prints the usage on stdout" {
	run --separate-stderr lpar run --help
	assert_success
	assert_stderr ""
	assert_line --index 0 "$RUN_USAGE"
	assert_line --partial "--mem SIZE"
	assert_line --partial "--name NAME"
	local help=$output
	run --separate-stderr lpar run -h
	assert_success
	assert_output "$help"
	run --separate-stderr lpar help run
	assert_success
	assert_output "$help"
}

# ---- console ---------------------------------------------------------------

@test "console input: a pipe is echoed by cat" {
	feed() { printf 'abc\ndef\n' | timeout "$(slow 20)" lpar run "$EX/cat.elf"; }
	run --separate-stderr feed
	assert_success
	assert_output $'abc\ndef'
	assert_stderr ""
}

@test "console input: 300 KB of binary data from a file come through intact" {
	head -c 300000 /dev/urandom >in.bin
	timeout "$(slow 20)" lpar run "$EX/cat.elf" <in.bin >out.bin 2>err || fail "status $?: $(cat err)"
	assert_equal "$(cat err)" ""
	cmp in.bin out.bin
}

@test "console input: /dev/null is an empty input" {
	run --separate-stderr timeout "$(slow 20)" lpar run "$EX/cat.elf" </dev/null
	assert_success
	assert_output ""
	assert_stderr ""
}

@test "console input: a closed stdin is an empty input, not some other file" {
	# Not under 'run': bash would give its capture pipe fd 0.
	timeout "$(slow 20)" lpar run "$EX/cat.elf" <&- >out 2>err || fail "status $?: $(cat err)"
	assert_equal "$(cat err)" ""
	[ ! -s out ] || fail "output from a closed input: $(head -c 64 out | od -c | head -3)"
}

@test "sleep 100 sleeps at least 100 ms by the partition's own clock" {
	run --separate-stderr lpar run "$EX/sleep.elf" 100
	assert_success
	assert_output --regexp '^slept [0-9]+ ms \(wall clock [0-9]+ s since the Epoch\)$'
	[[ $output =~ ^slept\ ([0-9]+)\ ms ]]
	[ "${BASH_REMATCH[1]}" -ge 100 ] || fail "slept only ${BASH_REMATCH[1]} ms"
}

# ---- hcalls and the boot protocol (tests/guests) ---------------------------

@test "hcalls: ABI version, unknown numbers, bad buffers, nothing waiting" {
	need_guest hcalls
	mkfifo in
	exec {hold}<>in # a writer that never writes: input stays open and empty
	run --separate-stderr timeout "$(slow 20)" lpar run "$GUESTS/hcalls.elf" <in
	exec {hold}>&-
	refute_line --partial "FAIL"
	assert_line "ok: abi_version = 1"
	assert_line "ok: hcall 63 (last reserved) = -38"
	assert_line "ok: hcall 1000 = -38"
	assert_line "ok: console_write past the end of RAM = -14"
	assert_line "ok: console_read with nothing waiting = -11"
	assert_success
	assert_stderr ""
}

@test "hcall buffers cannot reach memory the partition itself cannot" {
	need_guest hcallmem
	run --separate-stderr timeout "$(slow 20)" lpar run "$GUESTS/hcallmem.elf" < <(printf XYZ)
	refute_line --partial "FAIL"
	assert_line "ok: console_read into read-only data = -14"
	assert_line "ok: console_read into the monitor's memory = -14"
	assert_line "ok: input intact = 0"
	assert_success
}

@test "boot info: magic, memory, heap, stack, arguments, name" {
	need_guest bootinfo
	local -A bi
	local l

	run --separate-stderr lpar run --mem 128M --name bi-1 "$GUESTS/bootinfo.elf" a "b c"
	assert_success
	assert_stderr ""
	for l in "${lines[@]}"; do
		bi[${l%%=*}]=${l#*=}
	done
	assert_equal "${bi[magic]}" 0x5241504c
	assert_equal "${bi[abi_version]}" 1
	assert_equal "${bi[mem_size]}" $((128 << 20))
	assert_equal "${bi[stack_top]}" "${bi[mem_size]}"
	assert_equal "${bi[name]}" bi-1
	assert_equal "${bi[argc]}" 3
	assert_equal "${bi[main_argc]}" 3
	assert_equal "${bi[argv.0]}" "$GUESTS/bootinfo.elf"
	assert_equal "${bi[argv.1]}" a
	assert_equal "${bi[argv.2]}" "b c"
	assert_equal "${bi[cmdline]}" "$GUESTS/bootinfo.elf a b c"
	assert_equal "${bi[argv_matches]}" yes
	assert_equal "${bi[envp_empty]}" yes
	assert_equal "${bi[at_pagesz]}" 4096
	assert_equal "${bi[at_entry_matches]}" yes
	assert_equal "${bi[stack_in_range]}" yes
	# The heap starts page-aligned past the image, ends below the stack,
	# and both its ends were written by the partition without a fault.
	[ $((bi[heap_start] % 4096)) -eq 0 ] || fail "heap_start ${bi[heap_start]} is not page-aligned"
	[ "${bi[heap_start]}" -ge "${bi[image_end]}" ] || fail "heap_start ${bi[heap_start]} is inside the image (ends ${bi[image_end]})"
	[ "${bi[heap_start]}" -lt "${bi[heap_end]}" ] || fail "empty heap: ${bi[heap_start]}..${bi[heap_end]}"
	[ "${bi[heap_end]}" -le $((bi[stack_top] - bi[stack_size])) ] || fail "heap_end ${bi[heap_end]} overlaps the stack"
}

# ---- stop signals and a closed output --------------------------------------

# Starts "$LPAR_BIN run ARGS" in the background with console input from a
# FIFO that stays open and empty, output to out and err; sets pid and hold.
start_lpar() {
	mkfifo in
	exec {hold}<>in
	"$LPAR_BIN" run "$@" <in >out 2>err 3>&- &
	pid=$!
}

# Whether process $1 is running (not gone, not a zombie).
alive() {
	local s
	s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$s" ] && [ "$s" != Z ]
}

# Whether lpar has its handlers for the stop signals, or has ended.
handlers_or_ended() {
	local cgt

	alive "$pid" || return 0
	cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	(((0x${cgt:-0} & 0x4003) == 0x4003)) # SIGHUP, SIGINT, SIGTERM
}

# Waits (up to 20 s; see slow) until lpar has its handlers for the stop signals.
wait_handlers() {
	within 20 handlers_or_ended || fail "lpar never set up its signal handlers"
	alive "$pid" || fail "lpar ended early: $(cat err)"
}

# Whether process $1 sleeps, for example blocked on its output.
asleep() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]
}

# Sends signal $1 and waits (up to 20 s; see slow) for lpar to end; sets status.
stop_lpar() {
	kill -s "$1" "$pid"
	if ! within 20 dead "$pid"; then
		kill -s KILL "$pid"
		wait "$pid" || true
		exec {hold}>&-
		fail "lpar did not stop on SIG$1"
	fi
	status=0
	wait "$pid" || status=$?
	exec {hold}>&-
}

# Runs cat in the background, checks it echoes a line, then stops it.
stop_cat_with() {
	start_lpar "$EX/cat.elf"
	wait_handlers
	echo ready >&"$hold"
	poll -t 20 "cat to echo the line" has_line out ready
	assert_equal "$(cat out)" ready
	stop_lpar "$1"
}

@test "SIGTERM stops a partition waiting for input: 143" {
	snapshot
	stop_cat_with TERM
	assert_equal "$status" 143
	assert_equal "$(cat err)" "lpar: partition 'cat' stopped by SIGTERM"
	rm in out err
	assert_nothing_left
}

@test "SIGINT stops a partition waiting for input: 130" {
	snapshot
	stop_cat_with INT
	assert_equal "$status" 130
	assert_equal "$(cat err)" "lpar: partition 'cat' stopped by SIGINT"
	rm in out err
	assert_nothing_left
}

@test "SIGHUP stops a partition waiting for input: 129" {
	snapshot
	stop_cat_with HUP
	assert_equal "$status" 129
	assert_equal "$(cat err)" "lpar: partition 'cat' stopped by SIGHUP"
	rm in out err
	assert_nothing_left
}

@test "SIGTERM stops a partition that is computing: 143" {
	snapshot
	start_lpar "$EX/compute.elf" 1000000
	wait_handlers
	stop_lpar TERM
	assert_equal "$status" 143
	assert_equal "$(cat err)" "lpar: partition 'compute' stopped by SIGTERM"
	assert_equal "$(cat out)" ""
	rm in out err
	assert_nothing_left
}

@test "SIGTERM stops a partition whose output nobody reads: 143" {
	need_guest spam
	snapshot
	mkfifo in out
	exec {hold}<>in
	exec {outfd}<>out # keeps the output FIFO open, never reads it
	"$LPAR_BIN" run "$GUESTS/spam.elf" <in >out 2>err 3>&- &
	pid=$!
	wait_handlers
	poll -t 20 "lpar to block on its output" asleep "$pid"
	stop_lpar TERM
	exec {outfd}>&-
	assert_equal "$status" 143
	assert_equal "$(cat err)" "lpar: partition 'spam' stopped by SIGTERM"
	rm in out err
	assert_nothing_left
}

@test "console output that cannot be written is reported, and a 0 becomes 1" {
	# (run captures stdout, so the redirection happens in a shell of its own)
	run --separate-stderr sh -c 'lpar run "$1" >/dev/full' sh "$EX/hello.elf"
	assert_failure 1
	assert_stderr "lpar: cannot write the console output of partition 'hello': No space left on device"
	# A partition's own failure status stays as it was.
	run --separate-stderr sh -c 'lpar run "$1" x >/dev/full' sh "$EX/exitcode.elf"
	assert_failure 255
	assert_stderr "lpar: cannot write the console output of partition 'exitcode': No space left on device"
	# The same with --trace, where lpar forwards the console itself.
	run --separate-stderr sh -c 'lpar run --trace=t.out "$1" >/dev/full' sh "$EX/hello.elf"
	assert_failure 1
	assert_stderr "lpar: cannot write the console output of partition 'hello': No space left on device"
	grep -qE '^\+[0-9.]+ \+\+\+ exited with 0 \+\+\+$' t.out || fail "the trace: $(cat t.out)"
}

@test "a closed output pipe ends a partition that writes forever: 141, quietly" {
	need_guest spam
	spam_head() {
		timeout "$(slow 20)" lpar run "$GUESTS/spam.elf" 2>err | head -c 100000 >/dev/null
		return "${PIPESTATUS[0]}"
	}
	run spam_head
	assert_failure 141
	assert_equal "$(cat err)" ""
	assert_no_process_left
}

@test "lpar run hello.elf | true ends without a hang or a message" {
	hello_true() {
		timeout "$(slow 20)" lpar run "$EX/hello.elf" 2>err | true
		return "${PIPESTATUS[0]}"
	}
	run hello_true
	# 0 if hello wrote before true exited, 141 if after.
	[[ $status == 0 || $status == 141 ]] || fail "status $status"
	assert_equal "$(cat err)" ""
	assert_no_process_left
}

# ---- bad inputs: each with its message, 125, and nothing left behind --------

@test "bad input: a missing file" {
	bad_image "lpar: cannot load 'missing.elf': No such file or directory" missing.elf
}

@test "bad input: a directory" {
	mkdir dir
	bad_image "lpar: cannot load 'dir': it is a directory, not a regular file" dir
}

@test "bad input: a FIFO is refused at once, not opened and waited on" {
	mkfifo fifo.elf
	snapshot
	# The timeout only keeps a hang (the defect) from stopping the suite.
	run --separate-stderr timeout "$(slow 20)" lpar run fifo.elf
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot load 'fifo.elf': it is a FIFO, not a regular file"
	assert_nothing_left
	run --separate-stderr timeout "$(slow 20)" lpar run -d fifo.elf
	assert_failure 125
	assert_stderr "lpar: cannot load 'fifo.elf': it is a FIFO, not a regular file"
	assert_nothing_left
}

@test "bad input: a device is refused as not a regular file" {
	bad_image "lpar: cannot load '/dev/null': it is a character device, not a regular file" /dev/null
}

@test "bad input: a text file" {
	echo 'not an image' >notes.txt
	bad_image "lpar: cannot load 'notes.txt': not an ELF file" notes.txt
}

@test "bad input: an empty file" {
	: >empty.elf
	bad_image "lpar: cannot load 'empty.elf': not an ELF file" empty.elf
}

@test "bad input: /bin/true, a dynamically linked PIE (ET_DYN)" {
	bad_image "lpar: cannot load '/bin/true': a dynamically linked program cannot run in a partition: it needs a static one (link with -static)" \
		/bin/true
}

@test "bad input: a 32-bit ELF" {
	mkelf elf32
	bad_image "lpar: cannot load 'elf32.elf': not a 64-bit ELF file (ELFCLASS32)" elf32.elf
}

@test "bad input: a big-endian ELF" {
	mkelf bigendian
	bad_image "lpar: cannot load 'bigendian.elf': not a little-endian ELF file" bigendian.elf
}

@test "bad input: an AArch64 ELF" {
	mkelf machine
	bad_image "lpar: cannot load 'machine.elf': not an x86-64 image (e_machine 183)" machine.elf
}

@test "bad input: ET_DYN without a dynamic section cannot be relocated" {
	mkelf dyn
	bad_image "lpar: cannot load 'dyn.elf': a position-independent image without a dynamic section cannot be relocated: link with -static -no-pie" \
		dyn.elf
}

@test "bad input: a relocatable object (ET_REL)" {
	mkelf rel
	bad_image "lpar: cannot load 'rel.elf': not an executable (e_type 1)" rel.elf
}

@test "bad input: PT_INTERP" {
	mkelf interp
	bad_image "lpar: cannot load 'interp.elf': a dynamically linked program cannot run in a partition: it needs a static one (link with -static)" \
		interp.elf
}

@test "bad input: file cut short inside the program headers" {
	mkelf truncated
	snapshot
	run --separate-stderr lpar run truncated.elf
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot load 'truncated.elf': .*\(truncated file\?\)\$"
	assert_nothing_left
}

@test "bad input: file cut short inside a segment" {
	mkelf truncated-seg
	bad_image "lpar: cannot load 'truncated-seg.elf': segment 0 runs past the end of the file (truncated file?)" \
		truncated-seg.elf
}

@test "bad input: a segment at 4 GiB, past partition memory" {
	mkelf outside-ram
	snapshot
	run --separate-stderr lpar run outside-ram.elf
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot load 'outside-ram.elf': memory size 64 MiB is too small for this image, which needs at least [0-9]+ MiB\$"
	assert_nothing_left
}

@test "bad input: a segment below 1 MiB" {
	mkelf low
	bad_image "lpar: cannot load 'low.elf': segment 0 starts at 0x1000, inside the monitor's reserved memory below 0x100000" \
		low.elf
}

@test "bad input: overlapping segments" {
	mkelf overlap
	bad_image "lpar: cannot load 'overlap.elf': segments 0 and 1 overlap at 0x101000" overlap.elf
}

@test "bad input: entry point in a segment that is not executable" {
	mkelf entry-outside
	bad_image "lpar: cannot load 'entry-outside.elf': entry point 0x101000 is not inside an executable segment" \
		entry-outside.elf
}

@test "bad input: a writable and executable segment" {
	mkelf wx
	bad_image "lpar: cannot load 'wx.elf': segment 0 is both writable and executable (W^X policy)" wx.elf
}

@test "bad input: code and data sharing a page" {
	mkelf shared-page-wx
	bad_image "lpar: cannot load 'shared-page-wx.elf': segments 0 and 1 share the page at 0x100000, making it writable and executable (W^X policy)" \
		shared-page-wx.elf
}

@test "bad input: more file bytes than memory bytes" {
	mkelf filesz
	bad_image "lpar: cannot load 'filesz.elf': segment 0 has more file bytes (0x100) than memory bytes (0x10)" \
		filesz.elf
}

@test "bad input: no loadable segment" {
	mkelf noload
	bad_image "lpar: cannot load 'noload.elf': no loadable segments" noload.elf
}

@test "bad input: a segment whose address range overflows" {
	mkelf overflow
	bad_image "lpar: cannot load 'overflow.elf': segment 0 has an address range that overflows" overflow.elf
}

@test "bad input: 65 segments, one more than a partition can have" {
	mkelf many
	snapshot
	run --separate-stderr lpar run many.elf
	assert_failure 125
	assert_output ""
	assert_stderr --regexp "^lpar: cannot (load 'many.elf'|start partition 'many'): too many segments \(65; at most 64\)\$"
	assert_nothing_left
}

@test "mkelf's valid images run: ok exits 7, big exits 7 with 256M" {
	mkelf ok
	mkelf big
	run --separate-stderr lpar run ok.elf
	assert_failure 7
	assert_stderr ""
	run --separate-stderr lpar run --mem 256M big.elf
	assert_failure 7
	assert_stderr ""
}

@test "mkelf writes the same bytes every time" {
	need_mkelf
	local k
	for k in ok elf32 bigendian machine dyn rel interp truncated truncated-seg outside-ram low \
		overlap entry-outside wx shared-page-wx filesz noload overflow big many; do
		"$TOOLS/mkelf" "$k" a.elf
		"$TOOLS/mkelf" "$k" b.elf
		cmp a.elf b.elf || fail "mkelf $k is not deterministic"
	done
}

@test "no KVM device with --accel kvm: 125 and what to do" {
	snapshot
	LPAR_KVM_DEVICE=/nonexistent run --separate-stderr lpar run --accel kvm "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition 'hello': cannot open /nonexistent: No such file or directory (is KVM available? enable virtualization in the firmware and load kvm_intel or kvm_amd; --accel tcg runs without it; lpar host-check says more)"
	assert_nothing_left
}

@test "no permission on the KVM device with --accel kvm: 125 and the kvm group" {
	snapshot
	if [ "$(id -u)" = 0 ]; then
		# Root opens any device: lpar runs as nobody, with a run directory
		# and an image of its own, on a character device only root may
		# open, as /dev/kvm (root:kvm 0660) is to a user outside 'kvm'.
		local nb left
		nb=$(mktemp -d /tmp/lpar-nobody.XXXXXX)
		[ -n "$nb" ] || fail "mktemp failed"
		cp "$EX/hello.elf" "$nb/hello.elf"
		mknod -m 600 "$nb/kvm" c 1 3
		chown 65534:65534 "$nb" "$nb/hello.elf"
		dev=$nb/kvm
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
			env LPAR_RUNDIR="$nb/run" LPAR_KVM_DEVICE="$dev" \
			"$LPAR_BIN" run --accel kvm "$nb/hello.elf"
		left=$(ls "$nb/run" 2>/dev/null)
		rm -rf "$nb"
		assert_equal "$left" ""
	else
		dev=$WORK/kvm
		: >"$dev"
		chmod 000 "$dev"
		snapshot
		LPAR_KVM_DEVICE=$dev run --separate-stderr lpar run --accel kvm "$EX/hello.elf"
	fi
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition 'hello': cannot open $dev: Permission denied (add your user to the group that owns $dev, usually 'kvm', or run as root)"
	assert_nothing_left
}

@test "bad input: control characters in the image path are escaped" {
	echo text >$'evil\x1b[2J.elf'
	bad_image "lpar: cannot load 'evil\\x1b[2J.elf': not an ELF file" $'evil\x1b[2J.elf'
}

@test "bad input: control characters in a missing image's path are escaped" {
	bad_image "lpar: cannot load 'gone\\x07.elf': No such file or directory" $'gone\x07.elf'
}
