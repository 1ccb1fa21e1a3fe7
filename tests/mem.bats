#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar mem: reading, writing, dumping, loading and searching a real
# partition's memory, its map and its symbols, through the memory window and
# through the control tree's mem file; every bad input the issue names.
# Each test has its own run directory and leaves no partition and no
# process behind.

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup || return 1
	HELLO=$EX/hello.elf
	SLEEP=$EX/sleep.elf
}

teardown() {
	remove_partitions_and_check
}

# ---- helpers -----------------------------------------------------------------

# Starts a detached partition: start NAME IMAGE [ARG...].
start() {
	local name=$1

	shift
	run lpar run -d --name "$name" "$@"
	assert_success
	assert_output "$name"
}

# Creates a partition that is loaded but not started: create NAME IMAGE.
create() {
	run lpar create --name "$1" "$2"
	assert_success
	assert_output "$1"
}

# nm_addr IMAGE SYMBOL: the symbol's address, as 0x hex.
nm_addr() {
	nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1; exit }' | sed 's/^0x0*/0x/'
}

# file_bytes IMAGE ADDR LEN OUT: the bytes a LOAD segment puts at ADDR, from the file.
file_bytes() {
	local off vaddr filesz
	while read -r off vaddr filesz; do
		if (($2 >= vaddr && $2 < vaddr + filesz)); then
			dd if="$1" of="$4" bs=1 skip=$((off + $2 - vaddr)) count="$3" status=none
			return
		fi
	done < <(readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }')
	fail "no LOAD segment of $1 holds $2"
}

# section IMAGE NAME: the section's address and size, as 0x hex.
section() {
	readelf -SW "$1" | awk -v s="$2" '
		{ for (i = 1; i < NF; i++) if ($i == s) { print "0x" $(i + 2), "0x" $(i + 4); exit } }'
}

# ---- reading -----------------------------------------------------------------

@test "read shows the boot info magic 'LPAR' at 0x1000, as hexdump -C would" {
	create h "$HELLO"
	run --separate-stderr lpar mem h read 0x1000 16
	assert_success
	assert_stderr ""
	assert_line --index 0 "00001000  4c 50 41 52 01 00 00 00  00 00 00 04 00 00 00 00  |LPAR............|"
	assert_line --index 1 "00001010"
	[ "${#lines[@]}" -eq 2 ] || fail "expected two lines: $output"
	run lpar mem h read 0x1000 4 --format x4
	assert_success
	assert_output "00001000: 5241504c"
	lpar mem h read 4096 4 --format raw >magic
	[ "$(cat magic)" = LPAR ] || fail "raw read gave '$(cat magic)'"
	# The boot info says how much RAM there is: 64 MiB by default.
	run lpar mem h read 0x1008 8 --format x8
	assert_output "00001008: 0000000004000000"
}

@test "read of a symbol of examples/hello.elf gives the image's bytes; sym goes both ways" {
	create h "$HELLO"
	local main size
	main=$(nm_addr "$HELLO" main)
	size=$((0x$(nm -S "$HELLO" | awk '$4 == "main" { print $2 }')))
	[ -n "$main" ] && [ "$size" -gt 0 ] || fail "nm found no main in $HELLO"
	# A bare symbol reads its own size.
	lpar mem h read main --format raw >got
	file_bytes "$HELLO" "$main" "$size" want
	cmp got want
	lpar mem h read main+4 8 --format raw >got4
	file_bytes "$HELLO" $((main + 4)) 8 want4
	cmp got4 want4
	run lpar mem h sym main
	assert_success
	assert_output "$main <main>"
	run lpar mem h sym $((main + 4))
	assert_success
	assert_output "$(printf '0x%x <main+0x4>' $((main + 4)))"
	run lpar mem h sym main+0x4
	assert_output "$(printf '0x%x <main+0x4>' $((main + 4)))"
	run lpar -j mem h sym $((main + 4))
	assert_success
	[ "$(jq -r '.[0].name' <<<"$output")" = main ]
	[ "$(jq -r '.[0].offset' <<<"$output")" = 4 ]
	[ "$(jq -r '.[0].start' <<<"$output")" = $((main)) ]
	[ "$(jq -r '.[0].size' <<<"$output")" = "$size" ]
	[ "$(jq -r '.[0].type' <<<"$output")" = func ]
	# An address no symbol holds says where it is.
	run --separate-stderr lpar mem h sym 0x1000
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: no symbol at 0x1000 (boot info)"
}

@test "read formats: x1, x2, d4, s; a default length stops at the end of RAM" {
	start s "$SLEEP" 600000
	lpar pause s
	run lpar mem s write 0x200000 --format x4 0xfffffffe 7
	assert_success
	run lpar mem s read 0x200000 8 --format x1
	assert_output "00200000: fe ff ff ff 07 00 00 00"
	run lpar mem s read 0x200000 8 --format x2
	assert_output "00200000: fffe ffff 0007 0000"
	run lpar mem s read 0x200000 8 --format d4
	assert_output "00200000: -2 7"
	run lpar mem s write 0x200010 --format s "two words" "and	tab"
	assert_success
	run lpar mem s read 0x200010 --format s
	assert_success
	assert_output 'two words and\x09tab'
	# Repeated lines are squeezed like hexdump -C.
	run lpar mem s read 0x200100 64
	assert_success
	assert_line --index 1 "*"
	assert_line --index 2 "00200140"
	# No LEN: 64 bytes, or what is left before the end of RAM.
	run lpar mem s read 0x3fffff8
	assert_success
	assert_line --index 1 "04000000"
	[ "${#lines[@]}" -eq 2 ] || fail "expected one line of 8 bytes: $output"
	lpar resume s
	[ "$(state_of s)" = running ]
}

# ---- writing -----------------------------------------------------------------

@test "write to a paused partition reads back; the partition runs on afterwards" {
	start s "$SLEEP" 600000
	run lpar pause s
	assert_success
	run --separate-stderr lpar mem s write 0x200000 'de ad be ef' 01
	assert_success
	assert_output ""
	assert_stderr ""
	run lpar mem s read 0x200000 5 --format x1
	assert_output "00200000: de ad be ef 01"
	run lpar mem s write 0x200008 --format x8 0x1122334455667788
	assert_success
	run lpar mem s read 0x200008 8 --format x1
	assert_output "00200008: 88 77 66 55 44 33 22 11"
	run lpar mem s write 0x200010 --format d4 -- -5
	assert_success
	run lpar mem s read 0x200010 4 --format d4
	assert_output "00200010: -5"
	# From a file, and from standard input.
	printf 'file bytes' >f
	run lpar mem s write 0x200020 --file f
	assert_success
	printf 'stdin' | lpar mem s write 0x200030 --file -
	run lpar mem s read 0x200020 --format s
	assert_output "file bytes"
	run lpar mem s read 0x200030 5 --format raw
	assert_output "stdin"
	run lpar resume s
	assert_success
	[ "$(state_of s)" = running ]
}

@test "write to a running partition is refused without --force and changes nothing" {
	start s "$SLEEP" 600000
	run lpar mem s read 0x200000 4 --format x4
	assert_output "00200000: 00000000"
	run --separate-stderr lpar mem s write 0x200000 'ca fe ba be'
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: partition 's' is running: pause it first ('lpar pause s') or write anyway with --force"
	printf 'xyz' >f
	run --separate-stderr lpar mem s load f 0x200000
	assert_failure 1
	assert_stderr --partial "is running"
	run lpar mem s read 0x200000 4 --format x4
	assert_output "00200000: 00000000"
	run lpar mem --force s write 0x200000 'ca fe ba be'
	assert_success
	run lpar mem s read 0x200000 4 --format x4
	assert_output "00200000: bebafeca"
	[ "$(state_of s)" = running ]
}

@test "write to a created partition needs no --force and is seen once it starts" {
	# asleep for long enough to be read while it runs, however slow the host
	run lpar create --name s "$SLEEP" "$(slow 10000)"
	assert_success
	local env zero
	env=$(nm_addr "$SLEEP" __environ)
	zero=$(printf '%08x: %016x' $((env)) 0)
	run lpar mem s read __environ --format x8
	assert_output "$zero"
	run lpar mem s write 0x200000 'aa bb'
	assert_success
	run lpar start s
	assert_success
	run lpar mem s read 0x200000 2 --format x1
	assert_output "00200000: aa bb"
	# musl's start-up has set environ to the environment on the stack since it started.
	within 5 eval '[ "$(lpar mem s read __environ --format x8)" != "$zero" ]' || true
	run lpar mem s read __environ --format x8
	assert_output --regexp "^$(printf '%08x' $((env))): 0000000003ff[0-9a-f]{4}\$"
}

# ---- dump and load -------------------------------------------------------------

@test "dump and load make a round trip; dump is the image's bytes" {
	create h "$HELLO"
	local ro size
	read -r ro size < <(section "$HELLO" .rodata)
	[ -n "$ro" ] || fail "no .rodata in $HELLO"
	run --separate-stderr lpar mem h dump "$ro" 0x200 -o ro.bin
	assert_success
	assert_output ""
	assert_stderr ""
	file_bytes "$HELLO" "$ro" 512 want
	cmp ro.bin want
	run lpar mem h load ro.bin 0x300000
	assert_success
	run lpar mem h dump 0x300000 512 -o back.bin
	assert_success
	cmp ro.bin back.bin
	# -o - writes to standard output.
	lpar mem h dump 0x300000 512 -o - >stdout.bin
	cmp ro.bin stdout.bin
	# A megabyte, through more than one chunk.
	run lpar mem h dump 0x400000 1M -o big.bin
	assert_success
	[ "$(stat -c %s big.bin)" -eq 1048576 ]
	run lpar mem h load big.bin 0x1000000
	assert_success
	lpar mem h dump 0x1000000 1M -o big2.bin
	cmp big.bin big2.bin
}

@test "a dump that fails leaves no file and an old file as it was" {
	create h "$HELLO"
	run --separate-stderr lpar mem h dump 0x3ffff00 0x200 -o out.bin
	assert_failure 1
	assert_stderr "lpar: cannot read the memory of 'h': 0x3ffff00+512 ends past the end of RAM (64 MiB, up to 0x4000000)"
	[ ! -e out.bin ] || fail "a failed dump left out.bin"
	echo keep >old.bin
	run lpar mem h dump 0x3ffff00 0x200 -o old.bin
	assert_failure 1
	[ "$(cat old.bin)" = keep ] || fail "a failed dump changed old.bin"
	[ -z "$(ls -A | grep -v -x -e old.bin)" ] || fail "temporary files left: $(ls -A)"
	# A file too large for RAM is refused before anything is written.
	truncate -s 65M huge.bin
	run --separate-stderr lpar mem h load huge.bin 0
	assert_failure 1
	assert_stderr "lpar: cannot load 'huge.bin': it is larger (68157440 bytes) than the memory of 'h' (64 MiB)"
	run lpar mem h read 0x1000 4 --format x4
	assert_output "00001000: 5241504c"
}

# ---- find ------------------------------------------------------------------------

@test "find locates a known string in .rodata, bytes and integers" {
	create h "$HELLO"
	local ro_lo ro_size
	read -r ro_lo ro_size < <(section "$HELLO" .rodata)
	ro_lo=$((ro_lo)) ro_size=$((ro_size))
	[ "$ro_size" -gt 0 ] || fail "no .rodata in $HELLO"
	run --separate-stderr lpar mem h find --string "Hello from partition"
	assert_success
	assert_stderr ""
	[ "${#lines[@]}" -eq 1 ] || fail "expected one match: $output"
	local at=$((${lines[0]%% *}))
	[ "$at" -ge "$ro_lo" ] && [ "$at" -lt $((ro_lo + ro_size)) ] ||
		fail "match at $at is outside .rodata [$ro_lo, $((ro_lo + ro_size)))"
	run lpar mem h read "$at" --format s
	assert_output --partial "Hello from partition '%s'"
	# The same bytes in hex, within a range, and as JSON.
	run lpar mem h find '48 65 6c 6c 6f 20 66 72 6f 6d' "$ro_lo" "$ro_size"
	assert_success
	assert_output "$(printf '0x%x' "$at")"
	run lpar -j mem h find --string "Hello from partition"
	assert_success
	[ "$(jq -r '.[0].addr' <<<"$output")" = "$at" ]
	# A range that ends before it finds nothing: status 1, no message.
	run --separate-stderr lpar mem h find --string "Hello from partition" 0 "$at"
	assert_failure 1
	assert_output ""
	assert_stderr ""
	# An integer, little-endian: the boot info's mem_size and stack_top, 64 MiB.
	run lpar mem h find --int 0x4000000 --size 8 0x1000 0x100
	assert_success
	assert_output "$(printf '0x1008\n0x1020')"
}

@test "find names the symbol that holds a match" {
	start s "$SLEEP" 600000
	# musl's start-up sets __libc.page_size (at offset 0x30 of struct __libc)
	# from the AT_PAGESZ the monitor puts on the initial stack: 4096.
	local libc at
	libc=$(nm_addr "$SLEEP" __libc)
	[ -n "$libc" ] || fail "nm found no __libc in $SLEEP"
	at=$(printf '0x%x' $((libc + 0x30)))
	within 5 eval 'lpar mem s find --int 0x1000 --size 8 "$at" 8 >/dev/null' || true
	run lpar mem s find --int 0x1000 --size 8 0x400000 0x10000
	assert_success
	assert_line "$at <__libc+0x30>"
	run lpar -j mem s find --int 0x1000 --size 8 0x400000 0x10000
	assert_success
	[ "$(jq -r --arg a $((at)) '.[] | select(.addr == ($a | tonumber)) | .symbol' <<<"$output")" = __libc+0x30 ]
}

# ---- map -------------------------------------------------------------------------

@test "map shows RAM, the monitor's pages, each segment with its symbols, heap, guard and stack" {
	create h "$HELLO"
	run --separate-stderr lpar mem h map
	assert_success
	assert_stderr ""
	assert_line "ram 67108864 (64 MiB)"
	assert_line "image $HELLO"
	# musl's _start, at musl's default link address (text from 0x401000).
	local entry main
	entry=$(readelf -hW "$HELLO" | awk '/Entry point address:/ { print $4 }')
	main=$(nm_addr "$HELLO" main)
	[ -n "$main" ] || fail "nm found no main in $HELLO"
	assert_line "entry $entry <_start>"
	assert_line --regexp "^00001000 00002000 r--  4 KiB +boot info$"
	assert_line --regexp "^00010000 00080000 ---  448 KiB +monitor: page tables$"
	assert_line --regexp "^00080000 00100000 rwx  512 KiB +library OS \(text r-x, data rw-, vDSO r-x\)$"
	assert_line --regexp "^00400000 [0-9a-f]{8} r-- .* segment 0, 0 symbols$"
	assert_line --regexp "^00401000 [0-9a-f]{8} r-x .* segment 1 \(\.init \.text \.fini\), [0-9]+ symbols$"
	assert_line --regexp "^ +$(printf '%08x' $((main))) main$"
	assert_line --regexp "^[0-9a-f]{8} 04000000 rw-  512 KiB +stack$"
	# The same as JSON: one region per LOAD segment, with the image's
	# permissions (musl's default link: headers, text, read-only data, data).
	run lpar -j mem h map
	assert_success
	local segs
	segs=$(jq -r '[.regions[] | select(.kind == "segment") | .perm] | join(" ")' <<<"$output")
	[ "$segs" = "r-- r-x r-- rw-" ] || fail "segments: $segs"
	[ "$(readelf -lW "$HELLO" | grep -c '^  LOAD')" -eq 4 ]
	[ "$(jq -r '.regions[] | select(.kind == "los") | "\(.start) \(.end)"' <<<"$output")" = "524288 1048576" ]
	[ "$(jq -r '.regions[] | select(.kind == "segment" and .index == 1) | .sections | join(" ")' <<<"$output")" = ".init .text .fini" ]
	[ "$(jq -r '.regions[] | select(.kind == "segment" and .index == 1) | .symbols.first[].name' <<<"$output" | grep -cx main)" = 1 ]
	[ "$(jq -r '.entry' <<<"$output")" = $((entry)) ]
	[ "$(jq -r '.mem' <<<"$output")" = 67108864 ]
	[ "$(jq -r '.regions[-1].kind' <<<"$output")" = stack ]
	[ "$(jq -r '.regions[-1].end' <<<"$output")" = 67108864 ]
	[ "$(jq -r '.boot.heap_end' <<<"$output")" = \
	  "$(jq -r '.regions[] | select(.kind == "guard") | .start' <<<"$output")" ]
	# Regions tile RAM: each starts where the one before ended.
	jq -e '[.regions[] | [.start, .end]] as $r | $r[0][0] == 0 and
		all(range(1; $r | length); $r[.][0] >= $r[. - 1][1])' <<<"$output" >/dev/null
	# With its boot info overwritten, heap and stack cannot be placed: map says so.
	run lpar mem h write 0x1000 00
	assert_success
	run lpar mem h map
	assert_success
	assert_line "boot 0x1000 (not valid: heap and stack not shown)"
	# What follows the image, from its page-rounded end to the top of RAM.
	local end
	set -- $(readelf -lW "$HELLO" | awk '/^  LOAD/ { v = $3; m = $6 } END { print v, m }')
	end=$(printf '%08x' $(( ($1 + $2 + 4095) / 4096 * 4096 )))
	assert_line --regexp "^$end 04000000 \?\?\?  6[0-9]\.[0-9] MiB   heap and stack \(boot info not valid\)$"
	refute_line --regexp "^[0-9a-f]+ [0-9a-f]+ rw- .* stack$"
	run lpar -j mem h map
	assert_success
	[ "$(jq -r '.boot' <<<"$output")" = null ]
	[ "$(jq -r '.regions[-1].kind' <<<"$output")" = unknown ]
}

# ---- virtual addresses ----------------------------------------------------------

@test "--virt translates through the page tables, running or paused" {
	start s "$SLEEP" 600000
	# Running: the paging registers are fixed since boot, so no pause is needed.
	run --separate-stderr lpar mem --virt s read 0x1000 4 --format x4
	assert_success
	assert_output "00001000: 5241504c"
	run --separate-stderr lpar mem --virt s read 0 8
	assert_failure 1
	assert_stderr "lpar: cannot read the memory of 's': virtual address 0x0 is not mapped in the partition's page tables"
	lpar pause s
	run lpar mem --virt s read 0x1000 4 --format x4
	assert_success
	assert_output "00001000: 5241504c"
	run lpar mem --virt s read main 16 --format raw
	assert_success
	[ "$output" = "$(lpar mem s read main 16 --format raw)" ]
	# Page 0 and the stack guard are not mapped.
	run --separate-stderr lpar mem --virt s read 0 8
	assert_failure 1
	assert_stderr "lpar: cannot read the memory of 's': virtual address 0x0 is not mapped in the partition's page tables"
	run lpar mem --virt s read 0xffc 8
	assert_failure 1
	# Neither is the gap between the library OS and the image.
	run --separate-stderr lpar mem --virt s read 0x200000 8
	assert_failure 1
	assert_stderr "lpar: cannot read the memory of 's': virtual address 0x200000 is not mapped in the partition's page tables"
	# The heap is: a write through the page tables lands at the same physical address.
	run lpar mem --virt s write 0x1000000 'ab cd'
	assert_success
	run lpar mem s read 0x1000000 2 --format x1
	assert_output "01000000: ab cd"
	run lpar mem --virt s find 'ab cd'
	assert_success
	assert_output "0x1000000"
	lpar resume s
}

# ---- the mem file --------------------------------------------------------------

@test "without the memory window, the control tree's mem file serves the same" {
	start s "$SLEEP" 600000
	lpar mem s read 0x401000 4096 --format raw >window.bin
	# Without the ram link the window cannot be mapped.
	rm "$LPAR_RUNDIR/s/ram"
	lpar mem s read 0x401000 4096 --format raw >file.bin
	cmp window.bin file.bin
	run lpar mem s read 0x1000 4 --format x4
	assert_output "00001000: 5241504c"
	lpar pause s
	run lpar mem s write 0x200000 '12 34 56'
	assert_success
	run lpar mem s read 0x200000 3 --format x1
	assert_output "00200000: 12 34 56"
	run lpar mem s find '12 34 56'
	assert_output "0x200000"
	run lpar mem s dump 0x401000 100K -o file2.bin
	assert_success
	cmp <(head -c 4096 file2.bin) window.bin
	run lpar mem s read 0x3fffff0 0x20
	assert_failure 1
	lpar resume s
}

# ---- symbols and states ------------------------------------------------------------

@test "symbols come from the monitor's copy when the image file is gone or relative" {
	cp "$HELLO" app.elf
	create h app.elf
	run lpar status h
	assert_line "image app.elf"
	# From another directory: the relative path is the monitor's.
	cd /
	run lpar mem h sym main
	assert_success
	assert_output "$(nm_addr "$HELLO" main) <main>"
	cd "$WORK"
	# Removed, or replaced by another file: the monitor still has the one it loaded.
	rm app.elf
	run lpar mem h sym main
	assert_success
	assert_output "$(nm_addr "$HELLO" main) <main>"
	cp "$SLEEP" app.elf
	run lpar mem h sym main
	assert_success
	assert_output "$(nm_addr "$HELLO" main) <main>"
	# The path shown is the status's, as it was given.
	run lpar mem h map
	assert_success
	assert_line "image app.elf"
	assert_line --regexp "^ +$(printf '%08x' $(($(nm_addr "$HELLO" main)))) main$"
}

@test "a panicked partition keeps its memory: read, write without --force, --virt" {
	start s "$SLEEP" 600000
	run lpar hcall s panic
	assert_success
	[ "$(state_of s)" = panicked ] || skip "lpar hcall panic did not leave the partition panicked"
	run lpar mem s read 0x1000 4 --format x4
	assert_success
	assert_output "00001000: 5241504c"
	run lpar mem s write 0x1000000 'fe ed'
	assert_success
	run lpar mem --virt s read 0x1000000 2 --format x1
	assert_success
	assert_output "01000000: fe ed"
}

@test "bash completion offers live partitions, then the memory commands, then formats" {
	start s "$SLEEP" 600000
	start e "$EX/exitcode.elf" 0
	lpar wait e
	local comp
	comp() {
		bash -c 'source "$1"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_lpar || exit 1
			printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash" "$@"
	}
	run comp lpar mem ''
	assert_output s
	run comp lpar mem --virt s ''
	assert_output "$(printf '%s\n' read write dump load find map sym)"
	run comp lpar mem s read 0x1000 --format x
	assert_output "$(printf '%s\n' x1 x2 x4 x8)"
	run comp lpar mem s read --v
	assert_output --virt
}

# ---- bad input ---------------------------------------------------------------------

@test "an unknown or ended partition is a clear error" {
	run --separate-stderr lpar mem nosuch read 0x1000
	assert_failure 1
	assert_stderr "lpar: no partition named 'nosuch'"
	run lpar -j mem nosuch map
	assert_failure 1
	[ "$(jq -r .error <<<"$output")" = "no partition named 'nosuch'" ]
	start e "$EX/exitcode.elf" 3
	run lpar wait e
	assert_failure 3
	run --separate-stderr lpar mem e read 0x1000
	assert_failure 1
	assert_stderr "lpar: partition 'e' has ended (exited): its memory went away with its monitor"
	# Symbols need no memory: they come from the image its record names.
	run --separate-stderr lpar mem e sym main
	assert_success
	assert_output --regexp '^0x[0-9a-f]+ <main>$'
}

@test "an unknown or ambiguous symbol is a clear error" {
	start s "$SLEEP" 600000
	run --separate-stderr lpar mem s read no_such_symbol
	assert_failure 1
	assert_stderr "lpar: unknown symbol 'no_such_symbol': not in the symbols of '$SLEEP'"
	run --separate-stderr lpar mem s sym no_such_symbol+4
	assert_failure 1
	assert_stderr "lpar: unknown symbol 'no_such_symbol': not in the symbols of '$SLEEP'"
	run lpar -j mem s find --string x no_such_symbol
	assert_failure 1
	[ "$(jq -r .error <<<"$output")" = "unknown symbol 'no_such_symbol': not in the symbols of '$SLEEP'" ]
	# musl has several static functions and variables called dummy (its
	# weak aliases' stand-ins): name the address instead.
	local n
	n=$(nm "$SLEEP" | awk '$3 == "dummy"' | wc -l)
	[ "$n" -ge 2 ] || fail "$SLEEP has not two or more 'dummy's"
	run --separate-stderr lpar mem s read dummy
	assert_failure 1
	assert_stderr "lpar: ambiguous symbol 'dummy': $n definitions in '$SLEEP' (give an address; 'lpar mem s sym dummy' lists them)"
	run lpar mem s sym dummy
	assert_success
	[ "${#lines[@]}" -eq "$n" ] || fail "expected all $n definitions: $output"
	[ "$(state_of s)" = running ]
}

@test "unparsable addresses, lengths and values are usage errors (status 2)" {
	create h "$HELLO"
	run --separate-stderr lpar mem h read 0x10zz
	assert_failure 2
	assert_output ""
	[[ $stderr == "lpar: address '0x10zz' is not a number, SYMBOL or SYMBOL+OFF"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h read 0x1000 12Q
	assert_failure 2
	[[ $stderr == "lpar: length '12Q' is not a size (bytes, or with K, M, G)"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h read 0x1000 0
	assert_failure 2
	[[ $stderr == "lpar: length '0' is zero"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h read main+x
	assert_failure 2
	run --separate-stderr lpar mem h read 0x10000000000000000
	assert_failure 2
	[[ $stderr == "lpar: address '0x10000000000000000' is out of range"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h dump 0x1000 5X -o x
	assert_failure 2
	[[ $stderr == "lpar: length '5X' is not a size"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h write 0x1000 xyz
	assert_failure 2
	[[ $stderr == "lpar: value 'xyz' is not hex bytes"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h write 0x1000 --format x2 0x10000
	assert_failure 2
	run --separate-stderr lpar mem h read 0x1000 6 --format x4
	assert_failure 2
	[[ $stderr == "lpar: length 6 is not a multiple of 4 (--format x4)"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h find --int 0x10000 --size 2
	assert_failure 2
	# Commands, options and their combinations.
	run --separate-stderr lpar mem h
	assert_failure 2
	run --separate-stderr lpar mem h frob
	assert_failure 2
	[[ $stderr == "lpar: unknown memory command 'frob'"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem h read 0x1000 --format x3
	assert_failure 2
	run --separate-stderr lpar mem --virt --virt h read 0x1000
	assert_failure 2
	[[ $stderr == "lpar: option '--virt' given twice"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar mem --force h read 0x1000
	assert_failure 2
	[[ $stderr == "lpar: 'lpar mem read' takes no --force option"* ]] || fail "stderr: $stderr"
	run --separate-stderr lpar -j mem h read 0x1000
	assert_failure 2
	run --separate-stderr lpar mem h dump 0x1000 16
	assert_failure 2
	[ ! -e x ] || fail "a refused dump created a file"
	# Nothing was written by any of them.
	run lpar mem h read 0x1000 4 --format x4
	assert_output "00001000: 5241504c"
}

@test "a length or address past the end of RAM is a clear error (status 1)" {
	create h "$HELLO"
	run --separate-stderr lpar mem h read 0x3fffff0 0x20
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: cannot read the memory of 'h': 0x3fffff0+32 ends past the end of RAM (64 MiB, up to 0x4000000)"
	run --separate-stderr lpar mem h read 0x4000000
	assert_failure 1
	assert_stderr "lpar: cannot read the memory of 'h': 0x4000000 is past the end of RAM (64 MiB, up to 0x4000000)"
	run --separate-stderr lpar mem h read 0 1G
	assert_failure 1
	assert_stderr --partial "ends past the end of RAM"
	run --separate-stderr lpar mem h write 0x3ffffff 'aa bb'
	assert_failure 1
	assert_stderr "lpar: cannot write the memory of 'h': 0x3ffffff+2 ends past the end of RAM (64 MiB, up to 0x4000000)"
	run lpar mem h read 0x3fffff0 16 --format x1
	assert_output "03fffff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	run --separate-stderr lpar mem h find --string LPAR 0x3ffff00 0x200
	assert_failure 1
	assert_stderr --partial "ends past the end of RAM"
	run --separate-stderr lpar mem h read 0xffffffffffffffff 2
	assert_failure 1
	assert_stderr --partial "is past the end of RAM"
}

# ---- progress ----------------------------------------------------------------

@test "dump and load of megabytes show progress on a terminal, and nothing on a file or pipe" {
	command -v script >/dev/null || fail "script (util-linux) is missing"
	start p "$SLEEP" 600000
	run lpar pause p
	assert_success
	# On a terminal (script gives the command one): a last line with the total and the rate.
	run script -qec "lpar mem p dump 0x100000 8M -o '$WORK/m.bin'" /dev/null
	assert_success
	assert_output --regexp $'dump: 8 MiB in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s\e\\[K'
	run script -qec "lpar mem --force p load '$WORK/m.bin' 0x100000" /dev/null
	assert_success
	assert_output --regexp $'load: 8 MiB in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s\e\\[K'
	# Not a terminal: the same work, not a byte on standard error.
	run --separate-stderr lpar mem p dump 0x100000 8M -o "$WORK/m2.bin"
	assert_success
	assert_stderr ""
	cmp "$WORK/m.bin" "$WORK/m2.bin"
	run --separate-stderr lpar mem --force p load "$WORK/m.bin" 0x100000
	assert_success
	assert_stderr ""
	# Less than a megabyte: nothing, even on a terminal.
	run script -qec "lpar mem p dump 0x100000 4096 -o '$WORK/small.bin'" /dev/null
	assert_success
	refute_output --partial "dump:"
}
