#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Run directories trusted only when they can be: a run directory, a
# partition's or the channel directory open to other users is refused
# (status 125 for lpar run, 1 for the others), with the path and what is
# wrong; a socket served by anyone but the monitor the directory records
# is refused before a byte goes to it; a "ram" that does not lead to the
# monitor's memory is not mapped.  Every time the partition runs on and
# answers once things are put back.  See docs/design.md, "Run directories
# and channels: what is checked".

load test_helper/common

bats_require_minimum_version 1.5.0

PYTHON=${PYTHON:-/usr/bin/python3}

setup() {
	test_env_setup || return 1
	BG_PIDS=()
}

teardown() {
	local d

	end_bg
	# What the tests opened up is closed again, so that lpar may clean up.
	if [ -n "${LPAR_RUNDIR:-}" ] && [ -d "$LPAR_RUNDIR" ]; then
		chmod 0700 "$LPAR_RUNDIR"
		for d in "$LPAR_RUNDIR"/*/ "$LPAR_RUNDIR"/.chan/; do
			[ -d "$d" ] && chmod 0700 "$d"
		done
	fi
	remove_partitions_and_check
}

need_python() {
	[ -x "$PYTHON" ] || fail "$PYTHON is missing: install python3"
}

# The pid partition NAME's directory records for its monitor.
monitor_of() {
	cat "$LPAR_RUNDIR/$1/pid"
}

# serve SOCK: a process other than the monitor listens at SOCK; it writes
# its pid to SOCK.pid once it listens, and for each connection the number
# of bytes it received before the other side hung up, a line to SOCK.got.
serve() {
	bg "$PYTHON" -c '
import os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(8)
with open(path + ".pid.tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(path + ".pid.tmp", path + ".pid")
while True:
    c, _ = s.accept()
    n = 0
    while True:
        b = c.recv(4096)
        if not b:
            break
        n += len(b)
    c.close()
    with open(path + ".got", "a") as f:
        f.write("%d\n" % n)
' "$1"
	poll "the stand-in to listen" test -s "$1.pid"
}

@test "a run directory open to other users is refused, naming it: run exits 125, list 1, nothing made" {
	local m
	mkdir "$LPAR_RUNDIR"
	for m in 0777 0770 0750 0705 0701; do
		chmod "$m" "$LPAR_RUNDIR"
		run --separate-stderr lpar run -d --name a "$EX/sleep.elf" 1000
		assert_failure 125
		assert_output ""
		assert_stderr "lpar: cannot start partition: run directory '$LPAR_RUNDIR' is open to other users (mode $m, it must be 0700)"
		run --separate-stderr lpar list
		assert_failure 1
		assert_stderr "lpar: run directory '$LPAR_RUNDIR' is open to other users (mode $m, it must be 0700)"
		[ -z "$(ls -A "$LPAR_RUNDIR")" ] || fail "something was made in $LPAR_RUNDIR: $(ls -A "$LPAR_RUNDIR")"
	done
	# $XDG_RUNTIME_DIR/lpar is held to the same.
	mkdir -m 0700 "$BATS_TEST_TMPDIR/xdg"
	mkdir -m 0777 "$BATS_TEST_TMPDIR/xdg/lpar"
	run --separate-stderr env -u LPAR_RUNDIR XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg" lpar list
	assert_failure 1
	assert_stderr "lpar: run directory '$BATS_TEST_TMPDIR/xdg/lpar' is open to other users (mode 0777, it must be 0700)"
	# A link to a directory is not one.
	chmod 0700 "$LPAR_RUNDIR"
	ln -s "$LPAR_RUNDIR" "$BATS_TEST_TMPDIR/link"
	run --separate-stderr env LPAR_RUNDIR="$BATS_TEST_TMPDIR/link" lpar list
	assert_failure 1
	assert_stderr "lpar: run directory '$BATS_TEST_TMPDIR/link' is not a directory owned by you"
	# Closed again, it serves.
	run --separate-stderr lpar run -d --name a "$EX/sleep.elf" 600000
	assert_success
	assert_output a
	assert_equal "$(state_of a)" running
}

@test "a partition's directory open to other users is refused; the partition runs on" {
	run --separate-stderr lpar run -d --name a "$EX/sleep.elf" 600000
	assert_success
	chmod 0755 "$LPAR_RUNDIR/a"
	run --separate-stderr timeout "$(slow 10)" lpar status a
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: partition directory '$LPAR_RUNDIR/a' is open to other users (mode 0755, it must be 0700)"
	run --separate-stderr timeout "$(slow 10)" lpar trace a
	assert_failure 1
	assert_stderr "lpar: partition directory '$LPAR_RUNDIR/a' is open to other users (mode 0755, it must be 0700)"
	# Its name is not taken over either.
	run --separate-stderr lpar run -d --name a "$EX/sleep.elf" 1000
	assert_failure 125
	assert_stderr "lpar: cannot start partition: partition directory '$LPAR_RUNDIR/a' is open to other users (mode 0755, it must be 0700)"
	chmod 0700 "$LPAR_RUNDIR/a"
	assert_equal "$(state_of a)" running
}

@test "a channel directory open to other users is refused: status 125, nothing left behind" {
	mkdir -p -m 0700 "$LPAR_RUNDIR"
	mkdir -m 0777 "$LPAR_RUNDIR/.chan"
	run --separate-stderr lpar run -d --name p --chan pp "$EX/pong.elf"
	assert_failure 125
	assert_output ""
	assert_stderr --partial "channel directory '$LPAR_RUNDIR/.chan' is open to other users (mode 0777, it must be 0700)"
	[ ! -e "$LPAR_RUNDIR/p" ] || fail "the partition's directory was left behind"
	[ -z "$(ls -A "$LPAR_RUNDIR/.chan")" ] || fail "the channel directory holds $(ls -A "$LPAR_RUNDIR/.chan")"
	rmdir "$LPAR_RUNDIR/.chan"
}

@test "a socket served by another process than the monitor is refused before anything is sent to it" {
	need_python
	local sock mon fake
	run --separate-stderr lpar run -d --name a "$EX/sleep.elf" 600000
	assert_success
	sock=$LPAR_RUNDIR/a/sock
	mon=$(monitor_of a)
	# The monitor's socket moves aside (it still serves there); a stand-in takes its place.
	mv "$sock" "$sock.real"
	serve "$sock"
	fake=$(cat "$sock.pid")
	[ "$fake" != "$mon" ]
	run --separate-stderr timeout "$(slow 10)" lpar status a
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: refusing partition 'a': its socket is served by process $fake, not by its monitor (process $mon)"
	run --separate-stderr timeout "$(slow 10)" lpar pause a
	assert_failure 1
	assert_stderr "lpar: refusing partition 'a': its socket is served by process $fake, not by its monitor (process $mon)"
	run --separate-stderr timeout "$(slow 10)" lpar trace a
	assert_failure 1
	assert_stderr "lpar: refusing partition 'a': its socket is served by process $fake, not by its monitor (process $mon)"
	run --separate-stderr timeout "$(slow 10)" lpar rm -f a
	assert_failure 1
	assert_stderr "lpar: refusing partition 'a': its socket is served by process $fake, not by its monitor (process $mon)"
	# The stand-in saw four connections and not one byte.
	poll "the stand-in to see the connections end" eval '[ "$(wc -l <"$sock.got")" -ge 3 ]'
	assert_equal "$(sort -u "$sock.got")" 0
	# No pid recorded: nothing is trusted either.
	mv "$LPAR_RUNDIR/a/pid" "$BATS_TEST_TMPDIR/pid"
	run --separate-stderr timeout "$(slow 10)" lpar status a
	assert_failure 1
	assert_stderr "lpar: refusing partition 'a': its directory records no monitor"
	mv "$BATS_TEST_TMPDIR/pid" "$LPAR_RUNDIR/a/pid"
	# The monitor was never disturbed: back in its place, it answers.
	kill "${BG_PIDS[0]}"
	rm -f "$sock" "$sock.pid" "$sock.got"
	mv "$sock.real" "$sock"
	assert_equal "$(state_of a)" running
}

@test "a ram that does not lead to the monitor's memory is not mapped; lpar mem reads the partition's own" {
	need_python
	[ -x "$TOOLS/window" ] ||
		fail "$TOOLS/window is missing: build it with 'make build/tests/tools/window' (make check does)"
	local ram mon target fd other
	run --separate-stderr lpar run -d --name w --mem 32M "$EX/sleep.elf" 600000
	assert_success
	ram=$LPAR_RUNDIR/w/ram
	mon=$(monitor_of w)
	target=$(readlink "$ram")
	run "$TOOLS/window" w
	assert_success
	assert_line "magic 0x5241504c"
	# A file of the same size, full of 'X'.
	head -c 33554432 /dev/zero | tr '\0' X >fake
	ln -sfn "$WORK/fake" "$ram"
	run --separate-stderr "$TOOLS/window" w
	assert_failure 1
	assert_stderr "window: refusing the memory of 'w': '$ram' does not lead to its monitor (process $mon)"
	# lpar mem falls back to the control tree: the partition's own boot info.
	run --separate-stderr lpar mem --format x4 w read 0x1000 4
	assert_success
	assert_output "00001000: 5241504c"
	# Another file the monitor holds open (its console log).
	fd=$(basename "$(find "/proc/$mon/fd" -lname "$LPAR_RUNDIR/w/console.log" | head -n 1)")
	[ -n "$fd" ] || fail "the monitor holds no console log open"
	ln -sfn "/proc/$mon/fd/$fd" "$ram"
	run --separate-stderr "$TOOLS/window" w
	assert_failure 1
	assert_stderr "window: refusing the memory of 'w': '$LPAR_RUNDIR/w/ram' does not lead to its monitor's memory"
	# Another process's memfd, named as the monitor names its RAM.
	bg "$PYTHON" -c '
import os, sys, time
fd = os.memfd_create("lpar-ram")
os.ftruncate(fd, 32 << 20)
os.pwrite(fd, b"X" * 4096, 0x1000)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("/proc/%d/fd/%d\n" % (os.getpid(), fd))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
' "$WORK/other"
	poll "the other memfd" test -s "$WORK/other"
	other=$(cat "$WORK/other")
	ln -sfn "$other" "$ram"
	run --separate-stderr "$TOOLS/window" w
	assert_failure 1
	assert_stderr "window: refusing the memory of 'w': '$ram' does not lead to its monitor (process $mon)"
	# Put back, it maps again.
	ln -sfn "$target" "$ram"
	run "$TOOLS/window" w
	assert_success
	assert_line "magic 0x5241504c"
	assert_equal "$(state_of w)" running
}

@test "a process of the same user that opens the partition's RAM cannot resize it: the monitor runs on" {
	need_python
	run --separate-stderr lpar run -d --name w --mem 32M "$EX/sleep.elf" 600000
	assert_success
	run "$PYTHON" -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
for size in (0, 64 << 20):
    try:
        os.ftruncate(fd, size)
        print("resized to %d" % size)
    except PermissionError:
        print("refused %d" % size)
print(os.fstat(fd).st_size)
' "$LPAR_RUNDIR/w/ram"
	assert_success
	assert_output "$(printf 'refused 0\nrefused 67108864\n33554432')"
	# The monitor reads that memory, and runs on.
	run --separate-stderr lpar mem --format x4 w read 0x1000 4
	assert_success
	assert_equal "$(state_of w)" running
}
