#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lpar trace and lpar run --trace: hcalls with decoded arguments and
# results, exits, the partition's own marks in order, 9P requests of its
# shares, filters, the -c summary, JSON lines, -o, a slow reader's dropped
# events, and how a trace ends (the partition's end, Ctrl-C, an ended or
# unknown partition).  tests/guests/ctlhcalls.c is the traced partition:
# its console input drives it (see the comment at its top);
# tests/libc/fileops.c makes the file operations.

load test_helper/common
load test_helper/partitions

bats_require_minimum_version 1.5.0

# Events of one kind in a plain trace: the lines without their timestamps.
events() {
	sed -E 's/^\+[0-9]+\.[0-9]{6} //' "$1"
}

# Standard input from ./in, a FIFO held open and never written: input that
# stays open and empty.
need_fifo_stdin() {
	mkfifo in
	exec {FIFO_HOLD}<>in
}

# ---- what a trace shows ----------------------------------------------------------

@test "hcalls with their arguments decoded and their results, marks in order, and the end with its status" {
	start_ctl t1
	bg lpar trace t1 >trace.out 2>trace.err
	local tracer=$!
	trace_attached t1 trace.out
	run lpar hcall t1 event 4
	assert_success
	poll "the event" has_line "$(console_of t1)" "event 0x4"
	send t1 'marks one two three'
	poll "the marks" has_line "$(console_of t1)" "marked three"
	send t1 'exit 3'
	wait_rc "$tracer"
	assert_equal "$RC" 3
	assert_equal "$(cat trace.err)" ""

	# Every line is "+SECONDS.MICROS EVENT".
	run grep -cvE '^\+[0-9]+\.[0-9]{6} ' trace.out
	assert_output 0
	run events trace.out
	assert_line --regexp '^block\(deadline=NEVER\) = 0x4 \(EVENT\) <[0-9]+\.[0-9]{6}>$'
	assert_line --regexp '^event_take\(\) = 0x100 <[0-9]+\.[0-9]{6}>$'
	assert_line --regexp '^event_take\(\) = 0x4 <[0-9]+\.[0-9]{6}>$'
	assert_line --regexp '^block\(deadline=NEVER\) = 0x1 \(CONSOLE\) <[0-9]+\.[0-9]{6}>$'
	# "marks one two three\n" is 20 bytes.
	assert_line --regexp '^console_read\(buf=0x[0-9a-f]+, len=256\) = 20 <[0-9]+\.[0-9]{6}>$'
	assert_line --regexp '^trace_mark\(msg=0x[0-9a-f]+, len=3\) = 0 <[0-9]+\.[0-9]{6}>$'
	assert_line --regexp '^exit\(status=3\) = 0 <[0-9]+\.[0-9]{6}>$'
	# The marks, each before the line the partition wrote after it.  musl's
	# stdio writes "marked one\n" as a writev of the buffered "marked one"
	# and the format's "\n": the library OS sends them as one console_write.
	local marks
	marks=$(events trace.out | grep -E '^--- mark|^console_write\(buf=0x[0-9a-f]+, len=(11|13)\)' |
		sed -E 's/^(console_write).*len=([0-9]+).*/\1 \2/')
	assert_equal "$marks" "$(printf '%s\n' '--- mark: one ---' 'console_write 11' \
		'--- mark: two ---' 'console_write 11' '--- mark: three ---' 'console_write 13')"
	# Timestamps never go back; the end is last.
	run sh -c "sed -E 's/^\\+([0-9.]+) .*/\\1/' trace.out | sort -c -n"
	assert_success
	assert_equal "$(tail -n 1 trace.out | events /dev/stdin)" "+++ exited with 3 +++"
}

@test "exits that are not hcalls: a fault, with its vector and rip, then the crash" {
	run --separate-stderr lpar run --trace "$EX/crash.elf" port
	assert_failure 126
	assert_output "crash: port"
	local trace
	trace=$(printf '%s\n' "${stderr_lines[@]}" | sed -E 's/^\+[0-9]+\.[0-9]{6} //')
	printf '%s\n' "$trace" | grep -qE '^--- exit fault vector=13 rip=0x40[0-9a-f]+ ---$' ||
		fail "no fault exit in: $trace"
	printf '%s\n' "$trace" | grep -qxE '\+\+\+ crashed: port I/O outside the hcall port \(0x4c\): write of 1 byte to port 0x80 at rip 0x[0-9a-f]+ <main\+[0-9]+> \+\+\+' ||
		fail "no crash line in: $trace"
	# A filter can hide them: the crash still ends the trace.
	run --separate-stderr lpar run --trace "$EX/crash.elf" hlt
	assert_failure 126
	printf '%s\n' "${stderr_lines[@]}" | grep -qE -- '--- exit fault vector=13' ||
		fail "hlt: no fault exit: $stderr"
}

@test "-e hcall= and -e exit=: only the named hcalls and exits; marks and the end always" {
	start_ctl t1
	bg lpar trace -e hcall=trace_mark,exit -e exit=none -o only.out t1
	local only=$!
	trace_opened only.out
	bg lpar trace -e 'hcall=!console_write,block,event_take' -o not.out t1
	local not=$!
	trace_opened not.out
	send t1 'marks a b'
	poll "the marks" has_line "$(console_of t1)" "marked b"
	send t1 'exit 0'
	wait_rc "$only"
	assert_equal "$RC" 0
	wait_rc "$not"
	assert_equal "$RC" 0
	run events only.out
	assert_equal "$(printf '%s\n' "${lines[@]}" | sed -E 's/\(msg=0x[0-9a-f]+/(msg=X/; s/ <[0-9.]+>$//')" \
		"$(printf '%s\n' '--- mark: a ---' 'trace_mark(msg=X, len=1) = 0' \
			'--- mark: b ---' 'trace_mark(msg=X, len=1) = 0' 'exit(status=0) = 0' \
			'+++ exited with 0 +++')"
	run events not.out
	refute_line --regexp '^(console_write|block|event_take)\('
	assert_line --regexp '^console_read\('
	assert_line --regexp '^trace_mark\('
	assert_line '--- mark: b ---'
}

@test "-e 9p hides hcalls and exits that no other -e names; -e 9p=LIST alone hides nothing else" {
	start_ctl t1
	bg lpar trace -e 9p -o only.out t1
	local only=$!
	trace_opened only.out
	bg lpar trace -e 9p -e hcall=trace_mark -o mark.out t1
	local mark=$!
	trace_opened mark.out
	bg lpar trace -e 9p=read -o read.out t1
	local rd=$!
	trace_opened read.out
	bg lpar trace -c -e 9p -o sum.out t1
	local sum=$!
	trace_opened sum.out
	send t1 'marks a'
	poll "the mark" has_line "$(console_of t1)" "marked a"
	send t1 'exit 0'
	local pid
	for pid in "$only" "$mark" "$rd" "$sum"; do
		wait_rc "$pid"
		assert_equal "$RC" 0
	done
	# This partition makes no 9P requests: marks and the end only.
	assert_equal "$(events only.out)" "$(printf '%s\n' '--- mark: a ---' '+++ exited with 0 +++')"
	assert_equal "$(events mark.out | sed -E 's/\(msg=0x[0-9a-f]+/(msg=X/; s/ <[0-9.]+>$//')" \
		"$(printf '%s\n' '--- mark: a ---' 'trace_mark(msg=X, len=1) = 0' '+++ exited with 0 +++')"
	run events read.out
	assert_line --regexp '^console_write\('
	assert_line --regexp '^trace_mark\('
	assert_line --regexp '^exit\(status=0\) = 0 '
	# -c -e 9p: the 9P table, empty, and no hcall table.
	run cat sum.out
	assert_line --index 0 --regexp '^% time +seconds +usecs/call +calls +errors +9p$'
	assert_line --regexp '^ *0\.00 +0\.000000 +0 +0 total$'
	refute_line --regexp 'hcall$'
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 0 +++"
}

@test "-e: bad filters are usage errors that name the problem" {
	local f
	for f in 'bogus=1' 'hcall' 'hcall=' 'hcall=nosuch' 'hcall=info' 'exit=nosuch'; do
		run --separate-stderr lpar trace -e "$f" t1
		assert_failure 2
	done
	run --separate-stderr lpar trace -e hcall=nosuch t1
	assert_equal "${stderr_lines[0]}" "lpar: unknown hcall 'nosuch' in filter (see 'lpar hcall --list')"
	run --separate-stderr lpar trace -e hcall=info t1
	assert_equal "${stderr_lines[0]}" "lpar: hcall 'info' is issued by a controller: it never appears in a trace"
	run --separate-stderr lpar trace -e exit=nosuch t1
	assert_equal "${stderr_lines[0]}" "lpar: unknown exit 'nosuch' in filter (known: io, hlt, fault, debug)"
	run --separate-stderr lpar trace -e bogus=1 t1
	assert_equal "${stderr_lines[0]}" "lpar: invalid filter 'bogus=1': expected hcall=LIST, exit=LIST, 9p=LIST or 9p"
	run --separate-stderr lpar trace -e hcall=block -e hcall=exit t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '-e hcall=' given twice"
}

@test "-e 9p: unknown ops, an empty list, the class twice and a mistyped class are usage errors" {
	local known='walk, open, create, read, write, clunk, remove, getattr, setattr, readdir, statfs, fsync, mkdir, symlink, mknod, link, unlinkat, renameat, rename, readlink, flush, version, attach, xattrwalk, xattrcreate, unknown'
	run --separate-stderr lpar trace -e 9p=nosuch t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unknown 9p op 'nosuch' in filter (known: $known)"
	assert_output ""
	# The bad name is named, wherever it is in the list, negated or not.
	run --separate-stderr lpar trace -e '9p=!read,Open' t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unknown 9p op 'Open' in filter (known: $known)"
	# A guest's name never reaches the terminal raw.
	run --separate-stderr lpar trace -e "$(printf '9p=read,\033[31m')" t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: unknown 9p op '\\x1b[31m' in filter (known: $known)"
	run --separate-stderr lpar trace -e 9p= t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: invalid filter '9p=': no names after '='"
	# -e 9p and -e 9p=LIST are one class.
	run --separate-stderr lpar trace -e 9p -e 9p=read t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '-e 9p=' given twice"
	run --separate-stderr lpar trace -e 9p=read -e 9p=write t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '-e 9p=' given twice"
	local f
	for f in 9P 9p:read p9=read 9pread; do
		run --separate-stderr lpar trace -e "$f" t1
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "lpar: invalid filter '$f': expected hcall=LIST, exit=LIST, 9p=LIST or 9p"
	done
	# Good filters get as far as the partition, which does not exist.
	for f in 9p 9p=all 9p=none 9p=read,walk '9p=!clunk' 9p=unknown; do
		run --separate-stderr lpar trace -e "$f" nosuch-partition
		assert_failure 1
		assert_equal "$stderr" "lpar: no partition named 'nosuch-partition'"
	done
}

@test "-c: a summary table of calls, time and errors per hcall, then how the partition ended" {
	start_ctl t1
	bg lpar trace -c -o sum.out t1
	local tracer=$!
	trace_opened sum.out
	send t1 'spin 100'
	poll "the spin" has_line "$(console_of t1)" "spun 100"
	send t1 badmark
	poll "the bad mark" has_line "$(console_of t1)" "badmark -14"
	run lpar hcall t1 shutdown
	assert_success
	wait_rc "$tracer"
	assert_equal "$RC" 0
	run cat sum.out
	assert_line --index 0 --regexp '^% time +seconds +usecs/call +calls +errors +hcall$'
	assert_line --index 1 --regexp '^-{6} -{11} -{11} -{9} -{9} -{16}$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +100 +abi_version$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +1 +1 trace_mark$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +2 +console_read$'
	assert_line --regexp '^100\.00 +[0-9]+\.[0-9]{6} +[0-9]+ +1 total$'
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 0 +++"
	# No event lines: the table only.
	refute_line --regexp '^\+[0-9]'
	# The calls add up to the total.
	local sum total
	sum=$(awk '/^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ / && !/total$/ { s += $4 } END { print s }' sum.out)
	total=$(awk '/total$/ { print $(NF - 2) }' sum.out)
	assert_equal "$sum" "$total"
}

@test "--json: one JSON object per event; with -c, one summary object" {
	start_ctl t1
	bg lpar trace --json -o ev.json t1
	local tracer=$!
	trace_opened ev.json
	bg lpar -j trace -c -o sum.json t1
	local summer=$!
	trace_opened sum.json
	send t1 'marks m1'
	poll "the mark" has_line "$(console_of t1)" "marked m1"
	send t1 'spin 5'
	poll "the spin" has_line "$(console_of t1)" "spun 5"
	send t1 'exit 4'
	wait_rc "$tracer"
	assert_equal "$RC" 4
	wait_rc "$summer"
	assert_equal "$RC" 4

	# Every line is an object with rel, t and ev.
	run jq -c 'select((.rel | type) != "number" or (.t | type) != "number" or (.ev | type) != "string")' ev.json
	assert_output ""
	assert_equal "$(jq -r 'select(.ev == "mark") | .text' ev.json)" m1
	assert_equal "$(jq -r 'select(.ev == "hcall" and .name == "abi_version") | .ret' ev.json | sort -u)" 1
	assert_equal "$(jq -s '[.[] | select(.ev == "hcall" and .name == "abi_version")] | length' ev.json)" 5
	assert_equal "$(jq -r 'select(.name == "console_read") | "\(.nr) \(.args.len) \(.args.buf | test("^0x[0-9a-f]+$")) \(.ret)"' ev.json | head -n 1)" \
		"2 256 true 9"
	assert_equal "$(jq -r 'select(.name == "exit") | .args.status' ev.json)" 4
	assert_equal "$(tail -n 1 ev.json | jq -r '"\(.ev) \(.state) \(.exit) \(.status)"')" "end exited 4 4"
	# The summary: one object.
	assert_equal "$(wc -l <sum.json)" 1
	assert_equal "$(jq -r '.hcalls[] | select(.name == "abi_version") | "\(.calls) \(.errors)"' sum.json)" "5 0"
	assert_equal "$(jq -r '"\(.calls) \(.end.state) \(.end.status)"' sum.json)" \
		"$(jq -s '[.[] | select(.ev == "hcall")] | length' ev.json) exited 4"
}

@test "-o FILE: the trace goes to FILE, created once the trace is open; nothing on stdout" {
	start_ctl t1
	run --separate-stderr lpar trace -o /nonexistent/dir/t.out t1
	assert_failure 1
	assert_stderr "lpar: cannot write '/nonexistent/dir/t.out': No such file or directory"
	run --separate-stderr lpar trace -o a -o b t1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '-o' given twice"
	lpar trace -o t.out t1 >stdout.out 2>stderr.out &
	local tracer=$!
	BG_PIDS+=("$tracer")
	trace_opened t.out
	send t1 'marks x'
	poll "the mark in the file" has t.out '--- mark: x ---'
	send t1 'exit 0'
	wait_rc "$tracer"
	assert_equal "$RC" 0
	assert_equal "$(cat stdout.out stderr.out)" ""
	assert_equal "$(tail -n 1 t.out | events /dev/stdin)" "+++ exited with 0 +++"
}

# ---- 9P requests -----------------------------------------------------------------

FILEOPS=$ROOT/tests/libc/fileops.elf

# A share for fileops: in.txt (12 bytes), a name with a space and a '%', one
# that is not UTF-8, and one of 150 bytes, longer than a trace line holds.
make_share() {
	[ -f "$FILEOPS" ] ||
		fail "$FILEOPS is missing: build it with 'make tests/libc/fileops.elf' (make check does)"
	mkdir share
	printf 'hello world\n' >share/in.txt
	printf x >'share/my file%.txt'
	printf z >"$(printf 'share/caf\xe9')"
	LONG=$(printf 'a%.0s' {1..150})
	printf yy >"share/$LONG"
}

# The 9P lines of a plain trace, without their times and durations.
p9_events() {
	events "$1" | grep '^9p ' | sed -E 's/ <[0-9]+\.[0-9]{6}>$//'
}

@test "9P requests: op, the partition's path, read's offset and count, the result or the error" {
	make_share
	run --separate-stderr lpar run --trace=t.out --share "$PWD/share:/data" "$FILEOPS" \
		cat:/data/in.txt stat:/data/in.txt open:/data/nosuch write:/data/out.txt
	assert_failure 1
	assert_output "$(printf '%s\n' 'cat /data/in.txt 12' 'stat /data/in.txt size 12' \
		'open /data/nosuch ENOENT' 'write /data/out.txt 6')"
	assert_equal "$(cat share/out.txt)" hello
	# Every 9P line: op, arguments, result, duration.
	events t.out | grep '^9p ' >p9.txt
	[ -s p9.txt ] || fail "no 9p lines in: $(cat t.out)"
	run grep -cvE '^9p [a-z]+\(("[^"]*"(, off=[0-9]+, count=[0-9]+)?)?\) = (-?[0-9]+|-[0-9]+ E[A-Z0-9]+ \([^)]+\)) <[0-9]+\.[0-9]{6}>$' p9.txt
	assert_output 0
	run p9_events t.out
	assert_line '9p walk("/data/in.txt") = 0'
	assert_line '9p open("/data/in.txt") = 0'
	assert_line '9p read("/data/in.txt", off=0, count=4096) = 12'
	assert_line '9p read("/data/in.txt", off=12, count=4096) = 0'
	assert_line '9p clunk("/data/in.txt") = 0'
	assert_line '9p getattr("/data/in.txt") = 0'
	assert_line '9p walk("/data/nosuch") = -2 ENOENT (No such file or directory)'
	assert_line '9p create("/data/out.txt") = 0'
	assert_line '9p write("/data/out.txt", off=0, count=6) = 6'
	refute_line --partial nosuch")" = 0'
	# The cat's requests in order: nothing read before the open or after the clunk.
	assert_equal "$(p9_events t.out | grep -F '"/data/in.txt"' | head -n 5 | sed -E 's/\(.*//')" \
		"$(printf '9p %s\n' walk open read read clunk)"
	# The hcalls are there too, and the end.
	run events t.out
	assert_line --regexp '^console_write\('
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 1 +++"
}

@test "9P requests: paths as the partition's bytes, escaped for the terminal; a long one cut, its result kept" {
	make_share
	run --separate-stderr lpar run --trace=t.out --share "$PWD/share:/data" "$FILEOPS" \
		'cat:/data/my file%.txt' "$(printf 'stat:/data/caf\xe9')" "cat:/data/$LONG"
	assert_success
	run p9_events t.out
	assert_line '9p read("/data/my file%.txt", off=0, count=4096) = 1'
	assert_line '9p getattr("/data/caf\xe9") = 0'
	# Cut to fit the monitor's line, but its offset, count and result are whole.
	assert_line --regexp '^9p read\("/data/a{60,149}", off=0, count=4096\) = 2$'
	assert_line --regexp '^9p clunk\("/data/a{60,150}"\) = 0$'
	# No raw byte of the name reached the output.
	run grep -c "$(printf '\xe9')" t.out
	assert_output 0
}

@test "-e 9p shows only them, -e 9p=read only reads; -c and --json count and describe them" {
	make_share
	lpar create --name f1 --share "$PWD/share:/data" "$FILEOPS" cat:/data/in.txt \
		stat:/data/in.txt open:/data/nosuch write:/data/out.txt "$(printf 'stat:/data/caf\xe9')" >/dev/null
	local out pids=()
	for out in only.out read.out sum.out sum.json ev.json; do
		case $out in
		only.out) bg lpar trace -e 9p -o "$out" f1 ;;
		read.out) bg lpar trace -e 9p=read -o "$out" f1 ;;
		sum.out) bg lpar trace -c -o "$out" f1 ;;
		sum.json) bg lpar trace -c --json -o "$out" f1 ;;
		ev.json) bg lpar trace --json -o "$out" f1 ;;
		esac
		pids+=($!)
		trace_opened "$out"
	done
	run lpar start f1
	assert_success
	local pid
	for pid in "${pids[@]}"; do
		wait_rc "$pid"
		assert_equal "$RC" 1
	done

	# -e 9p: 9P requests, then the end; no hcall.
	run events only.out
	assert_line --regexp '^9p read\("/data/in\.txt", off=0, count=4096\) = 12 <'
	assert_equal "$(events only.out | grep -cv '^9p ')" 1
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 1 +++"
	# -e 9p=read: the reads and nothing else of 9P, the hcalls as before.
	run events read.out
	assert_equal "$(p9_events read.out | sed -E 's/\(.*//' | sort -u)" "9p read"
	assert_line --regexp '^9p read\("/data/in\.txt", off=12, count=4096\) = 0 <'
	assert_line --regexp '^console_write\('

	# -c: the hcall table, then the 9P one; its rows add up to its total.
	run cat sum.out
	assert_line --index 0 --regexp '^% time +seconds +usecs/call +calls +errors +hcall$'
	assert_line --regexp '^% time +seconds +usecs/call +calls +errors +9p$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +2 +read$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +1 +write$'
	assert_line --regexp '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +[0-9]+ +[1-9][0-9]* walk$'
	local p9sum p9total n9p
	p9sum=$(sed -n '/ 9p$/,$p' sum.out | awk '/^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ / && !/total$/ { s += $4 } END { print s }')
	p9total=$(sed -n '/ 9p$/,$p' sum.out | awk '/total$/ { print $(NF - 2) }')
	n9p=$(jq -s '[.[] | select(.ev == "9p")] | length' ev.json)
	assert_equal "$p9sum" "$p9total"
	assert_equal "$p9total" "$n9p"
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 1 +++"

	# --json: typed fields; the path unescaped.
	assert_equal "$(jq -r 'select(.ev == "9p" and .op == "read" and .off == 0) |
		"\(.share) \(.path) \(.count) \(.ret) \(.dur | type)"' ev.json)" "0 /data/in.txt 4096 12 number"
	assert_equal "$(jq -r 'select(.ev == "9p" and .path == "/data/nosuch") | "\(.op) \(.ret) \(.errno)"' ev.json)" \
		"walk -2 ENOENT"
	assert_equal "$(jq -c 'select(.ev == "9p" and .op == "write") | [.path, .off, .count, .ret]' ev.json)" \
		'["/data/out.txt",0,6,6]'
	# Not UTF-8: U+FFFD in path, the bytes themselves in path_pct.
	assert_equal "$(jq -r 'select(.ev == "9p" and .op == "getattr" and .path_pct) |
		"\(.path == "/data/caf\ufffd") \(.path_pct)"' ev.json)" "true /data/caf%e9"
	# Only reads, writes and readdirs have off and count.
	assert_equal "$(jq -r 'select(.ev == "9p" and (.off != null) and (.op | IN("read", "write", "readdir") | not))' ev.json)" ""
	# The JSON summary: "9p" beside "hcalls", matching the events.
	assert_equal "$(jq -r '.["9p"][] | select(.op == "read") | "\(.calls) \(.errors)"' sum.json)" "2 0"
	assert_equal "$(jq '[.["9p"][].calls] | add' sum.json)" "$n9p"
	assert_equal "$(jq '[.["9p"][].errors] | add' sum.json)" \
		"$(jq -s '[.[] | select(.ev == "9p" and .ret < 0)] | length' ev.json)"
}

# ---- lpar run --trace ------------------------------------------------------------

@test "run --trace: from the first hcall; the console on stdout, the trace on stderr, its status" {
	run --separate-stderr lpar run --trace "$GUESTS/ctlhcalls.elf" marks <<<'exit 7'
	assert_failure 7
	assert_output "$(printf 'mem 67108864\nabi 1\nready\ninput %s' "'exit 7\\x0a'")"
	local trace
	trace=$(printf '%s\n' "${stderr_lines[@]}" | sed -E 's/^\+[0-9]+\.[0-9]{6} //')
	# Its first event is its first hcall, main()'s abi_version: nothing is
	# missed.  On a CPU without wrfsbase (TCG's), musl's TLS set-up calls the
	# library OS's set_fs_base before that.
	local hcalls
	hcalls=$(printf '%s\n' "$trace" | sed 's/ <[0-9.]*>$//' | head -n 2)
	if [[ $hcalls == set_fs_base* ]]; then
		assert_regex "$(head -n 1 <<<"$hcalls")" '^set_fs_base\(base=[0-9]+\) = 0$'
		hcalls=$(tail -n 1 <<<"$hcalls")
	fi
	assert_equal "$(head -n 1 <<<"$hcalls")" 'abi_version() = 1'
	assert_equal "$(printf '%s\n' "$trace" | grep -m 1 -- '--- mark')" '--- mark: start ---'
	printf '%s\n' "$trace" | grep -A 2 -x -- '--- mark: start ---' | grep -qx -- '--- mark: main ---' ||
		fail "the marks are not in order: $trace"
	assert_equal "$(printf '%s\n' "$trace" | tail -n 1)" "+++ exited with 7 +++"
	# Nothing left behind.
	run lpar list -a --names
	assert_output ""
}

@test "run --trace=FILE: the trace in FILE, stderr for lpar's own messages; a crash is 126" {
	run --separate-stderr lpar run --trace=t.out "$EX/hello.elf" a
	assert_success
	assert_line --index 0 --regexp "^Hello from partition 'hello'"
	assert_stderr ""
	run events t.out
	assert_line --regexp '^console_write\(buf=0x[0-9a-f]+, len=[0-9]+\) = [0-9]+ <[0-9.]+>$'
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 0 +++"

	run --separate-stderr lpar run --trace=t.out "$EX/crash.elf" null
	assert_failure 126
	assert_stderr --regexp "^lpar: partition 'crash' crashed: page fault at 0x0 "
	run events t.out
	assert_line --regexp '^--- exit fault vector=14 rip=0x40[0-9a-f]+ ---$'
	run lpar list -a --names
	assert_output ""
}

@test "run --trace: standard input reaches the partition, and so does its end" {
	printf 'abc\ndef\n' | timeout "$(slow 20)" lpar run --trace=t.out "$EX/cat.elf" >out.txt 2>err.txt ||
		fail "status $?: $(cat err.txt)"
	assert_equal "$(cat out.txt)" "$(printf 'abc\ndef')"
	assert_equal "$(cat err.txt)" ""
	run events t.out
	assert_line --regexp '^console_read\(buf=0x[0-9a-f]+, len=[0-9]+\) = 0 <[0-9.]+>$'
	assert_equal "${lines[${#lines[@]} - 1]}" "+++ exited with 0 +++"
}

@test "run --trace: an hcall with no such number shows the number the partition asked for" {
	need_fifo_stdin
	timeout "$(slow 20)" lpar run --trace=t.out "$GUESTS/hcalls.elf" <in >out.txt 2>err.txt ||
		fail "status $?: $(cat err.txt)"
	run events t.out
	local n
	for n in 14 63 64 1000 18446744073709551615; do
		assert_line --regexp "^unknown_$n\\(arg=0\\) = -38 ENOSYS \\(Function not implemented\\) <0\\.[0-9]{6}>\$"
	done
}

@test "run --trace: SIGINT ends the partition as lpar run's does (130); usage errors" {
	lpar run --trace=t.out "$EX/sleep.elf" 60000 >out.txt 2>err.txt &
	local runner=$!
	BG_PIDS+=("$runner")
	poll "the partition to run" has t.out 'time_monotonic('
	kill -INT "$runner"
	wait_rc "$runner"
	assert_equal "$RC" 130
	assert_equal "$(cat err.txt)" "lpar: partition 'sleep' stopped by SIGINT"
	assert_equal "$(tail -n 1 t.out | events /dev/stdin)" "+++ killed by SIGINT +++"
	run lpar list -a --names
	assert_output ""

	run --separate-stderr lpar run -d --trace "$EX/hello.elf"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: options '--trace' and '--detach' cannot be used together"
	run --separate-stderr lpar run --debug --trace "$EX/hello.elf"
	assert_failure 2
	run --separate-stderr lpar run --trace --trace=x "$EX/hello.elf"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: option '--trace' given twice"
	run --separate-stderr lpar run --trace=/nonexistent/t.out "$EX/hello.elf"
	assert_failure 125
	assert_stderr "lpar: cannot write '/nonexistent/t.out': No such file or directory"
	run --separate-stderr lpar create --trace "$EX/hello.elf"
	assert_failure 2
	run lpar list -a --names
	assert_output ""
}

# ---- a slow reader, a late reader ---------------------------------------------------

@test "a stopped tracer never stalls the partition: it loses the oldest events and is told how many" {
	start_ctl t1
	bg lpar trace -o slow.out t1
	local tracer=$!
	trace_opened slow.out
	trace_attached t1 slow.out
	kill -STOP "$tracer"
	poll "the tracer to stop" stopped "$tracer"
	send t1 'spin 20000'
	# The partition does all of it while the tracer sleeps.
	poll "the spin" has_line "$(console_of t1)" "spun 20000"
	stopped "$tracer" || fail "the tracer woke up early"
	kill -CONT "$tracer"
	send t1 'exit 0'
	wait_rc "$tracer"
	assert_equal "$RC" 0
	local dropped shown
	dropped=$(sed -nE 's/^\+[0-9.]+ --- dropped ([0-9]+) events ---$/\1/p' slow.out)
	[ -n "$dropped" ] || fail "no dropped line in the trace: $(head -c 2000 slow.out)"
	[ "$dropped" -gt 0 ] || fail "dropped $dropped"
	shown=$(grep -c 'abi_version() = 1' slow.out)
	# Every null hcall was either shown or counted among the dropped.
	[ $((shown + dropped)) -ge 20000 ] || fail "shown $shown + dropped $dropped < 20000"
	assert_equal "$(tail -n 1 slow.out | events /dev/stdin)" "+++ exited with 0 +++"
}

@test "a trace opened later shows only what happens from then on" {
	start_ctl t1
	bg lpar trace -o first.out t1
	local first=$!
	trace_opened first.out
	send t1 'spin 5000'
	poll "the spin" has_line "$(console_of t1)" "spun 5000"
	kill -INT "$first"
	wait_rc "$first"
	assert_equal "$RC" 0
	# A second tracer, after the first has gone.
	bg lpar trace -o second.out t1
	local second=$!
	trace_opened second.out
	trace_attached t1 second.out
	send t1 'exit 0'
	wait_rc "$second"
	assert_equal "$RC" 0
	# None of the first tracer's null hcalls, and nothing "dropped" from before.
	! grep -qE 'abi_version|--- dropped' second.out ||
		fail "the second tracer got events from before it opened the trace: $(head -n 3 second.out | tr '\n' '|')"
	grep -q 'event_take() = 0x100' second.out || fail "the second tracer saw nothing: $(cat second.out)"
}

@test "bash completion: -e classes, then hcall, exit or 9P op names in a list; partitions; -o files" {
	start_ctl t1
	complete_bash lpar trace ''
	assert_output t1
	complete_bash lpar trace --su
	assert_output --summary
	complete_bash lpar trace -e ''
	assert_output "$(printf 'hcall=\nexit=\n9p=\n9p')"
	complete_bash lpar trace -e 9p = 're'
	assert_equal "$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort)" \
		"$(printf '%s\n' read readdir readlink remove rename renameat)"
	complete_bash lpar trace -e 9p = '!walk,cl'
	assert_output '!walk,clunk'
	complete_bash lpar trace -e 9p = ''
	assert_equal "${#lines[@]}" 28
	complete_bash lpar trace -e hcall = ''
	assert_line all
	assert_line console_write
	assert_line trace_mark
	refute_line info
	assert_equal "${#lines[@]}" "$(($(lpar hcall --list | awk '$3 == "guest"' | wc -l) + 2))"
	complete_bash lpar trace -e hcall = 'console_write,bl'
	assert_output console_write,block
	complete_bash lpar trace --filter exit = '!h'
	assert_output '!hlt'
	touch x.trace y.elf
	complete_bash lpar trace -o x.
	assert_output x.trace
	complete_bash lpar run --tr
	assert_output --trace
	# --trace=FILE takes any file; a word after a bare --trace is the image.
	complete_bash lpar run --trace = x.
	assert_output x.trace
	complete_bash lpar run --trace ''
	assert_output y.elf
}

# ---- how a trace ends -----------------------------------------------------------------

@test "the partition ending mid-trace ends the trace with its status: killed, crashed" {
	start_ctl t1
	bg lpar trace -o k.out t1
	local tracer=$!
	trace_opened k.out
	run lpar kill t1
	assert_success
	wait_rc "$tracer"
	assert_equal "$RC" 137
	assert_equal "$(tail -n 1 k.out | events /dev/stdin)" "+++ killed: killed by the controller +++"

	lpar create --name c2 "$EX/crash.elf" div0 >/dev/null
	lpar trace -o c.out c2 2>c.err &
	tracer=$!
	BG_PIDS+=("$tracer")
	trace_opened c.out
	run lpar start c2
	assert_success
	wait_rc "$tracer"
	assert_equal "$RC" 126
	assert_equal "$(cat c.err)" ""
	tail -n 1 c.out | events /dev/stdin | grep -qE '^\+\+\+ crashed: divide error at rip 0x[0-9a-f]+ <main\+[0-9]+> \+\+\+$' ||
		fail "last line: $(tail -n 1 c.out)"
}

@test "Ctrl-C stops tracing; the partition runs on" {
	start_ctl t1
	lpar trace t1 >c.out 2>c.err &
	local tracer=$!
	BG_PIDS+=("$tracer")
	trace_attached t1 c.out
	kill -INT "$tracer"
	wait_rc "$tracer"
	assert_equal "$RC" 0
	assert_equal "$(cat c.err)" "lpar: stopped tracing 't1'; it runs on"
	assert_equal "$(state_of t1)" running
	run lpar hcall t1 event 2
	assert_success
	poll "the partition to go on" has_line "$(console_of t1)" "event 0x2"
}

@test "tracing an ended, unknown or unnamed partition: a clear error" {
	run lpar run -d --name done "$EX/exitcode.elf" 5
	assert_success
	run lpar wait done
	assert_output "done 5"
	run --separate-stderr lpar trace done
	assert_failure 1
	assert_stderr "lpar: cannot trace partition 'done': it has ended (exited with 5)"
	assert_output ""
	run --separate-stderr lpar trace --json done
	assert_failure 1
	assert_equal "$(jq -r .error <<<"$output")" "cannot trace partition 'done': it has ended (exited with 5)"
	run --separate-stderr lpar trace nosuch
	assert_failure 1
	assert_stderr "lpar: no partition named 'nosuch'"
	run --separate-stderr lpar trace
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar trace: missing partition name"
	run --separate-stderr lpar trace a b
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "lpar: name one partition"
	run --separate-stderr lpar -j trace --json done
	assert_failure 2
}
