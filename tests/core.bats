#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# Core files: what a crash leaves with --core (the config's core, and
# LPAR_CORE_DIR), and lpar core of a live partition; real gdb opens them
# beside the image and finds the crash site, the registers and globals.
# The file rules: whole or nothing, 0600, no overwrite without --force,
# never through a symlink.  Each test has its own run directory and work
# directory, and leaves no partition and no process behind.

bats_require_minimum_version 1.5.0

GDB=/usr/bin/gdb

setup() {
	test_env_setup || return 1
	BG_PIDS=()
	IMMUTABLE=
	CORES=$WORK/cores
	mkdir -p "$CORES"
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	end_bg
	# A directory made immutable to be unwritable, even by root.
	if [ -n "$IMMUTABLE" ] && [ -d "$IMMUTABLE" ]; then
		chattr -i "$IMMUTABLE" 2>/dev/null || chmod 755 "$IMMUTABLE"
	fi
	remove_partitions_and_check
}

need_gdb() {
	[ -x "$GDB" ] || fail "$GDB is missing: install gdb"
}

# The rip of a crash line or status reason in $1.
crash_rip() {
	sed -n 's/.* at rip \(0x[0-9a-f]*\).*/\1/p' <<<"$1" | head -1
}

# gdb_core IMAGE CORE EXPR: bt, info registers rip and print EXPR, in batch mode.
gdb_core() {
	need_gdb
	run "$GDB" -batch -nx -ex bt -ex 'info registers rip' -ex "print $3" "$1" "$2"
	assert_success
}

# The text of the core file's LPAR note ("key value" lines).
lpar_note() {
	strings -n 3 "$1" | sed -n '/^name /,/^LPAR$/p'
}

# Checks what gdb makes of a crash.c core: the crash site with file and
# line, rip as the crash line said, the global crash_how read from memory.
check_crash_core() {
	local core=$1 how=$2 rip=$3 fn=${4:-main}

	[ -n "$rip" ] || fail "no rip in the crash line"
	[ -f "$core" ] || fail "no core file $core"
	assert_equal "$(stat -c %a "$core")" 600
	gdb_core "$EX/crash.elf" "$core" crash_how
	assert_line --regexp '^#0 +.* at .*:[0-9]+$'
	assert_line --regexp "^#[0-9]+ +.*$fn \\(.*\\) at .*examples/crash\\.c:[0-9]+\$"
	assert_line --regexp "^rip +$rip +$rip <"
	assert_line --regexp "^\\\$1 = 0x[0-9a-f]+ \"$how\"\$"
}

# ---- what a crash leaves -------------------------------------------------------

crash_foreground() {
	local how=$1

	run --separate-stderr lpar run --core "$CORES" --name "c-$how" "$EX/crash.elf" "$how"
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'c-$how' crashed: .* at rip 0x[0-9a-f]+ <[a-z_]+\\+[0-9]+>; core dumped to '$CORES/core\\.c-$how\\.1'\$"
	check_crash_core "$CORES/core.c-$how.1" "$how" "$(crash_rip "$stderr")" "${2:-}"
}

crash_detached() {
	local how=$1 reason

	run lpar create --core "$CORES" --name "d-$how" "$EX/crash.elf" "$how"
	assert_success
	run lpar start "d-$how"
	assert_success
	run lpar wait "d-$how"
	assert_output "d-$how 126"
	run lpar status "d-$how"
	assert_line "core $CORES/core.d-$how.1"
	reason=$(grep '^reason ' <<<"$output")
	check_crash_core "$CORES/core.d-$how.1" "$how" "$(crash_rip "$reason")" "${2:-}"
	run lpar -j status "d-$how"
	assert_equal "$(jq -r .core <<<"$output")" "$CORES/core.d-$how.1"
}

@test "core: a NULL dereference, in the foreground: gdb shows the crash site, rip and a global" {
	crash_foreground null
}

@test "core: a NULL dereference, detached: lpar status names the core" {
	crash_detached null
}

@test "core: a stack overflow, foreground and detached" {
	# main's call of recurse() is a tail call: main is not on the stack.
	crash_foreground stack recurse
	crash_detached stack recurse
	# The backtrace goes through the recursion.
	gdb_core "$EX/crash.elf" "$CORES/core.c-stack.1" 1
	assert_line --regexp '^#0 +.*recurse \(.*\) at .*examples/crash\.c:[0-9]+$'
	assert_line --regexp '^#1 +.*recurse \(.*\) at .*examples/crash\.c:[0-9]+$'
}

@test "core: int3, foreground and detached; the FPU and SSE state is there too" {
	crash_foreground int3
	crash_detached int3
	run "$GDB" -batch -nx -ex 'info registers mxcsr fctrl' "$EX/crash.elf" "$CORES/core.c-int3.1"
	assert_success
	assert_line --regexp '^mxcsr +0x1f80 '
	assert_line --regexp '^fctrl +0x37f '
}

@test "core: lpar_abort(), foreground and detached: the backtrace runs from the hcall to main" {
	crash_foreground abort
	crash_detached abort
	gdb_core "$EX/crash.elf" "$CORES/core.c-abort.1" 1
	assert_line --regexp '^#1 +lpar_abort \(.*\) at .*lpar\.c:[0-9]+$'
}

@test "core: a divide error, foreground and detached; gdb says SIGFPE" {
	crash_foreground div0
	crash_detached div0
	need_gdb
	run "$GDB" -batch -nx "$EX/crash.elf" "$CORES/core.c-div0.1"
	assert_line --partial "Program terminated with signal SIGFPE"
}

@test "core: abort() in libc: the registers are the program's at its syscall, not the library OS's" {
	local rip

	run --separate-stderr lpar run --core "$CORES" --name ab "$ROOT/tests/libc/abort.elf"
	assert_failure 126
	assert_stderr --regexp "killed by signal SIGABRT at rip 0x[0-9a-f]+ <raise\\+[0-9]+>; core dumped to '$CORES/core\\.ab\\.1'\$"
	rip=$(crash_rip "$stderr")
	gdb_core "$ROOT/tests/libc/abort.elf" "$CORES/core.ab.1" '$rsp'
	assert_line --regexp '^#0 +0x[0-9a-f]+ in raise \(\)$'
	assert_line --regexp "^rip +$rip +$rip <raise\\+[0-9]+>\$"
	run "$GDB" -batch -nx "$ROOT/tests/libc/abort.elf" "$CORES/core.ab.1"
	assert_line --partial "Program terminated with signal SIGABRT"
	run lpar_note "$CORES/core.ab.1"
	assert_line "regs syscall"
	assert_line "syscall_rip $rip"
	assert_line --regexp '^reason partition aborted: killed by signal SIGABRT'
}

@test "core: the config's core key and LPAR_CORE_DIR; --core wins; without any, no core" {
	mkdir "$WORK/env" "$WORK/cfg"
	printf 'core = %s\nimage = %s\nargs = null\n' "$WORK/cfg" "$EX/crash.elf" >"$WORK/c.conf"
	run --separate-stderr env LPAR_CORE_DIR="$WORK/env" lpar run --name k -f "$WORK/c.conf"
	assert_failure 126
	[ -f "$WORK/cfg/core.k.1" ] || fail "the config's core directory got no core"
	run --separate-stderr env LPAR_CORE_DIR="$WORK/env" lpar run --name k "$EX/crash.elf"
	assert_failure 126
	[ -f "$WORK/env/core.k.1" ] || fail "LPAR_CORE_DIR got no core"
	run --separate-stderr env LPAR_CORE_DIR="$WORK/env" lpar run --core "$CORES" --name k -f "$WORK/c.conf"
	assert_failure 126
	[ -f "$CORES/core.k.1" ] || fail "--core got no core"
	# Without: the crash line as ever, and nothing anywhere.
	run --separate-stderr lpar run --name k "$EX/crash.elf"
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'k' crashed: page fault .* <main\\+[0-9]+>\$"
	assert_equal "$(find "$WORK" -name 'core.*' | wc -l)" 3
}

@test "core: lpar run --trace names the core in its end line and, with a trace file, its crash line" {
	local tracer

	run --separate-stderr lpar run --trace --core "$CORES" --name t "$EX/crash.elf" null
	assert_failure 126
	assert_stderr --regexp "\\+\\+\\+ crashed: page fault .* <main\\+[0-9]+>; core dumped to '$CORES/core\\.t\\.1' \\+\\+\\+\$"
	[ -s "$CORES/core.t.1" ] || fail "no core"
	run --separate-stderr lpar run --trace="$WORK/t.trace" --core "$CORES" --name t "$EX/crash.elf" null
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 't' crashed: page fault .* <main\\+[0-9]+>; core dumped to '$CORES/core\\.t\\.2'\$"
	run grep -c "core dumped to '$CORES/core.t.2'" "$WORK/t.trace"
	assert_output 1
	# lpar trace's JSON end record carries it as a field of its own.
	run lpar create --core "$CORES" --name j "$EX/crash.elf" null
	assert_success
	lpar trace --json -o "$WORK/j.json" j 3>&- &
	tracer=$!
	BG_PIDS+=("$tracer")
	poll "the tracer to open the trace" test -e "$WORK/j.json"
	run lpar start j
	assert_success
	wait_rc "$tracer"
	assert_equal "$RC" 126
	assert_equal "$(tail -n 1 "$WORK/j.json" | jq -r '"\(.state) \(.core)"')" "crashed $CORES/core.j.1"
}

@test "core: the next crash of the same name takes the next free number" {
	run lpar run --core "$CORES" --name n "$EX/crash.elf" div0
	assert_failure 126
	: >"$CORES/core.n.2" # taken by someone else: left alone
	run lpar run --core "$CORES" --name n "$EX/crash.elf" div0
	assert_failure 126
	assert_output --partial "core dumped to '$CORES/core.n.3'"
	[ -s "$CORES/core.n.1" ] && [ ! -s "$CORES/core.n.2" ] && [ -s "$CORES/core.n.3" ] ||
		fail "cores: $(ls -l "$CORES")"
}

@test "core: --core naming no writable directory is refused before the partition starts" {
	run --separate-stderr lpar run --core "$WORK/missing" "$EX/crash.elf"
	assert_failure 125
	assert_stderr "lpar: cannot start partition: core directory '$WORK/missing': No such file or directory"
	: >"$WORK/file"
	run --separate-stderr lpar create --core "$WORK/file" "$EX/crash.elf"
	assert_failure 125
	assert_stderr "lpar: cannot create partition: core directory '$WORK/file': Not a directory"
	run --separate-stderr lpar run --core "" "$EX/crash.elf"
	assert_failure 2
	run lpar list -a --names
	assert_output ""
}

@test "core: a crash whose core directory went away says why, and leaves no file" {
	mkdir "$WORK/gone"
	run lpar create --core "$WORK/gone" --name g "$EX/crash.elf"
	assert_success
	rmdir "$WORK/gone"
	lpar start g
	run lpar wait g
	assert_output "g 126"
	run lpar status g
	assert_line --regexp "^core_error cannot write in '$WORK/gone': No such file or directory\$"
	refute_line --regexp '^core '
}

# ---- lpar core of a live partition ------------------------------------------------

@test "lpar core: a running partition runs on, its output unbroken; gdb reads its global" {
	local n=150 i

	bg lpar run --name tk "$ROOT/tests/guests/ticker.elf" "$n" 10 >"$WORK/out"
	poll "its first ticks" has_line "$WORK/out" "tick 20"
	run --separate-stderr lpar core tk
	assert_success
	assert_stderr ""
	assert_equal "$(state_of tk)" running
	[ -f "$WORK/core.tk" ] || fail "no core.tk"
	assert_equal "$(stat -c %a "$WORK/core.tk")" 600
	poll -t 20 "its last tick" has_line "$WORK/out" "tick $n"
	wait_rc "${BG_PIDS[0]}"
	assert_equal "$RC" 0
	# Every tick, in order, none twice.
	run seq -f 'tick %g' 1 "$n"
	assert_equal "$(cat "$WORK/out")" "$output"
	gdb_core "$ROOT/tests/guests/ticker.elf" "$WORK/core.tk" '/x ticker_magic'
	assert_line '$1 = 0x7ac4e12'
	# Asleep in the library OS: the program's registers at its syscall.
	run lpar_note "$WORK/core.tk"
	assert_line "name tk"
	assert_line "regs syscall"
	assert_line --regexp '^syscall_nr (35|230)$' # nanosleep, clock_nanosleep
}

@test "lpar core: on a terminal a last line says how much in how long; nothing otherwise" {
	command -v script >/dev/null || fail "script (util-linux) is missing"
	run lpar run -d --name pg "$ROOT/bench/guest-touch.elf" 4
	assert_success
	poll "pg to touch its 4 MiB" has "$(console_of pg)" touched
	run script -qec "lpar core pg '$WORK/pg.core'" /dev/null
	assert_success
	assert_output --regexp $'core: [0-9.]+ [KMG]?i?B in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s\e\\[K'
	run --separate-stderr lpar core pg "$WORK/pg2.core"
	assert_success
	assert_stderr ""
	[ -s "$WORK/pg.core" ] && [ -s "$WORK/pg2.core" ] || fail "no core"
}

@test "lpar core: a paused partition stays paused; a created one stays created; to standard output" {
	run lpar run -d --name p "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	lpar pause p
	run lpar core p "$WORK/p.core"
	assert_success
	assert_equal "$(state_of p)" paused
	lpar core p - >"$WORK/p.stdout"
	run cmp "$WORK/p.core" "$WORK/p.stdout"
	assert_success
	gdb_core "$ROOT/tests/guests/ticker.elf" "$WORK/p.core" '/x ticker_magic'
	assert_line '$1 = 0x7ac4e12'
	run lpar create --name c "$EX/crash.elf"
	assert_success
	run lpar core c
	assert_success
	assert_equal "$(state_of c)" created
	run lpar_note "$WORK/core.c"
	assert_line "state created"
	assert_line "regs current"
}

@test "lpar core: a panicked partition; with --core its end leaves a core too" {
	run lpar create --core "$CORES" --name pn "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	lpar start pn
	run lpar hcall pn panic
	assert_success
	assert_equal "$(state_of pn)" panicked
	run lpar core pn
	assert_success
	assert_equal "$(state_of pn)" panicked
	lpar kill pn
	run lpar wait pn
	assert_output "pn 126"
	run lpar status pn
	assert_line "core $CORES/core.pn.1"
	run lpar_note "$CORES/core.pn.1"
	assert_line --regexp '^reason panic requested by the controller'
}

@test "lpar core: a partition that touched little of 1 GiB gives a small, sparse core" {
	local size blocks

	run lpar run -d --mem 1G --name big "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	run lpar core big
	assert_success
	size=$(stat -c %s "$WORK/core.big")
	blocks=$(du -k "$WORK/core.big" | cut -f1)
	((size < 8 * 1024 * 1024)) || fail "a core of $size bytes for a partition that touched little"
	((blocks * 1024 <= size)) || fail "$blocks KiB on disk for a core of $size bytes"
	# gdb reads its stack, at the top of the 1 GiB.
	gdb_core "$ROOT/tests/guests/ticker.elf" "$WORK/core.big" '*(long *)$rsp != 0 || 1'
	assert_line '$1 = 1'
	run lpar_note "$WORK/core.big"
	assert_line "mem 1073741824"
}

# ---- the file rules ----------------------------------------------------------------

@test "lpar core: an existing file is kept unless --force; --force replaces it whole" {
	run lpar run -d --name f "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	echo precious >"$WORK/core.f"
	run --separate-stderr lpar core f
	assert_failure 1
	assert_stderr "lpar: cannot write 'core.f': it exists (--force replaces it)"
	assert_equal "$(cat "$WORK/core.f")" precious
	assert_equal "$(state_of f)" running
	run lpar core --force f
	assert_success
	assert_equal "$(head -c 4 "$WORK/core.f" | od -An -c | tr -d ' ')" '177ELF'
	assert_equal "$(stat -c %a "$WORK/core.f")" 600
	run --separate-stderr lpar core --force --force f
	assert_failure 2
}

@test "lpar core: a symlink at the path is never followed; --force replaces the link itself" {
	run lpar run -d --name s "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	echo target >"$WORK/target"
	ln -s "$WORK/target" "$WORK/link"
	ln -s "$WORK/nowhere" "$WORK/dangling"
	run --separate-stderr lpar core s "$WORK/link"
	assert_failure 1
	assert_stderr "lpar: cannot write '$WORK/link': it exists (--force replaces it)"
	run --separate-stderr lpar core s "$WORK/dangling"
	assert_failure 1
	[ ! -e "$WORK/nowhere" ] || fail "lpar core wrote through a dangling symlink"
	run lpar core --force s "$WORK/link"
	assert_success
	[ ! -L "$WORK/link" ] && [ -f "$WORK/link" ] || fail "the link was not replaced"
	assert_equal "$(cat "$WORK/target")" target
}

@test "lpar core: a missing or unwritable directory, a full file size limit: an error, nothing left" {
	run lpar run -d --name w "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	run --separate-stderr lpar core w "$WORK/missing/core.w"
	assert_failure 1
	assert_stderr "lpar: cannot write '$WORK/missing/core.w': No such file or directory"
	mkdir "$WORK/ro"
	if [ "$(id -u)" = 0 ]; then
		chattr +i "$WORK/ro" 2>/dev/null || skip "root, and chattr +i does not work here"
	else
		chmod 555 "$WORK/ro"
	fi
	IMMUTABLE=$WORK/ro
	run --separate-stderr lpar core w "$WORK/ro/core.w"
	assert_failure 1
	assert_stderr --regexp "^lpar: cannot write '$WORK/ro/core\\.w': (Permission denied|Operation not permitted)\$"
	# A disk that fills: the file size limit stops the write half way.
	mkdir "$WORK/full"
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 64; exec lpar core w "$1"' _ "$WORK/full/core.w"
	assert_failure 1
	assert_stderr --regexp "^lpar: cannot write the core of 'w' to '$WORK/full/core\\.w': File too large\$"
	assert_equal "$(ls -A "$WORK/full")" ""
	assert_equal "$(state_of w)" running
}

@test "lpar core: an ended, unknown or missing partition is an error; usage errors are 2" {
	run lpar run -d --name e "$EX/hello.elf"
	assert_success
	poll "e to end" state_is e exited
	run --separate-stderr lpar core e
	assert_failure 1
	assert_stderr "lpar: partition 'e' has ended (exited)"
	[ ! -e "$WORK/core.e" ] || fail "a core of an ended partition"
	run --separate-stderr lpar core nosuch
	assert_failure 1
	[ ! -e "$WORK/core.nosuch" ] || fail "a core of no partition"
	run --separate-stderr lpar core
	assert_failure 2
	run --separate-stderr lpar core a b c
	assert_failure 2
	run --separate-stderr lpar core --bogus e
	assert_failure 2
	assert_equal "$(ls -A "$WORK")" "cores"
}

# hold_core NAME: a running ticker NAME whose core is being taken: lpar
# core writes to a pipe nobody reads yet, so it stalls with NAME paused.
# Sets CORE_PID (the lpar core) and rd (the pipe's read end); the core's
# errors go to $WORK/err.
hold_core() {
	run lpar run -d --name "$1" "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	mkfifo "$WORK/pipe"
	lpar core "$1" - >"$WORK/pipe" 2>"$WORK/err" 3>&- &
	CORE_PID=$!
	BG_PIDS+=("$CORE_PID")
	exec {rd}<"$WORK/pipe"
	poll "$1 to pause for its core" state_is "$1" paused
}

@test "lpar core: a partition that ends while its core is written: an error, and the reader sees it" {
	hold_core m
	lpar kill m
	cat <&"$rd" >/dev/null
	exec {rd}<&-
	wait_rc "$CORE_PID"
	assert_equal "$RC" 1
	run cat "$WORK/err"
	assert_output "lpar: cannot write the core of 'm': partition 'm' ended before its core was complete"
}

@test "lpar core: while a core is taken, lpar resume is refused; the partition runs on after" {
	hold_core h
	run --separate-stderr lpar resume h
	assert_failure 1
	assert_stderr "lpar: partition 'h' is held for a core file; try again"
	assert_equal "$(state_of h)" paused
	cat <&"$rd" >"$WORK/h.core"
	exec {rd}<&-
	wait_rc "$CORE_PID"
	assert_equal "$RC" 0
	assert_equal "$(cat "$WORK/err")" ""
	poll "h to run on" state_is h running
	gdb_core "$ROOT/tests/guests/ticker.elf" "$WORK/h.core" '/x ticker_magic'
	assert_line '$1 = 0x7ac4e12'
}

@test "lpar core: while a core is taken, the debugger's continue and step are refused; after, they work" {
	hold_core g
	run --separate-stderr lpar attach -batch -ex continue g
	assert_failure 1
	assert_stderr --partial "partition 'g' is held for a core file; try again"
	run --separate-stderr lpar attach -batch -ex stepi g
	assert_failure 1
	assert_stderr --partial "partition 'g' is held for a core file; try again"
	assert_equal "$(state_of g)" paused
	cat <&"$rd" >"$WORK/g.core"
	exec {rd}<&-
	wait_rc "$CORE_PID"
	assert_equal "$RC" 0
	poll "g to run on" state_is g running
	run --separate-stderr lpar attach -batch -ex stepi -ex 'info registers rip' g
	assert_success
	assert_line --regexp '^rip +0x[0-9a-f]+'
}

# The program's registers in a core taken at a stop: "rip rsp", as gdb reads them.
gdb_rip_rsp() {
	"$GDB" -batch -nx -ex 'info registers rip rsp' "$1" "$2" 2>/dev/null |
		awk '/^(rip|rsp) /{printf "%s%s", s, $2; s=" "} END{print ""}'
}

# syscall_site: sets sc (the syscall instruction in ticker's __stdio_write)
# and next (the instruction after it).
syscall_site() {
	sc=$(objdump -d "$1" | awk '/<__stdio_write>:/{f=1} f && /\tsyscall/{sub(":", "", $1); print "0x" $1; exit}')
	[ -n "$sc" ] || fail "no syscall in __stdio_write"
	next=$(printf '0x%x' $((sc + 2)))
}

@test "gcore: a core taken at each step into a syscall has the program's rip and rsp" {
	local img=$ROOT/tests/guests/ticker.elf sc next rsp n live lrip lrsp
	local -a rips rsps
	need_gdb
	syscall_site "$img"
	# The stub, the library OS's entry, its frame (on TCG each is a step;
	# on KVM the stub's iretq drops the trap flag and the call runs to its
	# end): a core at every step, and where the debugger says it is.
	run lpar create --name g "$img" 3 1
	assert_success
	{
		echo "break *$sc"; echo continue; echo 'info registers rsp'; echo delete
		for n in $(seq 1 30); do
			echo stepi; echo 'info registers rip rsp'; echo "gcore $WORK/in.$n"
		done
	} >"$WORK/in.gdb"
	run --separate-stderr lpar attach -batch -x "$WORK/in.gdb" g
	assert_success
	rsp=$(awk '/^rsp /{print $2; exit}' <<<"$output")
	[ -n "$rsp" ] || fail "no rsp at the syscall"
	mapfile -t rips < <(awk '/^rip /{print $2}' <<<"$output" | tail -n 30)
	mapfile -t rsps < <(awk '/^rsp /{print $2}' <<<"$output" | tail -n 30)
	for n in $(seq 1 30); do
		lrip=${rips[n - 1]} lrsp=${rsps[n - 1]}
		# In the program's own code (back from the call): the core says where it is.
		if ((lrip >= 0x400000 && lrip < 0x40000000)); then
			live="$lrip $lrsp"
		else
			live="$next $rsp"
		fi
		assert_equal "$n $(gdb_rip_rsp "$img" "$WORK/in.$n")" "$n $live"
	done
	run lpar wait g
	assert_output "g 0"
}

@test "gcore: stepped to the library OS's way out, the core still has the program's rip and rsp" {
	# Stepping through the library OS needs the trap flag to survive the
	# stub's iretq, which only the software CPU keeps.
	require_accel tcg
	local img=$ROOT/tests/guests/ticker.elf sc next rsp leave n
	need_gdb
	syscall_site "$img"
	leave=$(nm "$ROOT/build/los/los.elf" | awk '$3 == "los_syscall_leave" {print $1}')
	[ -n "$leave" ] || fail "no los_syscall_leave in build/los/los.elf"
	leave=$(printf '0x%016x' "0x$leave")
	# Find the step at los_syscall_leave, then a core there and one step on.
	run lpar create --name g "$img" 3 1
	assert_success
	{
		echo "break *$sc"; echo continue; echo delete
		for n in $(seq 1 400); do echo stepi; done
	} >"$WORK/find.gdb"
	run --separate-stderr lpar attach -batch -x "$WORK/find.gdb" g
	assert_success
	n=$(grep -E '^0x[0-9a-f]+ in ' <<<"$output" | grep -n "^$leave in" | head -1 | cut -d: -f1)
	[ -n "$n" ] || fail "no step reached los_syscall_leave ($leave)"
	run lpar wait g
	run lpar rm g
	run lpar create --name g "$img" 3 1
	assert_success
	run --separate-stderr lpar attach -batch -ex "break *$sc" -ex continue -ex 'info registers rsp' \
		-ex delete -ex "stepi $n" -ex "gcore $WORK/out.1" -ex stepi -ex "gcore $WORK/out.2" \
		-ex stepi -ex 'info registers rip rsp' g
	assert_success
	rsp=$(awk '/^rsp /{print $2; exit}' <<<"$output")
	assert_line --regexp "^rip +$next "
	assert_line --regexp "^rsp +$rsp "
	assert_equal "$(gdb_rip_rsp "$img" "$WORK/out.1")" "$next $rsp"
	assert_equal "$(gdb_rip_rsp "$img" "$WORK/out.2")" "$next $rsp"
	run lpar wait g
	assert_output "g 0"
}

@test "gcore: refused on a core, and over an existing file; the default name is core.NAME" {
	run lpar run -d --name g "$ROOT/tests/guests/ticker.elf" 100000 10
	assert_success
	: >"$WORK/taken"
	run --separate-stderr lpar attach -batch -ex "gcore $WORK/taken" g
	assert_failure 1
	assert_stderr --partial "cannot write '$WORK/taken': it exists (--force replaces it)"
	assert_equal "$(stat -c %s "$WORK/taken")" 0
	run --separate-stderr lpar attach -batch -ex gcore g
	assert_success
	assert_output "Saved corefile core.g"
	[ -s "$WORK/core.g" ] || fail "no core.g"
	run --separate-stderr lpar attach -batch -ex "gcore $WORK/again" --core "$WORK/core.g" "$ROOT/tests/guests/ticker.elf"
	assert_failure 1
	assert_stderr --partial "this is a core file"
	[ ! -e "$WORK/again" ] || fail "a core of a core was written"
	assert_equal "$(state_of g)" running
}

# ---- Reading cores: lpar attach --core and lpar mem --core (core-read) ----
# Cores the monitor wrote, read by lpar's own debugger and lpar mem, with
# real gdb on the same core as the reference.  tests/core-read.bats reads
# cores tests/tools/mkcore.py writes.

# crash_core MODE: crashes examples/crash.elf that way with --core into
# $BATS_TEST_TMPDIR/rc-cores; sets CORE (the one file there) and CRASH_RIP
# (the crash line's rip).
crash_core() {
	local dir=$BATS_TEST_TMPDIR/rc-cores

	mkdir -p "$dir"
	run lpar run --core "$dir" "$EX/crash.elf" "$1"
	assert_failure
	CRASH_RIP=$(printf '%s\n' "$output" | sed -nE 's/.* at rip (0x[0-9a-f]+).*/\1/p' | head -1)
	[ -n "$CRASH_RIP" ] || fail "no rip in the crash line: $output"
	CORE=$(ls "$dir"/core.* 2>/dev/null)
	[ -n "$CORE" ] && [ "$(printf '%s\n' "$CORE" | wc -l)" -eq 1 ] ||
		fail "expected one core in $dir, found: $CORE"
}

# rc_frames TEXT: each frame of a backtrace as "FUNC FILE:LINE" (or
# "FUNC" without line information), up to main: gdb does not go past it.
rc_frames() {
	printf '%s\n' "$1" |
		sed -nE 's/^#[0-9]+ +(0x[0-9a-f]+ in )?([A-Za-z_][A-Za-z0-9_]*) \(.*\)( at ([^ ]+))?$/\2 \4/p' |
		sed 's/ $//' | awk '{ print } $1 == "main" { exit }'
}

# rc_same_frames OURS GDBS: the same frames, but for the ones gdb adds for
# inlined calls (lpar_hcall inside lpar_abort): frame 0's place (FILE:LINE)
# is the same, each of ours is gdb's next one or one after it, and both
# end at main at the same line.
rc_same_frames() {
	local -a a b
	local i=0 j=0

	mapfile -t a <<<"$1"
	mapfile -t b <<<"$2"
	[ "${a[0]#* }" = "${b[0]#* }" ] || return 1
	[ "${a[-1]}" = "${b[-1]}" ] || return 1
	for ((i = 0; i < ${#a[@]}; i++)); do
		while ((j < ${#b[@]})) && [ "${b[j]%% *}" != "${a[i]%% *}" ]; do
			((i == 0)) && break
			j=$((j + 1))
		done
		((i == 0)) || ((j < ${#b[@]})) || return 1
		j=$((j + 1))
	done
}

@test "core-read: lpar attach --core shows gdb's frames, rip and globals for every way crash.elf crashes" {
	command -v gdb >/dev/null || skip "gdb is not installed"
	local mode ours theirs
	for mode in null stack int3 div0 abort; do
		rm -rf "$BATS_TEST_TMPDIR/rc-cores"
		crash_core "$mode"
		# At most 12 frames: the stack overflow is thousands deep.
		run lpar attach --core "$CORE" -batch -ex 'bt 12' -ex 'info registers rip' -ex 'print one'
		assert_success
		ours=$output
		assert_line --regexp "^rip +$CRASH_RIP +$CRASH_RIP <"
		assert_line '$1 = 1'
		run gdb -batch -nx -ex 'echo BT\n' -ex 'bt 12' -ex 'info registers rip' -ex 'print one' \
			"$EX/crash.elf" "$CORE"
		assert_success
		theirs=$(printf '%s\n' "$output" | sed -n '/^BT$/,$p')
		assert_line --regexp "^rip +$CRASH_RIP +$CRASH_RIP <"
		assert_line '$1 = 1'
		[ -n "$(rc_frames "$theirs")" ] || fail "$mode: gdb shows no frames: $output"
		rc_same_frames "$(rc_frames "$ours")" "$(rc_frames "$theirs")" ||
			fail "$mode: frames differ; ours: $(rc_frames "$ours"); gdb's: $(rc_frames "$theirs")"
		# As gdb's, it ends at main: libc's start-up is not shown.
		[ "$mode" = stack ] || [ "$(printf '%s\n' "$ours" | grep -E '^#[0-9]+ ' | tail -1 | sed -E 's/.* in ([a-z_]+) .*/\1/')" = main ] ||
			fail "$mode: the backtrace does not end at main: $ours"
		# The crash site has a file and a line.
		rc_frames "$ours" | head -1 | grep -qE ' [^ ]+\.[ch]:[0-9]+$' ||
			fail "$mode: frame 0 has no file and line: $ours"
	done
}

@test "core-read: run control on a crash's core is refused with the reason, status 1" {
	crash_core null
	local cmd
	for cmd in continue stepi next 'break main' 'watch one' 'set var one = 2' kill; do
		run lpar attach --core "$CORE" -batch -ex "$cmd"
		assert_failure 1
		assert_output 'The program is not being run: this is a core file.'
	done
	run lpar attach --core "$CORE" </dev/null
	assert_success
	assert_line "Core was generated by partition 'crash'."
	assert_line 'Program terminated with signal SIGSEGV, Segmentation fault.'
	assert_line --regexp '^Reason: page fault at 0x0'
}

@test "core-read: lpar mem --core reads what lpar mem read live, and what gdb's x shows" {
	lpar run -d --name rc "$EX/sleep.elf" 600000 >/dev/null
	lpar pause rc
	local f=$BATS_TEST_TMPDIR/core.rc rsp live
	run lpar core rc "$f"
	assert_success
	rsp=$(lpar attach --core "$f" -batch -ex 'p/x $rsp' | sed -nE 's/^\$1 = //p')
	[ -n "$rsp" ] || fail "no \$rsp in the core"
	for what in "main 64" "$rsp 256" "__environ 8" "__default_stacksize 4"; do
		run lpar mem --virt rc read $what
		assert_success
		live=$output
		run lpar mem --core "$f" read $what
		assert_success
		[ "$output" = "$live" ] || fail "read $what: live: $live; core: $output"
	done
	# gdb's x on the same core: the same 8 bytes at the stack pointer.
	if command -v gdb >/dev/null; then
		run gdb -batch -nx -ex "x/8xb $rsp" "$EX/sleep.elf" "$f"
		assert_success
		local gdbhex memhex
		gdbhex=$(printf '%s\n' "$output" | grep -E '^0x[0-9a-f]+' | tail -1 | cut -f2- | tr -d '\t' | sed 's/0x//g')
		memhex=$(lpar mem --core "$f" read "$rsp" 8 --format x1 | cut -d' ' -f2- | tr -d ' ')
		[ "$gdbhex" = "$memhex" ] || fail "gdb's x: $gdbhex; lpar mem: $memhex"
	fi
	# The layout, as lpar mem map showed it live, in text and JSON.
	run lpar mem rc map
	assert_success
	live=$output
	run lpar mem --core "$f" map
	assert_success
	assert_equal "$output" "$live"
	run lpar -j mem rc map
	assert_success
	live=$output
	run lpar -j mem --core "$f" map
	assert_success
	assert_equal "$(jq -c 'del(.core)' <<<"$output")" "$(jq -c . <<<"$live")"
	assert_equal "$(jq -r .core <<<"$output")" "$f"
	# A page the core lacks, as lpar mem says for one not mapped.
	run lpar mem --core "$f" read 0 16
	assert_failure 1
	assert_output "lpar: cannot read the memory of '$f': address 0x0 is not in the core (not mapped, or never touched)"
	run lpar mem --core "$f" write main 90
	assert_failure 2
	lpar kill rc >/dev/null
}
