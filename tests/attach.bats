#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# lpar attach and lpar run --debug: the gdb-like debugger, driven with
# -batch -ex (gdb's scripting) and through a terminal (tmux) for readline.
# Partitions come from tests/guests/debuggee.c: a loop bumps 'counter'
# through bump() until it reaches 'limit' (5), then exits with it.  $DG has
# DWARF line information; $ND is the same image without it (gdb's shapes
# differ: "Breakpoint 1, 0x... in bump ()" against "bump () at f.c:15").

setup() {
	export LPAR_RUNDIR=$BATS_TEST_TMPDIR/rundir
	export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
	DG=$GUESTS/debuggee.elf
	[ -f "$DG" ] || fail "$DG is missing: build it with 'make $DG' (make check does)"
	ND=$BATS_TEST_TMPDIR/nodebug.elf
	objcopy --strip-debug "$DG" "$ND" || fail "objcopy --strip-debug failed"
	TMUX_SOCK=lpar-attach-$$-$BATS_TEST_NUMBER
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	[ -z "${TMUX_SOCK:-}" ] || tmux -L "$TMUX_SOCK" kill-server >/dev/null 2>&1 || true
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" >/dev/null 2>&1
	kill_partitions
}

# sym NAME: the address of a symbol of the debuggee, as 0x...
sym() {
	printf '0x%x\n' "$((16#$(nm "$DG" | awk -v s="$1" '$3 == s { print $1 }')))"
}

entry() {
	readelf -h "$DG" | awk '/Entry point/ { print $4 }'
}

# The address of the instruction after the first one at $1 (from objdump).
next_insn() {
	objdump -d "$DG" --start-address="$1" |
		awk '/^ *[0-9a-f]+:/ { n++; if (n == 2) { sub(":", "", $1); print "0x" $1; exit } }'
}

# created [IMAGE]: a partition 'd', loaded and not started (default: $DG).
created() {
	run lpar create --name d "${1:-$DG}"
	assert_success
}

# created_long: created, with a limit the debuggee does not reach: a test
# that attaches again after a debugger left (which starts the partition)
# finds it running, however slow the host.
created_long() {
	created
	run lpar mem --format x8 d write limit 0x7fffffff
	assert_success
}

@test "attach: info registers shows general, segment and control registers, eflags decoded" {
	created_long
	run lpar attach -batch -ex 'info registers' d
	assert_success
	assert_line --regexp "^rax +0x[0-9a-f]+ +-?[0-9]+\$"
	assert_line --regexp "^rip +$(entry) +$(entry) <_start>\$"
	assert_line --regexp '^eflags +0x[0-9a-f]+ +\[ ([A-Z]+ )*\]$'
	assert_line --regexp '^cs +0x[0-9a-f]+ +[0-9]+$'
	assert_line --regexp '^fs_base +0x[0-9a-f]+ +[0-9]+$'
	assert_line --regexp '^cr0 +0x[0-9a-f]+ +\[ PG .*PE \]$'
	assert_line --regexp '^cr3 +0x[0-9a-f]+ +\[ PDBR=0x[0-9a-f]+ PCID=[0-9]+ \]$'
	assert_line --regexp '^efer +0x[0-9a-f]+ +\[ .*LMA.* \]$'
	run lpar attach -batch -ex 'info registers rip rsp' -ex 'info registers nosuch' d
	assert_failure 1
	assert_line --index 0 --regexp '^rip '
	assert_line --index 1 --regexp '^rsp +0x[0-9a-f]+ +0x[0-9a-f]+$'
	assert_line "Invalid register \`nosuch'"
}

@test "attach: print registers, symbols, addresses, casts and history" {
	created
	run lpar attach -batch -ex 'p $rip' -ex 'p &main' -ex 'p main' -ex 'p/x 255' \
		-ex "p 'A'" -ex 'p $3 + 1' -ex 'p limit' -ex 'p *(int *)&limit * 2' \
		-ex 'p (unsigned char)-1' -ex 'p $rsp' d
	assert_success
	assert_line "\$1 = (void (*)()) $(entry) <_start>"
	assert_line "\$2 = (<text variable, no debug info> *) $(sym main) <main>"
	assert_line "\$3 = {<text variable, no debug info>} $(sym main) <main>"
	assert_line "\$4 = 0xff"
	assert_line "\$5 = 65 'A'"
	assert_line "\$6 = (<text variable, no debug info> *) $(printf '0x%x' $(($(sym main) + 1))) <main+1>"
	assert_line "\$7 = 5"
	assert_line "\$8 = 10"
	assert_line "\$9 = 255 '\\377'"
	assert_line --regexp '^\$10 = \(void \*\) 0x[0-9a-f]+$'
}

@test "attach: x/4gx \$rsp shows the initial stack, x/3i \$rip the entry code" {
	created
	run lpar attach -batch -ex 'x/4gx $rsp' -ex 'x/3i $rip' -ex 'x/s &greeting' -ex 'x/2xw &limit' d
	assert_success
	# argc (1) is the first word of a Linux-style initial stack
	assert_line --index 0 --regexp $'^0x[0-9a-f]+:\t0x0000000000000001\t0x[0-9a-f]{16}$'
	assert_line --index 1 --regexp $'^0x[0-9a-f]+:\t0x[0-9a-f]{16}\t0x[0-9a-f]{16}$'
	# musl's own _start
	assert_line --index 2 "=> $(entry) <_start>:	xor    %rbp,%rbp"
	assert_line --index 3 --regexp "^   0x[0-9a-f]+ <_start\+3>:	"
	assert_line --index 5 "$(sym greeting) <greeting>:	\"hello, debugger\""
	assert_line --index 6 "$(sym limit) <limit>:	0x00000005	0x00000000"
}

@test "attach: disassemble a function, a range and with raw bytes; intel flavor" {
	created
	run lpar attach -batch -ex 'disassemble main' d
	assert_success
	assert_line --index 0 "Dump of assembler code for function main:"
	assert_line --regexp "^   $(printf '0x%016x' $(sym main)) <\+0>:	"
	assert_line --regexp "	call   $(sym bump) <bump>\$"
	assert_line --regexp '# 0x[0-9a-f]+ <counter>$'
	assert_line "End of assembler dump."
	# (a debugger that leaves lets a created partition start: a new one)
	lpar rm -f d >/dev/null
	created
	run lpar attach -batch -ex "disassemble /r $(entry),+3" -ex 'set disassembly-flavor intel' \
		-ex 'x/i $pc' d
	assert_success
	assert_line --index 0 "Dump of assembler code from $(entry) to $(printf '0x%x' $(($(entry) + 3))):"
	assert_line --index 1 "=> $(printf '0x%016x' $(entry)) <_start+0>:	48 31 ed	xor    %rbp,%rbp"
	assert_line --index 3 "=> $(entry) <_start>:	xor    rbp,rbp"
}

@test "attach: break on a function, continue to it, stepi, info breakpoints, delete" {
	created "$ND"
	bump=$(sym bump)
	run lpar attach -batch -ex 'break bump' -ex 'continue' -ex 'stepi' -ex 'info breakpoints' \
		-ex 'delete 1' -ex 'info breakpoints' -ex 'delete 7' d
	assert_failure 1
	assert_line "Breakpoint 1 at $bump"
	assert_line "Breakpoint 1, $(printf '0x%016x' $bump) in bump ()"
	step=$(next_insn "$bump")
	assert_line "$(printf '0x%016x' $step) in bump ()"
	assert_line --regexp "^=> $step <bump\+[0-9]+>:	"
	assert_line --regexp "^1 +breakpoint +keep y +$(printf '0x%016x' $bump) <bump>\$"
	assert_line "	breakpoint already hit 1 time"
	assert_line "No breakpoints or watchpoints."
	assert_line "No breakpoint number 7."
	# the partition runs on without its breakpoint after the debugger
	run lpar wait d
	assert_failure 5
}

@test "attach: tbreak is deleted when hit; nexti steps over a call, stepi into it" {
	created "$ND"
	call=$(objdump -d "$DG" | awk '/call.*<bump>/ { sub(":", "", $1); print "0x" $1; exit }')
	[ -n "$call" ] || fail "no call to bump in the debuggee"
	after=$(next_insn "$call")
	run lpar attach -batch -ex "tbreak *$call" -ex 'continue' -ex 'info breakpoints' \
		-ex 'nexti' -ex 'p counter' d
	assert_success
	assert_line "Temporary breakpoint 1 at $call"
	assert_line --regexp "^Temporary breakpoint 1, $(printf '0x%016x' $call) in main \(\)\$"
	assert_line "No breakpoints or watchpoints."
	assert_line "$(printf '0x%016x' $after) in main ()"
	lpar rm -f d >/dev/null
	created "$ND"
	run lpar attach -batch -ex "break *$call" -ex 'continue' -ex 'stepi' d
	assert_success
	assert_line "$(printf '0x%016x' $(sym bump)) in bump ()"
}

@test "attach: break FUNC and step into a function of -O0 code stop past its frame set-up, as gdb does" {
	(cd "$ROOT" && lpar-cc -O0 -g -o "$BATS_TEST_TMPDIR/d0.elf" tests/guests/debuggee.c) ||
		fail "lpar-cc -O0 failed"
	src=tests/guests/debuggee.c
	ret=$(grep -n 'return x + 1;' "$ROOT/$src" | cut -d: -f1)
	puts=$(grep -n 'puts(greeting);' "$ROOT/$src" | cut -d: -f1)
	# The frame set-up is there to be skipped.
	objdump -d "$BATS_TEST_TMPDIR/d0.elf" | grep -A2 '<bump>:' | grep -q 'push   %rbp' ||
		fail "bump has no frame set-up at -O0"
	created "$BATS_TEST_TMPDIR/d0.elf"
	run lpar attach -batch -ex 'break bump' -ex 'break main' -ex 'continue' -ex 'continue' d
	assert_success
	assert_line --regexp "^Breakpoint 1 at 0x[0-9a-f]+: file $src, line $ret\.\$"
	assert_line --regexp "^Breakpoint 2 at 0x[0-9a-f]+: file $src, line $puts\.\$"
	assert_line "Breakpoint 2, main () at $src:$puts"
	assert_line "Breakpoint 1, bump () at $src:$ret"
	refute_line --partial "Breakpoint 1 at $(printf '0x%x' $((16#$(nm "$BATS_TEST_TMPDIR/d0.elf" | awk '$3 == "bump" { print $1 }'))))"
	# step into bump goes through its frame set-up too, to the same place.
	lpar rm -f d >/dev/null
	created "$BATS_TEST_TMPDIR/d0.elf"
	call=$(grep -n 'counter = bump(counter);' "$ROOT/$src" | cut -d: -f1)
	run lpar attach -batch -ex "break debuggee.c:$call" -ex 'continue' -ex 'step' -ex 'p $pc' d
	assert_success
	assert_line "bump () at $src:$ret"
	assert_line "$ret		return x + 1;"
	assert_line --regexp "^\\\$1 = \\(void \\(\\*\\)\\(\\)\\) 0x[0-9a-f]+ <bump\\+[1-9][0-9]*>\$"
}

@test "attach: with line information: break FILE:LINE and LINE, step, next, source lines" {
	created_long
	src=tests/guests/debuggee.c
	line=$(grep -n 'counter = bump(counter);' "$ROOT/$src" | cut -d: -f1)
	ret=$(grep -n 'return x + 1;' "$ROOT/$src" | cut -d: -f1)
	run lpar attach -batch -ex "break debuggee.c:$line" -ex 'break bump' -ex 'continue' \
		-ex 'next' -ex 'continue' -ex 'step' -ex 'info breakpoints' d
	assert_success
	assert_line --regexp "^Breakpoint 1 at 0x[0-9a-f]+: file $src, line $line\.\$"
	assert_line --regexp "^Breakpoint 2 at $(sym bump): file $src, line $ret\.\$"
	assert_line "Breakpoint 1, main () at $src:$line"
	assert_line "$line			counter = bump(counter);"
	# next and step end where another line begins (at -O2 the lines interleave)
	assert_line --index 6 --regexp $'^[0-9]+\t'
	assert_line "Breakpoint 2, bump () at $src:$ret"
	assert_line "$ret		return x + 1;"
	assert_line "$((ret + 1))	}"
	run lpar attach -batch -ex 'break 9999' -ex 'break nosuch.c:3' -ex "tbreak $line" d
	assert_failure 1
	assert_line "No line 9999 in file \"$src\"."
	assert_line "No source file named nosuch.c."
	assert_line --regexp "^Temporary breakpoint 1 at 0x[0-9a-f]+: file $src, line $line\.\$"
}

@test "attach: backtrace through call frame information; finish returns to the caller" {
	created
	src=tests/guests/debuggee.c
	line=$(grep -n 'counter = bump(counter);' "$ROOT/$src" | cut -d: -f1)
	run lpar attach -batch -ex 'break bump' -ex 'continue' -ex 'backtrace' -ex 'finish' -ex 'p $pc' d
	assert_success
	assert_line --regexp "^#0  $(printf '0x%016x' $(sym bump)) in bump \(\) at $src:[0-9]+\$"
	assert_line --regexp "^#1  0x[0-9a-f]{16} in main \(\) at $src:$line\$"
	# As gdb's: nothing past main.
	refute_line --regexp '^#2 '
	assert_line --regexp "^Run till exit from #0  $(printf '0x%016x' $(sym bump)) in bump \(\)"
	call=$(objdump -d "$DG" | awk '/call.*<bump>/ { sub(":", "", $1); print "0x" $1; exit }')
	assert_line --regexp "^\\\$1 = \(void \(\*\)\(\)\) $(next_insn "$call") <main\+[0-9]+>\$"
	lpar rm -f d >/dev/null
	created "$ND"
	run lpar attach -batch -ex 'break bump' -ex 'continue' -ex 'bt' -ex 'finish' d
	assert_success
	assert_line --regexp "^#1  0x[0-9a-f]{16} in main \(\)\$"
	assert_line "$(next_insn "$call" | xargs printf '0x%016x') in main ()"
}

@test "attach: without line information, source-line commands say so" {
	created "$ND"
	run lpar attach -batch -ex 'break debuggee.c:20' -ex 'step' -ex 'next' -ex 'break bump' d
	assert_failure 1
	assert_line "No line information: the image has no DWARF line tables (build it with -g)"
	assert_line "No line information: the image has no DWARF line tables (build it with -g); use stepi and nexti"
	assert_line "Breakpoint 1 at $(sym bump)"
}

@test "attach: set var, set *(TYPE *)ADDR and set \$REG change the partition" {
	created
	run lpar attach -batch -ex 'set var limit = 2' -ex 'p limit' \
		-ex 'set *(int *)&counter = 1' -ex 'p counter' -ex 'set $rax = 0x1234' -ex 'p/x $rax' \
		-ex 'p $eax' -ex 'set $cs = 1' d
	assert_failure 1
	assert_line "\$1 = 2"
	assert_line "\$2 = 1"
	assert_line "\$3 = 0x1234"
	assert_line "\$4 = 4660"
	assert_line "cannot set \$cs: the monitor keeps it"
	# the partition counts from 1 to the new limit 2 and exits with it
	run lpar wait d
	assert_failure 2
}

@test "attach: a watchpoint stops after the write with the old and new value" {
	created_long
	run lpar attach -batch -ex 'watch counter' -ex 'continue' -ex 'continue' -ex 'info breakpoints' d
	assert_success
	assert_line "Hardware watchpoint 1: counter"
	assert_line "Old value = 0"
	assert_line "New value = 1"
	assert_line "Old value = 1"
	assert_line "New value = 2"
	assert_line --regexp '^1 +hw watchpoint +keep y +counter$'
	run lpar attach -batch -ex 'watch $rax' -ex 'rwatch main' d
	assert_failure 1
	assert_line "Cannot watch a register: watchpoints watch memory."
}

@test "attach: info symbol, display, kill" {
	created
	run lpar attach -batch -ex 'info symbol main+4' -ex 'info symbol &limit' -ex 'info symbol 0' \
		-ex 'display/i $pc' -ex 'display counter' -ex 'stepi' -ex 'kill' -ex 'info registers' d
	assert_failure 1
	assert_line "main + 4 in section .text"
	assert_line "limit in section .data"
	assert_line "No symbol matches 0."
	assert_line "1: x/i \$pc"
	assert_line "2: counter = 0"
	assert_line "[Partition 'd' killed]"
	assert_line "The program is not being run."
	run lpar status d
	assert_line "state killed"
}

@test "attach: the partition's end is reported; ended partitions are refused" {
	created
	run lpar attach -batch -ex 'continue' -ex 'info registers' d
	assert_failure 1
	assert_line "[Partition 'd' exited with code 05]"
	assert_line "The program is not being run."
	run lpar attach -batch -ex 'p 1' d
	assert_failure 1
	assert_output "lpar: partition 'd' has ended (exited)"
}

@test "attach: an unknown command is reported and the next ones still run; exit status 1" {
	created_long
	run lpar attach -batch -ex 'foo' -ex 'p 1' d
	assert_failure 1
	assert_line 'Undefined command: "foo".  Try "help".'
	assert_line '$1 = 1'
	run lpar attach -batch -ex 'p 1' -ex 'help' d
	assert_success
	assert_line '$1 = 1'
	assert_line --regexp '^  stepi +'
}

@test "attach: bad address, unknown symbol, breakpoint outside the image" {
	created_long
	run lpar attach -batch -ex 'x/4x 0' d
	assert_failure 1
	assert_output --partial "Cannot access memory at address 0x0"
	run lpar attach -batch -ex 'p *(long *)0x7ffffffff000' d
	assert_failure 1
	assert_output "Cannot access memory at address 0x7ffffffff000"
	run lpar attach -batch -ex 'p nosuch' d
	assert_failure 1
	assert_output 'No symbol "nosuch" in current context.'
	run lpar attach -batch -ex 'break nosuch' d
	assert_failure 1
	assert_output 'Function "nosuch" not defined.'
	run lpar attach -batch -ex 'break *0' -ex "break *$(sym limit)" d
	assert_failure 1
	assert_line --regexp "^Cannot insert breakpoint at 0x0: it is outside the image's code \\(0x[0-9a-f]+-0x[0-9a-f]+\\)\$"
	assert_line --regexp "^Cannot insert breakpoint at $(sym limit): it is outside"
	# nothing was planted: the partition runs to its end undisturbed
	run lpar start d
	run lpar mem --force --format x8 d write limit 0
	assert_success
	run lpar wait d
	assert_output --regexp '^d [0-9]+$'
	run lpar status d
	assert_line 'state exited'
}

@test "attach: -x runs a file's commands and stops the file at the first error" {
	created_long
	printf 'p 1\nfoo\np 2\n' >"$BATS_TEST_TMPDIR/cmds"
	run lpar attach -batch -x "$BATS_TEST_TMPDIR/cmds" -ex 'p 3' d
	assert_failure 1
	assert_line '$1 = 1'
	assert_line 'Undefined command: "foo".  Try "help".'
	refute_line '$2 = 2'
	assert_line '$2 = 3'
	run lpar attach -batch -x "$BATS_TEST_TMPDIR/nosuch" d
	assert_failure 1
	assert_output --partial "nosuch: No such file or directory."
}

@test "attach: a second debugger is refused while the first holds the partition" {
	created_long
	mkfifo "$BATS_TEST_TMPDIR/in"
	lpar attach -ex 'p 1' d <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	HOLDER=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	poll "the first debugger to print \$1" grep -q '^\$1 = 1' "$BATS_TEST_TMPDIR/out"
	run lpar attach -batch -ex 'p 2' d
	assert_failure 1
	assert_output "lpar: partition 'd' already has a debugger attached"
	# the first one still works, and detaching lets the second in
	echo 'p 5' >&7
	echo 'quit' >&7
	exec 7>&-
	wait "$HOLDER"
	HOLDER=
	grep -q '^\$2 = 5' "$BATS_TEST_TMPDIR/out" || fail "the first debugger stopped working: $(cat "$BATS_TEST_TMPDIR/out")"
	run lpar attach -batch -ex 'p 2' d
	assert_success
	assert_output '$1 = 2'
}

@test "attach: a missing partition and bad usage are refused clearly" {
	run lpar attach -batch nosuch
	assert_failure 1
	assert_output "lpar: no partition named 'nosuch'"
	run lpar attach
	assert_failure 2
	assert_line --index 0 "lpar attach: missing partition name"
	run lpar attach a b
	assert_failure 2
	run lpar attach -batch -batch a
	assert_failure 2
	run lpar attach -ex
	assert_failure 2
	assert_line --index 0 "lpar: option '-ex' needs a value"
}

@test "attach: a debugger killed while the partition is stopped leaves it running, breakpoints gone" {
	created
	mkfifo "$BATS_TEST_TMPDIR/in"
	lpar attach -ex 'break bump' -ex 'continue' d <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	HOLDER=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	within 10 grep -q '^Breakpoint 1, ' "$BATS_TEST_TMPDIR/out" ||
		fail "no breakpoint hit: $(cat "$BATS_TEST_TMPDIR/out")"
	run lpar status d
	assert_line "state paused"
	kill -KILL "$HOLDER"
	wait "$HOLDER" || true
	HOLDER=
	exec 7>&-
	# it runs on to its end: had the int3 stayed, bump() would trap and crash it
	run lpar wait d
	assert_failure 5
	run lpar status d
	assert_line "state exited"
}

@test "run --debug: starts stopped at the entry, console interleaved, quit ends the partition" {
	run bash -c "printf 'info registers rip\nbreak bump\ncontinue\np \$rdi\nquit\n' | lpar run --debug --name rd '$ND'"
	assert_success
	assert_line "Partition 'rd' loaded from $ND, stopped at its entry point; 'continue' starts it."
	assert_line --regexp "^rip +$(entry) +$(entry) <_start>\$"
	assert_line "hello, debugger"
	assert_line "Breakpoint 1, $(printf '0x%016x' $(sym bump)) in bump ()"
	assert_line '$1 = 0'
	# quitting ended the partition; its run directory is gone (--rm)
	run lpar status rd
	assert_failure
	assert_output --partial "no partition named 'rd'"
	run bash -c "printf 'continue\n' | lpar run --debug --name rd '$DG'"
	assert_success
	assert_line "counter 5"
	assert_line "[Partition 'rd' exited with code 05]"
	run lpar run --debug -d "$DG"
	assert_failure 2
}

# ---- through a terminal (tmux) ----

# Starts CMD in a tmux pane of a known size.
term_start() {
	tmux -L "$TMUX_SOCK" new-session -d -s t -x 150 -y 50 \
		"env LPAR_RUNDIR='$LPAR_RUNDIR' XDG_STATE_HOME='$XDG_STATE_HOME' PATH='$PATH' $*; sleep $(slow 60)"
}

screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -t t
}

# Whether the screen matches the regexp.
screen_has() {
	screen | grep -qE -- "$1"
}

# Waits until the screen matches the regexp (or gives up after 10 s; see slow).
term_wait() {
	within 10 screen_has "$1" || fail "the terminal never showed /$1/: $(screen)"
}

# Types text literally, then optional keys (Tab, Enter).
type_keys() {
	tmux -L "$TMUX_SOCK" send-keys -t t -l -- "$1"
	shift
	[ $# -gt 0 ] && tmux -L "$TMUX_SOCK" send-keys -t t "$@"
	return 0
}

@test "terminal: tab completes commands, symbols and registers" {
	created
	term_start lpar attach d
	term_wait '^\(lpar\) ?$'
	type_keys 'disas' Tab
	term_wait '^\(lpar\) disassemble ?$'
	type_keys '' C-u
	type_keys 'break bum' Tab
	term_wait '^\(lpar\) break bump ?$'
	type_keys '' Enter
	term_wait '^Breakpoint 1 at '
	type_keys 'p $ri' Tab Enter
	term_wait '^\$1 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <_start>'
	type_keys 'info reg' Tab Enter
	term_wait '^eflags +0x'
}

@test "terminal: an empty line repeats stepi; history is written to the state dir" {
	created
	term_start lpar attach d
	term_wait '^\(lpar\) ?$'
	type_keys 'stepi' Enter
	term_wait '^=> 0x[0-9a-f]+ <_start\+3>:'
	type_keys '' Enter
	term_wait '^=> 0x[0-9a-f]+ <_start\+6>:'
	type_keys 'quit' Enter
	term_wait 'quit'
	poll -t 5 "quit in the history" has_line "$XDG_STATE_HOME/lpar/history" quit
	run cat "$XDG_STATE_HOME/lpar/history"
	assert_success
	assert_line stepi
	assert_line quit
	# quit let the partition run on
	run lpar wait d
	assert_failure 5
}

@test "terminal: Ctrl-C stops a running partition; run --debug shows its console" {
	term_start lpar run --debug --name sl "$EX/sleep.elf" 20000
	term_wait '^\(lpar\) ?$'
	type_keys 'continue' Enter
	term_wait '^Continuing\.'
	poll "continue to reach the partition" state_is sl running
	tmux -L "$TMUX_SOCK" send-keys -t t C-c
	term_wait '^Program received signal SIGINT, Interrupt\.'
	term_wait '^0x[0-9a-f]{16} in '
	type_keys 'info vcpus' Enter
	term_wait '^\* 0 +stopped'
	type_keys 'kill' Enter
	term_wait "^\\[Partition 'sl' killed\\]"
}

@test "completion: bash offers partition names and options for attach, --debug for run" {
	created
	run bash -c 'source "$1"; COMP_WORDS=(lpar attach ""); COMP_CWORD=2; _lpar
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash"
	assert_success
	assert_line d
	run bash -c 'source "$1"; COMP_WORDS=(lpar attach -e); COMP_CWORD=2; _lpar
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash"
	assert_output -- -ex
	run bash -c 'source "$1"; COMP_WORDS=(lpar run --deb); COMP_CWORD=2; _lpar
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash"
	assert_output -- --debug
}
