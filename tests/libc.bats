#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The partition's C library, proved by comparison: ordinary C programs
# (tests/libc/*.c) built as unmodified static musl binaries print the same
# bytes and end with the same status natively, in a partition as they are,
# and in a partition when built with lpar-cc.
#
# What the Makefile builds (make check), for every tests/libc/X.c:
#   tests/libc/X.native  musl-gcc -static -no-pie -O2 X.c -o X.native
#                        (the unmodified Linux binary; run natively and by lpar)
#   tests/libc/X.elf     ./lpar-cc -O2 X.c -o X.elf  (the lpar SDK)
# No -lm is needed: musl's libc.a holds the maths functions.
#
# Natively a program runs as 'X.native ARGS >out 2>&1', so stdout and stderr
# meet in one file in the order they were written; in a partition both go
# to the console, which is lpar's stdout, and lpar's own stderr stays empty.
# The programs print nothing that differs between runs or systems (no
# addresses, times, pids or argv[0]), so the outputs must be identical.

bats_require_minimum_version 1.5.0

LIBC=$ROOT/tests/libc
MEM=128M
# How long one run may take before it counts as hung.
LIMIT=$(slow 60)

setup() {
	test_env_setup || return 1
}

teardown() {
	remove_partitions_and_check
}

# ---- helpers -----------------------------------------------------------------

# need_built NAME: tests/libc/NAME.native and NAME.elf exist.
need_built() {
	local f

	for f in "$LIBC/$1.native" "$LIBC/$1.elf"; do
		[ -x "$f" ] ||
			fail "${f#"$ROOT"/} is missing: the Makefile builds it from tests/libc/$1.c (make check does)"
	done
}

# native OUT COMMAND...: runs COMMAND with stdout and stderr in OUT, without
# a core dump; sets RC.  (Not under timeout, which would report a core dump
# on its stderr, in OUT; the shell's own "Aborted" notice goes nowhere.)
native() {
	local out=$1

	shift
	RC=0
	{
		(
			ulimit -c 0
			exec "$@"
		) >"$out" 2>&1 </dev/null || RC=$?
	} 2>/dev/null
}

# partition OUT IMAGE [ARG...]: runs IMAGE in a partition of $MEM with the
# options in LPAR_OPTS; its console in OUT, lpar's stderr in OUT.err; sets RC.
partition() {
	local out=$1

	shift
	RC=0
	timeout -k "$(slow 5)" "$LIMIT" lpar run -m "$MEM" "${LPAR_OPTS[@]}" -- "$@" \
		>"$out" 2>"$out.err" </dev/null || RC=$?
	[ "$RC" != 124 ] || fail "lpar run ${1##*/} did not end within $LIMIT s"
}

# The runs of one program, by same_everywhere: natively (native.out), its
# .native in a partition (native-part.out), its .elf in one (elf-part.out).
# NATIVE_ENV is a command prefix for the native run (e.g. env -i A=1);
# LPAR_OPTS, options for lpar run.
NATIVE_ENV=()
LPAR_OPTS=()

# same_everywhere NAME [ARG...]: runs tests/libc/NAME natively and in
# partitions (see above) and asserts that the three outputs are the same
# bytes and the three exit statuses the same.
same_everywhere() {
	local name=$1 nrc

	shift
	need_built "$name"
	native native.out "${NATIVE_ENV[@]}" "$LIBC/$name.native" "$@"
	nrc=$RC
	partition native-part.out "$LIBC/$name.native" "$@"
	compare_run "lpar run $name.native" native-part.out "$nrc"
	partition elf-part.out "$LIBC/$name.elf" "$@"
	compare_run "lpar run $name.elf" elf-part.out "$nrc"
	NATIVE_STATUS=$nrc
}

# same_status N NAME [ARG...]: same_everywhere, and the status is N.
same_status() {
	local want=$1

	shift
	same_everywhere "$@"
	[ "$NATIVE_STATUS" = "$want" ] ||
		fail "natively $1 ended with $NATIVE_STATUS, not $want: the test is wrong"
}

# same_with_env [NAME=VALUE...] -- PROGRAM [ARG...]: same_everywhere with
# exactly these environment variables: 'env -i' natively, --env for lpar.
# LPARTEST_LEAK is set in lpar's own environment, which the partition must
# not see.
same_with_env() {
	NATIVE_ENV=(env -i)
	LPAR_OPTS=()
	while [ "$1" != -- ]; do
		NATIVE_ENV+=("$1")
		LPAR_OPTS+=(--env "$1")
		shift
	done
	shift
	export LPARTEST_LEAK=from-the-host
	same_everywhere "$@"
}

# aborts_everywhere NAME [ARG...]: NAME ends in abort(): natively with status
# 134 (SIGABRT); in partitions lpar reports the crash, naming SIGABRT, with
# status 126; the console has the same bytes as the native output.
aborts_everywhere() {
	local name=$1 img

	shift
	need_built "$name"
	native native.out "$LIBC/$name.native" "$@"
	[ "$RC" = 134 ] || fail "natively $name ended with $RC, not 134 (SIGABRT)"
	for img in native elf; do
		partition "$img-part.out" "$LIBC/$name.$img" "$@"
		[ "$RC" = 126 ] ||
			fail "lpar run $name.$img: exit status $RC, not 126 (crashed); stderr: $(cat -v "$img-part.out.err")"
		grep -q '^lpar: .*SIGABRT' "$img-part.out.err" ||
			fail "lpar run $name.$img: no message naming SIGABRT on stderr: $(cat -v "$img-part.out.err")"
		same_bytes "lpar run $name.$img's output" native.out "$img-part.out"
	done
}

# ---- printf, strings, sorting, parsing -------------------------------------

@test "printf: every conversion, flag, width, precision and length modifier" {
	same_status 0 printf
}

@test "strings: string.h, strerror, strsignal and ctype.h" {
	same_status 0 strings
}

# by_accel KVM TCG: the size of a heavy run for this run's accelerator.
# Under TCG every store takes libunicorn 2.0.1's slow path
# (docs/design.md), so the store-heavy programs do less there.
by_accel() {
	if [ "$(accel_current)" = tcg ]; then
		echo "$2"
	else
		echo "$1"
	fi
}

@test "sort: qsort and bsearch on ints, strings and records" {
	same_status 0 sort "$(by_accel 20000 5000)"
}

@test "sort: another size and seed" {
	same_status 0 sort 3001 99
}

@test "strtod: strtod, strtof, strtold, strtol and friends, atoi, atof" {
	same_status 0 strtod
}

# ---- memory ------------------------------------------------------------------

@test "longdouble: musl's long double functions give the same bits (x87 run exactly)" {
	same_status 0 longdouble
}

@test "malloc: thousands of blocks from a byte to MiBs, checked and freed" {
	same_status 0 malloc "$(by_accel 8000 2000)"
}

@test "malloc: a shorter run with another seed" {
	same_status 0 malloc "$(by_accel 3000 1000)" 7
}

# ---- clocks and calendar -------------------------------------------------------

@test "time: clocks move forward, sleeps last long enough, calendar is right" {
	same_status 0 time
}

# ---- arguments and environment ---------------------------------------------

@test "args: none" {
	same_status 0 args
}

@test "args: empty, spaced, non-ASCII, tab, option-like" {
	same_status 0 args one "two words" "" "héllo wörld" $'tab\there' -- --mem 1G -x
}

@test "args: a long one and many" {
	local long many=()

	long=$(printf 'abcdefghij%.0s' {1..400})
	for ((i = 0; i < 300; i++)); do
		many+=("arg$i")
	done
	same_status 0 args "$long" "${many[@]}" "$long"
}

@test "env: variables given, unset, empty, with '=' in the value; setenv, putenv, unsetenv" {
	same_with_env LPARTEST_A=1 'LPARTEST_B=x y' LPARTEST_E= 'LPARTEST_EQ=a=b' -- env LPARTEST_A LPARTEST_B LPARTEST_C LPARTEST_E LPARTEST_EQ LPARTEST_LEAK
}

@test "env: an empty environment" {
	same_with_env -- env LPARTEST_A LPARTEST_LEAK
}

# ---- how a program ends ------------------------------------------------------

@test "exit: return 0 from main runs atexit handlers and flushes stdout" {
	same_status 0 exit return 0
}

@test "exit: return 3 from main" {
	same_status 3 exit return 3
}

@test "exit: exit(42) from a nested call" {
	same_status 42 exit exit 42
}

@test "exit: exit(259) ends with status 3" {
	same_status 3 exit exit 259
}

@test "exit: _Exit(7) runs no handler and drops buffered output" {
	same_status 7 exit _Exit 7
}

@test "exit: quick_exit(9) runs only at_quick_exit handlers" {
	same_status 9 exit quick 9
}

@test "exit: a handler registered while exiting runs next" {
	same_status 5 exit nested 5
}

@test "exit: 100 KiB still buffered at exit is flushed" {
	same_status 0 exit big 0
}

@test "exit: stdout and stderr interleave in the order written" {
	same_status 1 exit stderr 1
}

@test "exit: an unknown mode returns 98" {
	same_status 98 exit bogus
}

@test "abort: flushed output is kept, the crash names SIGABRT" {
	aborts_everywhere abort flushed
}

@test "abort: buffered output is lost, stderr is not" {
	aborts_everywhere abort buffered
}

# ---- checksums, against the system's tools ---------------------------------

@test "sha256: the standard's examples" {
	same_status 0 sha256 test
}

@test "sha256: 4 MiB hashed, as sha256sum hashes the same bytes" {
	same_status 0 sha256 hash
	native data "$LIBC/sha256.native" data
	sha256sum <data >want
	same_bytes "sha256 hash against sha256sum" want native.out
}

@test "sha256: an odd length, as sha256sum hashes it" {
	same_status 0 sha256 hash 1000003 5
	native data "$LIBC/sha256.native" data 1000003 5
	sha256sum <data >want
	same_bytes "sha256 hash against sha256sum" want native.out
}

@test "sha256: 1 MiB of binary data comes out of the console unchanged" {
	same_status 0 sha256 data 1048576 9
	sha256sum <native.out >want
	native got "$LIBC/sha256.native" hash 1048576 9
	same_bytes "sha256sum of the data against sha256 hash" want got
}

@test "cksum: known values" {
	same_status 0 cksum test
}

@test "cksum: the CRC of 4 MiB, as cksum computes it" {
	same_status 0 cksum crc
	native data "$LIBC/cksum.native" data
	cksum <data >want
	same_bytes "cksum crc against cksum" want native.out
}

@test "cksum: the CRC of an odd length, as cksum computes it" {
	same_status 0 cksum crc 777777 3
	native data "$LIBC/cksum.native" data 777777 3
	cksum <data >want
	same_bytes "cksum crc against cksum" want native.out
}

@test "cksum: Adler-32" {
	same_status 0 cksum adler 2000000 4
}

# ---- computation ---------------------------------------------------------------

@test "nbody: the benchmark's energies" {
	same_status 0 nbody
	assert_equal "$(head -n 2 native.out)" $'-0.169075164\n-0.169087605'
}

@test "nbody: 200000 steps" {
	same_status 0 nbody 200000
}

@test "spectral: the benchmark's norm" {
	same_status 0 spectral
	assert_equal "$(cat native.out)" "1.274219991"
}

@test "spectral: N 1000" {
	same_status 0 spectral 1000
}

@test "fannkuch: the benchmark's checksum and flips" {
	same_status 0 fannkuch
	assert_equal "$(head -n 2 native.out)" $'228\nPfannkuchen(7) = 16'
}

@test "fannkuch: N 9" {
	same_status 0 fannkuch 9
}
