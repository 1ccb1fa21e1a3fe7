#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Files in partitions: host directories shared with 'lpar run --share'
# (docs/shares.md).  Ordinary C programs (tests/files/*.c, built as
# PROG.native with musl-gcc and PROG.elf with lpar-cc, as tests/libc's are)
# run natively in a directory and in partitions on a copy of it; their
# output, their status and what they leave in the directory must be the
# same bytes.  Then the confinement: '..', symlinks out, a symlink swapped
# in during a run, device files, FIFOs and sockets, read-only shares,
# paths outside every share, a hostile partition on the share ring
# (tests/guests/fs_hostile.c); large and sparse files, 10,000 entries, two
# partitions at once, bad HOSTDIRs, diod as an external server, and what
# lpar status and lpar trace show.
#
# Natively a program runs in the directory with stdout and stderr in one
# file; in a partition it starts in its share (the default working
# directory is the first share's guest path, which is the host path), and
# both go to the console, lpar's stdout.

load test_helper/common

bats_require_minimum_version 1.5.0

FILES=$ROOT/tests/files
DIOD=/usr/sbin/diod
MEM=128M
# How long one run may take before it counts as hung.
LIMIT=$(slow 60)

setup() {
	test_env_setup || return 1
	BG_PIDS=()
}

teardown() {
	# Set-up failed before the test had a run directory of its own: nothing to undo.
	test_rundir_ours || return 0
	end_bg
	remove_partitions_and_check
}

# ---- helpers -----------------------------------------------------------------

# need_built NAME: tests/files/NAME.native and NAME.elf exist.
need_built() {
	local f

	for f in "$FILES/$1.native" "$FILES/$1.elf"; do
		[ -x "$f" ] ||
			fail "${f#"$ROOT"/} is missing: the Makefile builds it from tests/files/$1.c (make check does)"
	done
}

# native OUT DIR PROGRAM [ARG...]: runs PROGRAM in DIR with stdout and
# stderr in OUT; sets RC.
native() {
	local out=$1 dir=$2

	shift 2
	RC=0
	(cd "$dir" && exec "$@") >"$out" 2>&1 </dev/null || RC=$?
}

# part OUT [LPAR-RUN-OPTION...] -- IMAGE [ARG...]: runs IMAGE in a partition
# of $MEM; its console in OUT, lpar's stderr in OUT.err; sets RC.
part() {
	local out=$1 opts=()

	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	RC=0
	timeout -k "$(slow 5)" "$LIMIT" lpar run -m "$MEM" "${opts[@]}" -- "$@" \
		>"$out" 2>"$out.err" </dev/null || RC=$?
	[ "$RC" != 124 ] || fail "lpar run ${1##*/} did not end within $LIMIT s"
}

# tree DIR: what is in DIR, one line an entry, sorted: type, mode, size
# (not a directory's), name, a symlink's target (DIR itself in it as DIR).
tree() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf 'd %m %P\n' \) -o \
		\( -type l -printf 'l %P -> %l\n' \) -o \( -type f -printf 'f %m %s %P\n' \) -o \
		-printf '%y %m %P\n') | sed "s|$1|DIR|g" | LC_ALL=C sort
}

# same_tree A B: directories A and B hold the same names, types, modes and
# sizes, and their regular files the same bytes (those up to 64 MiB).
same_tree() {
	local f files

	tree "$1" >"$WORK/tree.want"
	tree "$2" >"$WORK/tree.got"
	same_bytes "what the run left in ${2##*/}" "$WORK/tree.want" "$WORK/tree.got"
	mapfile -t files < <(cd "$1" && find . -type f -size -65537k | LC_ALL=C sort)
	for f in "${files[@]}"; do
		cmp -s -- "$1/$f" "$2/$f" || fail "${2##*/}/$f differs from ${1##*/}/$f"
	done
}

# snapshot DIR: names, types, modes, sizes, mtimes and contents of DIR.
snapshot() {
	(cd "$1" && find . -printf '%y %m %s %T@ %P -> %l\n' | LC_ALL=C sort &&
		find . -type f -size -65537k -exec sha256sum {} + | LC_ALL=C sort)
}

# make_src: $WORK/src, the directory the comparisons copy: text, binary,
# empty and unterminated files, nested directories, symlinks inside.
make_src() {
	local d=$WORK/src

	mkdir -p "$d/sub/deeper/deepest" "$d/empty"
	awk 'BEGIN { srand(7); for (i = 0; i < 3000; i++)
		printf "%d %s line %d\n", int(rand() * 100000), i % 3 ? "some" : "other  words\there", i }' \
		>"$d/text.txt"
	printf 'one\ntwo three\n  four  \n\nlast line without newline' >"$d/small.txt"
	: >"$d/zero.txt"
	head -c 300000 /dev/urandom >"$d/random.bin"
	printf 'deep\n' >"$d/sub/deeper/deepest/file"
	chmod 0600 "$d/small.txt"
	ln -s text.txt "$d/link-to-text"
	ln -s sub/deeper "$d/link-to-dir"
	ln -s ../small.txt "$d/sub/up-link"
	ln -s missing "$d/dangling"
}

# same_on_share PROG [ARG...]: tests/files/PROG natively in $WORK/native,
# then PROG.native and PROG.elf in partitions, each sharing its own copy
# ($WORK/part-native, $WORK/part-elf); each copy is made from $WORK/src
# (make_src, unless the test made it).  The outputs and statuses must be
# the same, and so must what each run left in its directory.
same_on_share() {
	local prog=$1 d kind

	shift
	need_built "$prog"
	[ -d "$WORK/src" ] || make_src
	for d in native part-native part-elf; do
		rm -rf "${WORK:?}/$d"
		cp -a "$WORK/src" "$WORK/$d"
	done
	native native.out "$WORK/native" "$FILES/$prog.native" "$@"
	NATIVE_STATUS=$RC
	for kind in native elf; do
		part "part-$kind.out" --share "$WORK/part-$kind" -- "$FILES/$prog.$kind" "$@"
		compare_run "lpar run $prog.$kind" "part-$kind.out" "$NATIVE_STATUS"
		same_tree "$WORK/native" "$WORK/part-$kind"
	done
}

# same_status N PROG [ARG...]: same_on_share, and the status is N.
same_status() {
	local want=$1

	shift
	same_on_share "$@"
	[ "$NATIVE_STATUS" = "$want" ] ||
		fail "natively $1 ended with $NATIVE_STATUS, not $want: $(cat native.out)"
}

# in_share OUT DIR [LPAR-RUN-OPTION...] -- PROG [ARG...]: tests/files/PROG.native
# in a partition sharing DIR (and what the options add), for tests that
# check the output themselves.
in_share() {
	local out=$1 dir=$2 opts=()

	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	need_built "$1"
	local prog=$FILES/$1.native

	shift
	part "$out" --share "$dir" "${opts[@]}" -- "$prog" "$@"
	[ ! -s "$out.err" ] || fail "lpar wrote on stderr: $(cat -v "$out.err")"
}

# assert_file FILE TEXT: FILE holds exactly TEXT (and a final newline).
assert_file() {
	printf '%s\n' "$2" >"$1.want"
	same_bytes "$1" "$1.want" "$1"
}

# ---- the programs, natively and in partitions --------------------------------

@test "cat: text, binary, empty and unterminated files and symlinks inside the share" {
	same_status 0 cat text.txt random.bin zero.txt small.txt link-to-text link-to-dir/deepest/file \
		sub/up-link sub/deeper/deepest/../deepest/file
	assert_equal "$(head -n 1 native.out)" "$(head -n 1 "$WORK/src/text.txt")"
}

@test "cat: a missing file and a dangling symlink give ENOENT's message, the others are read" {
	same_status 1 cat missing dangling zero.txt nodir/x small.txt/x small.txt
	run cat native.out
	assert_line "cat: missing: No such file or directory"
	assert_line "cat: dangling: No such file or directory"
	assert_line "cat: small.txt/x: Not a directory"
}

@test "wc: lines, words and bytes of each file, as wc counts them" {
	same_status 0 wc text.txt small.txt zero.txt random.bin link-to-text
	(cd "$WORK/src" && LC_ALL=C wc text.txt small.txt zero.txt link-to-text) |
		awk '$4 != "total" { print $1, $2, $3, $4 }' >wc.want
	grep -v '^[0-9]* [0-9]* [0-9]* \(random.bin\|total\)$' native.out >wc.got
	same_bytes "wc against the system's wc" wc.want wc.got
}

@test "sort: a file's lines, as LC_ALL=C sort sorts them" {
	same_status 0 sort text.txt
	LC_ALL=C sort "$WORK/src/text.txt" >sort.want
	same_bytes "sort against the system's sort" sort.want native.out
}

@test "cp: a copy written in pieces and fsynced has the same bytes; over an existing file; into a subdirectory" {
	same_status 0 cp random.bin copy.bin
	assert_file native.out "copied 300000 bytes, copy.bin is 300000 bytes"
	cmp "$WORK/src/random.bin" "$WORK/part-native/copy.bin"
	same_status 0 cp text.txt small.txt
	cmp "$WORK/src/text.txt" "$WORK/part-elf/small.txt"
	same_status 0 cp small.txt sub/deeper/new
}

@test "walk: nftw over the share, types, sizes, symlinks and their targets" {
	same_status 0 walk .
	run cat native.out
	assert_line "d - sub/deeper/deepest"
	assert_line "f 300000 random.bin"
	assert_line "l 8 link-to-text -> text.txt"
	assert_line "l 7 dangling -> missing"
	same_status 0 walk sub
}

@test "replace: write a temporary file, fsync, rename it over another, read it back" {
	same_status 0 replace small.txt "new contents"
	assert_file native.out "$(printf '%s\n' 'small.txt now holds: new contents' \
		'small.txt.tmp: No such file or directory')"
	assert_file "$WORK/part-elf/small.txt" "new contents"
}

@test "many: 300 files created in a new directory, then listed whole with readdir" {
	same_status 0 many lots 300
	assert_file native.out "entries 300, missing 0 of 300, seen twice 0, others 0"
}

@test "errs: each error a file call can give, by its errno name" {
	same_status 0 errs .
	run cat native.out
	assert_line "open a missing file: ENOENT"
	assert_line "open a directory for writing: EISDIR"
	assert_line "open through a file: ENOTDIR"
	assert_line "O_CREAT|O_EXCL on a file: EEXIST"
	assert_line "read a closed descriptor: EBADF"
	assert_line "open a 300-byte name: ENAMETOOLONG"
	assert_line "open until it fails: EMFILE"
	assert_line "open once more after closing them: ok"
}

@test "mapread: a file mapped MAP_PRIVATE, whole and from an offset; a write to the mapping stays private" {
	same_status 0 mapread random.bin
	run cat native.out
	assert_line --regexp '^size 300000, fnv1a [0-9a-f]{16}$'
	assert_line --regexp '^from 4096: fnv1a [0-9a-f]{16}, same bytes: yes$'
	assert_line "a write to the private mapping reached the file: no"
}

@test "statmany and readbig: what they count (the benchmarks' programs)" {
	make_src
	mkdir "$WORK/src/st"
	for i in $(seq 1 50); do printf '%*s' "$i" '' >"$WORK/src/st/f$i"; done
	head -c 5000000 /dev/urandom >"$WORK/src/five.bin"
	need_built statmany
	native native.out "$WORK/src" "$FILES/statmany.native" st 3
	assert_equal "$RC" 0
	assert_equal "$(sed 's/ ns=[0-9]*$//' native.out)" "files=50 calls=150 bytes=1275"
	in_share part.out "$WORK/src" -- statmany st 3
	assert_equal "$RC" 0
	assert_equal "$(sed 's/ ns=[0-9]*$//' part.out)" "files=50 calls=150 bytes=1275"
	in_share part.out "$WORK/src" -- readbig five.bin
	assert_equal "$RC" 0
	assert_equal "$(sed 's/ ns=[0-9]*$//' part.out)" "bytes=5000000"
}

# ---- confinement -------------------------------------------------------------

@test "'..' at the share's root goes nowhere: outside it is ENOENT; a share at / keeps '..' at its root" {
	mkdir -p "$WORK/s/etc" "$WORK/outside"
	printf 'inside\n' >"$WORK/s/etc/passwd"
	printf 'SECRET-OUTSIDE\n' >"$WORK/outside/secret"
	in_share out "$WORK/s" -- cat ../outside/secret ../../../../../../../../../../etc/passwd \
		"$WORK/s/../outside/secret" etc/../../outside/secret
	assert_equal "$RC" 1
	assert_file out "$(printf '%s\n' 'cat: ../outside/secret: No such file or directory' \
		'cat: ../../../../../../../../../../etc/passwd: No such file or directory' \
		"cat: $WORK/s/../outside/secret: No such file or directory" \
		'cat: etc/../../outside/secret: No such file or directory')"

	# Mounted at /, the share's own etc/passwd is what ../../etc/passwd names.
	in_share out "$WORK/s:/" -- cat ../../etc/passwd /../../etc/passwd etc/../../../etc/passwd
	assert_equal "$RC" 0
	assert_file out "$(printf 'inside\n%.0s' 1 2 3)"
}

@test "symlinks out of the share, absolute and relative, reach nothing outside; symlinks inside work" {
	local d=$WORK/s

	mkdir -p "$d/in" "$WORK/outside"
	printf 'SECRET-OUTSIDE\n' >"$WORK/outside/secret"
	printf 'untouched\n' >"$WORK/outside/target"
	printf 'inside\n' >"$d/in/file"
	ln -s /etc/passwd "$d/abs"
	ln -s ../../../../../../../../../../../etc/passwd "$d/rel"
	ln -s /etc "$d/absdir"
	ln -s ../outside "$d/reldir"
	ln -s "$WORK/outside/secret" "$d/abs-secret"
	ln -s "$WORK/outside/target" "$d/abs-target"
	ln -s ../outside/target "$d/rel-target"
	ln -s "$d/in/file" "$d/abs-inside"
	ln -s in/file "$d/rel-inside"
	ln -s ../in/file "$d/in/self"
	snapshot "$WORK/outside" >outside.before

	in_share out "$d" -- cat abs rel absdir/passwd reldir/secret abs-secret in/../reldir/secret
	assert_equal "$RC" 1
	assert_file out "$(for f in abs rel absdir/passwd reldir/secret abs-secret in/../reldir/secret; do
		echo "cat: $f: No such file or directory"
	done)"
	in_share out "$d" -- cat abs-inside rel-inside in/self
	assert_equal "$RC" 0
	assert_file out "$(printf 'inside\n%.0s' 1 2 3)"

	# Writing through them creates and changes nothing outside.
	in_share out "$d" -- cp in/file abs-target
	assert_equal "$RC" 1
	assert_file out "cp: open abs-target: No such file or directory"
	in_share out "$d" -- cp in/file rel-target
	assert_equal "$RC" 1
	in_share out "$d" -- cp in/file reldir/new
	assert_equal "$RC" 1
	snapshot "$WORK/outside" >outside.after
	same_bytes "the directory outside the share" outside.before outside.after

	# At another guest path, an absolute link to the host path leads nowhere;
	# one to the guest path works.
	ln -s /data/in/file "$d/guest-abs"
	in_share out "$d:/data" -- cat /data/guest-abs /data/abs-inside
	assert_equal "$RC" 1
	assert_file out "$(printf '%s\n' inside 'cat: /data/abs-inside: No such file or directory')"
}

# The host side of the race: box is a directory in the share, then a
# symlink out of it (absolute, then relative), then the directory again.
swap_box() {
	local d=${1:?}

	while :; do
		mv -T "$d/box" "$d/box.real" 2>/dev/null
		ln -s "$WORK/outside" "$d/box" 2>/dev/null
		rm -f "$d/box"
		ln -s ../outside "$d/box" 2>/dev/null
		rm -f "$d/box"
		mv -T "$d/box.real" "$d/box" 2>/dev/null
		echo >>"$WORK/swaps"
	done
}

@test "a directory swapped for a symlink out of the share during a run never leads out" {
	local d=$WORK/s args=() i

	mkdir -p "$d/box" "$WORK/outside"
	printf 'inside\n' >"$d/box/secret"
	printf 'SECRET-OUTSIDE\n' >"$WORK/outside/secret"
	for ((i = 0; i < 400; i++)); do args+=(box/secret); done
	bg swap_box "$d"
	poll "the host to swap the directory" test -s "$WORK/swaps"
	in_share out "$d" -- cat "${args[@]}"
	end_bg
	BG_PIDS=()
	[ "$(wc -l <"$WORK/swaps")" -gt 2 ] || fail "the host never swapped the directory: $(ls -la "$d" "$WORK"; cat out)"
	run grep -c SECRET out
	assert_output 0
	# Every line is the file inside or an error the swap explains.
	run grep -cvxE 'inside|cat: box/secret: (No such file or directory|Not a directory|Too many levels of symbolic links)' out
	assert_output 0
	grep -qx inside out || fail "the partition never read the file inside: $(head -n 5 out)"
	assert_equal "$(cat "$WORK/outside/secret")" SECRET-OUTSIDE
}

@test "device files, a FIFO and a socket in the share cannot be opened (EACCES), and nothing hangs" {
	local d=$WORK/s

	mkdir -p "$d"
	printf 'text\n' >"$d/t.txt"
	mknod "$d/null" c 1 3 || fail "mknod failed: the tests run as root"
	mknod "$d/blk" b 7 0
	mkfifo "$d/fifo"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock" ||
		fail "cannot make a unix socket"
	[ -S "$d/sock" ] || fail "no socket made"
	snapshot "$d" >before

	in_share out "$d" -- cat null blk fifo sock t.txt
	assert_equal "$RC" 1
	assert_file out "$(printf '%s\n' 'cat: null: Permission denied' 'cat: blk: Permission denied' \
		'cat: fifo: Permission denied' 'cat: sock: Permission denied' text)"
	for f in null fifo sock; do
		in_share out "$d" -- cp t.txt "$f"
		assert_equal "$RC" 1
		assert_file out "cp: open $f: Permission denied"
	done
	snapshot "$d" >after
	same_bytes "the share" before after
	[ -c "$d/null" ] && [ -p "$d/fifo" ] && [ -S "$d/sock" ] || fail "a special file changed type"

	# Looking at them works: walk sees their types as natively.
	rm -rf "${WORK:?}/src"
	cp -a "$d" "$WORK/src"
	same_status 0 walk .
	run cat native.out
	assert_line "o 0 fifo"
}

@test "a read-only share refuses every change with EROFS and stays as it was; EXDEV across shares" {
	mkdir -p "$WORK/rw" "$WORK/ro/keepdir" "$WORK/other" "$WORK/nat"
	printf 'keep\n' >"$WORK/ro/keep"
	snapshot "$WORK/ro" >ro.before
	need_built errs
	native want "$WORK/nat" "$FILES/errs.native" .
	assert_equal "$RC" 0
	printf '%s\n' 'ro: open for reading: ok' 'ro: read: ok' 'ro: create: EROFS' \
		'ro: open for writing: EROFS' 'ro: open read-write: EROFS' 'ro: open with O_TRUNC: EROFS' \
		'ro: open for appending: EROFS' 'ro: mkdir: EROFS' 'ro: rmdir: EROFS' 'ro: unlink: EROFS' \
		'ro: rename: EROFS' 'ro: truncate: EROFS' 'ro: chmod: EROFS' 'ro: utimensat: EROFS' \
		'ro: symlink: EROFS' 'ro: link: EROFS' \
		'rename across shares: EXDEV' 'link across shares: EXDEV' >>want
	in_share out "$WORK/rw" --share "$WORK/ro:ro" --share "$WORK/other" -- \
		errs . "$WORK/ro" "$WORK/other"
	assert_equal "$RC" 0
	same_bytes "errs with a read-only share" want out
	snapshot "$WORK/ro" >ro.after
	same_bytes "the read-only share" ro.before ro.after
	[ -z "$(ls -A "$WORK/other")" ] || fail "something reached the other share: $(ls -A "$WORK/other")"

	# The same share given with its guest path, as cp sees it.
	in_share out "$WORK/rw" --share "$WORK/ro:/ro:ro" -- cp /ro/keep /ro/copy
	assert_equal "$RC" 1
	assert_file out "cp: open /ro/copy: Read-only file system"
	in_share out "$WORK/ro:/ro:ro" -- cat keep
	assert_equal "$RC" 0
	assert_file out keep
}

@test "paths outside every share are ENOENT, for reading, writing and listing" {
	mkdir -p "$WORK/s" "$WORK/outside"
	printf 'SECRET-OUTSIDE\n' >"$WORK/outside/secret"
	printf 'x\n' >"$WORK/s/x"
	in_share out "$WORK/s" -- cat /etc/passwd /etc/hostname "$WORK/outside/secret" "$ROOT/README.md"
	assert_equal "$RC" 1
	assert_file out "$(for f in /etc/passwd /etc/hostname "$WORK/outside/secret" "$ROOT/README.md"; do
		echo "cat: $f: No such file or directory"
	done)"
	in_share out "$WORK/s" -- cp x "$WORK/outside/new"
	assert_equal "$RC" 1
	assert_file out "cp: open $WORK/outside/new: No such file or directory"
	[ ! -e "$WORK/outside/new" ] || fail "a file was made outside the share"
	in_share out "$WORK/s" -- many /etc 0
	assert_equal "$RC" 1
	assert_file out "many: opendir /etc: No such file or directory"
}

@test "a hostile partition on its share ring: the monitor lives on, the directory is unchanged, another partition is served" {
	local d=$WORK/s i

	[ -f "$GUESTS/fs_hostile.elf" ] ||
		fail "$GUESTS/fs_hostile.elf is missing: build it with 'make tests/guests/fs_hostile.elf' (make check does)"
	mkdir -p "$d/sub"
	printf 'precious\n' >"$d/victim"
	printf 'other\n' >"$d/sub/other"
	snapshot "$d" >before
	run --separate-stderr lpar run -d --name hostile -m "$MEM" --share "$d" -- \
		"$GUESTS/fs_hostile.elf" loop
	assert_success
	poll "the hostile partition's first round" has_line "$(console_of hostile)" "round 1 done"
	for i in 1 2 3; do
		in_share "ok$i" "$d" -- cat victim sub/other
		assert_equal "$RC" 0
		assert_file "ok$i" "$(printf 'precious\nother')"
	done
	# It went on attacking all the while.
	assert_equal "$(state_of hostile)" running
	run --separate-stderr lpar hcall hostile console_input 'stop\n'
	assert_success
	run timeout "$LIMIT" lpar wait hostile
	local console
	console=$(cat "$(console_of hostile)")
	[ "$status" = 0 ] || fail "lpar wait hostile: status $status, output $output; console: $console"
	assert_equal "$(state_of hostile)" exited
	grep -qx survived "$(console_of hostile)" || fail "no 'survived': $console"
	run grep '^FAIL' "$(console_of hostile)"
	assert_output ""
	snapshot "$d" >after
	same_bytes "the shared directory" before after
	in_share ok4 "$d" -- cat victim
	assert_equal "$RC" 0
}

# ---- size --------------------------------------------------------------------

@test "a sparse file past 4 GiB: seeks, writes and reads at 64-bit offsets, ftruncate, fstat" {
	mkdir -p "$WORK/src"
	same_status 0 big big.dat
	assert_file native.out "$(printf '%s\n' 'lseek to 4 GiB + 123: 4294967419' \
		'offset after write: 4294967432' 'after the writes: size 5368709124, sparse yes' \
		'read at 4 GiB + 123: past-four-gib' 'read at 5 GiB: five (then at end: 0)' \
		'nonzero bytes in the hole at 2 GiB: 0' 'lseek SEEK_END: 5368709124' \
		'after ftruncate to 6 GiB: size 6442450944, sparse yes' 'lseek SEEK_END - 1: 6442450943')"
	for k in native elf; do
		assert_equal "$(dd if="$WORK/part-$k/big.dat" bs=4096 iflag=skip_bytes,count_bytes \
			skip=4294967419 count=13 status=none)" past-four-gib
		assert_equal "$(stat -c %s "$WORK/part-$k/big.dat")" 6442450944
		[ "$(stat -c %b "$WORK/part-$k/big.dat")" -lt 1000 ] || fail "big.dat is not sparse on the host"
	done
}

@test "a directory of 10,000 entries is listed whole, each once, and stat()ed" {
	mkdir -p "$WORK/s"
	need_built many
	"$FILES/many.native" "$WORK/s/big" 10000 >made || fail "cannot make the entries: $(cat made)"
	in_share out "$WORK/s" -- many big 0 10000
	assert_equal "$RC" 0
	assert_file out "entries 10000, missing 0 of 10000, seen twice 0, others 0"
	in_share out "$WORK/s" -- statmany big 1
	assert_equal "$RC" 0
	assert_equal "$(sed 's/ ns=[0-9]*$//' out)" "files=10000 calls=10000 bytes=0"
}

@test "two partitions write different files in one share at once" {
	local d=$WORK/s pids=() i

	need_built many
	need_built cp
	make_src
	cp -a "$WORK/src" "$d"
	for i in a b; do
		bg lpar run -m "$MEM" --share "$d" -- "$FILES/many.native" "dir-$i" 300 >"many-$i.out" 2>&1
		pids+=($!)
	done
	bg lpar run -m "$MEM" --share "$d" -- "$FILES/cp.native" random.bin copy-a >cp-a.out 2>&1
	pids+=($!)
	bg lpar run -m "$MEM" --share "$d" -- "$FILES/cp.native" text.txt copy-b >cp-b.out 2>&1
	pids+=($!)
	for i in "${pids[@]}"; do
		wait_rc "$i"
		assert_equal "$RC" 0
	done
	for i in a b; do
		assert_file "many-$i.out" "entries 300, missing 0 of 300, seen twice 0, others 0"
		assert_equal "$(ls "$d/dir-$i" | wc -l)" 300
	done
	assert_file cp-a.out "copied 300000 bytes, copy-a is 300000 bytes"
	cmp "$d/random.bin" "$d/copy-a"
	cmp "$d/text.txt" "$d/copy-b"
}

@test "a config file's share and workdir lines; --share adds to them" {
	mkdir -p "$WORK/a" "$WORK/b"
	printf 'from a\n' >"$WORK/a/t.txt"
	printf 'from b\n' >"$WORK/b/t.txt"
	need_built cat
	cat >part.conf <<-EOF
		image = $FILES/cat.native
		args = t.txt /data/t.txt
		share = $WORK/a:/data:ro
		share = $WORK/b
		workdir = $WORK/b
	EOF
	run --separate-stderr lpar run -f part.conf
	assert_success
	assert_output "$(printf 'from b\nfrom a')"
	# --share adds to the file's shares.
	mkdir -p "$WORK/c"
	printf 'from c\n' >"$WORK/c/t.txt"
	run --separate-stderr lpar run -f part.conf --share "$WORK/c:/more" -- "$FILES/cat.native" \
		t.txt /data/t.txt /more/t.txt
	assert_success
	assert_output "$(printf 'from b\nfrom a\nfrom c')"
}

# ---- bad shares ----------------------------------------------------------------

# nothing_left: no partition, run directory or monitor is left.
nothing_left() {
	run lpar list -a --names
	assert_output ""
	[ -z "$(ls -A "$LPAR_RUNDIR" 2>/dev/null)" ] || fail "left in the run directory: $(ls -A "$LPAR_RUNDIR")"
	assert_no_process_left
}

@test "a missing HOSTDIR, one through a regular file, a file: a clear error, status 125, nothing left" {
	need_built cat
	printf 'x\n' >"$WORK/file"
	for h in "$WORK/nope" "$WORK/file/sub" "$WORK/file"; do
		run --separate-stderr lpar run --share "$h" -- "$FILES/cat.native" x
		assert_failure 125
		assert_output ""
		assert_stderr --regexp "^lpar: .*'$h'"
		nothing_left
		run --separate-stderr lpar create --name c --share "$h" -- "$FILES/cat.native" x
		assert_failure
		assert_stderr --regexp "^lpar: .*'$h'"
		nothing_left
	done
	run --separate-stderr lpar run --share "9p:$WORK/no.sock:/mnt" -- "$FILES/cat.native" x
	assert_failure 125
	assert_stderr --regexp "^lpar: .*'$WORK/no.sock'"
	nothing_left
}

@test "--share with a relative guest path, or none at all, is a usage error" {
	mkdir -p "$WORK/s"
	for s in "$WORK/s:relative" "" "$WORK/s:/a:rw:x"; do
		run --separate-stderr lpar run --share "$s" -- "$FILES/cat.native" x
		assert_failure 2
		assert_stderr --partial "'$s'"
	done
	nothing_left
}

# ---- an external 9P server ------------------------------------------------------

# start_diod DIR: diod serving DIR on the unix socket $WORK/diod.sock,
# without authentication; teardown ends it.
start_diod() {
	[ -x "$DIOD" ] || fail "$DIOD is missing: install the diod package (tools/deps build test)"
	bg "$DIOD" -f -n -l "$WORK/diod.sock" -e "$1" -L "$WORK/diod.log"
	poll "diod to listen on $WORK/diod.sock" test -S "$WORK/diod.sock"
}

@test "diod relayed: walk, cat, wc, cp, many, replace and mapread on what diod serves, as natively" {
	make_src
	cp -a "$WORK/src" "$WORK/exp"
	cp -a "$WORK/src" "$WORK/nat"
	start_diod "$WORK/exp"
	local p

	for p in "walk ." "cat text.txt random.bin small.txt link-to-text" "wc text.txt small.txt" \
		"cp random.bin copy.bin" "many lots 100" "replace small.txt relayed" "mapread random.bin"; do
		# shellcheck disable=SC2086 # the words are the program and its arguments
		set -- $p
		need_built "$1"
		native native.out "$WORK/nat" "$FILES/$1.native" "${@:2}"
		local nrc=$RC
		part out --share "9p:$WORK/diod.sock:$WORK/exp:/mnt/exp" -- "$FILES/$1.native" "${@:2}"
		compare_run "$p through diod" out "$nrc"
	done
	same_tree "$WORK/nat" "$WORK/exp"
}

@test "diod relayed: unlink, rmdir, rename and their errors, as natively" {
	make_src
	cp -a "$WORK/src" "$WORK/exp"
	cp -a "$WORK/src" "$WORK/nat"
	start_diod "$WORK/exp"
	need_built errs
	native native.out "$WORK/nat" "$FILES/errs.native" .
	part out --share "9p:$WORK/diod.sock:$WORK/exp:/mnt/exp" -- "$FILES/errs.native" .
	compare_run "errs through diod" out 0
	same_tree "$WORK/nat" "$WORK/exp"
}

@test "diod relayed read-only: every change is EROFS, diod's directory stays as it was" {
	make_src
	cp -a "$WORK/src" "$WORK/exp"
	mkdir -p "$WORK/exp/keepdir" "$WORK/rw"
	printf 'keep\n' >"$WORK/exp/keep"
	start_diod "$WORK/exp"
	snapshot "$WORK/exp" >before
	part out --share "9p:$WORK/diod.sock:$WORK/exp:/mnt/exp:ro" -- "$FILES/cp.native" text.txt copy2
	assert_equal "$RC" 1
	assert_file out "cp: open copy2: Read-only file system"
	part out --share "$WORK/rw" --share "9p:$WORK/diod.sock:$WORK/exp:/mnt/exp:ro" -- \
		"$FILES/errs.native" . /mnt/exp
	assert_equal "$RC" 0
	run grep '^ro: ' out
	assert_output "$(printf '%s\n' 'ro: open for reading: ok' 'ro: read: ok' 'ro: create: EROFS' \
		'ro: open for writing: EROFS' 'ro: open read-write: EROFS' 'ro: open with O_TRUNC: EROFS' \
		'ro: open for appending: EROFS' 'ro: mkdir: EROFS' 'ro: rmdir: EROFS' 'ro: unlink: EROFS' \
		'ro: rename: EROFS' 'ro: truncate: EROFS' 'ro: chmod: EROFS' 'ro: utimensat: EROFS' \
		'ro: symlink: EROFS' 'ro: link: EROFS')"
	snapshot "$WORK/exp" >after
	same_bytes "diod's directory" before after
}

# ---- lpar status and lpar trace ----------------------------------------------------

@test "lpar status lists the shares, their modes, guest and host paths, requests, and the working directory" {
	mkdir -p "$WORK/a" "$WORK/b"
	printf 'hello\n' >"$WORK/a/t.txt"
	need_built cat
	run --separate-stderr lpar run -d --name st --share "$WORK/a" --share "$WORK/b:/data:ro" \
		-- "$FILES/cat.native" t.txt -
	assert_success
	poll "the partition to print t.txt" has_line "$(console_of st)" hello
	run --separate-stderr lpar status st
	assert_success
	assert_line --regexp "^share $WORK/a <- $WORK/a \(rw, [1-9][0-9]* requests\)\$"
	assert_line "share /data <- $WORK/b (ro, 0 requests)"
	assert_line "workdir $WORK/a"
	run --separate-stderr lpar -j status st
	assert_success
	assert_equal "$(jq -c '[.shares[] | [.index, .guest, .host, .kind, .mode, .errors]]' <<<"$output")" \
		"[[0,\"$WORK/a\",\"$WORK/a\",\"dir\",\"rw\",0],[1,\"/data\",\"$WORK/b\",\"dir\",\"ro\",0]]"
	[ "$(jq '.shares[0].requests' <<<"$output")" -gt 0 ] || fail "no requests counted: $output"
	lpar rm -f st >/dev/null

	run --separate-stderr lpar create --name st2 --share "$WORK/a" --share "$WORK/b:/data" \
		--workdir /data -- "$FILES/cat.native" t.txt
	assert_success
	run --separate-stderr lpar status st2
	assert_line "share /data <- $WORK/b (rw, 0 requests)"
	assert_line "workdir /data"
}

# trace_share OUT [TRACE-OPTION...]: traces a partition that cats t.txt
# and a missing file in a share $WORK/s, from its start, into OUT; the
# tracer ends with the partition's status, 1.
trace_share() {
	local out=$1 tracer

	shift
	mkdir -p "$WORK/s"
	printf 'hello\n' >"$WORK/s/t.txt"
	need_built cat
	run --separate-stderr lpar create --name tr --share "$WORK/s" -- "$FILES/cat.native" t.txt missing
	assert_success
	bg lpar trace "$@" -o "$out" tr 2>"$out.err"
	tracer=$!
	poll "the tracer to open the trace" eval '[ -e "$out" ] || dead "$tracer"'
	[ -e "$out" ] || fail "lpar trace $* ended: $(cat "$out.err")"
	run --separate-stderr lpar start tr
	assert_success
	wait_rc "$tracer"
	assert_equal "$RC" 1
}

@test "lpar trace: each 9P request with its operation, the partition's path and its result" {
	trace_share trace.out
	run cat trace.out
	assert_line --regexp "^\+[0-9.]+ 9p walk\\(\"$WORK/s/t.txt\"\\) = 0 <[0-9]+\\.[0-9]{6}>\$"
	assert_line --regexp "^\+[0-9.]+ 9p read\\(\"$WORK/s/t.txt\", off=0, count=[0-9]+\\) = 6 <[0-9.]+>\$"
	assert_line --regexp "^\+[0-9.]+ 9p walk\\(\"$WORK/s/missing\"\\) = -2 ENOENT \\(No such file or directory\\) <[0-9.]+>\$"
	assert_line --regexp '^\+[0-9.]+ exit\(status=1\) = 0 '
	assert_regex "${lines[${#lines[@]} - 1]}" '^\+[0-9.]+ \+\+\+ exited with 1 \+\+\+$'
}

@test "lpar trace -e 9p: the 9P requests alone" {
	trace_share trace.out -e 9p
	run cat trace.out
	assert_line --regexp "^\+[0-9.]+ 9p walk\\(\"$WORK/s/t.txt\"\\) = 0 "
	assert_line --regexp "^\+[0-9.]+ 9p read\\(\"$WORK/s/t.txt\", off=0, count=[0-9]+\\) = 6 "
	refute_line --regexp '^\+[0-9.]+ [a-z_]+\('
	assert_regex "${lines[${#lines[@]} - 1]}" '^\+[0-9.]+ \+\+\+ exited with 1 \+\+\+$'
}
