#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# Managing partitions through their monitors: create, start, pause, resume,
# stop, kill, wait, list, status, console and rm; config files; a batch of
# partitions from a shell loop; faults (a monitor killed, a client that
# hangs up mid-message, another user at the door); the control tree read by
# a generic 9P client.  Each test has its own run directory and leaves no
# partition and no process behind.

bats_require_minimum_version 1.5.0

DIODCAT=/usr/sbin/diodcat
PYTHON=/usr/bin/python3

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	KEEP=
	TMUX_SOCK=
	TMUX_PID=
	SHARED_DIR=
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	end_bg
	if [ -n "$TMUX_SOCK" ]; then
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	fi
	if [ -n "$TMUX_PID" ]; then
		poll "the tmux server to exit" dead "$TMUX_PID"
	fi
	# The tests that open the shared run directory to nobody close it
	# again: lpar refuses one open to others.
	if [ -n "${SHARED_DIR:-}" ] && [ -d "$SHARED_DIR/rundir" ]; then
		chmod 0700 "$SHARED_DIR/rundir" "$SHARED_DIR/rundir"/*/ 2>/dev/null || true
	fi
	remove_partitions_and_check
	if [ -n "$SHARED_DIR" ]; then
		rm -rf "$SHARED_DIR"
	fi
}

# ---- helpers -----------------------------------------------------------------

# The pid of partition NAME's monitor (or foreground lpar run).
monitor_pid() {
	lpar status "$1" | sed -n 's/^pid //p'
}

# Starts a detached partition: start NAME IMAGE [ARG...].
start() {
	local name=$1

	shift
	run --separate-stderr lpar run -d --name "$name" "$@"
	assert_success
	assert_output "$name"
	assert_stderr ""
}

# Runs a command in the background with the caller's stdio (stdin too,
# which '&' would otherwise replace with /dev/null), without bats' fd 3 or
# the test's fifo writer $KEEP; teardown ends it if the test does not.
bg() {
	if [ -n "$KEEP" ]; then
		"$@" <&0 3>&- {KEEP}>&- &
	else
		"$@" <&0 3>&- &
	fi
	BG_PIDS+=($!)
}

need_bench_guest() {
	[ -f "$ROOT/bench/guest-batch.elf" ] ||
		fail "$ROOT/bench/guest-batch.elf is missing: build it with 'make bench/guest-batch.elf' (make check does)"
}

need_python() {
	[ -x "$PYTHON" ] || fail "$PYTHON is missing: install python3"
}

# A run directory outside bats' private temporary directory, which the
# tests acting as user nobody can open a way to; teardown removes it.
shared_rundir() {
	SHARED_DIR=$(mktemp -d /tmp/lpar-lifecycle.XXXXXX) || fail "mktemp failed"
	export LPAR_RUNDIR=$SHARED_DIR/rundir
	TEST_RUNDIR=$LPAR_RUNDIR
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# A raw 9P client: "half SOCK" sends half a Tversion and hangs up; "wait SOCK"
# opens wait, sends a Tread the monitor holds, and hangs up; "hello SOCK
# [UID]" sends a Tversion (as UID if given) and prints "served" or "refused".
p9raw() {
	"$PYTHON" - "$@" <<'EOF'
import os, socket, struct, sys

def msg(t, tag, body):
    return struct.pack("<IBH", 7 + len(body), t, tag) + body

def s9(x):
    x = x.encode()
    return struct.pack("<H", len(x)) + x

def reply(s):
    data = b""
    while len(data) < 4 or len(data) < struct.unpack("<I", data[:4])[0]:
        c = s.recv(65536)
        if not c:
            raise EOFError
        data += c
    return data[4]

mode, path = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    os.setgroups([])
    os.setgid(int(sys.argv[3]))
    os.setuid(int(sys.argv[3]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
tversion = msg(100, 0xFFFF, struct.pack("<I", 65536) + s9("9P2000.L"))
if mode == "half":
    s.sendall(tversion[: len(tversion) // 2])
elif mode == "hello":
    try:
        s.sendall(tversion)
        print("served" if reply(s) == 101 else "bad reply")
    except (EOFError, ConnectionResetError, BrokenPipeError):
        print("refused")
elif mode == "wait":
    s.sendall(tversion)
    assert reply(s) == 101
    s.sendall(msg(104, 1, struct.pack("<II", 0, 0xFFFFFFFF) + s9("") + s9("") + struct.pack("<I", 0)))
    assert reply(s) == 105
    s.sendall(msg(110, 2, struct.pack("<IIH", 0, 1, 1) + s9("wait")))
    assert reply(s) == 111
    s.sendall(msg(12, 3, struct.pack("<II", 1, 0)))
    assert reply(s) == 13
    s.sendall(msg(116, 4, struct.pack("<IQI", 1, 0, 4096)))
s.close()
EOF
}

# ---- create, start, pause, resume, stop --------------------------------------

@test "create: listed as created, start runs it, a second start fails" {
	run --separate-stderr lpar create "$EX/cat.elf"
	assert_success
	assert_output "cat"
	assert_stderr ""
	pid=$(monitor_pid cat)

	run --separate-stderr lpar list
	assert_success
	assert_line --index 0 --regexp '^NAME +STATE +PID +MEM +UPTIME +ACCEL +IMAGE$'
	assert_line --index 1 --regexp "^cat +created +$pid +64 MiB +0\.0s +(kvm|tcg) +$EX/cat.elf\$"
	assert_equal "${#lines[@]}" 2
	run --separate-stderr lpar -j list
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0] | "\(.name) \(.state) \(.pid)"' <<<"$output")" "cat created $pid"

	# Not started yet: nothing to pause.
	run --separate-stderr lpar pause cat
	assert_failure 1
	assert_stderr "lpar: partition 'cat' has not been started"
	assert_equal "$(state_of cat)" created

	run --separate-stderr lpar start cat
	assert_success
	assert_output ""
	assert_stderr ""
	assert_equal "$(state_of cat)" running
	run --separate-stderr lpar -j list
	assert_equal "$(jq -r '.[0].state' <<<"$output")" running

	run --separate-stderr lpar start cat
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: partition 'cat' has already been started"
	assert_equal "$(state_of cat)" running
}

@test "pause and resume: status shows paused, resuming a running partition fails" {
	start cat "$EX/cat.elf"

	run --separate-stderr lpar resume cat
	assert_failure 1
	assert_stderr "lpar: partition 'cat' is already running"

	run --separate-stderr lpar pause cat
	assert_success
	assert_stderr ""
	run --separate-stderr lpar status cat
	assert_success
	assert_line "name cat"
	assert_line "state paused"
	run --separate-stderr lpar pause cat
	assert_failure 1
	assert_stderr "lpar: partition 'cat' is already paused"

	run --separate-stderr lpar resume cat
	assert_success
	assert_stderr ""
	assert_equal "$(state_of cat)" running
	# It still works: input is echoed.
	printf 'after resume\n' >cons.in
	bg lpar console cat <cons.in >cons.out 2>cons.err
	poll "the echo after resume" has cons.out "after resume"
}

@test "stop: a partition that honours the request exits cleanly" {
	need_bench_guest
	start batch "$ROOT/bench/guest-batch.elf" 600000 0
	run --separate-stderr lpar stop batch
	assert_success
	assert_output ""
	assert_stderr ""
	run --separate-stderr lpar status batch
	assert_success
	assert_line "state exited"
	assert_line "exit 0"
	refute_line --regexp '^reason '
	run --separate-stderr lpar wait batch
	assert_success
	assert_output "batch 0"
}

@test "stop -t 1: a partition that ignores the request is killed" {
	# compute never waits in block(), so it never sees the request
	start cat "$EX/compute.elf" 100000000
	run --separate-stderr lpar stop -t 1 cat
	assert_success
	assert_output ""
	assert_stderr "lpar: partition 'cat' did not stop within 1 s: killed"
	run --separate-stderr lpar status cat
	assert_success
	assert_line "state killed"
	assert_line "reason killed by the controller"
	run --separate-stderr lpar stop cat
	assert_failure 1
	assert_stderr "lpar: partition 'cat' has ended (killed)"
}

# ---- names -------------------------------------------------------------------

@test "run -d prints the name; default names are made unique" {
	run --separate-stderr lpar run -d "$EX/hello.elf"
	assert_success
	assert_output "hello"
	assert_stderr ""
	run --separate-stderr lpar run -d "$EX/hello.elf"
	assert_success
	assert_output "hello-2"
	run --separate-stderr lpar create "$EX/hello.elf"
	assert_success
	assert_output "hello-3"
	run --separate-stderr lpar list -a --names
	assert_success
	assert_output "$(printf 'hello\nhello-2\nhello-3')"
}

@test "a --name that is taken is refused; the partition that has it runs on" {
	start web "$EX/cat.elf"
	pid=$(monitor_pid web)
	run --separate-stderr lpar run -d --name web "$EX/hello.elf"
	assert_failure 125
	assert_output ""
	assert_stderr "lpar: cannot start partition: partition 'web' already exists"
	run --separate-stderr lpar create --name web "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot create partition: partition 'web' already exists"
	# An ended partition keeps its name until it is removed.
	start done "$EX/exitcode.elf" 0
	poll "'done' to end" state_is done exited
	run --separate-stderr lpar run -d --name done "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot start partition: partition 'done' already exists"

	assert_equal "$(monitor_pid web)" "$pid"
	assert_equal "$(state_of web)" running
	run --separate-stderr lpar list -a --names
	assert_output "$(printf 'done\nweb')"
}

@test "invalid partition names are usage errors and create nothing" {
	mkdir -m 0700 "$LPAR_RUNDIR"
	for name in 'a b' 'a/b' '../x' '.hidden' '-x' "$(printf 'x%.0s' {1..65})" 'tab	x' 'é'; do
		run --separate-stderr lpar run -d --name "$name" "$EX/hello.elf"
		assert_failure 2
		assert_output ""
		[[ ${stderr_lines[0]} == "lpar: invalid partition name '"* ]] ||
			fail "wrong message for '$name': $stderr"
		assert_equal "${stderr_lines[1]}" \
			"usage: lpar run [-d | --trace[=FILE]] [--rm] [-f CONFIG] [--mem SIZE]"
		run --separate-stderr lpar create --name "$name" "$EX/hello.elf"
		assert_failure 2
		[[ ${stderr_lines[0]} == "lpar: invalid partition name '"* ]] ||
			fail "wrong message for '$name': $stderr"
	done
	# Acting on one is refused too, before any file is touched.
	run --separate-stderr lpar rm ..
	assert_failure 1
	assert_stderr "lpar: invalid partition name '..'"
	[ -d "$LPAR_RUNDIR" ] || fail "lpar rm .. removed the run directory"
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "something was created: $(ls "$LPAR_RUNDIR")"
}

@test "every command that takes a NAME fails clearly on an unknown partition" {
	for cmd in status console pause resume stop kill wait rm start; do
		run --separate-stderr lpar "$cmd" nope
		assert_failure 1
		assert_output ""
		assert_stderr "lpar: no partition named 'nope'"
	done
	run --separate-stderr lpar -j status nope
	assert_failure 1
	assert_equal "$(jq -r .error <<<"$output")" "no partition named 'nope'"
	run --separate-stderr lpar -j wait nope
	assert_failure 1
	assert_equal "$(jq -r '.[0].error' <<<"$output")" "no partition named 'nope'"
}

# ---- wait --------------------------------------------------------------------

@test "wait returns the partition's exit status: 0, 3, 255" {
	for code in 0 3 255; do
		start "e$code" "$EX/exitcode.elf" "$code"
	done
	for code in 0 3 255; do
		run --separate-stderr lpar wait "e$code"
		assert_equal "$status" "$code"
		assert_output "e$code $code"
		assert_stderr ""
	done
}

@test "wait: a crashed partition is 126, a killed one 137" {
	start boom "$EX/crash.elf"
	run --separate-stderr lpar wait boom
	assert_failure 126
	assert_output "boom 126"
	run --separate-stderr lpar status boom
	assert_line "state crashed"
	assert_line --regexp '^reason page fault at 0x0 '

	start victim "$EX/cat.elf"
	# A waiter that is already waiting when the partition is killed.
	bg lpar wait victim >wait.out 2>wait.err
	waiter=$!
	run lpar kill victim
	assert_success
	code=0
	wait "$waiter" || code=$?
	assert_equal "$code" 137
	assert_equal "$(cat wait.out)" "victim 137"
	assert_equal "$(cat wait.err)" ""
	run --separate-stderr lpar wait victim
	assert_failure 137
	assert_output "victim 137"
}

@test "wait on several names prints NAME STATUS lines; -j wait is JSON" {
	start a "$EX/exitcode.elf" 7
	start b "$EX/crash.elf"
	start c "$EX/exitcode.elf" 2
	run --separate-stderr lpar wait a b c
	# The status of the last one.
	assert_failure 2
	assert_output "$(printf 'a 7\nb 126\nc 2')"
	run --separate-stderr lpar -j wait c a b
	assert_failure 126
	assert_equal "$(jq -c 'map([.name, .state, .status])' <<<"$output")" \
		'[["c","exited",2],["a","exited",7],["b","crashed",126]]'
}

@test "-j wait and -j status stay valid JSON when one of several names fails" {
	start a "$EX/exitcode.elf" 3
	run --separate-stderr lpar -j wait a nope
	assert_failure 1
	assert_equal "$(jq -c 'map(.error // .name)' <<<"$output")" \
		'["a","no partition named '"'"'nope'"'"'"]'
	run --separate-stderr lpar -j status a nope
	assert_failure 1
	assert_equal "$(jq -c 'map(.error // .name)' <<<"$output")" \
		'["a","no partition named '"'"'nope'"'"'"]'
}

@test "wait on a partition that has already ended returns at once" {
	start e "$EX/exitcode.elf" 4
	pid=$(monitor_pid e)
	poll "the monitor of 'e' to exit" dead "$pid"
	# Only the status record is left; the timeout only guards against a hang.
	[ -f "$LPAR_RUNDIR/e/status" ] || fail "no status record in $LPAR_RUNDIR/e"
	run --separate-stderr timeout "$(slow 10)" lpar wait e
	assert_failure 4
	assert_output "e 4"
	run --separate-stderr timeout "$(slow 10)" lpar -j wait e
	assert_failure 4
	assert_equal "$(jq -c '.[0]' <<<"$output")" '{"name":"e","state":"exited","status":4}'
}

# ---- list --------------------------------------------------------------------

@test "list shows live partitions; -a adds the ended; --names prints only names" {
	start live "$EX/cat.elf"
	start ended "$EX/exitcode.elf" 0
	poll "'ended' to end" state_is ended exited
	pid=$(monitor_pid live)

	run --separate-stderr lpar list
	assert_success
	assert_line --index 1 --regexp "^live +running +$pid +64 MiB +[0-9.]+s +(kvm|tcg) +$EX/cat.elf\$"
	assert_equal "${#lines[@]}" 2
	run --separate-stderr lpar list -a
	assert_success
	assert_line --index 1 --regexp "^ended +exited +[0-9]+ +64 MiB +[0-9.]+s +(kvm|tcg) +$EX/exitcode.elf\$"
	assert_line --index 2 --regexp "^live +running +$pid "
	assert_equal "${#lines[@]}" 3
	run --separate-stderr lpar list --names
	assert_success
	assert_output "live"
	run --separate-stderr lpar list -a --names
	assert_success
	assert_output "$(printf 'ended\nlive')"
	run --separate-stderr lpar -j list --names
	assert_success
	assert_output '["live"]'
}

@test "-j list is a JSON array of name, state, pid, mem and image" {
	run --separate-stderr lpar -j list
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "[]"
	start big --mem 32M "$EX/cat.elf"
	run --separate-stderr lpar create --name idle "$EX/sleep.elf" 1
	assert_success
	run --separate-stderr lpar -j list
	assert_success
	assert_stderr ""
	assert_equal "$(jq -r 'type' <<<"$output")" array
	assert_equal "$(jq -r 'length' <<<"$output")" 2
	assert_equal "$(jq -r 'map(select((.name|type) == "string" and (.state|type) == "string" and (.pid|type) == "number" and (.mem|type) == "number" and (.image|type) == "string")) | length' <<<"$output")" 2
	assert_equal "$(jq -r '.[0] | "\(.name) \(.state) \(.pid) \(.mem) \(.image)"' <<<"$output")" \
		"big running $(monitor_pid big) 33554432 $EX/cat.elf"
	assert_equal "$(jq -r '.[1] | "\(.name) \(.state) \(.pid) \(.mem) \(.image)"' <<<"$output")" \
		"idle created $(monitor_pid idle) 67108864 $EX/sleep.elf"
}

@test "a foreground lpar run is listed and accepts lpar console" {
	mkfifo in
	# The partition's input stays open until the test closes it; read-write
	# so that opening it does not wait for the reader.
	exec {KEEP}<>in
	bg lpar run --name fg "$EX/cat.elf" <in >out 2>err
	fg=$!
	poll "'fg' to be listed" state_is fg running
	run --separate-stderr lpar list
	assert_success
	assert_line --index 1 --regexp "^fg +running +$fg +64 MiB +[0-9.]+s +(kvm|tcg) +$EX/cat.elf\$"

	printf 'from stdin\n' >&"$KEEP"
	poll "the echo on lpar run's stdout" has out "from stdin"
	printf 'from the console\n' >cons.in
	bg lpar console fg <cons.in >cons.out 2>cons.err
	viewer=$!
	poll "the console's input echoed on lpar run's stdout" has out "from the console"
	poll "the earlier output in the console" has cons.out "from stdin"
	poll "the echo in the console" has cons.out "from the console"

	# End of input ends cat, lpar run, its run directory and the console.
	exec {KEEP}>&-
	KEEP=
	code=0
	wait "$fg" || code=$?
	assert_equal "$code" 0
	assert_equal "$(cat err)" ""
	assert_equal "$(cat out)" "$(printf 'from stdin\nfrom the console')"
	code=0
	wait "$viewer" || code=$?
	assert_equal "$code" 0
	[ ! -e "$LPAR_RUNDIR/fg" ] || fail "$LPAR_RUNDIR/fg is still there"
	run --separate-stderr lpar list -a --names
	assert_output ""
}

# ---- rm ----------------------------------------------------------------------

@test "rm refuses a running partition; rm -f kills and removes it" {
	start busy "$EX/cat.elf"
	pid=$(monitor_pid busy)
	run --separate-stderr lpar rm busy
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: partition 'busy' is still running (stop it first, or use rm -f)"
	assert_equal "$(state_of busy)" running

	run --separate-stderr lpar rm -f busy
	assert_success
	assert_output ""
	assert_stderr ""
	[ ! -e "$LPAR_RUNDIR/busy" ] || fail "$LPAR_RUNDIR/busy is still there"
	poll "the monitor of 'busy' to exit" dead "$pid"
	run --separate-stderr lpar status busy
	assert_failure 1
	assert_stderr "lpar: no partition named 'busy'"
}

@test "rm removes an ended partition and its directory" {
	start e "$EX/exitcode.elf" 0
	start f "$EX/exitcode.elf" 1
	run lpar wait e f
	run --separate-stderr lpar rm e f
	assert_success
	assert_stderr ""
	[ -z "$(ls "$LPAR_RUNDIR")" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	run --separate-stderr lpar rm e
	assert_failure 1
	assert_stderr "lpar: no partition named 'e'"
}

@test "run -d --rm: the run directory goes when the partition ends" {
	start tmp --rm "$EX/cat.elf"
	[ -S "$LPAR_RUNDIR/tmp/sock" ] || fail "no control socket for 'tmp'"
	assert_equal "$(state_of tmp)" running
	run lpar kill tmp
	assert_success
	poll "$LPAR_RUNDIR/tmp to go" test ! -e "$LPAR_RUNDIR/tmp"
	run --separate-stderr lpar list -a --names
	assert_output ""
	# Also when it ends by itself.
	start quick --rm "$EX/exitcode.elf" 0
	poll "$LPAR_RUNDIR/quick to go" test ! -e "$LPAR_RUNDIR/quick"
}

# ---- console -----------------------------------------------------------------

@test "console: two viewers see the output; input from one reaches the partition" {
	start cat "$EX/cat.elf"
	mkfifo in
	exec {KEEP}<>in
	bg lpar console cat <in >a.out 2>a.err
	a=$!
	bg lpar console cat </dev/null >b.out 2>b.err
	b=$!
	printf 'one\n' >&"$KEEP"
	poll "viewer a to see 'one'" has a.out one
	poll "viewer b to see 'one'" has b.out one
	# Both are attached now: this line streams to both.
	printf 'two\n' >&"$KEEP"
	poll "viewer a to see 'two'" has a.out two
	poll "viewer b to see 'two'" has b.out two
	has "$LPAR_RUNDIR/cat/console.log" two || fail "'two' is not in console.log"

	# The end of the partition ends both viewers, who say so.
	run lpar kill cat
	assert_success
	for viewer in "$a" "$b"; do
		code=0
		wait "$viewer" || code=$?
		assert_equal "$code" 0
	done
	assert_equal "$(cat a.out)" "$(printf 'one\ntwo')"
	assert_equal "$(cat b.out)" "$(printf 'one\ntwo')"
	assert_equal "$(cat b.err)" "lpar: partition 'cat' ended (killed)"
}

@test "console: a viewer that attaches later sees the earlier output" {
	start cat "$EX/cat.elf"
	printf 'said before\n' >first.in
	bg lpar console cat <first.in >first.out 2>first.err
	poll "the first viewer's echo" has first.out "said before"
	bg lpar console cat </dev/null >second.out 2>second.err
	poll "the replay in the second viewer" has second.out "said before"
	assert_equal "$(cat second.out)" "said before"
	assert_equal "$(state_of cat)" running
}

@test "console: Ctrl-] detaches a terminal; the partition runs on" {
	start cat "$EX/cat.elf"
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 100 -y 20 \
		"lpar console cat 2>'$WORK/cons.err'; echo \$? >'$WORK/cons.rc'"
	TMUX_PID=$(tmux -S "$TMUX_SOCK" display-message -p '#{pid}')
	poll "the console to attach" has cons.err "attached to 'cat' (Ctrl-] detaches)"
	tmux -S "$TMUX_SOCK" send-keys "typed in a terminal" Enter
	poll "the echo in the terminal" eval \
		'tmux -S "$TMUX_SOCK" capture-pane -p | grep -qF "typed in a terminal"'
	has "$LPAR_RUNDIR/cat/console.log" "typed in a terminal" ||
		fail "the input did not reach the partition"
	tmux -S "$TMUX_SOCK" send-keys C-]
	poll "the console to detach" test -s cons.rc
	assert_equal "$(cat cons.rc)" 0
	has cons.err "lpar: detached from 'cat'" || fail "no detach message: $(cat cons.err)"
	assert_equal "$(state_of cat)" running
	printf 'still here\n' >after.in
	bg lpar console cat <after.in >after.out 2>after.err
	poll "cat to echo after the detach" has after.out "still here"
}

@test "console on an ended partition fails clearly" {
	start e "$EX/exitcode.elf" 5
	run lpar wait e
	run --separate-stderr lpar console e </dev/null
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: partition 'e' has ended (exited)"
}

# ---- faults ------------------------------------------------------------------

@test "a monitor killed with SIGKILL is gone: listed with its pid, kept until lpar rm" {
	start a "$EX/cat.elf"
	start b "$EX/sleep.elf" 600000
	start c "$EX/cat.elf"
	pa=$(monitor_pid a)
	pc=$(monitor_pid c)
	kill -KILL "$pa"
	poll "monitor $pa to die" dead "$pa"

	run --separate-stderr lpar list
	assert_success
	assert_line --regexp "^a +gone +$pa "
	assert_line --regexp '^b +running '
	assert_line --regexp "^c +running +$pc "
	# Reading removes nothing: the list, the names (TAB completion) and the status.
	run --separate-stderr lpar list -a --names
	assert_output "$(printf 'a\nb\nc')"
	run --separate-stderr lpar status a
	assert_success
	assert_line 'state gone'
	assert_line "pid $pa"
	[ -f "$LPAR_RUNDIR/a/console.log" ] || fail "lpar list or status removed a's console.log"
	# Its name stays taken until lpar rm.
	run --separate-stderr lpar run -d --name a "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot start partition: partition 'a' is gone (its monitor died); 'lpar rm a' removes what it left, console.log included"
	[ -f "$LPAR_RUNDIR/a/console.log" ] || fail "lpar run --name a removed a's console.log"
	run lpar rm a
	assert_success
	[ ! -e "$LPAR_RUNDIR/a" ] || fail "lpar rm left $LPAR_RUNDIR/a"

	# The others run on and answer.
	run lpar pause c
	assert_success
	assert_equal "$(state_of c)" paused
	run lpar resume c
	assert_success
	printf 'alive\n' >c.in
	bg lpar console c <c.in >c.out 2>c.err
	poll "c to echo" has c.out alive

	# The name is free again once lpar rm removed what was left.
	start a "$EX/sleep.elf" 600000
	pb=$(monitor_pid b)
	kill -KILL "$pb"
	poll "monitor $pb to die" dead "$pb"
	run lpar rm b
	assert_success
	start b "$EX/sleep.elf" 600000
	assert_equal "$(state_of a)" running
	assert_equal "$(state_of b)" running
}

@test "a stop signal to the monitor ends its partition whether it runs, is paused or not started" {
	start r "$EX/sleep.elf" 600000
	start p "$EX/sleep.elf" 600000
	run lpar pause p
	assert_success
	run --separate-stderr lpar create --name c "$EX/hello.elf"
	assert_success
	local n pid sig=TERM
	for n in r p c; do
		pid=$(monitor_pid $n)
		kill -$sig "$pid"
		poll "monitor $pid to end" dead "$pid"
		run lpar status $n
		assert_line "state killed"
		assert_line "reason stopped by signal $(kill -l $sig)"
		sig=$([ $sig = TERM ] && echo INT || echo HUP)
	done
}

@test "rm -f of a partition whose monitor died removes it and succeeds" {
	start a "$EX/sleep.elf" 600000
	pa=$(monitor_pid a)
	kill -KILL "$pa"
	poll "monitor $pa to die" dead "$pa"
	run --separate-stderr lpar rm -f a
	assert_success
	assert_stderr ""
	[ ! -e "$LPAR_RUNDIR/a" ] || fail "$LPAR_RUNDIR/a is still there"
}

@test "a client that hangs up mid-message does not disturb the monitor" {
	need_python
	start cat "$EX/cat.elf"
	sock=$LPAR_RUNDIR/cat/sock
	run p9raw half "$sock"
	assert_success
	run --separate-stderr lpar status cat
	assert_success
	assert_line "state running"
	# Hanging up while the monitor holds a read of wait, then a change of
	# state that would answer it.
	for k in 1 2 3; do
		run p9raw wait "$sock"
		assert_success
	done
	run lpar pause cat
	assert_success
	assert_equal "$(state_of cat)" paused
	run lpar resume cat
	assert_success
	run p9raw half "$sock"
	assert_success
	printf 'still serving\n' >c.in
	bg lpar console cat <c.in >c.out 2>c.err
	poll "cat to echo" has c.out "still serving"
	run p9raw hello "$sock"
	assert_output "served"
}

@test "another user cannot use root's run directory" {
	shared_rundir
	start a "$EX/sleep.elf" 600000
	# The run directory's parent is 0700: the directory cannot be reached.
	run --separate-stderr as_nobody env LPAR_RUNDIR="$LPAR_RUNDIR" lpar status a
	assert_failure 1
	assert_output ""
	assert_stderr --regexp "^lpar: .*run directory '$LPAR_RUNDIR'.*Permission denied\$"
	# Reachable now, but owned by root.
	chmod 0711 "$SHARED_DIR"
	run --separate-stderr as_nobody env LPAR_RUNDIR="$LPAR_RUNDIR" lpar list
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: run directory '$LPAR_RUNDIR' is not a directory owned by you"
	run --separate-stderr as_nobody env LPAR_RUNDIR="$LPAR_RUNDIR" lpar status a
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: run directory '$LPAR_RUNDIR' is not a directory owned by you"
	assert_equal "$(state_of a)" running
}

@test "the monitor refuses another user's connection even through an open socket" {
	need_python
	shared_rundir
	start a "$EX/sleep.elf" 600000
	chmod 0711 "$SHARED_DIR" "$LPAR_RUNDIR" "$LPAR_RUNDIR/a"
	chmod 0666 "$LPAR_RUNDIR/a/sock"
	# The same client as root is served, so "refused" below is the monitor's
	# SO_PEERCRED check and not the client.
	run p9raw hello "$LPAR_RUNDIR/a/sock"
	assert_success
	assert_output "served"
	run p9raw hello "$LPAR_RUNDIR/a/sock" 65534
	assert_success
	assert_output "refused"
	chmod 0700 "$LPAR_RUNDIR" "$LPAR_RUNDIR/a"
	assert_equal "$(state_of a)" running
	run p9raw hello "$LPAR_RUNDIR/a/sock"
	assert_output "served"
}

@test "lpar as another user is refused with a message; the partition runs on" {
	shared_rundir
	start a "$EX/sleep.elf" 600000
	chmod 0711 "$SHARED_DIR" "$LPAR_RUNDIR" "$LPAR_RUNDIR/a"
	chmod 0666 "$LPAR_RUNDIR/a/sock"
	# nobody's own run directory, with a link to root's partition.  lpar
	# checks that a partition's directory is its user's own before it
	# connects (the monitor's SO_PEERCRED check, the test above, is the
	# next line of defence).
	mine=$SHARED_DIR/nobody
	mkdir "$mine"
	chown 65534:65534 "$mine"
	ln -s "$LPAR_RUNDIR/a" "$mine/a"
	# nobody's directory is open to others: refused as such.
	run --separate-stderr as_nobody env LPAR_RUNDIR="$mine" lpar status a
	assert_failure 1
	assert_output ""
	assert_stderr "lpar: run directory '$mine' is open to other users (mode 0755, it must be 0700)"
	chmod 0700 "$mine"
	for k in 1 2 3; do
		run --separate-stderr as_nobody env LPAR_RUNDIR="$mine" lpar status a
		assert_failure 1
		assert_output ""
		assert_stderr "lpar: partition directory '$mine/a' is not a directory owned by you"
	done
	run --separate-stderr as_nobody env LPAR_RUNDIR="$mine" lpar pause a
	assert_failure 1
	assert_stderr "lpar: partition directory '$mine/a' is not a directory owned by you"
	chmod 0700 "$LPAR_RUNDIR" "$LPAR_RUNDIR/a"
	assert_equal "$(state_of a)" running
}

# ---- config files ------------------------------------------------------------

write_config() {
	cat >web.cfg <<EOF
# a web partition
name = web1
mem = 32M
image = "$EX/hello.elf"
args = one "two words" three
EOF
}

@test "create -f: name, mem, image and args come from the config file" {
	write_config
	run --separate-stderr lpar create -f web.cfg
	assert_success
	assert_output "web1"
	assert_stderr ""
	run --separate-stderr lpar status web1
	assert_success
	assert_line "name web1"
	assert_line "state created"
	assert_line "mem 33554432"
	assert_line "image $EX/hello.elf"
	run lpar start web1
	assert_success
	run --separate-stderr lpar wait web1
	assert_success
	assert_equal "$(cat "$LPAR_RUNDIR/web1/console.log")" "$(printf '%s\n' \
		"Hello from partition 'web1' (32 MiB, hcall ABI 1)" \
		"argv[0] = $EX/hello.elf" "argv[1] = one" "argv[2] = two words" "argv[3] = three")"
	# lpar run -f, in the foreground.
	run --separate-stderr lpar run -f web.cfg --name web-fg
	assert_success
	assert_line --index 0 "Hello from partition 'web-fg' (32 MiB, hcall ABI 1)"
	assert_line --index 2 "argv[1] = one"
	assert_line --index 3 "argv[2] = two words"
	assert_equal "${#lines[@]}" 5
}

@test "create -f: options on the command line override the config file" {
	write_config
	run --separate-stderr lpar create -f web.cfg --name web2 --mem 16M -- "$EX/exitcode.elf" 7
	assert_success
	assert_output "web2"
	run --separate-stderr lpar status web2
	assert_line "name web2"
	assert_line "mem 16777216"
	assert_line "image $EX/exitcode.elf"
	run lpar start web2
	assert_success
	# Its arguments are the command line's, not the file's.
	run --separate-stderr lpar wait web2
	assert_failure 7
	assert_output "web2 7"
	[ ! -e "$LPAR_RUNDIR/web1" ] || fail "a partition named after the file was made"
}

@test "a config file with an unknown key is a usage error naming the line" {
	printf '# test\nname = x\ncolour = blue\nimage = %s\n' "$EX/hello.elf" >bad.cfg
	for cmd in create "run -d"; do
		run --separate-stderr lpar $cmd -f bad.cfg
		assert_failure 2
		assert_output ""
		assert_stderr "lpar: bad.cfg:3: unknown key 'colour' (name, mem, image, args, chan, env, share, workdir, core, accel)"
	done
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "something was created: $(ls "$LPAR_RUNDIR")"
}

@test "a missing config file is a clear error" {
	for cmd in create "run -d" run; do
		run --separate-stderr lpar $cmd -f missing.cfg
		assert_failure 2
		assert_output ""
		assert_stderr "lpar: cannot read config 'missing.cfg': No such file or directory"
	done
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "something was created: $(ls "$LPAR_RUNDIR")"
}

@test "a config file that is a FIFO or a directory is refused at once, as a usage error" {
	mkfifo fifo.cfg
	mkdir dir.cfg
	for cmd in create "run -d" run; do
		# The timeout only keeps a hang (the defect) from stopping the suite.
		run --separate-stderr timeout "$(slow 20)" lpar $cmd -f fifo.cfg "$EX/hello.elf"
		assert_failure 2
		assert_output ""
		assert_stderr "lpar: cannot read config 'fifo.cfg': it is a FIFO, not a regular file"
		run --separate-stderr lpar $cmd -f dir.cfg "$EX/hello.elf"
		assert_failure 2
		assert_output ""
		assert_stderr "lpar: cannot read config 'dir.cfg': it is a directory, not a regular file"
	done
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "something was created: $(ls "$LPAR_RUNDIR")"
}

@test "a config file's keys reach the terminal escaped, and a NUL byte is named" {
	printf 'name = x\n\033]0;owned\007colour = \033[2J\n' >esc.cfg
	run --separate-stderr lpar create -f esc.cfg "$EX/hello.elf"
	assert_failure 2
	assert_stderr "lpar: esc.cfg:2: unknown key '\x1b]0;owned\x07colour' (name, mem, image, args, chan, env, share, workdir, core, accel)"
	printf 'name = x\nname = y\n' >twice.cfg
	run --separate-stderr lpar create -f twice.cfg "$EX/hello.elf"
	assert_failure 2
	assert_stderr "lpar: twice.cfg:2: 'name' given twice"
	printf 'name = x\nmem\000 = 16M\n' >nul.cfg
	run --separate-stderr lpar create -f nul.cfg "$EX/hello.elf"
	assert_failure 2
	assert_stderr "lpar: nul.cfg:2: a NUL byte at column 4 (a config file is text)"
	head -c 9000 /dev/zero | tr '\0' a >long.cfg
	run --separate-stderr lpar create -f long.cfg "$EX/hello.elf"
	assert_failure 2
	assert_stderr "lpar: long.cfg:1: line too long (at most 8191 bytes)"
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "something was created: $(ls "$LPAR_RUNDIR")"
}

@test "a partition name with control characters is shown escaped by every command that takes one" {
	for cmd in status start pause resume stop kill wait rm console; do
		run --separate-stderr lpar $cmd $'a\e]0;owned\ab'
		assert_failure
		assert_stderr --partial "invalid partition name 'a\x1b]0;owned\x07b'"
		[[ $stderr != *$'\e'* && $stderr != *$'\a'* ]] || fail "lpar $cmd: raw control bytes in: $stderr"
	done
}

# ---- a batch from a shell loop -------------------------------------------------

@test "a batch of 10: started in a loop, listed as JSON, waited for, removed" {
	need_bench_guest
	# (Not $i: bats 1.8's run sets it.)
	want=
	for k in $(seq 1 10); do
		run --separate-stderr lpar run -d --name "b$k" "$ROOT/bench/guest-batch.elf" $((k * 20)) $((k * 23))
		assert_success
		assert_output "b$k"
		want+="b$k $((k * 23))"$'\n'
	done
	run --separate-stderr lpar -j list -a
	assert_success
	assert_equal "$(jq length <<<"$output")" 10
	assert_equal "$(jq -r 'map(.name) | sort | join(" ")' <<<"$output")" \
		"$(printf 'b%s\n' $(seq 1 10) | sort | tr '\n' ' ' | sed 's/ $//')"
	pids=$(jq -r '.[].pid' <<<"$output")

	got=
	for k in $(seq 1 10); do
		code=0
		lpar wait "b$k" >/dev/null || code=$?
		got+="b$k $code"$'\n'
	done
	assert_equal "$got" "$want"
	run --separate-stderr lpar wait $(printf 'b%s ' $(seq 1 10))
	assert_equal "$status" 230
	assert_output "${want%$'\n'}"

	run --separate-stderr lpar rm $(printf 'b%s ' $(seq 1 10))
	assert_success
	[ -z "$(ls "$LPAR_RUNDIR")" ] || fail "left in $LPAR_RUNDIR: $(ls "$LPAR_RUNDIR")"
	for pid in $pids; do
		poll "monitor $pid to exit" dead "$pid"
	done
	assert_no_process_left
}

# ---- the control tree from a generic 9P client -----------------------------------

@test "diodcat reads the same status as lpar status" {
	[ -x "$DIODCAT" ] || fail "$DIODCAT is missing: install the diod package (tools/deps build test)"
	start x --mem 16M "$EX/cat.elf"
	for want in running paused; do
		if [ "$want" = paused ]; then
			run lpar pause x
			assert_success
		fi
		run --separate-stderr "$DIODCAT" -t "$(slow 10)" -s "$LPAR_RUNDIR/x/sock" status
		assert_success
		assert_line "state $want"
		# Less what moves between two reads: the uptime and the usage counters.
		tree=$(grep -Ev '^(uptime|exits|hcalls|cpu|rss) ' <<<"$output")
		run --separate-stderr lpar status x
		assert_success
		assert_equal "$tree" "$(grep -Ev '^(uptime|exits|hcalls|cpu|rss) ' <<<"$output")"
	done
	assert_line "mem 16777216"
}
