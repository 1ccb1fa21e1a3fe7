#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lpar's side of shares (issue 15): --share and --workdir of lpar run and
# lpar create, the config's share and workdir keys, what lpar status shows
# of the monitor's share lines, the help and the completions.  What the
# program sees through a share is tests/shares.bats's.

load test_helper/common

bats_require_minimum_version 1.5.0

setup() {
	test_env_setup
	mkdir -p "$WORK/d1" "$WORK/d2"
}

teardown() {
	remove_partitions_and_check
}

# usage_error MESSAGE lpar-args...: exit 2, MESSAGE as the first line on
# stderr with the usage after it, nothing on stdout, no partition made.
usage_error() {
	local msg=$1

	shift
	run --separate-stderr lpar "$@"
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[0]}" "lpar: $msg"
	[[ ${stderr_lines[1]} == "usage: lpar $1 "* ]] ||
		fail "no usage after the message: $stderr"
	assert_no_partition
}

# usage_error_long PREFIX SUFFIX lpar-args...: as usage_error, for a
# message that quotes a long value (cut to fit): it starts with "lpar:
# PREFIX" and ends with SUFFIX.
usage_error_long() {
	local pre=$1 suf=$2

	shift 2
	run --separate-stderr lpar "$@"
	assert_failure 2
	assert_output ''
	[[ ${stderr_lines[0]} == "lpar: $pre"*"$suf" ]] ||
		fail "expected 'lpar: $pre...$suf', got: ${stderr_lines[0]}"
	[[ ${stderr_lines[1]} == "usage: lpar $1 "* ]] ||
		fail "no usage after the message: $stderr"
	assert_no_partition
}

# accepted lpar-args...: the options and the shares passed every check,
# lpar's own and the host directories': what stops it is the missing
# image, which is opened after them (so no monitor or library OS is
# needed to show that a spec was taken).
accepted() {
	run --separate-stderr lpar "$@" "$WORK/none.elf"
	assert_failure 125
	assert_stderr "lpar: cannot load '$WORK/none.elf': No such file or directory"
	assert_no_partition
}

# No partition in the run directory: not listed, no directory of one.
assert_no_partition() {
	run --separate-stderr lpar list -a --names
	assert_success
	assert_output ''
	[ -z "$(ls "$LPAR_RUNDIR" 2>/dev/null)" ] ||
		fail "left in $LPAR_RUNDIR: $(ls -A "$LPAR_RUNDIR")"
}

# A string of N 'x's.
xs() {
	printf 'x%.0s' $(seq "$1")
}

# ---- usage errors -----------------------------------------------------------

@test "--share with too many ':' is a usage error that says a path cannot hold ':'" {
	usage_error "invalid --share 'a:b:c': too many ':': expected HOSTDIR[:GUESTPATH][:ro] (a path that contains ':' cannot be given here)" \
		run --share a:b:c "$EX/hello.elf"
	usage_error "invalid --share 'd1:/g:ro:x': too many ':': expected HOSTDIR[:GUESTPATH][:ro] (a path that contains ':' cannot be given here)" \
		create --share d1:/g:ro:x "$EX/hello.elf"
}

@test "--share with a relative GUESTPATH is a usage error" {
	usage_error "invalid --share 'd1:guest': guest path 'guest' is not absolute (a path that contains ':' cannot be given here)" \
		run --share d1:guest "$EX/hello.elf"
	usage_error "invalid --share 'd1:g:ro': guest path 'g' is not absolute (a path that contains ':' cannot be given here)" \
		create --share d1:g:ro "$EX/hello.elf"
}

@test "--share with no HOSTDIR is a usage error" {
	usage_error "invalid --share '': no host directory given" run --share '' "$EX/hello.elf"
	usage_error "invalid --share ':ro': no host directory given" run --share :ro "$EX/hello.elf"
	usage_error "invalid --share ':/g': no host directory given" create --share :/g "$EX/hello.elf"
}

@test "a GUESTPATH of 255 bytes is taken, one of 256 is a usage error" {
	local ok="/$(xs 254)" long="/$(xs 255)"

	accepted create --share "d1:$ok"
	usage_error_long "invalid --share 'd1:/xxx" "' is too long (at most 255 bytes)" \
		run --share "d1:$long" "$EX/hello.elf"
	# Normalized first: what counts is the path the partition sees.
	accepted run --share "d2:/./$(xs 254)/"
}

@test "a HOSTDIR whose absolute path is too long to be the GUESTPATH says to give one" {
	local deep

	deep=$(xs 200)/$(xs 200)
	mkdir -p "$deep"
	usage_error_long "invalid --share 'xxx" \
		"': host directory is too long to be the guest path too (at most 255 bytes): give GUESTPATH" \
		run --share "$deep" "$EX/hello.elf"
}

@test "two shares at the same GUESTPATH, after normalization, are a usage error" {
	usage_error "invalid --share 'd2:/a/b': guest path '/a/b' is shared twice" \
		run --share d1:/a//b/./c/.. --share d2:/a/b "$EX/hello.elf"
	# Past the root, '..' stays at the root.
	usage_error "invalid --share 'd2:/x': guest path '/x' is shared twice" \
		create --share d1:/../../x/ --share d2:/x "$EX/hello.elf"
}

@test "a relative HOSTDIR is made absolute lexically, and is the default GUESTPATH" {
	mkdir real
	ln -s real link
	# Both name $WORK/d1 once normalized: the same default guest path.
	usage_error "invalid --share './d2/../d1/': guest path '$WORK/d1' is shared twice" \
		run --share d1 --share ./d2/../d1/ "$EX/hello.elf"
	# Symlinks are not resolved: link and real are two guest paths.
	accepted create --share link --share real
}

@test "more than 16 shares are a usage error" {
	local args=() i

	for i in $(seq 16); do
		args+=(--share "d1:/s$i")
	done
	accepted create "${args[@]}"
	usage_error "invalid --share 'd1:/s17': too many shares (at most 16)" \
		run "${args[@]}" --share d1:/s17 "$EX/hello.elf"
}

@test "--share 9p: needs a GUESTPATH and at most SOCKET:ANAME:GUESTPATH" {
	usage_error "invalid --share '9p:/run/x.sock': a 9P server's share needs a guest path: 9p:SOCKET[:ANAME]:GUESTPATH[:ro]" \
		run --share 9p:/run/x.sock "$EX/hello.elf"
	usage_error "invalid --share '9p:/run/x.sock:ro': a 9P server's share needs a guest path: 9p:SOCKET[:ANAME]:GUESTPATH[:ro]" \
		run --share 9p:/run/x.sock:ro "$EX/hello.elf"
	usage_error "invalid --share '9p:s:a:b:/g': too many ':': expected 9p:SOCKET[:ANAME]:GUESTPATH[:ro] (a path that contains ':' cannot be given here)" \
		create --share 9p:s:a:b:/g "$EX/hello.elf"
	usage_error "invalid --share '9p:s:/exp:srv': guest path 'srv' is not absolute" \
		run --share 9p:s:/exp:srv "$EX/hello.elf"
}

@test "--workdir must be absolute, fit, and be given once" {
	usage_error "invalid --workdir 'sub': not an absolute path" \
		run --workdir sub "$EX/hello.elf"
	usage_error_long "invalid --workdir '/xxx" "': too long (at most 255 bytes)" \
		create --workdir "/$(xs 255)" "$EX/hello.elf"
	usage_error "option '--workdir' given twice" \
		run --workdir /a --workdir /b "$EX/hello.elf"
	usage_error "option '--workdir' needs a value" run --workdir
}

# ---- host directories that are not there --------------------------------------

# no_start VERB MESSAGE-CAUSE lpar-args...: exit 125, the message, nothing left.
no_start() {
	local verb=$1 cause=$2

	shift 2
	run --separate-stderr lpar "$@"
	assert_failure 125
	assert_output ''
	assert_stderr "lpar: cannot $verb partition: $cause"
	assert_no_partition
}

@test "a missing HOSTDIR: exit 125 before any partition is made, nothing left" {
	no_start start "share '$WORK/nope': No such file or directory" \
		run --share nope "$EX/hello.elf"
	no_start start "share '$WORK/nope': No such file or directory" \
		run -d --share d1:/a --share nope:/b:ro "$EX/sleep.elf" 100000
	no_start create "share '$WORK/nope': No such file or directory" \
		create --share "$WORK/nope:/g" "$EX/hello.elf"
}

# An unreadable HOSTDIR takes the same path with EACCES's words; root (as
# CI runs) reads any directory, so tests/unit/test_hostfs.c's open_errors
# tries it as nobody instead.
@test "a HOSTDIR that is a file, or a 9P socket that is not one, is reported the same way" {
	touch file
	no_start start "share '$WORK/file': Not a directory" run --share file "$EX/hello.elf"
	# A 9P server's socket must be a socket.
	no_start create "share '$WORK/file': not a socket" \
		create --share 9p:file:/g "$EX/hello.elf"
	no_start start "share '$WORK/none.sock': No such file or directory" \
		run --share 9p:none.sock:/g "$EX/hello.elf"
}

@test "valid shares and a workdir are taken: ':ro', ':rw', a 9P socket with and without ANAME" {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
		"$WORK/srv.sock" || fail "cannot make a Unix socket"
	accepted create --share d1 --share d2:/data:ro --share d2:/data2:rw \
		--share 9p:srv.sock:/exp:/srv:ro --share 9p:srv.sock:/srv2 --workdir /data/../data/
	# A directory named "ro" is a directory when it is all there is.
	mkdir ro
	accepted run --share ro --share ro:/ro:ro --share ro:/rw:rw
}

# ---- config files ---------------------------------------------------------------

@test "config: share and workdir lines are parsed as --share and --workdir are" {
	printf 'share = d1\nshare = "d2:/data:ro"\nworkdir = /data\n' >p.conf
	accepted create -f p.conf
	printf 'image = %s\nshare = d1:rel\n' "$EX/hello.elf" >bad.conf
	run --separate-stderr lpar create -f bad.conf
	assert_failure 2
	assert_stderr "lpar: bad.conf:2: invalid share 'd1:rel': guest path 'rel' is not absolute (a path that contains ':' cannot be given here)"
	printf 'image = %s\nworkdir = data\n' "$EX/hello.elf" >bad.conf
	run --separate-stderr lpar run -f bad.conf
	assert_failure 2
	assert_stderr "lpar: bad.conf:2: invalid workdir 'data': not an absolute path"
	printf 'workdir = /a\nworkdir = /b\n' >bad.conf
	run --separate-stderr lpar run -f bad.conf
	assert_failure 2
	assert_stderr "lpar: bad.conf:2: 'workdir' given twice"
	printf 'share = d1:/g\nshare = d2:/g/\n' >bad.conf
	run --separate-stderr lpar run -f bad.conf
	assert_failure 2
	assert_stderr "lpar: bad.conf:2: invalid share 'd2:/g/': guest path '/g' is shared twice"
}

@test "config: its shares come before --share's, and count toward the 16" {
	printf 'share = d1:/g\n' >p.conf
	# The config's /g came first: the flag's is the one given twice.
	usage_error "invalid --share 'd2:/g': guest path '/g' is shared twice" \
		run -f p.conf --share d2:/g "$EX/hello.elf"
	for i in $(seq 2 16); do
		echo "share = d1:/s$i" >>p.conf
	done
	accepted create -f p.conf
	usage_error "invalid --share 'd2:/x': too many shares (at most 16)" \
		create -f p.conf --share d2:/x "$EX/hello.elf"
	echo "share = d2:/s17" >>p.conf
	run --separate-stderr lpar create -f p.conf "$EX/hello.elf"
	assert_failure 2
	assert_stderr "lpar: p.conf:17: invalid share 'd2:/s17': too many shares (at most 16)"
}

@test "config: a missing share directory is reported before anything starts" {
	printf 'share = gone\n' >p.conf
	no_start start "share '$WORK/gone': No such file or directory" run -f p.conf "$EX/hello.elf"
}

# ---- lpar status ------------------------------------------------------------------

# A status record of an ended partition NAME with share lines, as the
# monitor writes them (docs/control-tree.md): paths %-escaped.
fake_record() {
	mkdir -p -m 0700 "$LPAR_RUNDIR"
	mkdir -m 0700 "$LPAR_RUNDIR/$1"
	cat >"$LPAR_RUNDIR/$1/status" <<-'EOF'
	name fake
	state exited
	pid 1
	mem 67108864
	vcpus 1
	accel tcg
	image /x/wc.elf
	uptime 0.500
	syscalls_unsupported 0
	share 0 kind=dir mode=rw requests=12 errors=0 guest=/home/u/my%20dir host=/home/u/my%20dir
	share 1 kind=dir mode=ro requests=1 errors=2 guest=/data host=/srv/100%25%0a
	share 2 kind=9p mode=ro requests=3 errors=0 guest=/srv host=/run/diod.sock aname=/exp
	share 3 kind=9p mode=rw requests=0 errors=0 guest=/srv2 host=/run/d%20.sock
	workdir /home/u/my%20dir
	exit 0
	EOF
}

@test "lpar status shows the share and workdir lines of a status record, unescaped" {
	fake_record fake
	run --separate-stderr lpar status fake
	assert_success
	assert_line --index 9 'share /home/u/my dir <- /home/u/my dir (rw, 12 requests)'
	assert_line --index 10 'share /data <- /srv/100%\x0a (ro, 1 request, 2 errors)'
	assert_line --index 11 'share /srv <- 9p:/run/diod.sock:/exp (ro, 3 requests)'
	assert_line --index 12 'share /srv2 <- 9p:/run/d .sock (rw, 0 requests)'
	assert_line --index 13 'workdir /home/u/my dir'
	assert_line --index 14 'exit 0'
}

@test "lpar -j status has shares and workdir" {
	fake_record fake
	run --separate-stderr lpar -j status fake
	assert_success
	assert_equal "$(jq -c '.shares[0]' <<<"$output")" \
		'{"index":0,"guest":"/home/u/my dir","host":"/home/u/my dir","kind":"dir","mode":"rw","requests":12,"errors":0}'
	assert_equal "$(jq -c '.shares[1].host' <<<"$output")" '"/srv/100%\n"'
	assert_equal "$(jq -c '.shares[1] | [.mode, .requests, .errors, has("aname")]' <<<"$output")" \
		'["ro",1,2,false]'
	assert_equal "$(jq -c '.shares[2] | [.kind, .host, .aname, .guest]' <<<"$output")" \
		'["9p","/run/diod.sock","/exp","/srv"]'
	assert_equal "$(jq -c '.shares | length' <<<"$output")" 4
	assert_equal "$(jq -r '.workdir' <<<"$output")" '/home/u/my dir'
	# lpar -j list has the same object.
	run --separate-stderr lpar -j list -a
	assert_success
	assert_equal "$(jq -c '.[0].shares[3].host' <<<"$output")" '"/run/d .sock"'
}

@test "a status without share lines has an empty shares array and a null workdir" {
	run --separate-stderr lpar create --name plain "$EX/hello.elf"
	assert_success
	run --separate-stderr lpar -j status plain
	assert_success
	assert_equal "$(jq -c '[.shares, .workdir]' <<<"$output")" '[[],null]'
	run --separate-stderr lpar status plain
	assert_success
	refute_line --regexp '^share '
}

# The monitor (hv/dev_share.c) writes the share lines, but makes a
# partition with shares only if the library OS has its fs ring
# (los_fs_boot); until the library OS's side is in the tree, there is no
# such partition to look at.
require_monitor_shares() {
	[ -f "$ROOT/hv/dev_share.c" ] ||
		skip "the monitor's share device (hv/dev_share.c) is not in this tree yet"
	[ -f "$ROOT/build/los/los.elf" ] || fail "build/los/los.elf is missing (make all)"
	nm "$ROOT/build/los/los.elf" | grep -qw los_fs_boot ||
		skip "the library OS has no fs ring yet (no los_fs_boot in build/los/los.elf)"
}

@test "lpar status of a created partition shows its shares and workdir as given" {
	require_monitor_shares
	run --separate-stderr lpar create --name s --share d1 --share "d2:/da ta//x/:ro" \
		"$EX/hello.elf"
	assert_success
	run --separate-stderr lpar status s
	assert_success
	assert_line "share $WORK/d1 <- $WORK/d1 (rw, 0 requests)"
	assert_line "share /da ta/x <- $WORK/d2 (ro, 0 requests)"
	assert_line "workdir $WORK/d1"
	run --separate-stderr lpar -j status s
	assert_success
	assert_equal "$(jq -c '[.shares[] | [.index, .guest, .host, .kind, .mode]]' <<<"$output")" \
		"[[0,\"$WORK/d1\",\"$WORK/d1\",\"dir\",\"rw\"],[1,\"/da ta/x\",\"$WORK/d2\",\"dir\",\"ro\"]]"
	assert_equal "$(jq -r '.workdir' <<<"$output")" "$WORK/d1"
}

@test "--workdir overrides the config's workdir" {
	require_monitor_shares
	printf 'share = d1:/in\nworkdir = /in\n' >p.conf
	run --separate-stderr lpar create --name w -f p.conf --share d2:/out --workdir /out/./ \
		"$EX/hello.elf"
	assert_success
	run --separate-stderr lpar -j status w
	assert_success
	assert_equal "$(jq -c '[[.shares[].guest], .workdir]' <<<"$output")" '[["/in","/out"],"/out"]'
}

# ---- help and completions -----------------------------------------------------

@test "lpar run --help and lpar create --help describe --share and --workdir" {
	for c in run create; do
		run --separate-stderr lpar "$c" --help
		assert_success
		assert_line --partial '[--share SPEC]... [--workdir GUESTPATH]'
		assert_line '      --share HOSTDIR[:GUESTPATH][:ro]'
		assert_line '      --share 9p:SOCKET[:ANAME]:GUESTPATH[:ro]'
		assert_line '      --workdir GUESTPATH'
	done
}

complete_bash() {
	run bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_lpar || exit 1
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completions/lpar.bash" "$@"
	assert_success
}

@test "bash completion offers --share and --workdir, then directories for them" {
	touch d1/app.elf dfile
	complete_bash lpar run --sh
	assert_output --share
	complete_bash lpar create --wo
	assert_output --workdir
	complete_bash lpar run --share d
	assert_line d1
	assert_line d2
	refute_line dfile
	complete_bash lpar create --workdir d
	assert_line d1
	refute_line dfile
	# The directory is the option's, not the image: images are still offered.
	complete_bash lpar run --share d1 d1/
	assert_output d1/app.elf
	complete_bash lpar run --workdir=/x --share=d2 --m
	assert_output --mem
}

@test "zsh completion offers --share and --workdir with directories" {
	local branch
	for c in run create; do
		branch=$(awk -v cmd="$c" '
			$0 ~ "^[ \t]*" cmd "\\)[ \t]*$" { on = 1; next }
			on && /^[ \t]*;;/ { exit }
			on { print }' "$ROOT/completions/_lpar")
		grep -q -- '\*--share=\[.*_files -/' <<<"$branch" ||
			fail "completions/_lpar offers no --share with directories for '$c'"
		grep -q -- '--workdir=\[.*_files -/' <<<"$branch" ||
			fail "completions/_lpar offers no --workdir with directories for '$c'"
	done
}
