#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# 9P2000.L interoperability with diod, the reference server: our client
# (p9/client.c, through tests/tools/p9diod) against diod serving a directory,
# and diod's own clients (diodls, diodcat) against a partition's control tree.

bats_require_minimum_version 1.5.0

DIOD=/usr/sbin/diod
DIODLS=/usr/sbin/diodls
DIODCAT=/usr/sbin/diodcat

setup() {
	# Every process a test starts carries this mark, so that one left
	# running (a monitor, a diod) is found.
	export LPAR_TEST_MARK=$BATS_TEST_TMPDIR
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	cd "$BATS_TEST_TMPDIR" || return 1
	PART=
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	if [ -n "$PART" ]; then
		stop_partition "$PART"
	fi
	assert_no_process_left
}

need_tools() {
	[ -x "$TOOLS/p9diod" ] ||
		fail "$TOOLS/p9diod is missing: build it with 'make build/tests/tools/p9diod' (make check does)"
	local t
	for t in "$DIOD" "$DIODLS" "$DIODCAT"; do
		[ -x "$t" ] || fail "$t is missing: install the diod package (tools/deps build test)"
	done
}

# ---- our client against diod ------------------------------------------------

# What p9diod's ls should print for directory $1: "NAME KIND SIZE MODE",
# sorted bytewise, from the files themselves.
expected_ls() {
	local f

	(cd "$1" && LC_ALL=C ls -A | while IFS= read -r f; do
		stat -c '%n|%F|%s|%a' -- "$f"
	done) | sed -e 's/|regular file|/ file /' -e 's/|regular empty file|/ file /' \
		-e 's/|directory|/ dir /' -e 's/|symbolic link|/ link /' -e 's/|/ /g'
}

# A directory for diod to serve: files of assorted sizes and modes, enough
# long names that a listing takes several Treaddir rounds at msize 4096.
make_export() {
	mkdir -p exp/sub/empty
	printf 'hello\n' >exp/hello.txt
	: >exp/empty
	head -c 200000 /dev/urandom >exp/random.bin
	printf 'deep\n' >exp/sub/deep.txt
	chmod 0600 exp/hello.txt
	chmod 0755 exp/sub
	ln -s hello.txt exp/link
	local i
	for i in $(seq -w 1 60); do
		printf '%s' "$i" >"exp/file-$i-$(printf 'n%.0s' $(seq 1 100))"
	done
}

@test "p9diod: our client lists a directory diod serves, at msize 4096 and 65536" {
	need_tools
	make_export
	want=$(expected_ls exp)
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 65 ] || fail "the export has $(printf '%s\n' "$want" | wc -l) entries, not 65"
	run --separate-stderr "$TOOLS/p9diod" -m 4096 exp ls
	assert_success
	assert_output "$want"
	run --separate-stderr "$TOOLS/p9diod" exp ls
	assert_success
	assert_output "$want"
	run --separate-stderr "$TOOLS/p9diod" exp ls sub
	assert_success
	assert_output "$(expected_ls exp/sub)"
	run --separate-stderr "$TOOLS/p9diod" exp ls sub/empty
	assert_success
	assert_output ""
}

@test "p9diod: our client reads files diod serves, byte for byte" {
	need_tools
	make_export
	# 200000 bytes at msize 4096 is 50 reads of at most 4072 bytes.
	"$TOOLS/p9diod" -m 4096 exp cat random.bin >got || fail "p9diod cat random.bin failed"
	cmp got exp/random.bin
	"$TOOLS/p9diod" exp cat random.bin >got || fail "p9diod cat random.bin failed"
	cmp got exp/random.bin
	run --separate-stderr "$TOOLS/p9diod" exp cat sub/deep.txt
	assert_success
	assert_output "deep"
	"$TOOLS/p9diod" exp cat empty >got || fail "p9diod cat empty failed"
	[ ! -s got ] || fail "an empty file read as $(wc -c <got) bytes"
}

@test "p9diod: our client writes a file through diod" {
	need_tools
	make_export
	head -c 300000 /dev/urandom >exp/target
	head -c 150000 /dev/urandom >src
	run --separate-stderr "$TOOLS/p9diod" -m 4096 exp write target <src
	assert_success
	assert_output "wrote 150000"
	# Opened with O_TRUNC: nothing of the old 300000 bytes is left.
	cmp src exp/target
	run --separate-stderr "$TOOLS/p9diod" exp write sub/deep.txt < <(printf 'new\n')
	assert_success
	assert_output "wrote 4"
	assert_equal "$(cat exp/sub/deep.txt)" "new"
}

@test "p9diod: diod's msize is the one our client uses" {
	need_tools
	make_export
	run --separate-stderr "$TOOLS/p9diod" -m 1048576 exp msize
	assert_success
	assert_output "msize 65536"
	run --separate-stderr "$TOOLS/p9diod" -m 4096 exp msize
	assert_success
	assert_output "msize 4096"
}

@test "p9diod: diod's errors reach our client as errno values" {
	need_tools
	make_export
	before=$(expected_ls exp)
	run --separate-stderr "$TOOLS/p9diod" exp cat missing
	assert_failure 1
	assert_output ""
	assert_equal "${stderr_lines[0]}" "p9diod: missing: No such file or directory"
	run --separate-stderr "$TOOLS/p9diod" exp cat sub
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "p9diod: sub: Is a directory"
	run --separate-stderr "$TOOLS/p9diod" exp ls sub/missing/deeper
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "p9diod: sub/missing/deeper: No such file or directory"
	# Nothing was changed.
	assert_equal "$(expected_ls exp)" "$before"
}

# ---- diod's clients against the control tree -----------------------------------

# Starts a detached partition that runs for a long while; the test's
# teardown ends and removes it.
start_partition() {
	need_tools
	PART=$1
	run --separate-stderr lpar run -d --name "$PART" "$EX/sleep.elf" 600000
	assert_success
	[ -S "$LPAR_RUNDIR/$PART/sock" ] || fail "no control socket at $LPAR_RUNDIR/$PART/sock"
}

# Kills and removes a partition, and waits (bounded) for its monitor to exit.
stop_partition() {
	local pid

	pid=$(cat "$LPAR_RUNDIR/$1/pid" 2>/dev/null)
	lpar kill "$1"
	# lpar kill returns once the partition has ended; the monitor then
	# writes its status record and exits.
	lpar rm "$1" || lpar rm -f "$1"
	if [ -n "$pid" ]; then
		timeout "$(slow 10)" tail --pid="$pid" -f /dev/null || true
	fi
	[ ! -e "$LPAR_RUNDIR/$1" ] || fail "$LPAR_RUNDIR/$1 is still there"
}

diodls_x() {
	"$DIODLS" -t "$(slow 10)" -s "$LPAR_RUNDIR/$PART/sock" "$@"
}

diodcat_x() {
	"$DIODCAT" -t "$(slow 10)" -s "$LPAR_RUNDIR/$PART/sock" "$@"
}

@test "diodls lists the control tree" {
	start_partition x
	run --separate-stderr diodls_x -l /
	assert_success
	names=$(printf '%s\n' "${lines[@]}" | awk '{ print $NF }' | LC_ALL=C sort | tr '\n' ' ')
	assert_equal "$names" "cons core ctl debug hcall image log mem status trace vcpu wait "
	# vcpu is a directory, the rest are files; image has the ELF's size.
	assert_line --regexp '^d[-rwx]{9}.* vcpu$'
	for f in ctl status wait cons log mem image core; do
		assert_line --regexp "^-[-rwx]{9}.* $f\$"
	done
	assert_line --regexp "^-r--------.* $(stat -c %s "$EX/sleep.elf") [A-Z][a-z]+ .* image\$"
	assert_line --regexp '^--w-------.* ctl$'
	run --separate-stderr diodls_x /
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort | tr '\n' ' ')" \
		"cons core ctl debug hcall image log mem status trace vcpu wait "
}

@test "diodls lists vcpu/0" {
	start_partition x
	run --separate-stderr diodls_x -l vcpu/0
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --regexp '^-rw-------.* regs$'
	assert_line --regexp '^-r--------.* mmu$'
	run --separate-stderr diodls_x vcpu
	assert_success
	assert_output "0"
}

@test "diodcat reads the status" {
	start_partition x
	run --separate-stderr diodcat_x status
	assert_success
	assert_line "name x"
	assert_line "state running"
	assert_line "pid $(cat "$LPAR_RUNDIR/x/pid")"
	assert_line "vcpus 1"
	assert_line "image $EX/sleep.elf"
}

@test "diodcat reads the image byte for byte" {
	start_partition x
	diodcat_x image >image.out || fail "diodcat image failed"
	cmp image.out "$EX/sleep.elf"
	# A smaller msize: many reads.
	diodcat_x -m 4096 image >image.out || fail "diodcat -m 4096 image failed"
	cmp image.out "$EX/sleep.elf"
}

@test "diodcat: registers are refused while running, readable when paused" {
	start_partition x
	# The paging registers are fixed since boot: readable while running.
	run --separate-stderr diodcat_x vcpu/0/mmu
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^cr0 0x8[0-9a-f]{7}$'
	assert_line --index 1 --regexp '^cr3 0x[0-9a-f]+000$'
	assert_line --index 2 --regexp '^cr4 0x[0-9a-f]+$'
	local mmu=$output
	run --separate-stderr diodcat_x vcpu/0/regs
	assert_failure
	assert_output ""
	assert_stderr "diodcat: read vcpu/0/regs: Device or resource busy"
	run --separate-stderr lpar pause x
	assert_success
	run --separate-stderr diodcat_x vcpu/0/regs
	assert_success
	assert_line --regexp '^rip 0x[0-9a-f]+$'
	assert_line --regexp '^rsp 0x[0-9a-f]+$'
	assert_line --regexp '^cr0 0x[0-9a-f]+$'
	assert_line --regexp '^fs_base 0x[0-9a-f]+$'
	# 18 general registers, 6 selectors, 2 bases, 5 control registers
	assert_equal "${#lines[@]}" 31
	# The fixed paging registers are the vCPU's own.
	local l
	while read -r l; do
		assert_line "$l"
	done <<<"$mmu"
	run --separate-stderr diodcat_x status
	assert_line "state paused"
}

@test "diod's clients: a missing file and a bad aname are errors, the partition runs on" {
	start_partition x
	run --separate-stderr diodcat_x nothing-here
	assert_failure
	assert_output ""
	assert_stderr "diodcat: open nothing-here: No such file or directory"
	run --separate-stderr diodls_x -a nope /
	assert_failure
	assert_output ""
	assert_stderr "diodls: error attaching to aname='nope': No such file or directory"
	run --separate-stderr diodcat_x -a / status
	assert_success
	assert_line "state running"
}
